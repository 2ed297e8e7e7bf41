# Dynamic VM osstest: host-side library.  Sourced by run-flight; a job is
# tests/osstest/jobs/<job>/run, a bash fragment calling the functions below.
#
# Results: $FLIGHT_DIR/<job>/<step>.log, <job>/steps (one line per step:
# "<step> <status> <seconds>"), <job>/status.  Status is pass, fail,
# broken (an infrastructure fault: missing build output, QEMU not
# starting, ...), as in osstest, or skip (XTF's SKIP: a precondition of
# the step is absent on this host; never a pass).

. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib.sh"

DVM_QEMU_BOOT_TIMEOUT=${DVM_QEMU_BOOT_TIMEOUT:-420}
DVM_QEMU_CPU=${DVM_QEMU_CPU:-$QEMU_CPU}
# The emulator: QEMU 10 built with qemu/patches (scripts/build-qemu.sh).
# DVM_QEMU=/usr/bin/qemu-system-x86_64 runs Debian's unpatched binary;
# DVM_QEMU_ARGS adds options (e.g. "-d int -D FILE" to debug a job).
DVM_QEMU=${DVM_QEMU:-$DVM_BUILD/qemu/qemu-system-x86_64}

# record_step NAME STATUS SECONDS [NOTE]
record_step() {
    printf '%s %s %s %s\n' "$1" "$2" "$3" "${4:-}" >> "$JOB_DIR/steps"
    # Live progress on the flight's terminal (fd 3), else stderr.
    if { true >&3; } 2>/dev/null; then
        printf '  %-28s %-7s %5ss %s\n' "$1" "$2" "$3" "${4:-}" >&3
    else
        printf '  %-28s %-7s %5ss %s\n' "$1" "$2" "$3" "${4:-}" >&2
    fi
}

# step NAME CMD...: run a host-side step, log to <job>/<NAME>.log.
# Exit status 0 = pass, 77 = skip, 125 = broken, anything else = fail.
step() {
    local name=$1 t0 rc status
    shift
    t0=$(date +%s)
    ( "$@" ) > "$JOB_DIR/$name.log" 2>&1
    rc=$?
    case $rc in
        0) status=pass ;;
        77) status=skip ;;
        125) status=broken ;;
        *) status=fail ;;
    esac
    record_step "$name" "$status" $(( $(date +%s) - t0 )) "$([ $rc = 0 ] || echo "rc=$rc")"
    [ $rc = 0 ]
}

# make_iso FLAVOUR JOB ISO: a GRUB rescue ISO booting Xen (FLAVOUR) with
# the stock dom0 kernel and our dom0 initramfs, running JOB in dom0.
make_iso() {
    local flavour=$1 job=$2 iso=$3 tree
    tree=$(mktemp -d)
    mkdir -p "$tree/boot/grub"
    cp "$DVM_BUILD/xen-$flavour/xen.gz" "$tree/boot/xen.gz" || return 2
    cp "$DVM_BUILD/boot/vmlinuz-dom0" "$tree/boot/vmlinuz" || return 2
    cp "$DVM_BUILD/boot/dom0.cpio.gz" "$tree/boot/initrd.gz" || return 2
    cat > "$tree/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "Dynamic VM ($flavour Xen) job $job" {
    multiboot2 /boot/xen.gz console=com1 com1=115200,8n1 dom0_mem=$DOM0_MEM loglvl=all guest_loglvl=all noreboot ${DVM_XEN_CMDLINE:-}
    module2 /boot/vmlinuz console=hvc0 earlyprintk=xen dvm.job=$job
    module2 /boot/initrd.gz
}
CFG
    grub-mkrescue -o "$iso" "$tree" >/dev/null 2>&1 || { rm -rf "$tree"; return 2; }
    rm -rf "$tree"
}

