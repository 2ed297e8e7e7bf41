# Dynamic VM osstest: helpers of the L1 KVM host's job scripts (sourced by
# its /init as /dvm/lib.sh).  Steps use the markers of a dom0 job:
#
#   DVM-STEP-BEGIN <step> timeout=<seconds>
#   DVM-STEP-END <step> pass|fail rc=<n>
#
# which tests/osstest/lib/kvm/host.sh turns into the job's steps.
# L2 guests run under Debian's qemu-system-x86_64 with accel kvm; their
# serial consoles go to /tmp/<name>.log and are followed on L1's console
# as "[L2:<name>] ..." lines.

L2_KERNEL=/dvm/l2/bzImage
L2_INITRD=/dvm/l2/initrd.gz

step() {
    local name=$1 timeout=$2 rc
    shift 2
    echo "DVM-STEP-BEGIN $name timeout=$timeout"
    ( set -e; "$@" )
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "DVM-STEP-END $name pass rc=0"
    else
        echo "DVM-STEP-END $name fail rc=$rc"
    fi
    return $rc
}

fail() {
    echo "FAIL: $*"
    return 1
}

info() {
    echo "INFO: $*"
}

now_ms() {
    awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# memfree_kb: L1's free memory, MemFree plus the pages on the per-CPU
# free lists, which MemFree leaves out: a page freed there stays until
# the list passes its high mark (megabytes on an L1 of this size), so
# MemFree alone lags a reclaim by as much and drifts between samples.
memfree_kb() {
    awk '/^MemFree:/ { f = $2 } /^ *count:/ { n += $2 }
         END { print f + n * 4 }' /proc/meminfo /proc/zoneinfo
}

# ------------------------------------------------------------ modules

# kvm_load dvm|stock|none: the kvm modules of the build (ours) or of
# Debian's kernel package, after the stock modules they depend on.
kvm_load() {
    local d
    [ "$1" = none ] && return 0
    for d in $(cat /lib/dvm/deps/order); do
        [ -d "/sys/module/$d" ] || insmod "/lib/dvm/deps/$d.ko" || return 1
    done
    d=/lib/dvm/stock
    [ "$1" = dvm ] && d=/lib/dvm/kvm
    insmod "$d/kvm.ko" ${KVM_PARAMS:-} || return 1
    insmod "$d/kvm-amd.ko" || return 1
    [ -c /dev/kvm ] || mdev -s
    [ -c /dev/kvm ]
}

kvm_unload() {
    rmmod kvm_amd && rmmod kvm
}

# kvm_flavour: dvm if the loaded kvm has PPR, else stock.
kvm_flavour() {
    if [ -e /sys/module/kvm/parameters/ppr ]; then echo dvm; else echo stock; fi
}

# kvm_param NAME [VALUE]: a PPR module parameter (defaults for new VMs).
kvm_param() {
    if [ $# -gt 1 ]; then
        echo "$2" > "/sys/module/kvm/parameters/$1"
    else
        cat "/sys/module/kvm/parameters/$1"
    fi
}

# kvm_trace_on: record the guests' shutdown exits (a triple fault: KVM
# resets the vCPU before QEMU sees it, the tracepoint keeps the RIP) and
# the exceptions KVM injects, for vm_died.
kvm_trace_on() {
    local t=/sys/kernel/tracing
    [ -d $t/events/kvm ] || return 0
    echo 1024 > $t/buffer_size_kb
    echo 'exit_reason == 127' > $t/events/kvm/kvm_exit/filter 2>/dev/null
    echo 1 > $t/events/kvm/kvm_exit/enable 2>/dev/null
    echo 1 > $t/events/kvm/kvm_inj_exception/enable 2>/dev/null
    return 0
}

# vm_stacks NAME: the kernel stacks of the VM's threads and of the PPR
# scanners (a guest that stopped making progress).
vm_stacks() {
    local p t
    p=$(vm_pid "$1")
    for t in /proc/$p/task/* $(grep -l kvm-ppr /proc/[0-9]*/comm 2>/dev/null | sed 's|/comm||'); do
        [ -r "$t/stack" ] || continue
        echo "--- $(cat "$t/comm" 2>/dev/null) ${t##*/}"
        cat "$t/stack"
    done
}

# l1_splats_check TAG: no oops, BUG, warning or lockup report in dmesg.
l1_splats_check() {
    local s
    s=$(dmesg | grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace|circular locking|blocked for more than|soft lockup|hard LOCKUP|Kernel panic' | head -n 5)
    [ -z "$s" ] && return 0
    dmesg | tail -n 60
    fail "L1 kernel splat ($1): $s"
}

# settle_memfree_kb: L1's MemFree once two samples 2 s apart are within
# 256 KiB (per-cpu page lists and slabs move a little all the time).
settle_memfree_kb() {
    local prev=-1 cur i=0
    cur=$(memfree_kb)
    while [ $i -lt 30 ]; do
        sleep 2
        prev=$cur
        cur=$(memfree_kb)
        [ $((cur - prev)) -le 256 ] && [ $((prev - cur)) -le 256 ] && break
        i=$((i + 1))
    done
    echo "$cur"
}

# ---------------------------------------------------------------- VMs

# vm_start NAME MEM_MIB RUN: an L2 guest running workload RUN
# ($GUEST_ARGS appended to its kernel command line, $VM_ARGS to QEMU's).
# The guest boots quiet ($L2_CMDLINE): each byte on its serial console is
# an I/O exit to QEMU, and under QEMU TCG's nested SVM every exit is a
# chance for the emulator's triple faults (docs/ppr-xen.md, open
# problems; docs/kvm-port.md).
# Its QMP monitor listens on TCP port 4440 + $VM_N (VM_N=1 default).
vm_start() {
    local name=$1 mem=$2 run=$3 port=$((4440 + ${VM_N:-1}))
    rm -f "/tmp/$name.log" "/tmp/$name.pid" "/tmp/$name.qemu"
    echo "$port" > "/tmp/$name.port"
    qemu-system-x86_64 -machine q35,accel=kvm -cpu host -m "$mem" -smp 1 \
        -nodefaults -nographic -no-reboot -vga none -monitor none \
        -kernel "$L2_KERNEL" -initrd "$L2_INITRD" \
        -append "console=ttyS0 ${L2_CMDLINE-quiet} dvm.run=$run${GUEST_ARGS:+ $GUEST_ARGS}" \
        -serial "file:/tmp/$name.log" \
        -qmp "tcp:127.0.0.1:$port,server=on,wait=off" \
        -pidfile "/tmp/$name.pid" -d cpu_reset,guest_errors -D "/tmp/$name.qlog" \
        ${VM_ARGS:-} > "/tmp/$name.qemu" 2>&1 &
    echo $! > "/tmp/$name.qpid"
    local t=0
    # The pid file comes before the serial file: wait for both.
    while { [ ! -s "/tmp/$name.pid" ] || [ ! -e "/tmp/$name.log" ]; } &&
          [ $t -lt 100 ]; do
        kill -0 "$(cat "/tmp/$name.qpid")" 2>/dev/null || break
        sleep 0.1
        t=$((t + 1))
    done
    [ -s "/tmp/$name.pid" ] || { cat "/tmp/$name.qemu"; fail "qemu for $name did not start"; return 1; }
    info "$name: qemu pid $(cat "/tmp/$name.pid"), $mem MiB, run=$run"
    vm_watch "$name" &
}

# vm_watch NAME: keep the VM's last "ppr" debugfs file in /tmp/NAME.ppr
# (a guest that powers off right after its marker takes its counters
# with it; the last sample stays).
vm_watch() {
    local d=
    while vm_alive "$1"; do
        [ -n "$d" ] || d=$(vm_dir "$1")
        [ -n "$d" ] && cat "$d/ppr" > "/tmp/$1.ppr.new" 2>/dev/null &&
            mv "/tmp/$1.ppr.new" "/tmp/$1.ppr"
        sleep 1
    done
}

# vm_policy NAME ARGS...: kvm-ppr policy for the VM, once KVM has made
# it (its debugfs directory appears at KVM_CREATE_VM, just after QEMU
# wrote its pid file).  Until then it runs with the module's defaults.
vm_policy() {
    local n=$1 t=0
    shift
    while [ -z "$(vm_dir "$n")" ]; do
        vm_alive "$n" && [ $t -lt 100 ] ||
            { fail "no KVM VM for $n"; return 1; }
        sleep 0.1
        t=$((t + 1))
    done
    kvm-ppr policy "$(vm_pid "$n")" "$@"
}

# vm_resets NAME: CPU resets QEMU logged beyond the one at start (a guest
# reset or triple fault; with -no-reboot QEMU then exits).
vm_resets() {
    local n
    n=$(grep -c 'CPU Reset' "/tmp/$1.qlog" 2>/dev/null)
    echo $((${n:-0} > 0 ? ${n:-0} - 1 : 0))
}

# vm_died NAME: what there is to know about a guest that ended.
vm_died() {
    tail -n 30 "/tmp/$1.log" 2>/dev/null | sed "s/^/[L2:$1] /" | tr -d '\r'
    cat "/tmp/$1.qemu" 2>/dev/null
    info "$1: $(vm_resets "$1") CPU reset(s) after the first; KVM's trace (shutdown exits, injected exceptions):"
    tail -n 30 /sys/kernel/tracing/trace 2>/dev/null
}

vm_pid() {
    cat "/tmp/$1.pid" 2>/dev/null
}

vm_alive() {
    local p
    p=$(vm_pid "$1")
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

# vm_follow NAME: copy the guest's console to ours, prefixed, as it comes.
vm_follow() {
    local cr
    cr=$(printf '\r')
    tail -n +1 -F "/tmp/$1.log" 2>/dev/null | while IFS= read -r line; do
        echo "[L2:$1] ${line%$cr}"
    done &
    echo $! > "/tmp/$1.follow"
}

# vm_wait NAME REGEX TIMEOUT: wait for REGEX on the guest's console (print
# the line).  A guest whose QEMU exited first fails at once.
vm_wait() {
    local t=0
    while [ $t -lt "$3" ]; do
        grep -E -m1 "$2" "/tmp/$1.log" 2>/dev/null && return 0
        if ! vm_alive "$1"; then
            grep -E -m1 "$2" "/tmp/$1.log" 2>/dev/null && return 0
            vm_died "$1"
            fail "guest $1 ended without '$2' on its console"
            return 1
        fi
        sleep 1
        t=$((t + 1))
    done
    tail -n 20 "/tmp/$1.log" 2>/dev/null | sed "s/^/[L2:$1] /" | tr -d '\r'
    vm_stacks "$1"
    info "$1: $(vm_ppr_all "$1")"
    fail "guest $1: no '$2' on its console within $3 s"
}

# vm_wait_fast NAME REGEX TIMEOUT_S: as vm_wait, 5 Hz, prints nothing.
vm_wait_fast() {
    local t=0 n=$(($3 * 5))
    while [ $t -lt $n ]; do
        grep -q -E "$2" "/tmp/$1.log" 2>/dev/null && return 0
        vm_alive "$1" || { fail "guest $1 ended"; return 1; }
        sleep 0.2
        t=$((t + 1))
    done
    fail "guest $1: no '$2' within $3 s"
}

# vm_gone NAME TIMEOUT: wait until its QEMU has exited.
vm_gone() {
    local t=0
    while vm_alive "$1"; do
        [ $t -lt "$2" ] || { fail "qemu of $1 still running after $2 s"; return 1; }
        sleep 1
        t=$((t + 1))
    done
    if [ -f "/tmp/$1.follow" ]; then
        kill "$(cat "/tmp/$1.follow")" 2>/dev/null || true
        rm -f "/tmp/$1.follow"
    fi
    return 0
}

vm_kill() {
    vm_alive "$1" && kill "$(vm_pid "$1")"
    vm_gone "$1" 30
}

# vm_dir NAME: the VM's KVM debugfs directory (<pid>-<fd>).
vm_dir() {
    ls -d "/sys/kernel/debug/kvm/$(vm_pid "$1")-"* 2>/dev/null | head -n 1
}

# vm_ppr NAME KEY: a line of the VM's debugfs "ppr" file, or of the last
# sample vm_watch took once the VM is gone.
vm_ppr() {
    local d f
    d=$(vm_dir "$1")
    f=${d:+$d/ppr}
    [ -n "$f" ] && [ -f "$f" ] || f=/tmp/$1.ppr
    sed -n "s/^$2 //p" "$f" 2>/dev/null
}

# vm_ppr_all NAME: the whole file (or the last sample), on one line.
vm_ppr_all() {
    local d f
    d=$(vm_dir "$1")
    f=${d:+$d/ppr}
    [ -n "$f" ] && [ -f "$f" ] || f=/tmp/$1.ppr
    tr '\n' ' ' < "$f" 2>/dev/null
}

# vm_cleanup: stop every VM still running (after a failed step).
vm_cleanup() {
    local f n
    for f in /tmp/*.pid; do
        [ -f "$f" ] || continue
        n=$(basename "$f" .pid)
        vm_alive "$n" && { info "stopping leftover VM $n"; vm_kill "$n"; }
    done
    return 0
}

# vm_stat NAME STAT: one of KVM's per-VM statistics files (e.g. ppr_reclaimed).
vm_stat() {
    local d
    d=$(vm_dir "$1")
    [ -n "$d" ] && cat "$d/$2"
}

# vm_rss_kb NAME: the QEMU process's resident memory.
vm_rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$(vm_pid "$1")/status" 2>/dev/null
}

# vm_qmp NAME JSON...: send QMP commands (after qmp_capabilities), print
# the replies.
vm_qmp() {
    local port c
    port=$(cat "/tmp/$1.port")
    shift
    { echo '{"execute":"qmp_capabilities"}'
      for c in "$@"; do echo "$c"; done
      sleep 2; } | timeout 10 nc 127.0.0.1 "$port"
    return 0
}
