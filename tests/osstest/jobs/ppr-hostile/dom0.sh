# dom0 side of ppr-hostile.
. /dvm/lib/ppr.sh

# Warm-up lifecycles grow Xen's one-off structures (see leak_warmup).
warmup() {
    leak_warmup
    BEFORE=$(cat /tmp/leak-base)
    echo "$BEFORE" > /tmp/ppr-hostile.before
    info "free pages before: $BEFORE"
}

start() {
    GUEST_ARGS="dvm.wait=8000 dvm.secs=40" guest_create h1 256 ppr-hostile
    guest_follow h1
    GUEST_ARGS="dvm.procs=2 dvm.mib=16 dvm.secs=120" \
        guest_create good 256 ppr-integrity
    guest_follow good
    guest_wait h1 'DVM-GUEST-UP' 540
    guest_wait good 'DVM-PPR-CHURN-START' 540
}

hostile() {
    guest_wait h1 'DVM-PPR-HOSTILE-DONE' 500 || return 1
    grep 'DVM-PPR-HOSTILE test=bogus' "$(guest_log h1)"
    xl info | grep -E '^(xen_version|free_memory)'
    xl-ppr list -l h1 || info "h1 is gone (its counters are in the host totals)"
    guest_wait h1 'DVM-PPR-HOSTILE-DONE result=pass' 1
}

bystander() {
    guest_wait good 'DVM-PPR-CHURN result=' 400 || return 1
    xl-ppr list -l good || info "good is gone (its counters are in the host totals)"
    guest_wait good 'DVM-PPR-CHURN result=pass .*mismatches=0' 1
}

# The XTF-style tests (tests/osstest/xtf): the ABI's refusals, from guest
# user space through privcmd.  The guest's own driver is off (ppr=off) so
# that the tests own the registration.  Every test must pass: PPR is
# there, so a SKIP is a failure here.
xtf() {
    local n
    GUEST_ARGS="ppr=off xen_privcmd.unrestricted=1" guest_create hxtf 128 xtf ||
        return 1
    guest_wait hxtf 'DVM-XTF-DONE' 300 || return 1
    guest_gone hxtf 60 || return 1
    grep -a 'xtf: ' "$(guest_log hxtf)" | tr -d '\r'
    n=$(grep -ac '^xtf: [^:]*: SUCCESS' "$(guest_log hxtf)")
    info "$n XTF-style tests passed"
    [ "$n" -ge 2 ] || fail "only $n XTF-style tests passed"
    grep -aq 'DVM-XTF-DONE pass=[0-9]* fail=0 skip=0' "$(guest_log hxtf)" ||
        fail "an XTF-style test failed or skipped"
}

leak() {
    local before after
    guest_gone h1 120
    guest_gone good 200
    before=$(cat /tmp/ppr-hostile.before)
    after=$(settle_free_pages)
    info "free pages after both guests are gone: $after (before $before, delta $((after - before)))"
    [ "$after" -eq "$before" ] ||
        fail "Xen lost $((before - after)) pages across the hostile run"
}

step policy 60 ppr_default_policy 500
step warmup 900 warmup
step start 600 start
step hostile 560 hostile
step bystander 460 bystander
step xtf 420 xtf
step leak 360 leak
ppr_keydump
