# development aid: reproduce guest deaths/hangs under short periods.
round() {
    kvm_param ppr_period_ms "$2"
    dvm-disk mkimg /tmp/disk.img 32 0xd15c
    VM_N=1 GUEST_ARGS="dvm.procs=3 dvm.mib=16 dvm.secs=40 dvm.diskmib=8" \
        VM_ARGS="-drive file=/tmp/disk.img,if=virtio,format=raw,readonly=on" \
        vm_start a$1 256 kvm-integrity
    VM_N=2 GUEST_ARGS="dvm.procs=2 dvm.mib=16 dvm.secs=40" vm_start b$1 256 ppr-integrity
    vm_wait a$1 'DVM-KVM-INTEGRITY result=' 200; ra=$?
    vm_wait b$1 'DVM-PPR-CHURN result=' 100; rb=$?
    info "round $1 period $2: a=$ra b=$rb $(vm_ppr_all a$1)"
    vm_cleanup
    rm -f /tmp/disk.img
    [ $ra = 0 ] && [ $rb = 0 ]
}
step r1 400 round 1 200
step r2 400 round 2 500
step r3 400 round 3 200
step r4 400 round 4 500
