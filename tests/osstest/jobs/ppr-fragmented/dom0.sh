# dom0 side of ppr-fragmented.
. /dvm/lib/ppr.sh

PERIOD_MS=2000

start() {
    GUEST_ARGS="dvm.mib=128 dvm.hold=40 dvm.wait=20" \
        guest_create f1 256 ppr-fragmented
    guest_follow f1
    guest_wait f1 'DVM-PPR-FRAG-ALLOCATED' 540
}

measure() {
    local base pages want
    base=$(stable_free_pages $PERIOD_MS)
    grep -q 'DVM-PPR-FRAG-FREED' "$(guest_log f1)" &&
        { fail "the guest freed before Xen's free memory was stable"; return 1; }
    info "free pages with the guest's region in use: $base"
    wait_marker f1 'DVM-PPR-FRAG-FREED'
    pages=$(sed -n 's/.*DVM-PPR-FRAG-FREED pages=\([0-9]*\).*/\1/p' \
            "$(guest_log f1)" | head -n 1)
    [ "${pages:-0}" -ge 16000 ] ||
        { fail "the guest freed only '$pages' pages"; return 1; }
    want=$((pages * 90 / 100))
    rise_within "$base" $want $((4 * PERIOD_MS)) || true
    info "free pages rose by $RISE (peak $PEAK) $ELAPSED ms after the guest freed $pages single pages; 90% is $want"
    xl-ppr list -l f1
    [ $RISE -ge $want ] ||
        fail "only $RISE of $pages freed pages came back ($want wanted)"
}

verify() {
    guest_wait f1 'DVM-PPR-FRAG result=' 300
    guest_wait f1 'DVM-PPR-FRAG result=pass' 1 || return 1
    guest_wait f1 'DVM-GUEST-DONE run=ppr-fragmented rc=0' 120
    guest_gone f1 120
}

step policy 60 ppr_default_policy $PERIOD_MS
step start 600 start
step measure 200 measure
step verify 360 verify
ppr_keydump
