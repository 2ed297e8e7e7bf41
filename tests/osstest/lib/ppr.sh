# Dynamic VM osstest: helpers shared by the ppr-* jobs (functions only,
# no steps; not a job of its own).  The jobs source it as
# /dvm/lib/ppr.sh after lib/dom0.sh.

# now_ms: dom0's uptime in ms.
now_ms() {
    awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# stable_free_pages PERIOD_MS: Xen's free pages once two samples one scan
# period apart are equal (PPR reclaims a guest's boot-time free memory in
# the first periods after it registers, so settle_free_pages' 1 s is not
# enough).
stable_free_pages() {
    local prev=-1 cur i=0 s
    s=$(awk "BEGIN { print $1 / 1000 }")
    cur=$(xen_free_pages)
    while [ "$cur" != "$prev" ] && [ $i -lt 30 ]; do
        sleep "$s"
        prev=$cur
        cur=$(xen_free_pages)
        i=$((i + 1))
    done
    echo "$cur"
}

# ppr_field DOMAIN KEY: a field of `xl-ppr list -l DOMAIN` (Xen's PPR
# counters for the domain, XEN_PPROP_get_stats).
ppr_field() {
    xl-ppr list -l "$1" | sed -n "s/^$2 *: //p" | head -n 1
}

# ppr_field_wait DOMAIN KEY OP VALUE SECS: poll ppr_field DOMAIN KEY once
# a second until [ FIELD OP VALUE ] holds (OP: = or -ge, ...); false if it
# still does not after SECS seconds.
ppr_field_wait() {
    local t=0
    until [ "$(ppr_field "$1" "$2")" "$3" "$4" ] 2>/dev/null; do
        [ $t -lt "$5" ] || return 1
        sleep 1
        t=$((t + 1))
    done
}

# ppr_host_field KEY: a field of `xl-ppr info` (host totals).
ppr_host_field() {
    xl-ppr info | sed -n "s/^$1 *: //p" | head -n 1
}

# ppr_watch NAME REGEX TIMEOUT: like guest_wait, and meanwhile keep the
# latest `xl-ppr list -l NAME` in /tmp/NAME.ppr every 2 s: a guest that
# powers itself off right after its marker takes its live counters with
# it, the last sample stays.
ppr_watch() {
    local t=0 log
    log=$(guest_log "$1")
    while [ $t -lt "$3" ]; do
        # Only a sample of the registered guest counts: one taken after
        # the guest unregistered (it does at power off) has no counters.
        xl-ppr list -l "$1" > "/tmp/$1.ppr.new" 2>/dev/null &&
            grep -q '^reclaimed *: ' "/tmp/$1.ppr.new" &&
            mv "/tmp/$1.ppr.new" "/tmp/$1.ppr"
        grep -E -m1 "$2" "$log" 2>/dev/null && return 0
        sleep 2
        t=$((t + 2))
    done
    guest_wait "$1" "$2" 1
}

# ppr_sampled NAME KEY: a field of the last sample ppr_watch took.
ppr_sampled() {
    sed -n "s/^$2 *: //p" "/tmp/$1.ppr" 2>/dev/null | head -n 1
}

# wait_marker NAME REGEX: wait (5 Hz) for REGEX on the guest's console;
# fails if the guest crashes or disappears first.
wait_marker() {
    local log n=0
    log=$(guest_log "$1")
    while ! grep -q -E "$2" "$log" 2>/dev/null; do
        n=$((n + 1))
        if [ $((n % 25)) -eq 0 ] && guest_ended "$1" "$2"; then
            guest_died "$1" "$2"
            return 1
        fi
        sleep 0.2
    done
}

# rise_within BASE WANT LIMIT_MS: sample Xen's free pages from now until
# they exceed BASE by WANT pages or a sample starts more than LIMIT_MS
# from now; sets RISE, PEAK, ELAPSED (ms from now to the start of the last
# sample: the rise had happened by the end of that sample, which under TCG
# can take a second or more) and SAMPLE_MS (how long that sample took).
# Returns 0 if WANT was reached by a sample started within LIMIT_MS.
rise_within() {
    local t0 t free
    t0=$(now_ms)
    PEAK=0
    while :; do
        t=$(now_ms)
        free=$(xen_free_pages)
        ELAPSED=$((t - t0))
        SAMPLE_MS=$(($(now_ms) - t))
        RISE=$((free - $1))
        [ $RISE -gt $PEAK ] && PEAK=$RISE
        [ $ELAPSED -gt $3 ] && return 1
        [ $RISE -ge $2 ] && return 0
        sleep 0.2
    done
}

# ppr_keydump: the 'W' debug key's PPR dump, from Xen's console ring.
ppr_keydump() {
    xl debug-keys W
    sleep 1
    xl dmesg | grep -E 'PPR|\(XEN\)   ' | tail -n 16
}

# guest_follow NAME: copy the guest's console to ours as it is written,
# prefixed "[NAME] " (in the background; a step that times out still
# shows how far the guest got).  The DVM-PPR-WAIT progress lines are left
# out.
guest_follow() {
    local log
    log=$(guest_log "$1")
    (
        while [ ! -f "$log" ]; do sleep 1; done
        tail -n +1 -f "$log" |
            awk -v p="[$1] " '!/DVM-PPR-WAIT / { sub(/\r$/, ""); print p $0; fflush() }'
    ) &
}

# ppr_default_policy SCAN_MS: what domains created from now on start with
# (reclaim on, that period, no min_age, no reserve): a job sets the period
# it measures against, whatever the boot it shares with other jobs said.
ppr_default_policy() {
    xl-ppr policy --default --reclaim on --scan-ms "$1" --min-age 0 \
        --reserve 0 || { fail "cannot set the default PPR policy"; return 1; }
    xl-ppr policy --default
}
