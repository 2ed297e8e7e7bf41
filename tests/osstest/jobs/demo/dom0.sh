# dom0 side of the demo.  Lines starting with "DEMO:" are what `dvm demo`
# shows the user.
. /dvm/lib/ppr.sh

demo() {
    sed 's/^/DEMO: /'
}

demo_xen() {
    xl info | grep -E '^(host|xen_version|xen_extra|virt_caps|nr_cpus|total_memory|free_memory)' | demo
    xl-ppr info | grep -E '^(dynamicvm|free_pages)' | demo
}

demo_start() {
    local g
    for g in demo1 demo2; do
        guest_create "$g" 256 idle
    done
    for g in demo1 demo2; do
        guest_wait "$g" 'DVM-GUEST-IDLE' 300 >/dev/null
        grep -m1 'DVM-GUEST-UP' "$(guest_log "$g")" | tr -d '\r' |
            sed "s/^/$g console: /" | demo
    done
    echo "PVH guests running:" | demo
    xl list | demo
    echo "Xen free memory with the guests running: $(($(xen_free_pages) / 256)) MiB" | demo
}

demo_workload() {
    echo "A PVH guest writes and verifies 3 x 64 MiB:" | demo
    guest_create demo0 256 memtest
    guest_wait demo0 'DVM-MEMTEST result=' 700 > /tmp/demo0.result
    tr -d '\r' < /tmp/demo0.result | demo
    grep -q 'result=pass' /tmp/demo0.result || fail "guest data mismatch"
    guest_wait demo0 'DVM-GUEST-DONE' 120 >/dev/null
    guest_gone demo0 120
    echo "It powered off; Xen free memory: $(($(settle_free_pages) / 256)) MiB" | demo
}

demo_stop() {
    local g
    for g in demo1 demo2; do
        xl destroy "$g"
        guest_gone "$g" 120
    done
    echo "Guests destroyed; Xen free memory: $(($(settle_free_pages) / 256)) MiB" | demo
}

# PPR: memory a guest frees comes back to Xen (the fork); on stock Xen it
# stays with the guest.  Xen's free memory is sampled every 2 s.
demo_ppr() {
    local base free t t0 r
    echo "PPR: a guest fills 16 + 128 MiB, then frees the 128 MiB inside the guest:" | demo
    GUEST_ARGS="dvm.mib=128 dvm.keep=16 dvm.hold=60 dvm.wait=16" \
        guest_create demo3 256 ppr-reclaim
    guest_wait demo3 'DVM-PPR-ALLOCATED' 540 >/dev/null
    base=$(stable_free_pages 5000)
    echo "  Xen free memory while the guest holds it all: $((base / 256)) MiB" | demo
    wait_marker demo3 'DVM-PPR-FREED'
    t0=$(now_ms)
    t=0
    while [ $t -le 14 ]; do
        free=$(xen_free_pages)
        echo "  $t s after the guest freed it: Xen free memory $((free / 256)) MiB ($(((free - base) / 256)) MiB back)" | demo
        sleep 2
        t=$((($(now_ms) - t0) / 1000))
    done
    guest_wait demo3 'DVM-PPR-RECLAIM result=' 300 > /tmp/demo3.result
    r=$(tr -d '\r' < /tmp/demo3.result)
    case "$r" in
    *result=pass*)
        echo "  The guest allocated the memory again: it reads zeroes, and its 16 MiB kept meanwhile are intact." | demo ;;
    *)
        echo "  $r" | demo; fail "guest data check failed" ;;
    esac
    xl-ppr list demo3 2>/dev/null | demo
    guest_wait demo3 'DVM-GUEST-DONE' 120 >/dev/null
    guest_gone demo3 120
}

step xen 120 demo_xen
step guest-workload 800 demo_workload
step ppr 900 demo_ppr
step guests-start 600 demo_start
step guests-stop 300 demo_stop
guest_dump demo1
