# dom0 side of test-amd64-fork-boot: the toolstack sees the fork.

check_xl_info() {
    xl info > /tmp/xl-info
    cat /tmp/xl-info
    grep -Eq '^xen_extra +: \.5-dynamicvm' /tmp/xl-info ||
        fail "xen_extra does not carry the dynamicvm tag"
    grep -Eq '^virt_caps +:.* hap' /tmp/xl-info ||
        fail "virt_caps has no hap"
}

check_xl_ppr_info() {
    xl-ppr info
    xl-ppr info | grep -Eq '^dynamicvm +: yes' || fail "xl-ppr does not see the fork"
    [ "$(xl-ppr info -p)" -gt 0 ] || fail "no free pages reported"
}

step xl-info 120 check_xl_info
step xl-ppr-info 60 check_xl_ppr_info

# World switches beside FPU loads: a guest pinned to CPU 0 exits to Xen
# on every CPUID (guest workload exits) while dom0, pinned to CPU 1, runs
# FXRSTOR in a loop (dvm-fxrstor).  The emulator must keep each CPU's
# state to itself: QEMU 10 as Debian ships it has every FXRSTOR clear a
# flag in CPU 0's hflags2, from the other CPU's thread, and CPU 0 loses
# its own updates of the nested paging and interrupt flags; the guest
# triple faults (qemu/patches, docs/harness.md).
WS_SECS=${WS_SECS:-60}

world_switch_run() {
    local fx out
    GUEST_ARGS="dvm.exits_secs=$WS_SECS" \
        guest_create hexits 128 exits 'cpus = "0"' || return 1
    guest_wait hexits 'DVM-GUEST-UP' 120 || return 1
    dvm-fxrstor 1 "$WS_SECS" > /tmp/fxrstor.out &
    fx=$!
    guest_wait hexits 'DVM-GUEST-DONE run=exits' $((WS_SECS + 60)) || {
        kill "$fx" 2>/dev/null
        return 1
    }
    wait "$fx" || fail "dvm-fxrstor failed" || return 1
    out=$(grep -a -m1 'DVM-EXITS' "$(guest_log hexits)" | tr -d '\r')
    info "guest: $out; dom0: $(cat /tmp/fxrstor.out) in $WS_SECS s"
    grep -aq 'DVM-GUEST-DONE run=exits rc=0' "$(guest_log hexits)" ||
        fail "the guest's loop failed" || return 1
    [ "$(kv "$out" cpuid)" -gt 0 ] || fail "no CPUID exits counted" ||
        return 1
    guest_gone hexits 60
}

world_switch() {
    local rc=0
    xl vcpu-pin Domain-0 all 1 || fail "xl vcpu-pin Domain-0 all 1"
    world_switch_run || rc=$?
    xl vcpu-pin Domain-0 all all || rc=1
    return $rc
}

step world-switch 300 world_switch
