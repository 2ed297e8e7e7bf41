# L1 side of kvm-bench: for each system (ppr: our kvm with the guest's PPR
# driver, at the default 5 s period; fpr: ppr=off in the guest and QEMU's
# virtio-balloon-pci with free-page-reporting=on; none: ppr=off, no
# balloon) one guest runs the contiguous free (fill 16 + 128 MiB, free
# 128 MiB) then the fragmented one (fill 128 MiB, free every other 4 KiB
# page).  After each free, L1's free memory and QEMU's RSS are sampled for
# BENCH_SECS s:
#   BENCH-KVM-BASE sys=S mode=M freed_kib=F memfree_kb=B rss_kb=R
#   BENCH-KVM-SAMPLE sys=S mode=M t_ms=T memfree_kb=F rss_kb=R

BENCH_SECS=${BENCH_SECS:-20}

sample() {
    local sys=$1 mode=$2 vm=$3 freed=$4 t0 now end
    t0=$(now_ms)
    end=$((t0 + BENCH_SECS * 1000))
    while :; do
        now=$(now_ms)
        echo "BENCH-KVM-SAMPLE sys=$sys mode=$mode t_ms=$((now - t0)) memfree_kb=$(memfree_kb) rss_kb=$(vm_rss_kb "$vm")"
        [ "$now" -ge "$end" ] && break
        sleep 0.1
    done
}

run_sys() {
    local sys=$1 n=$2 vm=b$1 guest="" qemu="" f
    case $sys in
        fpr) guest=ppr=off; qemu="-device virtio-balloon-pci,free-page-reporting=on" ;;
        none) guest=ppr=off ;;
    esac
    VM_N=$n GUEST_ARGS="$guest dvm.mib=128 dvm.keep=16 dvm.hold=20 dvm.wait=$((BENCH_SECS + 2)) dvm.fmib=128 dvm.fhold=20 dvm.fwait=$((BENCH_SECS + 2))" \
        VM_ARGS="$qemu" vm_start "$vm" 256 kvm-reclaim
    vm_wait "$vm" 'DVM-PPR-ALLOCATED' 300 >/dev/null || return 1
    sleep 12
    echo "BENCH-KVM-BASE sys=$sys mode=reclaim freed_kib=$((128 * 1024)) memfree_kb=$(memfree_kb) rss_kb=$(vm_rss_kb "$vm")"
    vm_wait_fast "$vm" 'DVM-PPR-FREED' 60 || return 1
    sample "$sys" reclaim "$vm"
    vm_wait "$vm" 'DVM-PPR-FRAG-ALLOCATED' 200 >/dev/null || return 1
    sleep 12
    base="memfree_kb=$(memfree_kb) rss_kb=$(vm_rss_kb "$vm")"
    vm_wait_fast "$vm" 'DVM-PPR-FRAG-FREED' 60 || return 1
    f=$(sed -n 's/.*DVM-PPR-FRAG-FREED pages=\([0-9]*\).*/\1/p' "/tmp/$vm.log" | head -n 1)
    echo "BENCH-KVM-BASE sys=$sys mode=frag freed_kib=$((f * 4)) $base"
    sample "$sys" frag "$vm"
    vm_wait "$vm" 'DVM-GUEST-DONE' 200
    info "$sys: $(grep -a -o 'DVM-PPR-\(RECLAIM\|FRAG\) result=[a-z]*' "/tmp/$vm.log" | tr '\n' ' ')"
    [ -n "$(vm_dir "$vm")" ] && info "$sys: $(tr '\n' ' ' < "$(vm_dir "$vm")/ppr")"
    vm_gone "$vm" 60
}

step bench-ppr 600 run_sys ppr 1
step bench-fpr 600 run_sys fpr 2
step bench-none 600 run_sys none 3
