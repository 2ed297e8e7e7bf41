# dom0 side of ppr-reclaim (and of ppr-stock, which sets PPR_EXPECT=none,
# and of the HVM jobs, which set GUEST_TYPE=hvm and a disk).  The guest
# fills KEEP + N MiB, holds, frees N MiB, waits, then re-maps and checks;
# dom0 measures Xen's free memory around the free.  With $PPR_DISK_MIB,
# the guest (workload hvm-reclaim) also writes that much of the N MiB to
# its disk, $GUEST_DISK, and reads it back after the reclaim; dom0 then
# compares the image with what the guest read.  $PPR_HOLD is how long the
# guest holds its memory before the free (default 60 s: time for Xen's
# free memory to settle under PPR); PPR_LEAK=1 adds warm-up lifecycles of
# the same guest's shape first and an exact leak check at the end.
. /dvm/lib/ppr.sh

: "${PPR_EXPECT:=reclaim}" "${PPR_RUN:=ppr-reclaim}" "${PPR_DISK_MIB:=0}"
: "${PPR_HOLD:=60}" "${PPR_LEAK:=0}"
N_MIB=128
PERIOD_MS=5000
r1=${PPR_GUEST:-r1}

# The disk image, before any guest that has it attached.
disk() {
    rm -f "$GUEST_DISK"
    dd if=/dev/zero of="$GUEST_DISK" bs=1M count="$PPR_DISK_MIB" 2>/dev/null ||
        fail "no room for a $PPR_DISK_MIB MiB disk image"
}

start() {
    GUEST_ARGS="dvm.mib=$N_MIB dvm.keep=16 dvm.hold=$PPR_HOLD dvm.wait=30 dvm.disk_mib=$PPR_DISK_MIB" \
        guest_create $r1 256 "$PPR_RUN" || return 1
    guest_follow $r1
    guest_wait $r1 'DVM-PPR-ALLOCATED' 540
}

measure() {
    local base want
    base=$(stable_free_pages $PERIOD_MS)
    grep -q 'DVM-PPR-FREED' "$(guest_log $r1)" &&
        { fail "the guest freed before Xen's free memory was stable"; return 1; }
    info "free pages with the guest's $N_MIB MiB in use: $base"
    ppr_host_field ppr_frames_returned > /tmp/r1.ret0
    ppr_host_field ppr_refaulted > /tmp/r1.ref0
    wait_marker $r1 'DVM-PPR-FREED'
    want=$((N_MIB * 256 * 95 / 100))
    # Two periods (dom0 notices the marker up to 0.2 s late).
    rise_within "$base" $want $((2 * PERIOD_MS)) || true
    info "free pages rose by $RISE (peak $PEAK) in a sample started $ELAPSED ms after DVM-PPR-FREED (it took $SAMPLE_MS ms); 95% of $N_MIB MiB is $want"
    xl-ppr list -l $r1 || true
    if [ "$PPR_EXPECT" = none ]; then
        [ $PEAK -lt 256 ] ||
            { fail "stock Xen: free memory rose by $PEAK pages"; return 1; }
        return 0
    fi
    [ $RISE -ge $want ] && [ $ELAPSED -le $((2 * PERIOD_MS)) ] ||
        fail "free memory rose by only $RISE pages ($want wanted) within two periods"
}

verify() {
    guest_wait $r1 'DVM-PPR-RECLAIM result=' 300
    guest_wait $r1 'DVM-PPR-RECLAIM result=pass' 1 || return 1
    [ "$PPR_EXPECT" = none ] || return 0
    guest_wait $r1 'DVM-PPR-STATS tag=boot .*off_reason=no-hypervisor-support' 1
}

# The guest's last read of its disk and the image QEMU wrote agree, and
# hold the guest's data (not the zeroes the image was made of).
disk_check() {
    local g h z
    g=$(sed -n 's/.*DVM-HVM-DISK sha256=\([0-9a-f]*\).*/\1/p' "$(guest_log $r1)")
    h=$(sha256sum < "$GUEST_DISK" | cut -d' ' -f1)
    z=$(head -c $((PPR_DISK_MIB << 20)) /dev/zero | sha256sum | cut -d' ' -f1)
    info "disk image sha256 $h, the guest read $g"
    [ -n "$g" ] && [ "$g" = "$h" ] && [ "$h" != "$z" ] ||
        fail "the disk image does not hold what the guest wrote and read"
}

# Once the guest is gone its counters are in Xen's host totals (the only
# PPR guest of the run): from the base sample on, Xen returned the N MiB
# and the guest's re-map refaulted them.
finish() {
    local ret ref want=$((N_MIB * 256 * 95 / 100))
    guest_wait $r1 "DVM-GUEST-DONE run=$PPR_RUN rc=0" 120
    guest_gone $r1 120
    [ "$PPR_DISK_MIB" -eq 0 ] || disk_check || return 1
    [ "$PPR_EXPECT" = none ] && return 0
    xl-ppr info | grep '^ppr_'
    ret=$(($(ppr_host_field ppr_frames_returned) - $(cat /tmp/r1.ret0)))
    ref=$(($(ppr_host_field ppr_refaulted) - $(cat /tmp/r1.ref0)))
    info "Xen since the base sample: frames_returned +$ret refaulted +$ref (want >= $want each)"
    [ $ret -ge $want ] && [ $ref -ge $want ] ||
        fail "Xen's counters do not show the reclaim and the refaults"
}

leak() {
    leak_check "$(cat /tmp/leak-base)" "$r1's lifetime"
}

[ "$PPR_DISK_MIB" -eq 0 ] || step disk 60 disk
[ "$PPR_LEAK" = 0 ] || step warmup 900 leak_warmup
[ "$PPR_EXPECT" = none ] || step policy 60 ppr_default_policy $PERIOD_MS
step start 600 start
step measure 200 measure
step verify 360 verify
step finish 180 finish
[ "$PPR_EXPECT" = none ] || ppr_keydump
[ "$PPR_LEAK" = 0 ] || step leak 300 leak
[ "$PPR_DISK_MIB" -eq 0 ] || rm -f "$GUEST_DISK"
