# dom0 side of xl-ppr-cli.  Guests: pprA (xl-ppr create, ppr_reclaim off,
# workload ppr-reclaim: fills 40 MiB, frees 32 MiB, waits 300 s, checks
# its data) and pprB (xl create -p: inherits the default policy, stays
# paused so that TCG time goes to pprA; target of the bad-input cases).

XLP_ERR=/tmp/xl-ppr.err

# has_dedup: the hypervisor has PageONE, enabled.
has_dedup() {
    xl-ppr info | grep -Eq '^dedup +: (running|stopped)'
}

# dedup_of DOM: "dedup group" from `xl-ppr policy DOM`
dedup_of() {
    xl-ppr policy "$1" | awk 'NR == 2 { print $7, $8 }'
}

# expect_rc RC CMD...: CMD exits RC, prints exactly one line on stderr
# and nothing on stdout.
expect_rc() {
    local want=$1 rc=0 out
    shift
    out=$("$@" 2>"$XLP_ERR") || rc=$?
    info "$* -> rc=$rc: $(cat "$XLP_ERR")"
    [ "$rc" -eq "$want" ] || fail "$*: exit $rc, expected $want"
    [ "$(wc -l < "$XLP_ERR")" -eq 1 ] || fail "$*: stderr is not one line"
    [ -z "$out" ] || fail "$*: printed on stdout: $out"
}

# policy_of DOM|--default: "reclaim scan_ms min_age_ms reserve_mib"
policy_of() {
    xl-ppr policy "$1" | awk 'NR == 2 { print $3, $4, $5, $6 }'
}

# counter DOM KEY: a number from `xl-ppr list -j DOM`
counter() {
    xl-ppr list -j "$1" | sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p"
}

registered() {
    xl-ppr list -j "$1" | grep -q '"registered": true'
}

# ppr_cfg NAME EXTRA_LINES: a 192 MiB ppr-reclaim guest.
ppr_cfg() {
    cat > "/tmp/$1.cfg" <<CFG
name = "$1"
type = "pvh"
kernel = "$DVM_GUEST_KERNEL"
ramdisk = "$DVM_GUEST_INITRD"
memory = 192
vcpus = 1
extra = "console=hvc0 dvm.run=ppr-reclaim dvm.mib=32 dvm.keep=8 dvm.hold=5 dvm.wait=300"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
$2
CFG
}

# as_nobody CMD...: run CMD as uid 65534.
as_nobody() {
    grep -q '^nobody:' /etc/passwd 2>/dev/null || {
        echo 'root:x:0:0:root:/:/bin/sh' >> /etc/passwd
        echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
        echo 'root:x:0:' >> /etc/group
        echo 'nogroup:x:65534:' >> /etc/group
    }
    busybox su -s /bin/sh nobody -c "$*"
}

t_help() {
    local v
    for v in info list policy top create help; do
        xl-ppr $v -h > /tmp/h.out || fail "xl-ppr $v -h failed"
        grep -q "^Usage: xl-ppr $v" /tmp/h.out || fail "no usage for $v"
    done
    xl-ppr --help | grep -q '^Verbs:' || fail "no --help"
    rc=0; xl-ppr > /dev/null 2>&1 || rc=$?
    [ $rc -eq 2 ] || fail "no verb: exit $rc"
    expect_rc 2 xl-ppr bogus
    expect_rc 2 xl-ppr info -x
    expect_rc 2 xl-ppr top -n 0
    expect_rc 2 xl-ppr list -l -j
}

t_info() {
    xl-ppr info
    xl-ppr info | grep -Eq '^dynamicvm +: yes' || fail "not the fork"
    xl-ppr info | grep -Eq '^ppr_compiled_in +: yes' || fail "PPR not compiled in"
    xl-ppr info | grep -Eq '^ppr_enabled +: yes' || fail "PPR not enabled"
    xl-ppr info | grep -Eq '^ppr_interface +: 1\.' || fail "no interface version"
    xl-ppr info | grep -Eq '^ppr_scan_cpu_ms +: [0-9]+$' || fail "no scan CPU"
    xl-ppr info | grep -Eq '^dedup +: (not available|running|stopped)' || fail "dedup state"
    xl-ppr info -p | grep -Eq '^[0-9]+$' || fail "info -p is not a number"
}

t_default() {
    xl-ppr policy --default
    policy_of --default > /tmp/default.saved
    [ "$(cut -d' ' -f1 /tmp/default.saved)" = on ] || fail "fresh default is not reclaim on"
    xl-ppr policy --default --reclaim off --scan-ms 300
    [ "$(policy_of --default)" = "off 300 0 0" ] || fail "default not set: $(policy_of --default)"
}

