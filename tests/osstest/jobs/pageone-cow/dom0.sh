# dom0 side of pageone-cow.
. /dvm/lib/pageone.sh

FILL_MIB=32
FILL=$((FILL_MIB * 256))
W=4096

create() {
    po_guest poa 128 $FILL_MIB 7 3 || return 1
    po_guest pob 128 $FILL_MIB 7 3 || return 1
    guest_wait poa 'DVM-PO-FILLED' 400 && guest_wait pob 'DVM-PO-FILLED' 400
}

merged() {
    local t=0 a b
    while :; do
        a=$(po_dom poa pages_shared); b=$(po_dom pob pages_shared)
        info "t=${t}s shared poa=$a pob=$b (want $FILL each)"
        [ "$a" -ge $FILL ] && [ "$b" -ge $FILL ] && break
        [ $t -lt 900 ] || { po_show poa pob; fail "fill not merged"; return 1; }
        sleep 10; t=$((t + 10))
    done
    po_show poa pob
    po_verify poa pob
}

# poa rewrites W merged pages: W copies, W COW breaks, poa's shared gauge
# falls by W, pob's pages stay on the (now single-sharer) frames.
cow_first() {
    local f0 f1 c0 s0 sa
    # Scanner stopped: no new merge of other pages moves the counts while
    # the COW breaks are counted (breaks still reach the engine).
    "$PO_CTL" set run=0 || return 1
    f0=$(settle_free_pages); c0=$(po_dom poa cow_breaks); s0=$(po_info pages_shared)
    po_cmd poa "write $W 11" DVM-PO-WROTE 300 || return 1
    sleep 3
    f1=$(settle_free_pages); sa=$(po_dom poa pages_shared)
    po_show poa pob
    info "free $f0 -> $f1, poa cow breaks +$(( $(po_dom poa cow_breaks) - c0 )), global shared $s0 -> $(po_info pages_shared)"
    [ $(( $(po_dom poa cow_breaks) - c0 )) -ge $W ] || fail "poa: fewer than $W COW breaks"
    [ $(( s0 - $(po_info pages_shared) )) -ge $W ] || fail "shared count did not fall by $W"
    [ $((f0 - f1)) -ge $((W * 9 / 10)) ] || fail "free memory fell by $((f0 - f1)) < 90% of $W copies"
    po_verify poa pob
    "$PO_CTL" set run=1
}

# pob rewrites the same pages: it is the last sharer of each frame, so the
# frames go private again (no copies needed).
cow_second() {
    local c0 sb0
    "$PO_CTL" set run=0 || return 1
    c0=$(po_dom pob cow_breaks); sb0=$(po_dom pob pages_shared)
    po_cmd pob "write $W 13" DVM-PO-WROTE 300 || return 1
    sleep 3
    po_show poa pob
    [ $(( $(po_dom pob cow_breaks) - c0 )) -ge $W ] || fail "pob: fewer than $W COW breaks"
    [ $(( sb0 - $(po_dom pob pages_shared) )) -ge $W ] || fail "pob's shared count did not fall by $W"
    po_verify poa pob
    "$PO_CTL" set run=1
}

step policy 60 po_policy run=1 budget=10 period=500
step tools 60 po_tools
step warmup 900 po_warmup
step create 600 create
step merged 1000 merged
step cow-first 600 cow_first
step cow-second 600 cow_second
step leak 400 po_leak poa pob
