# dom0 side of ppr-integrity.
. /dvm/lib/ppr.sh

SECS=150

start() {
    GUEST_ARGS="dvm.procs=4 dvm.mib=16 dvm.secs=$SECS" \
        guest_create c1 256 ppr-integrity
    guest_follow c1
    guest_wait c1 'DVM-GUEST-UP' 540
}

churn() {
    local rec ref
    ppr_watch c1 'DVM-PPR-CHURN result=' $((SECS + 200))
    xl list
    xl list c1 2>/dev/null | grep -q -- '-c-' && { fail "guest crashed"; return 1; }
    guest_wait c1 'DVM-PPR-CHURN result=pass .*mismatches=0' 1 || return 1
    cat /tmp/c1.ppr
    rec=$(ppr_sampled c1 reclaimed)
    ref=$(ppr_sampled c1 refaulted)
    info "Xen (last sample during the churn): reclaimed $rec refaulted $ref restored $(ppr_sampled c1 restored)"
    [ "${rec:-0}" -gt 0 ] && [ "${ref:-0}" -gt 0 ] ||
        fail "Xen did not reclaim and refault during the churn"
}

finish() {
    guest_wait c1 'DVM-GUEST-DONE run=ppr-integrity rc=0' 120
    guest_gone c1 120
}

step policy 60 ppr_default_policy 200
step start 600 start
step churn $((SECS + 260)) churn
step finish 180 finish
ppr_keydump
