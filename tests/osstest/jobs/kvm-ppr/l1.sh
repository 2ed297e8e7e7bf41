# L1 side of kvm-ppr: every scenario of the KVM port in one boot of the L1
# host (Debian's stock kernel with our kvm modules, Debian's QEMU with
# accel kvm, our guest kernel as L2), one step each.  Sourced by the L1
# init after /dvm/lib.sh; our modules are loaded (dvm.kvm=dvm).
#
# L1's free memory (MemFree, exact to the page) and QEMU's RSS are read in
# L1; the counters from the VM's KVM debugfs "ppr" file and from QEMU's
# query-stats; data checks are the L2 workloads' own markers.

PERIOD_MS=2000          # module default for the reclaim scenarios
N_MIB=128

# stable_memfree_kb PERIOD_MS: L1's MemFree once two samples a scan period
# apart are within 1 MiB (PPR takes the guest's boot-time free memory in
# its first periods).
stable_memfree_kb() {
    local prev=-1 cur i=0 s
    s=$(awk "BEGIN { print $1 / 1000 }")
    cur=$(memfree_kb)
    while [ $i -lt 30 ]; do
        sleep "$s"
        prev=$cur
        cur=$(memfree_kb)
        [ $((cur - prev)) -le 1024 ] && [ $((prev - cur)) -le 1024 ] && break
        i=$((i + 1))
    done
    echo "$cur"
}

# rise_within VM BASE_KB RSS0_KB WANT_KB MS: sample L1's free memory and
# the VM's RSS at 5 Hz for MS ms; RISE/DROP/ELAPSED are the first sample
# where both reached WANT_KB, or the last one; HALF the time both first
# reached half of it.  A rise that misses MS is followed for another MS
# and LATE says when it came (a report: the step has failed already).
rise_within() {
    local t0 now m r
    t0=$(now_ms)
    HALF=-; LATE=-
    while :; do
        now=$(now_ms)
        m=$(memfree_kb)
        r=$(vm_rss_kb "$1")
        r=$(($3 - ${r:-$3}))
        m=$((m - $2))
        if [ "$LATE" = - ]; then
            RISE=$m; DROP=$r; ELAPSED=$((now - t0))
        fi
        [ "$HALF" = - ] && [ $m -ge $(($4 / 2)) ] && [ $r -ge $(($4 / 2)) ] &&
            HALF=$((now - t0))
        if [ $m -ge "$4" ] && [ $r -ge "$4" ]; then
            [ "$LATE" = - ] && return 0
            LATE="$((now - t0)) ms"
            return 1
        fi
        if [ $((now - t0)) -ge "$5" ] && [ "$LATE" = - ]; then
            LATE="not within $((2 * $5)) ms"
        fi
        [ $((now - t0)) -ge $((2 * $5)) ] && return 1
        sleep 0.2
    done
}

ppr_show() {
    info "$1: $(vm_ppr_all "$1")"
}

# thp_stats: the host's huge page events so far (faults, splits, the
# collapses khugepaged made).
thp_stats() {
    grep -E '^(thp_fault_alloc|thp_split_page|thp_split_page_failed|thp_split_pmd|thp_collapse_alloc) ' /proc/vmstat | tr '\n' ' '
}

base() {
    l1_splats_check base
    info "THP $(cat /sys/kernel/mm/transparent_hugepage/enabled), khugepaged max_ptes_none $(cat /sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none)"
    kvm-ppr info
    kvm_param ppr_period_ms $PERIOD_MS
    LEAK_BASE=$(settle_memfree_kb)
    echo "$LEAK_BASE" > /tmp/leak-base
    info "L1 MemFree before any VM: $LEAK_BASE kB"
}

