# Dynamic VM osstest: dom0-side helpers, sourced by the dom0 init before a
# job script.  Every line a step prints reaches the serial log; the host
# parses the markers:
#
#   DVM-STEP-BEGIN <step> timeout=<seconds>
#   DVM-STEP-END <step> pass|fail|skip rc=<n>
#
# and enforces the timeout.  Job scripts call `step NAME TIMEOUT FUNCTION
# [ARGS]`; FUNCTION returns non-zero (or calls `fail`) on failure, and
# returns 77 (or calls `skip`) when a precondition of the step is absent.

DVM_GUEST_KERNEL=/dvm/guest/bzImage
DVM_GUEST_INITRD=/dvm/guest/initrd.gz
DVM_CONSOLE_DIR=/var/log/xen/console

step() {
    local name=$1 timeout=$2 rc
    shift 2
    echo "DVM-STEP-BEGIN $name timeout=$timeout"
    ( set -e; "$@" )
    rc=$?
    case $rc in
    0)  echo "DVM-STEP-END $name pass rc=0" ;;
    77) echo "DVM-STEP-END $name skip rc=77" ;;
    *)  echo "DVM-STEP-END $name fail rc=$rc" ;;
    esac
    return $rc
}

fail() {
    echo "FAIL: $*"
    return 1
}

# skip REASON: the step cannot run here (XTF's SKIP); never a pass.
skip() {
    echo "SKIP: $*"
    return 77
}

info() {
    echo "INFO: $*"
}

