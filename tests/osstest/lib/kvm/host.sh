# Dynamic VM osstest: boot the L1 KVM host for the kvm-* jobs and the KVM
# bench.  lib/host.sh's qemu_run boots Xen from an ISO; this boots
# Debian's stock kernel with -kernel/-initrd (scripts/build-kvm-l1.sh)
# under the same emulator and machine, and turns the L1 job's markers into
# steps the same way.  Sourced by a job's run file after lib/host.sh.
#
#   kvm_l1_run JOB [KVM]   KVM: dvm (our modules, default), stock, none

DVM_KVM_L1=${DVM_KVM_L1:-$DVM_BUILD/kvm-l1}

kvm_l1_run() {
    local job=$1 kvm=${2:-dvm} serial qpid t0 now deadline cur="" cur_t0
    local line n=0 status result=0 budget
    serial=$JOB_DIR/serial.log
    if [ ! -x "$DVM_QEMU" ]; then
        record_step l1 broken 0 "no emulator $DVM_QEMU (scripts/build-qemu.sh)"
        return 2
    fi
    if [ ! -f "$DVM_KVM_L1/l1.cpio.gz" ]; then
        record_step l1 broken 0 "no L1 image (scripts/build-kvm-l1.sh)"
        return 2
    fi
    : > "$serial"
    t0=$(date +%s)
    timeout -s KILL $((DVM_QEMU_BOOT_TIMEOUT + ${JOB_TIMEOUT:-1800})) \
        "$DVM_QEMU" -machine q35 -cpu "$DVM_QEMU_CPU" -m "$QEMU_MEM_MB" \
        -smp "$QEMU_SMP" -nographic -no-reboot -monitor none \
        -kernel "$DVM_KVM_L1/vmlinuz" -initrd "$DVM_KVM_L1/l1.cpio.gz" \
        -append "console=ttyS0 panic=-1 dvm.job=$job dvm.kvm=$kvm ${DVM_KVM_L1_CMDLINE:-}" \
        -serial "file:$serial" ${DVM_QEMU_ARGS:-} \
        > "$JOB_DIR/qemu.log" 2>&1 &
    qpid=$!
    cur=boot; cur_t0=$t0; deadline=$((t0 + DVM_QEMU_BOOT_TIMEOUT))
    while :; do
        now=$(date +%s)
        while IFS= read -r line; do
            n=$((n + 1))
            line=${line%%$'\r'*}
            case "$line" in
                *DVM-L1-READY*)
                    record_step boot pass $((now - cur_t0)) "${line#*DVM-L1-READY }"
                    cur=""; deadline=$((now + 120)) ;;
                *DVM-L1-BROKEN*)
                    record_step "${cur:-l1}" fail $((now - cur_t0)) "${line#*DVM-L1-BROKEN }"
                    cur=""; result=1 ;;
                *DVM-STEP-BEGIN\ *)
                    set -- ${line#*DVM-STEP-BEGIN }
                    cur=$1; cur_t0=$now
                    budget=${2#timeout=}
                    deadline=$((now + budget))
                    printf '%s\n' "$line" > "$JOB_DIR/$cur.log" ;;
                *DVM-STEP-END\ *)
                    set -- ${line#*DVM-STEP-END }
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$JOB_DIR/$cur.log"
                    status=$2
                    [ "$status" = pass ] || result=1
                    record_step "$1" "$status" $((now - cur_t0)) "${3:-}"
                    cur=""; deadline=$((now + 120)) ;;
                *DVM-JOB-END*)
                    cur=""; deadline=$((now + 30)) ;;
                "[L2:"*)
                    # An L2 console line: the guest's business, logged.
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$JOB_DIR/$cur.log" ;;
                *"Kernel panic"*|*"BUG: "*|*"Oops"*|*"general protection fault"*)
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$JOB_DIR/$cur.log"
                    record_step "${cur:-crash}" fail $((now - cur_t0)) "L1 crash: $line"
                    result=1; cur=""
                    deadline=$((now + 5)) ;;
                *)
                    [ -n "$cur" ] && printf '%s\n' "$line" >> "$JOB_DIR/$cur.log" ;;
            esac
        done < <(tail -n +$((n + 1)) "$serial")
        if ! kill -0 $qpid 2>/dev/null; then
            wait $qpid 2>/dev/null
            break
        fi
        if [ "$now" -ge "$deadline" ]; then
            if [ -n "$cur" ]; then
                record_step "$cur" fail $((now - cur_t0)) "timeout"
                result=1
                cur=""
            fi
            pkill -KILL -P $qpid 2>/dev/null
            kill -KILL $qpid 2>/dev/null
            wait $qpid 2>/dev/null
            break
        fi
        sleep 1
    done
    if [ -n "$cur" ]; then
        record_step "$cur" fail $(( $(date +%s) - cur_t0 )) "machine stopped"
        result=1
    fi
    if ! grep -q 'DVM-JOB-END' "$serial"; then
        record_step job-end fail 0 "L1 did not finish the job script"
        result=1
    fi
    return $result
}
