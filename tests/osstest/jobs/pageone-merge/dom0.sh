# dom0 side of pageone-merge (and of hvm-pageone-merge, which sets
# GUEST_TYPE=hvm, its own guests and what they must share across).
. /dvm/lib/pageone.sh

: "${PO_GUESTS:=pom1 pom2 pom3 pom4}" "${PO_CROSS_MIN:=40000}"

create() {
    local g
    for g in $PO_GUESTS; do
        po_guest "$g" 128 40 7 5 || return 1
    done
    for g in $PO_GUESTS; do
        guest_wait "$g" 'DVM-PO-FILLED' 400 || return 1
    done
    sleep 10
}

baseline() {
    local a ids
    settle_free_pages > /tmp/po-f0
    ids=$(po_domids $PO_GUESTS) || { echo "$ids"; return 1; }
    a=$("$PO_CTL" audit $ids) || return 1
    echo "$a"
    po_kv "$a" mergeable > /tmp/po-m
    info "free pages $(cat /tmp/po-f0), mergeable $(cat /tmp/po-m)"
    [ "$(cat /tmp/po-m)" -gt 40000 ] || fail "too little to merge: the test is void"
}

merge() {
    local f0 m want f t=0
    f0=$(cat /tmp/po-f0); m=$(cat /tmp/po-m)
    want=$(( m * 9 / 10 ))
    "$PO_CTL" set run=1
    while :; do
        f=$(xen_free_pages)
        info "t=${t}s freed $((f - f0)) of $want wanted ($(po_info full_scans) passes, $(po_info merged) merged, $(po_info zero_merged) zero)"
        [ $((f - f0)) -ge "$want" ] && break
        [ $t -lt 900 ] || { po_show $PO_GUESTS; fail "freed $((f - f0)) < 90% of $m"; return 1; }
        sleep 10; t=$((t + 10))
    done
    po_show $PO_GUESTS
}

check() {
    local a ids
    ids=$(po_domids $PO_GUESTS) || { echo "$ids"; return 1; }
    a=$("$PO_CTL" audit $ids) || return 1
    echo "$a"
    [ "$(po_kv "$a" cross_nonzero)" -gt "$PO_CROSS_MIN" ] ||
        fail "non-zero pages were not shared across the group"
    po_verify $PO_GUESTS
}

step policy 60 po_policy run=0 budget=10 period=500
step tools 60 po_tools
: "${PO_WARM_GUESTS:=$(echo $PO_GUESTS | wc -w)}"

step warmup 900 po_warmup
step create 600 create
step baseline 300 baseline
step merge 1000 merge
step check 600 check
step leak 400 po_leak $PO_GUESTS