# kv "LINE" KEY: the value of KEY in a line of key=value words.
kv() {
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# xl: the toolstack, with each guest boot marked on the console
# (DVM-GUEST-CREATE, written to /dev/console so that a caller's
# redirection cannot swallow it): run-flight counts triple faults per
# guest boot from these (docs/harness.md).
xl() {
    [ "${1:-}" = create ] &&
        echo "DVM-GUEST-CREATE" > /dev/console 2>/dev/null
    command xl "$@"
}

# xen_free_pages: Xen's free memory, exact, in 4 KiB pages.
xen_free_pages() {
    xl-ppr info -p
}

# guest_cfg NAME MEM_MIB RUN [EXTRA_XL_LINES]: write /tmp/NAME.cfg for a
# PVH guest running our guest kernel with workload RUN.  $GUEST_ARGS, if
# set, is appended to the guest kernel command line (e.g. "dvm.mib=64");
# $GUEST_VCPUS (default 1) is its number of vCPUs, $GUEST_INITRD its
# initramfs (default the guest initramfs).
# tsc_mode native: QEMU's qemu64 has no invariant TSC, so Xen would
# otherwise intercept every RDTSC (each clock read of the guest); guests
# under QEMU's nested SVM were seen to triple-fault on resuming from such
# intercepts, on the fork and on stock Xen alike (docs/harness.md).
#
# GUEST_TYPE=hvm makes it an HVM guest with QEMU as its device model
# (docs/hvm.md): QEMU loads the same kernel (direct kernel boot through
# hvmloader and SeaBIOS), the console is QEMU's serial port on a pty
# (guest_console logs it), and $GUEST_DISK, if set, is a raw image attached
# as an emulated IDE disk (its PV side served by QEMU too: qdisk, no
# blkback and hotplug script in dom0).  No VGA: a headless server guest, and no video
# RAM populated by QEMU.
guest_cfg() {
    local console=hvc0 hvm=
    if [ "${GUEST_TYPE:-pvh}" = hvm ]; then
        # Every access to QEMU's UART is an exit to Xen and an ioreq to
        # QEMU in dom0, so the kernel's informational boot messages stay
        # off it (docs/hvm.md); warnings and worse still show.
        console="ttyS0 loglevel=5"
        hvm="device_model_version = \"qemu-xen\"
serial = \"pty\"
vga = \"none\"
vnc = 0
${GUEST_DISK:+disk = [ \"format=raw,vdev=hda,access=rw,backendtype=qdisk,target=$GUEST_DISK\" ]}"
    fi
    echo "${GUEST_TYPE:-pvh}" > "/tmp/$1.type"
    cat > "/tmp/$1.cfg" <<CFG
name = "$1"
type = "${GUEST_TYPE:-pvh}"
kernel = "$DVM_GUEST_KERNEL"
ramdisk = "${GUEST_INITRD:-$DVM_GUEST_INITRD}"
memory = $2
vcpus = ${GUEST_VCPUS:-1}
extra = "console=$console dvm.run=$3${GUEST_ARGS:+ $GUEST_ARGS}"
$hvm
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
tsc_mode = "native"
$4
CFG
}

# guest_create NAME MEM_MIB RUN [EXTRA_XL_LINES]
guest_create() {
    guest_cfg "$@"
    if [ "${GUEST_TYPE:-pvh}" = hvm ]; then
        xl create -p "/tmp/$1.cfg" || { fail "xl create $1"; return 1; }
        guest_console "$1" || return 1
        xl unpause "$1" || fail "xl unpause $1"
    else
        xl create "/tmp/$1.cfg" || fail "xl create $1"
    fi
}

# guest_tty NAME: the pty of the guest's console: xenconsoled's for a PVH
# guest, QEMU's serial port for an HVM guest.
guest_tty() {
    local id path=console/tty
    id=$(xl domid "$1" 2>/dev/null) || return 1
    [ "$(cat "/tmp/$1.type" 2>/dev/null)" = hvm ] && path=serial/0/tty
    dvm-xsread "/local/domain/$id/$path"
}

# guest_console NAME: an HVM guest's console into guest_log's file, as
# xenconsoled does for a PVH guest (nothing to do for one).  Call it
# before the guest runs: QEMU drops what its pty gets with no reader.  The
# pty is made raw first, so that what the guest prints is not echoed back
# to it as input.  The reader ends when QEMU closes the pty.
guest_console() {
    local tty
    [ "$(cat "/tmp/$1.type" 2>/dev/null)" = hvm ] || return 0
    tty=$(guest_tty "$1") || { fail "no serial pty for $1"; return 1; }
    stty -F "$tty" raw -echo || { fail "stty $tty"; return 1; }
    cat "$tty" >> "$(guest_log "$1")" 2>/dev/null &
}

guest_log() {
    echo "$DVM_CONSOLE_DIR/guest-$1.log"
}

# guest_state NAME: the domain's state letters in `xl list` (e.g. "-b----",
# "c" for crashed: guests are kept with on_crash = "preserve"), or "gone".
guest_state() {
    local st
    st=$(xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }')
    echo "${st:-gone}"
}

# guest_ended NAME PATTERN: true if the domain crashed or is gone and PATTERN
# is not on its console (read again after the state, so a guest that
# printed PATTERN and powered off is not taken for dead).
guest_ended() {
    local st
    st=$(guest_state "$1")
    case $st in
    gone|*c*) ;;
    *) return 1 ;;
    esac
    ! grep -q -E "$2" "$(guest_log "$1")" 2>/dev/null
}

# guest_tail NAME: the last lines of the guest's console, prefixed.
guest_tail() {
    local log
    log=$(guest_log "$1")
    info "last lines of $1's console:"
    [ -f "$log" ] && tail -n 40 "$log" | sed "s/^/[$1] /" | tr -d '\r'
    return 0
}

# guest_died NAME PATTERN: report a guest that ended without PATTERN: its
# state, its last console lines and what Xen said about it.
guest_died() {
    guest_tail "$1"
    xl dmesg | grep -E -i 'triple fault|crash' | tail -n 4
    # What xl's monitor of the domain saw (a shutdown reason and its action).
    [ -f "/var/log/xen/xl-$1.log" ] && tail -n 30 "/var/log/xen/xl-$1.log" | sed "s/^/[xl $1] /"
    fail "guest $1 ended ($(guest_state "$1")) without '$2' on its console"
}

# guest_wait NAME PATTERN TIMEOUT: wait for PATTERN (grep -E) on the
# guest's console; print the matching line.  A guest that crashes or
# disappears first fails the wait at once.
guest_wait() {
    local log t=0
    log=$(guest_log "$1")
    while [ $t -lt "$3" ]; do
        if [ -f "$log" ] && grep -E -m1 "$2" "$log"; then
            return 0
        fi
        if [ $((t % 5)) -eq 4 ] && guest_ended "$1" "$2"; then
            guest_died "$1" "$2"
            return 1
        fi
        sleep 1
        t=$((t + 1))
    done
    xl list "$1" 2>&1 || true
    guest_tail "$1"
    fail "guest $1: no '$2' on its console within $3 s"
}

# guest_dump NAME: copy the guest's console to ours, prefixed.
guest_dump() {
    local log
    log=$(guest_log "$1")
    [ -f "$log" ] || { info "no console log for $1"; return 0; }
    sed "s/^/[$1] /" "$log" | tr -d '\r'
}

# domain_exists NAME
domain_exists() {
    xl domid "$1" >/dev/null 2>&1
}

# guest_gone NAME TIMEOUT: wait until the domain no longer exists.
guest_gone() {
    local t=0
    while domain_exists "$1"; do
        [ $t -lt "$2" ] || { fail "domain $1 still exists after $2 s"; return 1; }
        sleep 1
        t=$((t + 1))
    done
}

# guests_left: one line per domain other than dom0 ("NAME ID STATE"; a
# dying domain shows as "(null)").
guests_left() {
    xl list 2>/dev/null | awk 'NR > 2 { print $1, $2, $5 }'
}

# destroy_guests: destroy every domain but dom0 and wait until they are
# gone (a dying domain is waited for; one that never goes fails).
destroy_guests() {
    local id t=0
    for id in $(guests_left | awk '{ print $2 }'); do
        xl destroy "$id" 2>/dev/null
    done
    while [ -n "$(guests_left)" ]; do
        [ $t -lt 120 ] ||
            { fail "domains still there after 120 s: $(guests_left | tr '\n' ';')"; return 1; }
        sleep 1
        t=$((t + 1))
    done
}

# host_clean: a job leaves no domain behind.  The next job of the boot
# takes its leak baseline and its memory figures with only dom0 running,
# so a leftover (a warm-up guest that did not boot, say) would skew them
# without a word: it is destroyed here and fails the job that left it.
host_clean() {
    local left
    left=$(guests_left | tr '\n' ';')
    [ -n "$left" ] || return 0
    destroy_guests
    fail "the job left domains behind: $left"
}

# settle_free_pages: Xen's free page count once it has not changed for
# three seconds in a row (domain teardown runs in continuations and frees
# a dying domain's memory in steps; a pause of a second is not the end).
settle_free_pages() {
    local prev cur i=0 same=0
    cur=$(xen_free_pages)
    while [ $same -lt 3 ] && [ $i -lt 60 ]; do
        sleep 1
        prev=$cur
        cur=$(xen_free_pages)
        if [ "$cur" = "$prev" ]; then same=$((same + 1)); else same=0; fi
        i=$((i + 1))
    done
    echo "$cur"
}

# xen_census: what Xen keeps once grown, a page at a time (the usual
# "lost" page of a leak check): dom0's grant table and maptrack frames
# (the 'g' debug key) and the pages of Xen's xmalloc pool (the fork's 'W'
# dump; "-" on stock Xen).  One line: "d0 grant N maptrack M xmalloc P".
xen_census() {
    local log g x
    xl debug-keys g
    xl debug-keys W
    log=$(xl dmesg)
    g=$(echo "$log" | grep -A1 'grant-table for remote d0 ' | tail -n 1 |
        sed -n 's/.* \([0-9]*\) frames (.*), \([0-9]*\) maptrack frames.*/d0 grant \1 maptrack \2/p')
    x=$(echo "$log" | sed -n 's/.*Xen heap: xmalloc pool \([0-9]*\) pages.*/\1/p' | tail -n 1)
    echo "$g xmalloc ${x:--}"
}

# dom0_pin MASK: run the dom0 processes that map guest memory (xenstored,
# xenconsoled, the calling shell and the xl it starts) on the dom0 vCPUs
# in MASK.
dom0_pin() {
    local p
    for p in $(cat /run/xen/xenstored.pid /run/xen/xenconsoled.pid) \
             $(exec sh -c 'echo $PPID'); do
        taskset -p "$1" "$p" >/dev/null || fail "taskset $1 $p"
    done
}

# idle_lifecycle NAME [MEM_MIB]: a guest (default 128 MiB) boots to idle
# and is destroyed with xl destroy.
idle_lifecycle() {
    local rc=0
    guest_create "$1" "${2:-128}" idle || return 1
    guest_wait "$1" 'DVM-GUEST-IDLE' 300 || rc=1
    xl destroy "$1"
    guest_gone "$1" 120 && return $rc
}

# leak_warmup [LIFECYCLE]: before a leak check.  Xen grows some structures
# a page at a time and keeps them: dom0's grant maptrack, per dom0 vCPU
# that maps a guest's rings (xenconsoled, xenstored), and xmalloc pools,
# so stock Xen "loses" a page the first time or two.  Run LIFECYCLE
# (default idle_lifecycle), from each dom0 vCPU in turn, until two
# lifecycles in a row (one from each dom0 vCPU) each gave back exactly
# what they took -- a real leak never gets there.  A job that shares its
# boot with one that warmed Xen up already needs one exact lifecycle of
# its own shape.  Writes the free page count to /tmp/leak-base.
leak_warmup() {
    local lc=${1:-idle_lifecycle} i before after deltas= exact=0 need=2
    [ -f /tmp/leak-warmed ] && need=1
    info "before the warm-up: $(xen_census)"
    for i in 0 1 2 3 4 5 6 7 8 9; do
        dom0_pin $((1 << (i % 2)))
        before=$(settle_free_pages)
        # A lifecycle that fails (a guest that did not boot) leaves its
        # guests behind and measures nothing: the warm-up fails.
        "$lc" "warm$i" ||
            { destroy_guests; fail "warm-up lifecycle $i failed"; return 1; }
        after=$(settle_free_pages)
        deltas="$deltas $((after - before))"
        info "warm-up $i: free pages $before -> $after ($(xen_census))"
        if [ "$after" -eq "$before" ]; then exact=$((exact + 1)); else exact=0; fi
        [ $exact -ge $need ] && break
    done
    dom0_pin 3
    [ $exact -ge $need ] ||
        { fail "no $need warm-up lifecycle(s) in a row gave back what they took (deltas:$deltas)"; return 1; }
    touch /tmp/leak-warmed
    echo "$after" > /tmp/leak-base
    xen_census > /tmp/leak-census
    info "after the warm-up: $(cat /tmp/leak-census)"
}

# leak_check BEFORE WHAT: Xen's free pages are back to BEFORE, to the
# page; on a mismatch, also what dom0's grant tables grew by since the
# warm-up (the one-off growth a warm-up of the wrong shape misses).
#
# One exception, logged as such: a single page that Xen's xmalloc pool
# took meanwhile (the census's "xmalloc" count rose by exactly the pages
# missing).  The pool gives a page back only once every block in it is
# free, so a block that some long-lived Xen object took during the run
# keeps a page that comes back later (a page was seen to come back with
# the next job's first lifecycle); a guest's memory, its p2m and the
# pages of struct domain and struct vcpu never go through that pool, and
# a leak of more than a page still fails.
leak_check() {
    local after now x0 x1
    after=$(settle_free_pages)
    info "free pages after $2: $after (before $1, delta $((after - $1)))"
    [ "$after" -eq "$1" ] && return 0
    now=$(xen_census)
    info "dom0's grant tables: $(cat /tmp/leak-census 2>/dev/null) after the warm-up, $now now"
    x0=$(sed -n 's/.* xmalloc \([0-9]*\)$/\1/p' /tmp/leak-census 2>/dev/null)
    x1=$(echo "$now" | sed -n 's/.* xmalloc \([0-9]*\)$/\1/p')
    if [ -n "$x0" ] && [ -n "$x1" ] && [ $(($1 - after)) -eq 1 ] &&
       [ $((x1 - x0)) -eq 1 ]; then
        info "LEAK-DRIFT: the missing page is in Xen's xmalloc pool ($x0 -> $x1 pages), not lost"
        return 0
    fi
    fail "Xen lost $(($1 - after)) pages across $2"
}
