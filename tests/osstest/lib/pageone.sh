# Dynamic VM osstest: dom0 helpers shared by the PageONE jobs (functions
# only, no steps).  The jobs source it as /dvm/lib/pageone.sh after
# lib/dom0.sh.

PO_CTL=/usr/sbin/pageone-ctl

# po_tools: check that PageONE is on.
po_tools() {
    "$PO_CTL" info || return 1
    [ $(( $(po_info flags) & 1 )) -eq 1 ] || { fail "PageONE is not enabled"; return 1; }
}

# po_kv "LINE" KEY: kv (lib/dom0.sh), the name the PageONE jobs use.
po_kv() {
    kv "$@"
}

po_info() {
    po_kv "$("$PO_CTL" info)" "$1"
}

# po_id NAME: the guest's domid; fails (and prints nothing) if the guest
# is gone, so that no command ever acts on an empty domid (dom0).
po_id() {
    local id
    id=$(xl domid "$1" 2>/dev/null)
    case "$id" in
        ''|*[!0-9]*) fail "guest $1 does not exist"; return 1 ;;
    esac
    [ "$id" -ne 0 ] || { fail "guest $1 resolved to dom0"; return 1; }
    echo "$id"
}

# po_dom NAME KEY
po_dom() {
    local id
    id=$(po_id "$1") || return 1
    po_kv "$("$PO_CTL" dom "$id")" "$2"
}

# po_create NAME [GROUP]: create the guest /tmp/NAME.cfg describes (see
# guest_cfg) with dedup on (new domains start with it off), in share group
# GROUP (default: its own).  The domain is created paused and its policy
# set before its first instruction, so PageONE attaches it with its final
# group (once unpaused).
po_create() {
    local id
    xl create -p "/tmp/$1.cfg" || { fail "xl create $1"; return 1; }
    id=$(po_id "$1") || return 1
    "$PO_CTL" dom "$id" dedup=1 ${2:+group=$2} ||
        { xl destroy "$1"; return 1; }
    guest_console "$1" || { xl destroy "$1"; return 1; }
    xl unpause "$1" || { fail "xl unpause $1"; return 1; }
    echo 0 > "/tmp/po-n-$1"
}

# po_guest NAME MEM_MIB FILL_MIB SEED [GROUP]: po_create a guest running
# the pageone workload.
po_guest() {
    guest_cfg "$1" "$2" "pageone dvm.po_mib=$3 dvm.po_seed=$4 ppr=off"
    po_create "$1" "${5:-}"
}

# po_send NAME COMMAND: write a command line to the guest's console; it
# answers with a marker carrying the command's number (printed).
po_send() {
    local tty n
    po_id "$1" >/dev/null || return 1
    tty=$(guest_tty "$1") || { fail "no console tty for $1"; return 1; }
    n=$(( $(cat "/tmp/po-n-$1") + 1 ))
    echo "$n" > "/tmp/po-n-$1"
    printf '%s\n' "$2" > "$tty"
    echo "$n"
}

# po_cmd NAME COMMAND MARKER TIMEOUT: send, wait for "MARKER n=<n>".
po_cmd() {
    local n
    n=$(po_send "$1" "$2") || return 1
    guest_wait "$1" "$3 n=$n( |\$)" "$4"
}

# po_verify NAME...: every guest checks all its data.
po_verify() {
    local g
    for g in "$@"; do
        po_cmd "$g" verify DVM-PO-VERIFY 300 | grep -q 'result=pass' ||
            { guest_dump "$g" | tail -n 5; fail "guest $g: data mismatch"; return 1; }
    done
}

po_domids() {
    local g ids=""
    for g in "$@"; do ids="$ids $(po_id "$g")" || return 1; done
    echo $ids
}

po_show() {
    "$PO_CTL" info
    local g id
    for g in "$@"; do
        id=$(po_id "$g") && "$PO_CTL" dom "$id"
    done
}

# po_wait_scans N TIMEOUT: wait until N more full passes completed.
po_wait_scans() {
    local start t=0
    start=$(po_info full_scans)
    while [ $(( $(po_info full_scans) - start )) -lt "$1" ]; do
        [ $t -lt "$2" ] || { fail "fewer than $1 passes in $2 s"; return 1; }
        sleep 5; t=$((t + 5))
    done
}

# po_lifecycle NAME: the PageONE jobs' warm-up lifecycle.  As many idle
# guests as the job runs at once ($PO_WARM_GUESTS, default 2), merged
# (dedup on), moved to another group (their ranges are rebuilt), audited,
# then destroyed.  Xen grows some tables a page at a time and keeps them:
# the vmap area's bitmap and page tables (the engine's per-domain state
# and the audit's buffer are vmalloc'ed), dom0's event channel buckets
# and grant maptrack.  The warm-up has to reach the job's high-water mark
# of all of them.
po_lifecycle() {
    local i id ids n=${PO_WARM_GUESTS:-2}
    for i in $(seq "$n"); do
        guest_cfg "$1-$i" 128 idle
        xl create -p "/tmp/$1-$i.cfg" || { fail "xl create $1-$i"; return 1; }
        id=$(po_id "$1-$i") || return 1
        "$PO_CTL" dom "$id" dedup=1 >/dev/null || return 1
        guest_console "$1-$i" || return 1
        xl unpause "$1-$i" || { fail "xl unpause $1-$i"; return 1; }
    done
    for i in $(seq "$n"); do
        guest_wait "$1-$i" 'DVM-GUEST-IDLE' 300 || return 1
    done
    ids=
    for i in $(seq "$n"); do
        id=$(po_id "$1-$i") || return 1
        "$PO_CTL" dom "$id" group=77 >/dev/null || return 1
        ids="$ids $id"
    done
    "$PO_CTL" audit $ids >/dev/null || return 1
    sleep 2
    for i in $(seq "$n"); do xl destroy "$1-$i"; done
    for i in $(seq "$n"); do guest_gone "$1-$i" 120 || return 1; done
}

# po_warmup: warm-up lifecycles (leak_warmup with po_lifecycle), so that
# one-off growth does not show up in the leak check; then record the free
# page count.
po_warmup() {
    leak_warmup po_lifecycle || return 1
    cp /tmp/leak-base /tmp/po-free-before
    info "free pages before the guests: $(cat /tmp/po-free-before)"
    po_census
}

# po_census: Xen's 'j' dump ends with its count of dom_cow frames and of
# the engine's heap blocks (both back to their boot values once no domain
# is merged).
po_census() {
    xl debug-keys j &&
        xl dmesg | grep -E 'PageONE: (dom_cow|d[0-9]+ dying)' | tail -n 6
}

# po_leak NAME...: destroy the guests; Xen's free pages must come back to
# the count po_warmup recorded, to the page.
po_leak() {
    local g
    for g in "$@"; do xl destroy "$g" 2>/dev/null || true; done
    for g in "$@"; do guest_gone "$g" 120 || return 1; done
    "$PO_CTL" info
    po_census
    leak_check "$(cat /tmp/po-free-before)" "the guests' lifetime"
}

# po_policy KEY=VALUE...: PageONE's host policy for this job (run, budget,
# period, group: pageone-ctl set), whatever the boot said.
po_policy() {
    "$PO_CTL" set "$@" || { fail "pageone-ctl set $*"; return 1; }
    "$PO_CTL" info
}
