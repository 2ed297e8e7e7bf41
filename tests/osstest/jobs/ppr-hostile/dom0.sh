# dom0 side of ppr-hostile.
. /dvm/lib/ppr.sh

# hostile_lifecycle NAME: the warm-up's lifecycle, of the job's shapes: a
# guest of two vCPUs (flap-destroy's) that registers the largest array
# once (huge's: a vmap of 255 frames grows the vmap area's page tables
# and bitmap, which Xen keeps).
hostile_lifecycle() {
    GUEST_VCPUS=2 guest_create "$1" 256 ppr-huge || return 1
    guest_wait "$1" 'DVM-GUEST-DONE run=ppr-huge rc=0' 300 ||
        { xl destroy "$1"; return 1; }
    guest_gone "$1" 120
}

# Warm-up lifecycles grow Xen's one-off structures (see leak_warmup).
warmup() {
    leak_warmup hostile_lifecycle
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

# While h1 has the largest array Xen accepts registered (FREE past its
# RAM: Xen's scan claims and refuses hole after hole), dom0 times a
# hypercall every millisecond (dvm-latency): the longest call must stay
# under HUGE_MAX_US, a generous bound under emulation (a scan that ran
# unpreempted through the array would show up as seconds).
HUGE_MAX_US=100000

huge() {
    local pid line
    guest_wait h1 'DVM-PPR-HUGE-BEGIN' 300 >/dev/null || return 1
    dvm-latency 600 > /tmp/huge-latency &
    pid=$!
    guest_wait h1 'DVM-PPR-HUGE-END' 300 >/dev/null || { kill $pid; return 1; }
    kill -TERM $pid; wait $pid
    line=$(cat /tmp/huge-latency)
    grep -a 'test=huge' "$(guest_log h1)" | tr -d '\r'
    info "dom0's hypercalls meanwhile: $line"
    [ "$(kv "$line" calls)" -gt 0 ] || { fail "no hypercall timed"; return 1; }
    [ "$(kv "$line" max_us)" -lt $HUGE_MAX_US ] ||
        fail "a hypercall of dom0 took $(kv "$line" max_us) us (bound $HUGE_MAX_US)"
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

# A guest registers and unregisters from both its vCPUs (test-flap) and is
# destroyed meanwhile: Xen tears the domain down in the middle of
# registration changes.  The leak check below covers its memory.
flap_destroy() {
    GUEST_VCPUS=2 GUEST_ARGS="ppr=off xen_privcmd.unrestricted=1 dvm.flap_secs=600" \
        guest_create hflap 128 flap || return 1
    guest_wait hflap 'flappers for' 300 || return 1
    sleep 10
    case $(guest_state hflap) in
    gone|*c*) guest_died hflap 'flapping'; return 1 ;;
    esac
    ! grep -q 'xtf: flap: ' "$(guest_log hflap)" ||
        { guest_tail hflap; fail "test-flap ended before the destroy"; return 1; }
    xl destroy hflap || { fail "xl destroy hflap"; return 1; }
    guest_gone hflap 120
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
step huge 600 huge
step hostile 560 hostile
step bystander 460 bystander
step xtf 420 xtf
step flap-destroy 420 flap_destroy
step leak 360 leak
ppr_keydump