# qemu_run FLAVOUR JOB: boot JOB's dom0 script under QEMU and turn its
# markers into steps: `boot` (Xen + dom0 up), then one per dom0 step.
# Per-step timeouts come from the BEGIN markers; a Xen panic or a hang
# fails the current step and stops the machine.
#
# $BOOT_JOBS (set by run-flight for a boot group, docs/harness.md): the
# jobs that share this boot, JOB first.  dom0 runs their scripts one after
# the other, between DVM-JOB-BEGIN and DVM-JOB-END markers; each job's
# steps, logs and serial.log (its part of the console, the boot with the
# first) go to its own directory under $FLIGHT_DIR, the boot's whole
# console to JOB's console.log.
qemu_run() {
    local flavour=$1 job=$2 jobs iso serial qpid t0 now deadline cur=""
    local cur_t0 line n=0 status result=0 budget j dir
    jobs=${BOOT_JOBS:-$job}
    iso=$JOB_DIR/boot.iso
    serial=$JOB_DIR/serial.log
    [ "$jobs" = "$job" ] || serial=$JOB_DIR/console.log
    t0=$(date +%s)
    if [ ! -x "$DVM_QEMU" ]; then
        record_step iso broken 0 "no emulator $DVM_QEMU (scripts/build-qemu.sh)"
        return 2
    fi
    if ! make_iso "$flavour" "$(echo $jobs | tr ' ' ',')" "$iso" \
            > "$JOB_DIR/iso.log" 2>&1; then
        record_step iso broken $(( $(date +%s) - t0 )) "no ISO (build outputs missing?)"
        return 2
    fi
    record_step iso pass $(( $(date +%s) - t0 ))
    : > "$serial"
    t0=$(date +%s)
    timeout -s KILL $((DVM_QEMU_BOOT_TIMEOUT + ${GROUP_TIMEOUT:-${JOB_TIMEOUT:-1800}})) \
        "$DVM_QEMU" -machine q35 -cpu "$DVM_QEMU_CPU" -m "$QEMU_MEM_MB" \
        -smp "$QEMU_SMP" -nographic -no-reboot -monitor none \
        -cdrom "$iso" -serial "file:$serial" ${DVM_QEMU_ARGS:-} \
        > "$JOB_DIR/qemu.log" 2>&1 &
    qpid=$!
    dir=$JOB_DIR
    [ "$serial" = "$dir/serial.log" ] || : > "$dir/serial.log"
    cur=boot; cur_t0=$t0; deadline=$((t0 + DVM_QEMU_BOOT_TIMEOUT))
    : > "$dir/boot.log"
    while :; do
        now=$(date +%s)
        # Consume complete new lines of the serial log.
        while IFS= read -r line; do
            n=$((n + 1))
            line=${line%%$'\r'*}
            # A job's part of the console, for its own checks.
            [ "$serial" = "$JOB_DIR/serial.log" ] ||
                printf '%s\n' "$line" >> "$dir/serial.log"
            case "$line" in
                *DVM-DOM0-READY*)
                    JOB_DIR=$dir record_step boot pass $((now - cur_t0))
                    cur=""; deadline=$((now + 120)) ;;
                *DVM-DOM0-BROKEN*)
                    JOB_DIR=$dir record_step "${cur:-dom0}" fail $((now - cur_t0)) "${line#*DVM-DOM0-BROKEN }"
                    cur=""; result=1 ;;
                *DVM-JOB-BEGIN\ *)
                    set -- ${line#*DVM-JOB-BEGIN }
                    dir=$FLIGHT_DIR/$1
                    date +%s > "$dir/begin"
                    [ "$dir" = "$JOB_DIR" ] || : > "$dir/serial.log"
                    cur=""; deadline=$((now + 120)) ;;
                *DVM-STEP-BEGIN\ *)
                    set -- ${line#*DVM-STEP-BEGIN }
                    cur=$1; cur_t0=$now
                    budget=${2#timeout=}
                    deadline=$((now + budget))
                    printf '%s\n' "$line" > "$dir/$cur.log" ;;
                *DVM-STEP-END\ *)
                    set -- ${line#*DVM-STEP-END }
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$dir/$cur.log"
                    status=$2
                    case $status in pass|skip) ;; *) result=1 ;; esac
                    JOB_DIR=$dir record_step "$1" "$status" $((now - cur_t0)) "${3:-}"
                    cur=""; deadline=$((now + 120)) ;;
                *DVM-JOB-END*)
                    date +%s > "$dir/end"
                    cur=""; deadline=$((now + 120)) ;;
                *DVM-BOOT-END*)
                    cur=""; deadline=$((now + 30)) ;;
                *"Panic on CPU"*|*"FATAL TRAP"*|*"Kernel panic"*)
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$dir/$cur.log"
                    JOB_DIR=$dir record_step "${cur:-crash}" fail $((now - cur_t0)) "crash: $line"
                    result=1; cur=""
                    deadline=$((now + 5)) ;;
                *)
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$dir/$cur.log" ;;
            esac
        done < <(tail -n +$((n + 1)) "$serial")
        if ! kill -0 $qpid 2>/dev/null; then
            wait $qpid 2>/dev/null
            break
        fi
        if [ "$now" -ge "$deadline" ]; then
            if [ -n "$cur" ]; then
                JOB_DIR=$dir record_step "$cur" fail $((now - cur_t0)) "timeout"
                result=1
                cur=""
            fi
            # $qpid is the `timeout` wrapper: kill QEMU itself first.
            pkill -KILL -P $qpid 2>/dev/null
            kill -KILL $qpid 2>/dev/null
            wait $qpid 2>/dev/null
            break
        fi
        sleep 1
    done
    if [ -n "$cur" ]; then
        JOB_DIR=$dir record_step "$cur" fail $(( $(date +%s) - cur_t0 )) "machine stopped"
        result=1
    fi
    for j in $jobs; do
        dir=$FLIGHT_DIR/$j
        if ! grep -q -E "DVM-JOB-END job=$j([^a-z0-9-]|\$)" "$serial"; then
            JOB_DIR=$dir record_step job-end fail 0 "dom0 did not finish the job script"
            result=1
        fi
        JOB_DIR=$dir triple_faults || result=1
    done
    # QEMU's report of a world switch that no CPU makes (qemu/patches
    # 0004) fails the boot's first job: what the guests did after it was
    # decided by the emulator, not by the code under test.
    line=$(grep -a -m1 "$QEMU_SVM_WARNING" "$JOB_DIR/qemu.log")
    if [ -n "$line" ]; then
        record_step emulator fail 0 "$(echo "$line" | cut -c1-160)"
        result=1
    fi
    return $result
}