# kvm-ppr-reclaim and kvm-ppr-fragmented run in one guest (one L2 boot):
# it fills 16 + 128 MiB, frees the 128 MiB, re-maps them (zeroes), then
# fills 128 MiB and frees every other 4 KiB page.
reclaim() {
    local base rss0 ret0 ref0 want ret ref st
    VM_N=1 GUEST_ARGS="dvm.mib=$N_MIB dvm.keep=16 dvm.hold=12 dvm.wait=6 dvm.fmib=$N_MIB dvm.fhold=12 dvm.fwait=10" \
        vm_start r1 256 kvm-reclaim
    vm_follow r1
    vm_wait r1 'DVM-PPR-ALLOCATED' 300
    base=$(stable_memfree_kb $PERIOD_MS)
    rss0=$(vm_rss_kb r1)
    ! grep -q 'DVM-PPR-FREED' /tmp/r1.log ||
        { fail "the guest freed before L1's free memory was stable"; return 1; }
    ret0=$(vm_ppr r1 frames_returned)
    ref0=$(vm_ppr r1 refaulted)
    info "L1 MemFree with the guest's $N_MIB MiB in use: $base kB, QEMU RSS $rss0 kB, frames_returned $ret0"
    vm_wait_fast r1 'DVM-PPR-FREED' 60
    want=$((N_MIB * 1024 * 95 / 100))
    rise_within r1 "$base" "$rss0" $want $((2 * PERIOD_MS)) || true
    info "within $ELAPSED ms of DVM-PPR-FREED: L1 free +$RISE kB, QEMU RSS -$DROP kB (95% of $N_MIB MiB is $want kB; two periods $((2 * PERIOD_MS)) ms); half of it at $HALF ms; reached late: $LATE"
    ppr_show r1
    info "$(thp_stats)"
    # QEMU's own view of the same counters (KVM_GET_STATS_FD).
    st=$(vm_qmp r1 '{"execute":"query-stats","arguments":{"target":"vm","providers":[{"provider":"kvm","names":["ppr_frames_returned","ppr_reclaimed"]}]}}' |
         grep -o '"name": *"ppr_frames_returned", *"value": *[0-9]*' | grep -o '[0-9]*$')
    info "query-stats: ppr_frames_returned $st"
    [ $RISE -ge $want ] && [ $DROP -ge $want ] ||
        { fail "L1 got only $RISE kB free and QEMU $DROP kB smaller ($want wanted) within two periods"; return 1; }
    [ -n "$st" ] && [ "$st" -ge $((ret0 + want / 4)) ] ||
        { fail "query-stats shows ppr_frames_returned '$st'"; return 1; }
    vm_wait r1 'DVM-PPR-RECLAIM result=' 120 | grep -q 'result=pass' ||
        { fail "the guest's data check failed"; return 1; }
    ret=$(($(vm_ppr r1 frames_returned) - ret0))
    ref=$(($(vm_ppr r1 refaulted) - ref0))
    info "since the base sample: frames_returned +$ret refaulted +$ref pages (want >= $((want / 4)) each)"
    [ $ret -ge $((want / 4)) ] && [ $ref -ge $((want / 4)) ] ||
        fail "KVM's counters do not show the reclaim and the refaults"
}

fragmented() {
    local base rss0 want freed
    vm_wait r1 'DVM-PPR-FRAG-ALLOCATED' 120
    base=$(stable_memfree_kb $PERIOD_MS)
    rss0=$(vm_rss_kb r1)
    info "L1 MemFree with the 128 MiB in use: $base kB, QEMU RSS $rss0 kB"
    vm_wait_fast r1 'DVM-PPR-FRAG-FREED' 60
    freed=$(sed -n 's/.*DVM-PPR-FRAG-FREED pages=\([0-9]*\).*/\1/p' /tmp/r1.log | head -n 1)
    want=$((freed * 4 * 90 / 100))
    rise_within r1 "$base" "$rss0" $want $((4 * PERIOD_MS)) || true
    info "within $ELAPSED ms of the free of $freed single pages: L1 free +$RISE kB, QEMU RSS -$DROP kB (90% is $want kB); half of it at $HALF ms; reached late: $LATE"
    ppr_show r1
    grep -E 'AnonHugePages|Thp' /proc/meminfo | tr -s ' ' | tr '\n' ' '; echo
    [ "$freed" -ge 16000 ] && [ $RISE -ge $want ] && [ $DROP -ge $want ] ||
        { fail "fragmented free: only $RISE kB back ($want wanted)"; return 1; }
    vm_wait r1 'DVM-PPR-FRAG result=' 120 | grep -q 'result=pass' ||
        { fail "kept pages changed or freed ones did not read zero"; return 1; }
    vm_wait r1 'DVM-GUEST-DONE run=kvm-reclaim rc=0' 60
    vm_gone r1 60
}

