# dom0 side of the demo.  Lines starting with "DEMO:" are what `dvm demo`
# shows the user.

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

step xen 120 demo_xen
step guest-workload 800 demo_workload
step guests-start 600 demo_start
step guests-stop 300 demo_stop
guest_dump demo1
