# dom0 side of bench-density.  Guests d1, d2, ... (128 MiB, the burst
# workload: 80 MiB peak held 2 s once a minute, each at its own phase) are
# started one after another, each DENSITY_SETTLE s after the previous one
# came up, until one does not fit:
#   - xl-ppr's admission refuses it (xl-ppr create -n: not enough free
#     above the min watermark plus reclaimable), or xl create fails (Xen
#     has not the memory to build it),
#   - a guest does not come up within 300 s,
#   - a guest crashes, reports a data mismatch, or stalls (no burst for
#     PERIOD + 90 s: a vCPU waiting for memory Xen has not got).
# A guest lost to a triple fault (triple_fault below) is not a guest that
# did not fit: it is destroyed, counted and left out, and the run goes on.
# Then (or at DENSITY_MAX guests, or once DENSITY_FILL_S s are gone: the
# host's CPUs, not its memory, can be the limit under TCG; the reason is
# printed) all of them run on for PERIOD + 30 s
# under the same checks, so that every guest has burst at least once.
# Console lines for scripts/bench.sh:
#   BENCH-DENSITY-SAMPLE n=N free=PAGES        (N: guests running)
#   BENCH-DENSITY-LOST guest=NAME domid=ID rip=CS:[<RIP>]
#   BENCH-DENSITY-STOP n=N reason=WHY
#   BENCH-DENSITY-RESULT fit=N failed=N triple_faults=N reason=WHY
#   BENCH-DENSITY-WAITS mem_waits_cow=N ... mem_wait_longest_ms=N
#                       mem_vcpus_waiting=N (waits not over at the end:
#                       the totals count a wait when it ends)
#   BENCH-INFO <xl-ppr info line>   (Xen's totals: CPU time per engine)
. /dvm/lib/ppr.sh

# Each step runs in a subshell: the number of guests started is kept in
# /tmp/density-n, the guests lost to a triple fault in /tmp/density-lost.
MEM=128
PEAK=80
PERIOD=60
DENSITY_SETTLE=8
DENSITY_MAX=24
DENSITY_FILL_S=480
n=0
echo 0 > /tmp/density-n
: > /tmp/density-lost

# bursts NAME: bursts the guest has completed.
bursts() {
    grep -c 'DVM-PPR-BURST n=' "$(guest_log "$1")" 2>/dev/null
}

# triple_fault NAME: the RIP of Xen's dump of the guest's triple fault, or
# false (no triple fault of it in Xen's console ring).  Under QEMU's nested
# SVM a guest now and then triple-faults right after Xen resumes it from
# an exit (docs/ppr-xen.md, open problems): at the start of the guest's
# clear_page (its rep stos, nothing stored yet: where a PPR-reclaimed or
# PageONE-shared page takes a nested page fault), after an instruction
# Xen emulated, or with Xen's own registers in the guest's state (cs e008,
# the instruction after VMRUN).  Such a guest was lost to that fault, not
# to a lack of memory.
triple_fault() {
    local id
    id=$(cat "/tmp/density-$1-id" 2>/dev/null) || return 1
    xl dmesg | grep -A5 "d${id}v[0-9]* Triple fault" |
        sed -n 's/.*RIP: *\([0-9a-f]*:\[<[0-9a-f]*>\]\).*/\1/p' |
        head -n 1 | grep .
}

# fault_lost NAME: if the guest ended by a triple fault, destroy it, list
# it in /tmp/density-lost and say so on the console.
fault_lost() {
    local rip
    rip=$(triple_fault "$1") || return 1
    echo "BENCH-DENSITY-LOST guest=$1 domid=$(cat "/tmp/density-$1-id") rip=$rip" >&2
    echo "$1" >> /tmp/density-lost
    xl destroy "$1" 2>/dev/null || true
}

# lost: guests lost to a triple fault so far; is_lost NAME: one of them.
lost() {
    echo $(( $(wc -l < /tmp/density-lost) ))
}
is_lost() {
    grep -qx "$1" /tmp/density-lost
}

# running: guests started and not lost to a triple fault.
running() {
    echo $((n - $(lost)))
}