integrity() {
    local r
    vm_cleanup
    dvm-disk mkimg /tmp/disk.img 32 0xd15c
    VM_N=2 GUEST_ARGS="dvm.procs=3 dvm.mib=16 dvm.secs=${INTEGRITY_SECS:-100} dvm.diskmib=8" \
        VM_ARGS="-drive file=/tmp/disk.img,if=virtio,format=raw,readonly=on" \
        vm_start i1 256 kvm-integrity
    # A scan period of 200 ms for this VM: claims race the guest's churn.
    vm_policy i1 --scan-ms 200
    vm_follow i1
    vm_wait i1 'DVM-KVM-INTEGRITY result=' $((${INTEGRITY_SECS:-100} + 300)) \
        > /tmp/i1.res || { cat /tmp/i1.res; return 1; }
    ppr_show i1
    r=$(cat /tmp/i1.res)
    grep 'DVM-DISK result=' /tmp/i1.log | tr -d '\r'
    grep 'DVM-PPR-CHURN result=' /tmp/i1.log | tr -d '\r'
    [ "$(vm_ppr i1 reclaimed)" -gt 0 ] && [ "$(vm_ppr i1 refaulted)" -gt 0 ] ||
        { fail "no reclaim or no refault during the churn"; return 1; }
    case "$r" in
        *result=pass*) ;;
        *) fail "data mismatch: $r"; return 1 ;;
    esac
    vm_gone i1 60
    rm -f /tmp/disk.img
}

hostile() {
    vm_cleanup
    VM_N=3 GUEST_ARGS="dvm.wait=3000 dvm.secs=30" vm_start h1 256 kvm-hostile
    vm_policy h1 --scan-ms 500
    VM_N=4 GUEST_ARGS="dvm.procs=2 dvm.mib=16 dvm.secs=${HOSTILE_SECS:-120}" \
        vm_start good 256 ppr-integrity
    vm_policy good --scan-ms 500
    vm_follow h1
    vm_follow good
    vm_wait h1 'DVM-KVM-HOSTILE result=' 500 > /tmp/h1.res ||
        { cat /tmp/h1.res; return 1; }
    ppr_show h1
    grep 'DVM-PPR-HOSTILE test=\(bogus\|huge\|flap\|lie\)' /tmp/h1.log | tr -d '\r'
    vm_wait good 'DVM-PPR-CHURN result=' 300 > /tmp/good.res ||
        { cat /tmp/good.res; return 1; }
    ppr_show good
    vm_gone h1 60
    vm_gone good 60
    l1_splats_check hostile
    grep -q 'result=pass' /tmp/h1.res || { fail "hostile guest: $(cat /tmp/h1.res)"; return 1; }
    grep -q 'result=pass .*mismatches=0' /tmp/good.res ||
        { fail "the bystander saw: $(cat /tmp/good.res)"; return 1; }
}

# L1's free memory with no VM, against the base: within LEAK_TOL_KB.
leak() {
    local before after d
    vm_cleanup
    rm -f /tmp/disk.img
    before=$(cat /tmp/leak-base)
    after=$(settle_memfree_kb)
    d=$((before - after))
    info "L1 MemFree before the first VM $before kB, after the last one $after kB: $d kB less (tolerance ${LEAK_TOL_KB:-4096} kB)"
    grep -E '^(MemFree|Slab|SUnreclaim|PageTables|Shmem|AnonPages|KernelStack):' /proc/meminfo | tr -s ' ' | tr '\n' ' '; echo
    [ $d -le "${LEAK_TOL_KB:-4096}" ] ||
        fail "L1 lost $d kB across the VMs"
}

# The same guest on Debian's own kvm modules: the driver stays off.
stock() {
    local base m
    vm_cleanup
    kvm_unload || { fail "cannot unload our kvm modules"; return 1; }
    kvm_load stock || { fail "cannot load Debian's kvm modules"; return 1; }
    [ "$(kvm_flavour)" = stock ] || { fail "kvm still has PPR"; return 1; }
    VM_N=5 GUEST_ARGS="dvm.mib=64 dvm.keep=16 dvm.hold=4 dvm.wait=6" \
        vm_start s1 256 ppr-reclaim
    vm_follow s1
    vm_wait s1 'DVM-PPR-STATS tag=boot .*off_reason=no-hypervisor-support' 300 ||
        return 1
    vm_wait s1 'DVM-PPR-ALLOCATED' 120
    base=$(settle_memfree_kb)
    vm_wait_fast s1 'DVM-PPR-FREED' 60
    sleep 6
    m=$(memfree_kb)
    info "stock kvm: L1 MemFree $base kB before the guest freed 64 MiB, $m kB 6 s after"
    [ $((m - base)) -lt 4096 ] ||
        { fail "stock kvm: L1 got $((m - base)) kB back"; return 1; }
    vm_wait s1 'DVM-PPR-RECLAIM result=' 120 | grep -q 'result=pass' ||
        { fail "data check failed on stock kvm"; return 1; }
    vm_gone s1 60
}

step base 60 base
step kvm-ppr-reclaim 300 reclaim
step kvm-ppr-fragmented 240 fragmented
step kvm-ppr-integrity 500 integrity
step kvm-ppr-hostile 500 hostile
step kvm-ppr-leak 120 leak
step kvm-ppr-stock 300 stock
