# dom0 side of leak-check.  Warm-up guest lifecycles grow Xen's one-off
# structures (dom0's grant maptrack, see leak_warmup in lib/dom0.sh);
# every later cycle must give back exactly what it took.

# lifecycle NAME: create a guest that runs the data workload, wait until
# it powers itself off, then wait until the domain is gone.
lifecycle() {
    guest_create "$1" 256 memtest
    guest_wait "$1" 'DVM-GUEST-DONE run=memtest rc=0' 600
    guest_gone "$1" 120
}

# destroyed NAME: a guest killed while running (xl destroy).
destroyed() {
    idle_lifecycle "$1" 256
}

leak_cycle() {
    local before after
    before=$(settle_free_pages)
    info "free pages before $2: $before"
    "$1" "$2"
    after=$(settle_free_pages)
    info "free pages after $2: $after (delta $((after - before)))"
    [ "$after" -eq "$before" ] ||
        fail "Xen lost $((before - after)) pages across $2's lifetime"
}

warmup() {
    leak_warmup lifecycle
}

step warmup 1500 warmup
step leak-poweroff 800 leak_cycle lifecycle leak1
step leak-destroy 500 leak_cycle destroyed leak2
step leak-poweroff-again 800 leak_cycle lifecycle leak3
