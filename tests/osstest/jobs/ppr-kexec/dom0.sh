# dom0 side of ppr-kexec.
. /dvm/lib/ppr.sh

warmup() {
    leak_warmup || return 1
    info "free pages before: $(cat /tmp/leak-base)"
}

# The guest's initramfs with the kernel and the initramfs for the second
# kernel appended (Linux unpacks concatenated archives in turn).
initrd() {
    local x=/tmp/kexec-extra
    rm -rf "$x"; mkdir -p "$x/dvm/kexec"
    cp "$DVM_GUEST_KERNEL" "$x/dvm/kexec/bzImage"
    cp "$DVM_GUEST_INITRD" "$x/dvm/kexec/initrd.gz"
    (cd "$x" && find . | cpio -o -H newc 2>/dev/null) | gzip > /tmp/kexec-extra.gz
    cat "$DVM_GUEST_INITRD" /tmp/kexec-extra.gz > /tmp/kexec-initrd.gz
    rm -rf "$x" /tmp/kexec-extra.gz
    ls -l /tmp/kexec-initrd.gz
}

# kexec_shut_down: until `xl list` shows k1 shut down.
kexec_shut_down() {
    local t=0
    until guest_state k1 | grep -q s; do
        [ $t -lt 120 ] || { guest_tail k1; fail "k1 did not shut down for its kexec"; return 1; }
        sleep 1
        t=$((t + 1))
    done
}

# First kernel: reclaim by its array, then kexec; the domain stays shut
# down for the soft reset (on_soft_reset = "preserve"), and Xen must see
# no array by then.
first() {
    local reg
    # earlyprintk=xen: a next kernel that fails before its console is up
    # says why in Xen's log.
    GUEST_INITRD=/tmp/kexec-initrd.gz GUEST_ARGS="dvm.free=64 dvm.mib=32 dvm.secs=20 earlyprintk=xen" \
        guest_create k1 160 kexec 'on_soft_reset = "preserve"' || return 1
    guest_follow k1
    guest_wait k1 'DVM-PPR-RECLAIM result=pass' 540 || return 1
    # The guest kexecs at once: its own last stats line, with Xen's
    # answer for the registration (hv_rc=0), shows it was registered.
    guest_wait k1 'DVM-PPR-STATS tag=kexec .*registered=1 .*hv_rc=0 ' 120 ||
        { fail "k1 was not registered just before its kexec"; return 1; }
    guest_wait k1 'DVM-KEXEC-LOADED' 120 || return 1
    kexec_shut_down || return 1
    xl list k1
    reg=$(ppr_field k1 registered)
    info "k1 shut down for a soft reset; PPR registered: $reg"
    [ "$reg" = no ] ||
        { fail "the first kernel's array is still registered after its kexec"; return 1; }
}

# Second kernel: the soft reset (libxl 4.17 has none for PVH), then it
# must boot, register afresh, keep its data while it frees as much, and
# Xen must reclaim by the new array (its counters start at zero).
second() {
    local rc
    dvm-softreset "$(xl domid k1)" 160 || { fail "soft reset of k1"; return 1; }
    if ! guest_wait k1 "DVM-PPR-HOLD-START" 120; then
        xenctx -S "$(xl domid k1)" 0 2>&1 | head -n 60
        fail "the second kernel did not start its workload"
        return 1
    fi
    ppr_field_wait k1 registered = yes 60 ||
        { fail "the second kernel did not register"; return 1; }
    # dvm-ppr hold frees 32 MiB: at least 90% of it must come back.
    rc=0
    ppr_field_wait k1 frames_returned -ge 7372 60 || rc=1
    xl-ppr list -l k1
    [ $rc -eq 0 ] ||
        { fail "Xen took back less than 90% of the 32 MiB the second kernel freed"; return 1; }
}

finish() {
    guest_wait k1 'DVM-PPR-HOLD result=' 300 || return 1
    guest_wait k1 'DVM-PPR-HOLD result=pass .*mismatches=0' 1 ||
        { fail "the second kernel's data did not verify"; return 1; }
    guest_wait k1 'DVM-GUEST-DONE run=ppr-hold rc=0' 120 || return 1
    # xl's monitor ended with the soft reset it was told to preserve, so
    # no xl acts on the power off.
    xl destroy k1
    guest_gone k1 120 || return 1
    rm -f /tmp/kexec-initrd.gz
    leak_check "$(cat /tmp/leak-base)" "a guest's kexec"
}

step policy 60 ppr_default_policy 1000
step warmup 600 warmup
step initrd 60 initrd
step first 700 first
step second 300 second
step finish 400 finish
ppr_keydump