# Xen's message for a guest triple fault, at the start of a console line.
TRIPLE_FAULT_RE='^(XEN) .*d[0-9]*v[0-9]* Triple fault'
# QEMU's report of a world switch that no CPU makes (qemu/patches 0004).
QEMU_SVM_WARNING='warning: svm: '

# triple_fault_count FILE...: guests that triple-faulted, counted once each
# per serial log (a domain id is unique within a boot, and a step that
# shows Xen's messages again repeats the line).
triple_fault_count() {
    local f n=0
    for f in "$@"; do
        [ -f "$f" ] || continue
        n=$((n + $(grep -a "$TRIPLE_FAULT_RE" "$f" |
                   grep -o 'd[0-9]*v[0-9]* Triple fault' | sort -u | wc -l)))
    done
    echo "$n"
}

# triple_fault_report FILE...: for the flight's summary, each triple fault
# and what a DVM_TESTING hypervisor saw at the world switches around it
# (Xen patch 0107: whose state the VMCB held at the VMRUN before and at
# the #VMEXIT) and what QEMU said of them, a line each, prefixed with the
# job.
TF_DIAG_RE="^\\(XEN\\) .*d[0-9]*v[0-9]* Triple fault|: VMRUN of a VMCB that holds Xen's state|: #VMEXIT with Xen's state in the VMCB|: shutdown #VMEXIT|  (this VMRUN|this #VMEXIT|the VMRUN before|the #VMEXIT before): "
triple_fault_report() {
    local f q
    for f in "$@"; do
        [ -f "$f" ] || continue
        # QEMU's own reports of a world switch no CPU makes (qemu/patches
        # 0004), from the boot's QEMU log, beside the serial log.
        q=$(dirname "$f")/qemu.log
        { grep -a -E "$TF_DIAG_RE" "$f"
          [ -f "$q" ] && grep -a "$QEMU_SVM_WARNING" "$q"; } | tr -d '\r' |
            sed 's/^(XEN) *//' |
            awk -v j="$(basename "$(dirname "$f")")" '!seen[$0]++ { print j ": " $0 }' |
            cut -c1-220 | head -n 12
    done
}

# triple_faults: a guest that triple-faulted fails the job, whether or not
# its steps noticed (a warm-up guest, say).  The step's log holds each of
# Xen's reports: the guest's registers as Xen saw them (RIP, CR2, CR3, ...)
# and Xen's own state.
triple_faults() {
    local n
    n=$(triple_fault_count "$JOB_DIR/serial.log")
    [ "$n" -gt 0 ] || return 0
    grep -a -B 8 -A 24 "$TRIPLE_FAULT_RE" "$JOB_DIR/serial.log" | tr -d '\r' \
        > "$JOB_DIR/triple-fault.log"
    record_step triple-fault fail 0 "$n guest triple fault(s): see triple-fault.log"
    return 1
}

# serial_has REGEX: the job's serial log has a line matching REGEX.
serial_has() {
    grep -E -m1 "$1" "$JOB_DIR/serial.log"
}

# need FILE...: infrastructure check; a missing build output is "broken".
need() {
    local f
    for f in "$@"; do
        [ -e "$f" ] || { echo "missing $f"; return 125; }
    done
}
