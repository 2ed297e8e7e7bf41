# Dynamic VM osstest: dom0 helpers of the overcommit jobs (functions only,
# no steps).  They drain Xen's free memory with a hog guest and watch the
# memory pressure state xl-ppr reports (docs/memory-pressure.md).  Sourced
# as /dvm/lib/overcommit.sh after lib/dom0.sh.

# mp KEY: the value of KEY in `xl-ppr info` (mem_free_pages,
# wmark_min_pages, mem_vcpus_waiting, mem_waits_cow, ...).
mp() {
    xl-ppr info | sed -n "s/^$1 *: *//p"
}

# mp_show: the pressure lines, for the log.
mp_show() {
    xl-ppr info | grep -E '^(mem_|wmark_)'
}

# oc_hog NAME MARGIN_MIB: a guest that takes Xen's free memory down to the
# min watermark plus MARGIN_MIB.  It is created paused (it never runs: its
# memory is all it is for) and its size is what xl-ppr's admission says
# the host can back, less the margin.
oc_hog() {
    local free min need mib over
    free=$(mp mem_free_pages); min=$(mp wmark_min_pages)
    mib=$(( (free - min) / 256 - $2 ))
    # What libxl adds to a guest of that size (paging pool, extra pages).
    guest_cfg "$1" "$mib" idle
    need=$(xl-ppr create -n "/tmp/$1.cfg" 2>&1 | sed -n 's/.*needs \([0-9]*\) MiB.*/\1/p')
    [ -n "$need" ] || { fail "xl-ppr create -n printed no verdict"; return 1; }
    over=$((need - mib))
    mib=$((mib - over))
    guest_cfg "$1" "$mib" idle
    info "hog $1: $mib MiB (+$over MiB of Xen's per-domain memory), free $free pages, min $min"
    xl create -p "/tmp/$1.cfg" || { fail "xl create $1 (the hog)"; return 1; }
    info "after the hog: free $(mp mem_free_pages) pages (min $min)"
}

# oc_wait_waiting N TIMEOUT: wait until at least N vCPUs wait for memory.
oc_wait_waiting() {
    local t=0
    while [ "$(mp mem_vcpus_waiting)" -lt "$1" ]; do
        [ $t -lt "$2" ] || { mp_show; fail "fewer than $1 vCPUs waiting for memory after $2 s"; return 1; }
        sleep 1; t=$((t + 1))
    done
    info "$(mp mem_vcpus_waiting) vCPU(s) waiting for memory after ${t}s"
}

# oc_holds NAME: what the guest holds (its tot_pages and max_pages), for
# the log.
oc_holds() {
    info "$1: $(dvm-maxmem "$(po_id "$1")")"
}

# oc_held NAME COMMAND MARKER TIMEOUT WHY: send COMMAND to the guest, which
# answers "MARKER n=<n> ..." once done.  Within TIMEOUT s a vCPU must wait
# for memory, and 10 s later the guest must still be up and not have
# answered (WHY is the failure if it has).  The command's number is left
# in /tmp/oc-n for the step that releases the memory.
oc_held() {
    local n
    n=$(po_send "$1" "$2") || return 1
    echo "$n" > /tmp/oc-n
    oc_wait_waiting 1 "$4" || { oc_holds "$1"; guest_tail "$1"; return 1; }
    sleep 10
    oc_alive "$1" || return 1
    mp_show
    ! grep -q "$3 n=$n " "$(guest_log "$1")" || fail "$5"
}

# oc_alive NAME...: every guest still exists and has not crashed (they
# run with on_crash = "preserve").
oc_alive() {
    local g st
    for g in "$@"; do
        st=$(guest_state "$g")
        case $st in
        gone|*c*) guest_died "$g" "(alive)"; return 1 ;;
        esac
    done
}

# oc_lifecycle NAME: the overcommit jobs' warm-up lifecycle, of the jobs'
# shape: a 2-vCPU guest and a paused one (the hog) at the same time, so
# that dom0's grant maptrack and event channels reach what the job needs
# (a warm-up of one guest at a time leaves a page for the job to take).
oc_lifecycle() {
    GUEST_VCPUS=2 guest_create "$1-a" 128 idle || return 1
    guest_cfg "$1-b" 64 idle
    xl create -p "/tmp/$1-b.cfg" || { fail "xl create $1-b"; return 1; }
    guest_wait "$1-a" 'DVM-GUEST-IDLE' 300 || return 1
    xl destroy "$1-a"; xl destroy "$1-b"
    guest_gone "$1-a" 120 && guest_gone "$1-b" 120
}