t_create() {
    ppr_cfg pprA 'ppr_reclaim = "off"
ppr_scan_ms = 200
ppr_min_age = 0
ppr_reserve = 0'
    cat /tmp/pprA.cfg
    [ "$(xl-ppr create -n /tmp/pprA.cfg)" = "pprA: --reclaim off --scan-ms 200 --min-age 0 --reserve 0" ] ||
        fail "create -n: $(xl-ppr create -n /tmp/pprA.cfg)"

    # Invalid keys: nothing is created.
    ppr_cfg pprX 'ppr_scan_ms = 20'
    expect_rc 2 xl-ppr create /tmp/pprX.cfg
    if has_dedup; then
        ppr_cfg pprX 'ppr_share_group = "bad/x"'
        expect_rc 2 xl-ppr create /tmp/pprX.cfg
    else
        ppr_cfg pprX 'ppr_dedup = "on"'
        expect_rc 3 xl-ppr create /tmp/pprX.cfg
    fi
    ! domain_exists pprX || fail "pprX was created"

    xl-ppr create /tmp/pprA.cfg || fail "xl-ppr create pprA"
    guest_cfg pprB 128 idle
    xl create -p /tmp/pprB.cfg
    xl list
    xl-ppr policy pprA
    [ "$(policy_of pprA)" = "off 200 0 0" ] || fail "pprA policy: $(policy_of pprA)"
    [ "$(policy_of pprB)" = "off 300 0 0" ] || fail "pprB did not inherit the default: $(policy_of pprB)"
    # By id too.
    [ "$(policy_of "$(xl domid pprA)")" = "off 200 0 0" ] || fail "policy by domid"
    # Restore the boot default for later domains.
    set -- $(cat /tmp/default.saved)
    xl-ppr policy --default --reclaim "$1" --scan-ms "$2" --min-age "$3" --reserve "$4"
    [ "$(policy_of --default)" = "$*" ] || fail "default not restored"
}

t_bad_input() {
    expect_rc 5 xl-ppr policy nosuchdom --reclaim on
    expect_rc 5 xl-ppr policy 999 --reclaim on
    expect_rc 5 xl-ppr policy nosuchdom
    expect_rc 5 xl-ppr list nosuchdom
    expect_rc 2 xl-ppr policy pprB --scan-ms 50
    expect_rc 2 xl-ppr policy pprB --reclaim on --scan-ms 3600001
    expect_rc 2 xl-ppr policy pprB --reclaim on --min-age 5
    expect_rc 2 xl-ppr policy pprB --reclaim on --reserve lots
    expect_rc 2 xl-ppr policy pprB --reclaim maybe
    expect_rc 2 xl-ppr policy pprB --reclaim on --reclaim off
    expect_rc 2 xl-ppr policy --default pprB
    expect_rc 2 xl-ppr policy
    if has_dedup; then
        # Valid PPR knobs with an invalid dedup knob: nothing changes.
        dd=$(dedup_of pprB)
        expect_rc 2 xl-ppr policy pprB --reclaim on --scan-ms 100 --share-group 2147483648
        expect_rc 2 xl-ppr policy pprB --reclaim on --share-group a/b
        expect_rc 2 xl-ppr policy --default --reclaim off --dedup off
        [ "$(dedup_of pprB)" = "$dd" ] || fail "dedup changed: $(dedup_of pprB)"
        # And the knobs work.
        xl-ppr policy pprB --dedup off --share-group web
        [ "$(dedup_of pprB)" = "off 265927825" ] || fail "dedup knobs: $(dedup_of pprB)"
        xl-ppr list -j pprB | grep -q '"share_group": 265927825' || fail "list -j group"
        xl-ppr policy pprB --dedup on --share-group own
        [ "$(dedup_of pprB)" = "on own" ] || fail "dedup knobs back: $(dedup_of pprB)"
    else
        # Valid PPR knobs with an unavailable dedup knob: nothing changes.
        expect_rc 3 xl-ppr policy pprB --reclaim on --scan-ms 100 --dedup on
        expect_rc 3 xl-ppr policy pprB --reclaim on --share-group web
        expect_rc 3 xl-ppr policy --default --reclaim off --dedup off
    fi
    # Not root.
    [ "$(as_nobody id -u)" = 65534 ] || fail "cannot run as nobody"
    expect_rc 3 as_nobody xl-ppr list
    expect_rc 3 as_nobody xl-ppr policy pprB --reclaim on
    grep -q 'must be run as root' "$XLP_ERR" || fail "no root message"
    [ "$(policy_of pprB)" = "off 300 0 0" ] || fail "partial change: $(policy_of pprB)"
    [ "$(policy_of --default)" = "$(cat /tmp/default.saved)" ] || fail "default changed"
}

# diag: what the guests and xl-ppr say, after a failure.
diag() {
    xl list
    xl-ppr list -l
    guest_dump pprA | tail -n 30
    guest_dump pprB | tail -n 10
}

