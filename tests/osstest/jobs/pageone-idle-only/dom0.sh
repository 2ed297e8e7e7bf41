# dom0 side of pageone-idle-only.  Two 1-vCPU guests spinning keep both
# (emulated) CPUs busy, so the idle vCPUs never run.
. /dvm/lib/pageone.sh

create() {
    po_guest pou1 128 24 7 4 || return 1
    po_guest pou2 128 24 7 4 || return 1
    guest_wait pou1 'DVM-PO-FILLED' 400 && guest_wait pou2 'DVM-PO-FILLED' 400
}

# spin_window SECONDS: both guests spin; print scanned before/after the
# middle part of the window (inside the window for sure).
spin_window() {
    local n1 n2 s0 s1
    n1=$(po_send pou1 "spin $1") && n2=$(po_send pou2 "spin $1") || return 1
    sleep 10
    s0=$(po_info scanned)
    sleep $(( $1 - 25 ))
    s1=$(po_info scanned)
    guest_wait pou1 "DVM-PO-SPUN n=$n1" $(( $1 + 60 )) >/dev/null &&
        guest_wait pou2 "DVM-PO-SPUN n=$n2" $(( $1 + 60 )) >/dev/null || return 1
    echo "$((s1 - s0))" > /tmp/po-delta
    info "scanned during the busy window: $((s1 - s0))"
}

# Budget 0, both CPUs busy: the engine runs only when the scheduler has
# nothing else to run.  Under QEMU that still happens for an instant now
# and then (an idle-loop call scans one chunk of 256 pages), so allow at
# most 16 chunks over the window; a timer-driven scan would do millions.
busy_budget0() {
    "$PO_CTL" set run=1 budget=0
    spin_window 60 || return 1
    cp /tmp/po-delta /tmp/po-delta0
    [ "$(cat /tmp/po-delta)" -le 4096 ] || fail "budget 0 and busy CPUs, yet $(cat /tmp/po-delta) pages scanned"
}

# Budget 20%: the timer scans while the CPUs are busy, at least 100 times
# what budget 0 did (and at least 25600 pages).
busy_budget20() {
    local d0
    "$PO_CTL" set budget=20
    spin_window 60 || return 1
    "$PO_CTL" set budget=0
    d0=$(cat /tmp/po-delta0)
    [ "$d0" -ge 256 ] || d0=256
    [ "$(cat /tmp/po-delta)" -ge $((d0 * 100)) ] ||
        fail "budget 20%: $(cat /tmp/po-delta) pages scanned while busy, not 100 times budget 0's"
}

idle_progress() {
    local t=0 m0
    m0=$(po_info merged)
    while [ "$(po_dom pou1 pages_shared)" -lt $((24 * 256)) ]; do
        [ $t -lt 900 ] || { po_show pou1 pou2; fail "idle: fill not merged"; return 1; }
        sleep 10; t=$((t + 10))
    done
    po_show pou1 pou2
    info "merged while idle: $(( $(po_info merged) - m0 )), idle CPU $(po_info idle_ms) ms, timer $(po_info timer_ms) ms"
    po_verify pou1 pou2
}

step policy 60 po_policy run=0 budget=0 period=500
step tools 60 po_tools
step warmup 900 po_warmup
step create 600 create
step busy-budget0 300 busy_budget0
step busy-budget20 300 busy_budget20
step idle 1000 idle_progress
step leak 400 po_leak pou1 pou2
