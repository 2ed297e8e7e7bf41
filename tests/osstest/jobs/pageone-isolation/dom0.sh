# dom0 side of pageone-isolation.
. /dvm/lib/pageone.sh

create() {
    po_guest poi1 128 32 7 || return 1
    po_guest poi2 128 32 7 || return 1
    guest_wait poi1 'DVM-PO-FILLED' 400 && guest_wait poi2 'DVM-PO-FILLED' 400
}

separate() {
    local a ids
    po_wait_scans 4 900 || return 1
    po_show poi1 poi2
    ids=$(po_domids poi1 poi2) || { echo "$ids"; return 1; }
    a=$("$PO_CTL" audit $ids) || return 1
    echo "$a"
    [ "$(po_kv "$a" cross_nonzero)" -eq 0 ] ||
        fail "non-zero pages shared across share groups"
    [ "$(po_kv "$a" cross_zero)" -gt 1000 ] ||
        fail "zero pages were not shared across groups"
    po_verify poi1 poi2
}

together() {
    local a t=0
    "$PO_CTL" dom "$(po_id poi1)" group=9 || return 1
    "$PO_CTL" dom "$(po_id poi2)" group=9 || return 1
    while :; do
        ids=$(po_domids poi1 poi2) || { echo "$ids"; return 1; }
        a=$("$PO_CTL" audit $ids) || return 1
        echo "$a"
        [ "$(po_kv "$a" cross_nonzero)" -ge 8192 ] && break
        [ $t -lt 900 ] || { po_show poi1 poi2; fail "one group: still not shared"; return 1; }
        sleep 15; t=$((t + 15))
    done
    po_verify poi1 poi2
}

step policy 60 po_policy run=1 budget=10 period=500
step tools 60 po_tools
step warmup 900 po_warmup
step create 600 create
step separate 1000 separate
step together 1000 together
step leak 400 po_leak poi1 poi2
