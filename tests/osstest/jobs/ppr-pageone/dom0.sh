# dom0 side of ppr-pageone.
. /dvm/lib/ppr.sh
. /dvm/lib/pageone.sh

GUESTS="bp1 bp2"
KEEP=$((32 * 256))

# both NAME: a guest of the ppr-hold workload (32 MiB kept, 32 MiB freed,
# the same seed in every guest), dedup on in group 4, PPR left on.
both() {
    GUEST_ARGS="dvm.mib=32 dvm.secs=60" guest_cfg "$1" 256 ppr-hold
    po_create "$1" 4
}

create() {
    local g
    for g in $GUESTS; do both "$g" || return 1; done
    for g in $GUESTS; do
        guest_follow "$g"
        guest_wait "$g" 'DVM-PPR-HOLD-START' 540 || return 1
    done
}

# frames_at_start NAME: Xen's frames_returned for the guest as its driver
# read it before the workload filled anything (its hold-start stats line).
frames_at_start() {
    sed -n 's/.*DVM-PPR-STATS tag=hold-start .*hv_frames_returned=\([0-9]*\).*/\1/p' \
        "$(guest_log "$1")" | head -n 1
}

# While the guests check their data: PageONE shares each guest's kept
# pages, and PPR, registered on the same domains, reclaims what they freed
# (content unique to each guest, so PageONE has no partner for it).
engines() {
    local t=0 g ok f0
    while :; do
        ok=1
        for g in $GUESTS; do
            f0=$(frames_at_start "$g")
            [ -n "$f0" ] || { fail "no hold-start stats from $g"; return 1; }
            [ "$(po_dom "$g" pages_shared)" -ge "$KEEP" ] || ok=0
            [ "$(ppr_field "$g" registered)" = yes ] || ok=0
            [ $(( $(ppr_field "$g" frames_returned) - f0 )) -ge $((KEEP * 9 / 10)) ] || ok=0
        done
        [ $ok = 1 ] && break
        [ $t -lt 100 ] || break
        sleep 5; t=$((t + 5))
    done
    po_show $GUESTS
    for g in $GUESTS; do
        info "$g: frames returned since hold-start: $(( $(ppr_field "$g" frames_returned) - $(frames_at_start "$g") ))"
        xl-ppr list -l "$g" | grep -E '^(name|registered|reclaimed|refaulted|frames_returned|dedup|dedup_shared_pages) '
    done
    [ $ok = 1 ] ||
        fail "after ${t}s not every guest had $KEEP pages shared by PageONE and 90% of $KEEP freed pages returned by PPR"
}

finish() {
    local g
    for g in $GUESTS; do
        guest_wait "$g" 'DVM-PPR-HOLD result=' 400 || return 1
        guest_wait "$g" 'DVM-PPR-HOLD result=pass .*nonzero=0 mismatches=0' 1 || return 1
    done
    for g in $GUESTS; do
        guest_wait "$g" 'DVM-GUEST-DONE run=ppr-hold rc=0' 120 || return 1
        guest_gone "$g" 120 || return 1
    done
}

step policy 60 ppr_default_policy 1000
step pageone-policy 60 po_policy run=1 budget=10 period=500
step tools 60 po_tools
PO_WARM_GUESTS=2
step warmup 900 po_warmup
step create 600 create
step engines 200 engines
step finish 600 finish
step leak 400 po_leak $GUESTS
ppr_keydump
