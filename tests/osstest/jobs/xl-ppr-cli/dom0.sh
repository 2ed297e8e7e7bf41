# dom0 side of xl-ppr-cli.  Guests: pprA (xl-ppr create, ppr_reclaim off,
# workload ppr-reclaim: fills 40 MiB, frees 32 MiB, waits 120 s, about
# four times what the verbs between its free and its check take, then
# checks its data) and pprB (xl create -p: inherits the default policy, stays
# paused so that TCG time goes to pprA; target of the bad-input cases).
# pprBig (64 GiB on this 3 GiB host) is refused by admission: never built.

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

# wmarks [VERB...]: "min low high" in pages, from `xl-ppr policy --host`
# (or the verb given, e.g. info).
wmarks() {
    [ $# -gt 0 ] || set -- policy --host
    xl-ppr "$@" | awk -F ' *: ' '
        $1 == "wmark_min_pages" { a = $2 }
        $1 == "wmark_low_pages" { b = $2 }
        $1 == "wmark_high_pages" { c = $2 }
        END { print a, b, c }'
}

# xen_wmarks: "min low high" in pages as Xen itself reports them (the
# memory pressure line of its PPR dump, debug key W).
xen_wmarks() {
    xl debug-keys W
    xl dmesg | sed -n 's/.*watermarks min \([0-9]*\) low \([0-9]*\) high \([0-9]*\).*/\1 \2 \3/p' |
        tail -n 1
}

# info_field KEY: the value of a `key : value` line of `xl-ppr info`.
info_field() {
    xl-ppr info | sed -n "s/^$1 *: //p"
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
extra = "console=hvc0 dvm.run=ppr-reclaim dvm.mib=32 dvm.keep=8 dvm.hold=5 dvm.wait=120"
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
    # Memory pressure: every line, numbers, and the watermarks Xen reports.
    xl-ppr info > /tmp/info.out
    grep -Eq '^mem_pressure +: (none|below (high|low|min))$' /tmp/info.out ||
        fail "no pressure state"
    for k in mem_free wmark_min wmark_low wmark_high; do
        grep -Eq "^${k}_pages +: [0-9]+\$" /tmp/info.out || fail "info: no ${k}_pages"
        grep -Eq "^${k}_mib +: [0-9]+\$" /tmp/info.out || fail "info: no ${k}_mib"
    done
    for k in mem_vcpus_waiting mem_waits_cow mem_waits_refault mem_waits_limit \
             mem_wait_total_ms mem_wait_longest_ms mem_alloc_refused mem_reserve_used; do
        grep -Eq "^$k +: [0-9]+\$" /tmp/info.out || fail "info: no $k"
    done
    w=$(wmarks info)
    x=$(xen_wmarks)
    info "watermarks (pages): xl-ppr info $w, Xen $x"
    [ -n "$x" ] || fail "no watermarks in Xen's dump"
    [ "$w" = "$x" ] || fail "info shows watermarks $w, Xen reports $x"
    set -- $w
    [ "$1" -gt 0 ] && [ "$1" -le "$2" ] && [ "$2" -le "$3" ] || fail "watermarks out of order: $w"
    [ "$(sed -n 's/^wmark_low_mib *: //p' /tmp/info.out)" -eq $((($2 + 128) / 256)) ] ||
        fail "wmark_low_mib does not match its pages"
    [ "$(wmarks policy --host)" = "$w" ] || fail "policy --host shows $(wmarks policy --host)"
}

t_wmark() {
    xl-ppr policy --host | tee /tmp/wmark.out
    wmarks > /tmp/wmark.saved
    set -- $(cat /tmp/wmark.saved)
    xl-ppr policy --host --wmark-min 8 --wmark-low 16 --wmark-high 32
    [ "$(wmarks)" = "2048 4096 8192" ] || fail "watermarks not set: $(wmarks)"
    [ "$(xen_wmarks)" = "2048 4096 8192" ] || fail "Xen has $(xen_wmarks)"
    # One alone: the others keep their value.
    xl-ppr policy --host --wmark-high=40m
    [ "$(wmarks)" = "2048 4096 10240" ] || fail "high alone: $(wmarks)"
    # Bad values: exit 2, nothing changed.
    expect_rc 2 xl-ppr policy --host --wmark-min 64
    grep -q 'above the low one' "$XLP_ERR" || fail "no order message"
    expect_rc 2 xl-ppr policy --host --wmark-low 100 --wmark-high 50
    expect_rc 2 xl-ppr policy --host --wmark-high 4g
    grep -q "more than the host's memory" "$XLP_ERR" || fail "no memory message"
    expect_rc 2 xl-ppr policy --host --wmark-min lots
    expect_rc 2 xl-ppr policy --host --wmark-min 6k
    expect_rc 2 xl-ppr policy --host --reclaim on
    expect_rc 2 xl-ppr policy Domain-0 --wmark-min 8
    expect_rc 2 xl-ppr policy --host --default
    expect_rc 3 as_nobody xl-ppr policy --host --wmark-min 4
    [ "$(wmarks)" = "2048 4096 10240" ] || fail "a refused change changed: $(wmarks)"
    [ "$(xen_wmarks)" = "2048 4096 10240" ] || fail "Xen changed: $(xen_wmarks)"
    # Back to the boot values, to the page.
    xl-ppr policy --host --wmark-min $(($1 * 4))k --wmark-low $(($2 * 4))k --wmark-high $(($3 * 4))k
    [ "$(wmarks)" = "$*" ] || fail "not restored: $(wmarks), was $*"
    [ "$(xen_wmarks)" = "$*" ] || fail "Xen not restored: $(xen_wmarks), was $*"
}

t_admission() {
    local rc=0 free min above got
    guest_cfg pprBig 65536 idle
    # 64 GiB + 257 MiB of paging pool + 2 MiB, rounded to 2 MiB.
    xl-ppr create -n /tmp/pprBig.cfg > /tmp/big.out || rc=$?
    cat /tmp/big.out
    [ $rc -eq 4 ] || fail "create -n of a 64 GiB guest: exit $rc, expected 4"
    [ "$(head -n 1 /tmp/big.out)" = "pprBig:" ] || fail "create -n policy line"
    grep -Eq '^pprBig: does not fit: needs 65796 MiB, [0-9]+ MiB free above the min watermark, [0-9]+ MiB reclaimable$' /tmp/big.out ||
        fail "create -n: no refusal verdict"
    # What it says is free agrees with info (within what dom0 moves).
    free=$(info_field mem_free_pages)
    min=$(info_field wmark_min_pages)
    above=$(((free - min) / 256))
    got=$(sed -n 's/.*needs 65796 MiB, \([0-9]*\) MiB free above.*/\1/p' /tmp/big.out)
    [ $((got - above)) -le 4 ] && [ $((above - got)) -le 4 ] ||
        fail "verdict says $got MiB free above min, info $above"
    xl-ppr create -n -f /tmp/pprBig.cfg | grep -q 'does not fit: .*(--force: created anyway)$' ||
        fail "create -n -f"
    expect_rc 4 xl-ppr create /tmp/pprBig.cfg
    grep -q '^xl-ppr: pprBig: does not fit: needs 65796 MiB, .*; domain not created' "$XLP_ERR" ||
        fail "refusal message"
    ! domain_exists pprBig || fail "pprBig was created"
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
    xl-ppr create -n /tmp/pprA.cfg > /tmp/pprA.dry || fail "create -n pprA"
    cat /tmp/pprA.dry
    [ "$(head -n 1 /tmp/pprA.dry)" = "pprA: --reclaim off --scan-ms 200 --min-age 0 --reserve 0" ] ||
        fail "create -n: $(head -n 1 /tmp/pprA.dry)"
    # 192 MiB + 1 MiB per vCPU + 1 page per MiB + 2 MiB, rounded to 2 MiB.
    grep -Eq '^pprA: fits: needs 196 MiB, [0-9]+ MiB free above the min watermark, [0-9]+ MiB reclaimable$' /tmp/pprA.dry ||
        fail "create -n: no admission verdict"

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
step watermarks 120 t_wmark
step admission 120 t_admission
step default-policy 120 t_default
step create 400 t_create
step reclaim-off 780 t_reclaim_off
step reclaim-on 400 t_reclaim_on
step list-top 300 t_list_top
step bad-input 480 t_bad_input
step guest-done 600 t_done
guest_dump pprA
guest_dump pprB
