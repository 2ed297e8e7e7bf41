# dom0 side of leak-check.  Warm-up guest lifecycles grow Xen's one-off
# structures (dom0's grant maptrack, see warmup); every later cycle must
# give back exactly what it took.

# lifecycle NAME: create a guest that runs the data workload, wait until
# it powers itself off, then wait until the domain is gone.
lifecycle() {
    guest_create "$1" 256 memtest
    guest_wait "$1" 'DVM-GUEST-DONE run=memtest rc=0' 600
    guest_gone "$1" 120
}

# destroyed NAME: a guest killed while running (xl destroy).
destroyed() {
    guest_create "$1" 256 idle
    guest_wait "$1" 'DVM-GUEST-IDLE' 300
    xl destroy "$1"
    guest_gone "$1" 120
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

# pin MASK: run the dom0 processes that map guest memory (xenstored,
# xenconsoled, this step's shell and the xl it starts) on the vCPUs in
# MASK.
pin() {
    local p
    for p in $(cat /run/xen/xenstored.pid /run/xen/xenconsoled.pid) \
             $(exec sh -c 'echo $PPID'); do
        taskset -p "$1" "$p" >/dev/null || fail "taskset $1 $p"
    done
}

# Xen grows some structures a page at a time and keeps them: dom0's grant
# maptrack per dom0 vCPU that maps a guest's rings (xenconsoled,
# xenstored), xmalloc pools.  Stock Xen "loses" a page the first time or
# two.  Warm up, from each dom0 vCPU in turn, until a lifecycle gives back
# exactly what it took; a real leak never gets there.
warmup() {
    local i before after deltas=
    for i in 0 1 2 3 4 5; do
        pin $((1 << (i % 2)))
        before=$(settle_free_pages)
        lifecycle "warm$i"
        after=$(settle_free_pages)
        deltas="$deltas $((after - before))"
        info "warm-up $i: free pages $before -> $after"
        [ $i -ge 1 ] && [ "$after" -eq "$before" ] && break
    done
    pin 3
    [ "$after" -eq "$before" ] ||
        fail "no warm-up lifecycle gave back what it took (deltas:$deltas)"
}

step warmup 1500 warmup
step leak-poweroff 800 leak_cycle lifecycle leak1
step leak-destroy 500 leak_cycle destroyed leak2
step leak-poweroff-again 800 leak_cycle lifecycle leak3
