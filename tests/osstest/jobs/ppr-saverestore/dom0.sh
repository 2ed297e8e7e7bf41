# dom0 side of ppr-saverestore.
. /dvm/lib/ppr.sh

start() {
    GUEST_ARGS="dvm.mib=32 dvm.secs=60" guest_create s1 128 ppr-hold
    guest_follow s1
    guest_wait s1 'DVM-PPR-HOLD-START' 540
}

# Wait until Xen has returned at least the 32 MiB the guest freed.
reclaimed() {
    local ret i=0
    while [ $i -lt 60 ]; do
        ret=$(ppr_field s1 frames_returned)
        [ "${ret:-0}" -ge 8192 ] && break
        sleep 1
        i=$((i + 1))
    done
    xl-ppr list -l s1
    [ "${ret:-0}" -ge 8192 ] ||
        fail "Xen returned only '$ret' frames of the guest before the save"
}

# The image lands in dom0's /tmp (tmpfs, half of dom0's 512 MiB).  Saving
# maps every gfn, so the pages Xen reclaimed come back as zero pages and
# the image holds the guest's full 128 MiB; the restored driver re-arms
# them for reclaim.
saverestore() {
    df -k /tmp
    xl save s1 /tmp/s1.save || { fail "xl save"; return 1; }
    ls -l /tmp/s1.save
    domain_exists s1 && { fail "s1 still exists after xl save"; return 1; }
    xl restore /tmp/s1.save || { fail "xl restore"; return 1; }
    rm -f /tmp/s1.save
    xl list
}

after() {
    local rc
    # The driver registers again on resume (a new domain for Xen).
    rc=0
    ppr_field_wait s1 registered = yes 60 || rc=1
    xl-ppr list -l s1
    [ $rc -eq 0 ] ||
        { fail "the restored guest did not register again"; return 1; }
    guest_wait s1 'DVM-PPR-HOLD result=' 400 || return 1
    guest_wait s1 'DVM-PPR-HOLD result=pass .*mismatches=0' 1 || return 1
    guest_wait s1 'DVM-GUEST-DONE run=ppr-hold rc=0' 120
    guest_gone s1 120
}

step policy 60 ppr_default_policy 1000
step start 600 start
step reclaimed 120 reclaimed
step saverestore 400 saverestore
step after 600 after
ppr_keydump