t_reclaim_off() {
    guest_wait pprA 'DVM-PPR-FREED' 600 || { diag; return 1; }
    guest_wait pprA 'DVM-PPR-STATS tag=boot' 10 | cut -c1-200
    registered pprA || { diag; fail "pprA has no PPR array registered"; }
    ! registered pprB || fail "pprB is paused but registered"
    f0=$(xen_free_pages)
    sleep 10
    xl-ppr list
    f1=$(xen_free_pages)
    a=$(counter pprA reclaimed)
    p=$(counter pprA passes)
    info "reclaim off: pprA reclaimed=$a passes=$p free $f0 -> $f1"
    [ "$a" = 0 ] || fail "pprA reclaimed $a pages with reclaim off"
    [ "$p" = 0 ] || fail "pprA's array was scanned ($p passes) with reclaim off"
    [ "$f1" -le $((f0 + 256)) ] || fail "Xen free pages rose by $((f1 - f0)) with reclaim off"
}

t_reclaim_on() {
    f0=$(xen_free_pages)
    xl-ppr policy pprA --reclaim on
    [ "$(policy_of pprA)" = "on 200 0 0" ] || fail "pprA policy: $(policy_of pprA)"
    t=0
    while :; do
        a=$(counter pprA reclaimed)
        f1=$(xen_free_pages)
        [ "${a:-0}" -ge 16384 ] && [ "$f1" -ge $((f0 + 16384)) ] && break
        [ $t -lt 150 ] || { diag; fail "after ${t}s: pprA reclaimed=$a, free $f0 -> $f1"; }
        sleep 2
        t=$((t + 2))
    done
    info "reclaim on after ${t}s: pprA reclaimed=$a, Xen free pages $f0 -> $f1 (+$((f1 - f0)))"
    xl-ppr info | grep -E '^ppr_'
    tot=$(xl-ppr info | sed -n 's/^ppr_frames_returned *: //p')
    [ "$tot" -ge 16384 ] || fail "host frames_returned $tot"
}

t_list_top() {
    xl-ppr list | tee /tmp/list.out
    head -1 /tmp/list.out | grep -q '^Name .* ID PPR Reclaim' || fail "list header"
    grep -Eq '^pprA +[0-9]+ yes on +200 ' /tmp/list.out || fail "list pprA row"
    grep -Eq '^pprB +[0-9]+ no  off +300 ' /tmp/list.out || fail "list pprB row"
    grep -Eq '^Domain-0 +0 no ' /tmp/list.out || fail "list dom0 row"
    xl-ppr list -l pprA | tee /tmp/long.out
    grep -Eq '^registered +: yes$' /tmp/long.out || fail "list -l registered"
    grep -Eq '^reclaimed +: [1-9][0-9]*$' /tmp/long.out || fail "list -l reclaimed"
    grep -Eq '^policy_reclaim +: on$' /tmp/long.out || fail "list -l policy"
    xl-ppr list -j > /tmp/json.out
    [ "$(grep -c '"domid"' /tmp/json.out)" -eq 3 ] || fail "list -j: not 3 domains"
    # New domains start with dedup off (null: no PageONE in this Xen).
    if has_dedup; then
        xl-ppr list -j pprA | tr -d ' \n' | grep -q '"dedup":{"enabled":false' ||
            fail "list -j: pprA's dedup is not off"
    else
        grep -q '"dedup": null' /tmp/json.out || fail "list -j dedup"
    fi
    xl-ppr list -j pprA pprB | grep -c '"domid"' | grep -qx 2 || fail "list -j two domains"
    xl-ppr top -b -n 2 -d 1 | tee /tmp/top.out
    [ "$(grep -c '^xl-ppr top: PPR enabled' /tmp/top.out)" -eq 2 ] || fail "top: not 2 frames"
    [ "$(grep -Ec '^pprA +[0-9]+ yes on ' /tmp/top.out)" -eq 2 ] || fail "top pprA rows"
}

t_done() {
    guest_wait pprA 'DVM-PPR-RECLAIM result=' 400 > /tmp/result
    cat /tmp/result
    grep -q 'result=pass' /tmp/result || fail "pprA data check failed"
    guest_wait pprA 'DVM-GUEST-DONE run=ppr-reclaim rc=0' 120
    guest_gone pprA 120
    xl destroy pprB
    guest_gone pprB 60
    expect_rc 5 xl-ppr policy pprA
    xl-ppr list
}

step help 180 t_help
step info 120 t_info
step default-policy 120 t_default
step create 400 t_create
step reclaim-off 780 t_reclaim_off
step reclaim-on 400 t_reclaim_on
step list-top 300 t_list_top
step bad-input 480 t_bad_input
step guest-done 600 t_done
guest_dump pprA
guest_dump pprB