# health: the name and failure of the first unhealthy guest, if any.  A
# guest lost to a triple fault is destroyed and listed in /tmp/density-lost.
# /tmp/density-NAME holds "BURSTS SINCE": the burst count and when it last
# changed.
health() {
    local i g b now last since st
    now=$(date +%s)
    for i in $(seq "$n"); do
        g=d$i
        is_lost "$g" && continue
        st=$(guest_state "$g")
        case $st in
        gone|*c*)
            fault_lost "$g" && continue
            echo "$g crashed ($st)"; return 1 ;;
        esac
        grep -q 'DVM-PPR-BURST.*mismatches=[1-9]' "$(guest_log "$g")" &&
            { echo "$g data mismatch"; return 1; }
        b=$(bursts "$g")
        read -r last since < "/tmp/density-$g"
        if [ "$b" != "$last" ]; then
            echo "$b $now" > "/tmp/density-$g"
        elif [ $((now - since)) -gt $((PERIOD + 90)) ]; then
            echo "$g stalled (no burst for $((now - since)) s)"; return 1
        fi
    done
    return 0
}

system() {
    xl info | grep -E '^(xen_version|xen_extra|free_memory|xen_commandline) '
    xl-ppr info 2>&1 | grep -E '^(ppr_enabled|dedup) '
    info "Xen free memory before the guests: $(xen_free_pages) pages"
}

fill() {
    local g why adm t_end=$(( $(date +%s) + DENSITY_FILL_S ))
    while [ "$(running)" -lt $DENSITY_MAX ]; do
        why=$(health) || break
        [ "$(date +%s)" -lt $t_end ] ||
            { why="time budget ($DENSITY_FILL_S s) used up"; break; }
        g=d$((n + 1))
        GUEST_ARGS="dvm.peak=$PEAK dvm.period=$PERIOD dvm.hold=2 dvm.seed=$((n + 1))" \
            guest_cfg "$g" $MEM burst
        # Admission first: a guest Xen cannot back (free above min plus
        # what PPR can reclaim) is refused with the numbers, which ends
        # the run.  Where xl-ppr cannot judge (stock Xen), xl create does.
        if ! adm=$(xl-ppr create -n "/tmp/$g.cfg" 2>&1); then
            case $adm in
            *"does not fit"*)
                why="refused at admission: $(echo "$adm" | grep -m1 'does not fit')"
                break ;;
            esac
        fi
        if ! xl create "/tmp/$g.cfg" > "/tmp/$g.create" 2>&1; then
            # libxl's first error is the cause; its last one is clean-up.
            why="xl create $g: $(grep -m1 'error' "/tmp/$g.create" ||
                                 tail -n 1 "/tmp/$g.create")"
            xl destroy "$g" 2>/dev/null || true
            break
        fi
        n=$((n + 1))
        echo "$n" > /tmp/density-n
        echo "0 $(date +%s)" > "/tmp/density-$g"
        xl domid "$g" > "/tmp/density-$g-id" 2>/dev/null || true
        if ! guest_wait "$g" 'DVM-GUEST-UP' 300 > /dev/null; then
            fault_lost "$g" && continue
            why="$g did not come up"
            n=$((n - 1))
            echo "$n" > /tmp/density-n
            xl destroy "$g" 2>/dev/null || true
            break
        fi
        sleep $DENSITY_SETTLE
        echo "BENCH-DENSITY-SAMPLE n=$(running) free=$(xen_free_pages)"
    done
    echo "BENCH-DENSITY-STOP n=$(running) reason=${why:-$DENSITY_MAX guests (the cap)}"
}

hold() {
    local t=0 why= failed=0 i
    n=$(cat /tmp/density-n)
    while [ $t -lt $((PERIOD + 30)) ]; do
        why=$(health) && why= || break
        sleep 10; t=$((t + 10))
    done
    [ -z "$why" ] || failed=1
    for i in $(seq "$n"); do
        if is_lost "d$i"; then
            echo "d$i: $(bursts "d$i") bursts, lost to a triple fault"
        else
            echo "d$i: $(bursts "d$i") bursts, $(guest_state "d$i")"
        fi
    done
    echo "BENCH-DENSITY-RESULT fit=$(($(running) - failed)) failed=$failed triple_faults=$(lost) reason=${why:-none}"
    echo "BENCH-DENSITY-FREE free=$(xen_free_pages)"
    # How often and how long vCPUs waited for memory (0s on stock Xen).
    echo "BENCH-DENSITY-WAITS $(xl-ppr info 2>/dev/null |
        sed -n 's/^\(mem_waits_[a-z]*\|mem_wait_total_ms\|mem_wait_longest_ms\|mem_vcpus_waiting\) *: *\([0-9]*\).*/\1=\2/p' |
        tr '\n' ' ')"
    xl-ppr list 2>/dev/null | head -n 40
    xl-ppr info 2>/dev/null | sed 's/^/BENCH-INFO /'
}

step system 60 system
step fill 2400 fill
step hold 400 hold
# The guests were the measurement; the boot's next check (host-clean)
# expects only dom0.
step teardown 180 destroy_guests
