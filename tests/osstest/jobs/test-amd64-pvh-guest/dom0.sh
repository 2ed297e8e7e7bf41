# dom0 side of test-amd64-pvh-guest.

pvh_create() {
    guest_create pvh1 256 memtest
    xl list
}

pvh_boot() {
    guest_wait pvh1 'DVM-GUEST-UP' 300
    # On an idle host the workload can be over (and the guest gone) by now.
    xl list pvh1 || info "pvh1 has already run its workload"
}

pvh_workload() {
    guest_wait pvh1 'DVM-MEMTEST result=' 600 > /tmp/result
    cat /tmp/result
    grep -q 'result=pass' /tmp/result || fail "data mismatch in the guest"
}

pvh_shutdown() {
    guest_wait pvh1 'DVM-GUEST-DONE run=memtest rc=0' 120
    guest_gone pvh1 120
    xl list
}

step guest-create 180 pvh_create
step guest-boot 320 pvh_boot
step guest-workload 620 pvh_workload
step guest-shutdown 260 pvh_shutdown
guest_dump pvh1
