# dom0 side of bench-ppr-reclaim: for a contiguous free (ppr-reclaim's
# workload: 16 + 128 MiB filled, 128 MiB freed), a fragmented one
# (ppr-fragmented's: every other 4 KiB page of 128 MiB) and the contiguous
# one in an HVM guest with QEMU as its device model, 32 MiB of the 128
# written to its disk by DMA before the free (hvm-ppr-reclaim's), print Xen's free
# pages every 100 ms for 20 s from the guest's free, on the console:
#   BENCH-RECLAIM-BASE mode=M free=PAGES freed_pages=N
#   BENCH-RECLAIM-SAMPLE mode=M t_ms=T free=PAGES
# scripts/bench.sh turns them into the report's rows and plot.
. /dvm/lib/ppr.sh

# one MODE WORKLOAD ALLOCATED_MARKER FREED_MARKER
one() {
    local g=b$1 base= t0 t freed
    GUEST_ARGS="dvm.mib=128 dvm.keep=16 dvm.hold=60 dvm.wait=25" \
        guest_create "$g" 256 "$2"
    guest_wait "$g" "$3" 540 >/dev/null || return 1
    stable_free_pages 5000 >/dev/null
    grep -q "$4" "$(guest_log "$g")" &&
        { fail "$g freed before Xen's free memory was stable"; return 1; }
    # The base is the last sample before the free (PPR may still be
    # reclaiming the guest's boot-time free memory until then).
    while ! grep -q "$4" "$(guest_log "$g")"; do
        base=$(xen_free_pages)
        sleep 0.1
    done
    t0=$(now_ms)
    freed=$(sed -n "s/.*$4.*pages=\([0-9]*\).*/\1/p" "$(guest_log "$g")" | head -n 1)
    echo "BENCH-RECLAIM-BASE mode=$1 free=$base freed_pages=$freed"
    while :; do
        t=$(( $(now_ms) - t0 ))
        [ $t -le 20000 ] || break
        echo "BENCH-RECLAIM-SAMPLE mode=$1 t_ms=$t free=$(xen_free_pages)"
        sleep 0.1
    done
    guest_wait "$g" "DVM-GUEST-DONE run=$2 rc=0" 300 >/dev/null || return 1
    guest_gone "$g" 120
}

# fault: the stock baseline for Xen's cost per reclaimed page, measured on
# this hypervisor: dom0 (a PV guest, so Xen validates each of its page
# table updates) maps 32 MiB, writes one word per page and unmaps it, in
# rounds for 20 s (dvm-ppr bench, taken from the guest initramfs); ns per
# page faulted in and freed, median of the rounds.
#   BENCH-FAULT median_ns=N min_ns=N
fault() {
    local x=/tmp/fault-initrd line
    rm -rf "$x"; mkdir -p "$x"
    (cd "$x" && zcat "$DVM_GUEST_INITRD" | cpio -id 2>/dev/null)
    [ -x "$x/bin/dvm-ppr" ] || { fail "no dvm-ppr in the guest initramfs"; return 1; }
    line=$("$x/bin/dvm-ppr" bench -m 32 -t 20 | grep '^DVM-PPR-BENCH result=done') ||
        { rm -rf "$x"; fail "dvm-ppr bench in dom0"; return 1; }
    rm -rf "$x"
    echo "$line"
    echo "BENCH-FAULT $(echo "$line" | grep -o 'median_ns=[0-9]*') $(echo "$line" | grep -o 'min_ns=[0-9]*')"
}

step fault 300 fault
step contiguous 900 one reclaim ppr-reclaim 'DVM-PPR-ALLOCATED' 'DVM-PPR-FREED'
step fragmented 900 one frag ppr-fragmented 'DVM-PPR-FRAG-ALLOCATED' 'DVM-PPR-FRAG-FREED'
hvm() {
    GUEST_TYPE=hvm GUEST_DISK=/tmp/bench-disk.img
    dd if=/dev/zero of="$GUEST_DISK" bs=1M count=32 2>/dev/null || return 1
    one hvm hvm-reclaim 'DVM-PPR-ALLOCATED' 'DVM-PPR-FREED'
    rm -f "$GUEST_DISK"
}
step hvm 900 hvm
xl-ppr info 2>/dev/null | sed 's/^/BENCH-INFO /'
