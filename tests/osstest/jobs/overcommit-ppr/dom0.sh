# dom0 side of overcommit-ppr.
. /dvm/lib/pageone.sh
. /dvm/lib/ppr.sh
. /dvm/lib/overcommit.sh

KEEP_MIB=16
CHURN_MIB=160
# Far more than the hog leaves (its margin, and the reserve below min
# that refaults may take): the I/O must outrun the free frames and wait.
IO_PAGES=8192

warmup() {
    leak_warmup oc_lifecycle
}

# churn SEED: the guest frees CHURN_MIB, which Xen takes back; then no
# more reclaim for it: once the reserve is gone, no frame comes back until
# the hog goes, and every touch that needs one waits.
churn() {
    local n
    xl-ppr policy ocp --reclaim on
    n=$(po_send ocp "churn $CHURN_MIB $1") || return 1
    guest_wait ocp "DVM-PO-CHURNED n=$n( |\$)" 300 >/dev/null || return 1
    reclaimed ocp 60 || return 1
    xl-ppr policy ocp --reclaim off
}

# A 2-vCPU PPR guest keeps 16 MiB and frees 160 MiB, which Xen takes back.
create() {
    GUEST_VCPUS=2 guest_cfg ocp 256 "pageone dvm.po_mib=$KEEP_MIB dvm.po_seed=31"
    xl create "/tmp/ocp.cfg" || { fail "xl create ocp"; return 1; }
    echo 0 > /tmp/po-n-ocp
    guest_wait ocp 'DVM-PO-FILLED' 400 || return 1
    churn 41
}

# reclaimed NAME TIMEOUT: wait until the guest holds at most what it holds
# without the churned memory, so that its next allocation of CHURN_MIB
# needs refaults.  What the guest holds is the measure: a count of frames
# returned would also count pages it freed while booting, which Xen may
# still be taking back when the churn starts.
reclaimed() {
    local t=0 st tot max
    while :; do
        st=$(dvm-maxmem "$(po_id "$1")") || return 1
        tot=$(kv "$st" tot_pages); max=$(kv "$st" max_pages)
        [ "$tot" -le $((max - CHURN_MIB * 256 * 9 / 10)) ] && break
        [ $t -lt "$2" ] || { fail "$1 still holds $tot pages after $2 s"; return 1; }
        sleep 1; t=$((t + 1))
    done
    info "$1 holds $tot of $max pages after ${t}s"
}

hog() {
    oc_hog ochog 8 || return 1
    mp_show
}

# The guest takes its memory again (in a child process): its vCPU waits.
# One waiter at a time: a guest with a vCPU held in Xen cannot be relied
# on to reach a second touch (its other vCPU may well wait for the first
# in a TLB shootdown).
retouch() {
    oc_held ocp "bgalloc $CHURN_MIB 43" DVM-PO-BGALLOC 300 \
        "the guest took its memory back with no frames to give it"
}

# bgalloc_passed N: the guest's bgalloc command N ends, and its memory
# verified.
bgalloc_passed() {
    guest_wait ocp "DVM-PO-BGALLOC n=$1 " 300 || return 1
    guest_wait ocp "DVM-PO-BGALLOC n=$1 result=pass" 1 >/dev/null
}

# The hog goes: the waiting vCPU resumes, the memory it got is checked.
release() {
    local n
    read -r n < /tmp/oc-n
    xl destroy ochog
    bgalloc_passed "$n" || return 1
    guest_gone ochog 120 || return 1
    [ "$(mp mem_vcpus_waiting)" -eq 0 ] || fail "vCPUs still waiting with the hog gone"
    mp mem_waits_refault > /tmp/oc-waits
}

# Emulated string I/O (the test kernel's debugfs "ioread") into pages Xen
# reclaimed, with no frame free: Xen's emulator waits for one instead of
# treating the page as MMIO (a write dropped, a read of all ones).
ioread() {
    oc_held ocp "ioread $IO_PAGES" DVM-PO-IOREAD 120 \
        "the emulated I/O completed with no frames to write into"
}

release_io() {
    local n line
    read -r n < /tmp/oc-n
    xl destroy ochog
    line=$(guest_wait ocp "DVM-PO-IOREAD n=$n " 300) || return 1
    info "$line"
    mp_show
    info "vCPUs waited $(mp mem_waits_refault) times for a refault, $(mp mem_wait_total_ms) ms in all, the longest $(mp mem_wait_longest_ms) ms; reserve frames used $(mp mem_reserve_used)"
    [ "$(mp mem_waits_refault)" -gt "$(cat /tmp/oc-waits)" ] ||
        fail "the emulated I/O did not wait for a refault"
    [ "$(po_kv "$line" bad)" = 0 ] ||
        fail "emulated string I/O lost data: $line"
    [ "$(po_kv "$line" pages)" = $IO_PAGES ] ||
        fail "the guest found fewer than $IO_PAGES reclaimed pages to read into: $line"
    guest_gone ochog 120 || return 1
    po_verify ocp
}

# The guest at its max_pages touches pages Xen reclaimed (dvm-maxmem puts
# max_pages 1024 pages above what it holds, below the target that xl
# mem-max insists on).  That is no shortage: its vCPU waits, counted as a
# limit wait, with one console line, until the limit is raised.
limit() {
    local id st tot max0 w0
    churn 53 || return 1
    id=$(po_id ocp) || return 1
    st=$(dvm-maxmem "$id") || return 1
    tot=$(kv "$st" tot_pages); max0=$(kv "$st" max_pages)
    echo "$max0" > /tmp/oc-max0
    w0=$(mp mem_waits_limit)
    info "ocp: $st; max_pages set to $((tot + 1024))"
    dvm-maxmem "$id" $((tot + 1024)) || return 1
    oc_held ocp "bgalloc $CHURN_MIB 59" DVM-PO-BGALLOC 300 \
        "the guest grew past its max_pages" || return 1
    [ "$(mp mem_waits_limit)" -gt "$w0" ] ||
        { fail "the waits were not counted as limit waits"; return 1; }
    xl dmesg | grep -a "is at max_pages" | tail -n 1
    xl dmesg | grep -aq "d$id is at max_pages" ||
        fail "no console line for the domain at max_pages"
}

# The limit goes back up: the waiting vCPU resumes, the memory it got is
# checked.
unlimit() {
    local n
    read -r n < /tmp/oc-n
    dvm-maxmem "$(po_id ocp)" "$(cat /tmp/oc-max0)" || return 1
    bgalloc_passed "$n" || return 1
    [ "$(mp mem_vcpus_waiting)" -eq 0 ] || fail "vCPUs still waiting with room again"
    mp_show
}

leak() {
    xl-ppr policy ocp --reclaim on
    xl destroy ocp
    guest_gone ocp 120 || return 1
    leak_check "$(cat /tmp/leak-base)" "the guests' lifetime"
}

step policy 60 ppr_default_policy 1000
step warmup 900 warmup
step create 600 create
step hog 300 hog
step retouch 500 retouch
step release 600 release
step rechurn 600 churn 47
step hog-again 300 hog
step ioread 300 ioread
step release-io 600 release_io
step limit 600 limit
step unlimit 400 unlimit
step leak 400 leak
