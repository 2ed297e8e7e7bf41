# dom0 side of overcommit-pageone.
. /dvm/lib/pageone.sh
. /dvm/lib/overcommit.sh

FILL_MIB=32
ALLOC_MIB=96
# Three domains at once: the two guests and the hog.
PO_WARM_GUESTS=3

create() {
    po_guest oca 224 $FILL_MIB 7 5 || return 1
    po_guest ocb 224 $FILL_MIB 7 5 || return 1
    guest_wait oca 'DVM-PO-FILLED' 400 && guest_wait ocb 'DVM-PO-FILLED' 400
}

# The fill merged across the two guests, and their untouched memory into
# the zero frame: what they write next is all copy-on-write.
merged() {
    local t=0
    while [ "$(po_dom oca pages_shared)" -lt $((FILL_MIB * 256)) ] ||
          [ "$(po_dom ocb pages_shared)" -lt $((FILL_MIB * 256)) ] ||
          [ "$(po_dom oca zero_pages)" -lt $((ALLOC_MIB * 256)) ] ||
          [ "$(po_dom ocb zero_pages)" -lt $((ALLOC_MIB * 256)) ]; do
        [ $t -lt 900 ] || { po_show oca ocb; fail "not merged"; return 1; }
        sleep 10; t=$((t + 10))
    done
    po_show oca ocb
    # No new merges from here on: the breaks below are all there is.
    "$PO_CTL" set run=0
}

hog() {
    oc_hog ochog 24 || return 1
    mp_show
}

# Both guests rewrite their merged fill and fill fresh memory (zero
# pages): 2 x (8192 + 24576) breaks, far beyond the 24 MiB left and the
# reserve.  Their vCPUs must end up waiting, alive.
write() {
    local n1 n2 n3 n4
    n1=$(po_send oca "write $((FILL_MIB * 256)) 21") &&
        n2=$(po_send ocb "write $((FILL_MIB * 256)) 22") &&
        n3=$(po_send oca "alloc $ALLOC_MIB 23") &&
        n4=$(po_send ocb "alloc $ALLOC_MIB 24") || return 1
    echo "$n1 $n2 $n3 $n4" > /tmp/oc-n
    # One waiter is enough: whether the other guest is in Xen at the same
    # moment is scheduling (it may spin in an IPI to a vCPU that waits).
    oc_wait_waiting 1 300 || return 1
    sleep 15
    oc_alive oca ocb || return 1
    mp_show
    info "waiting after 15 s: $(mp mem_vcpus_waiting); Xen free $(mp mem_free_pages) pages"
    [ "$(mp mem_vcpus_waiting)" -ge 1 ] ||
        fail "nobody waits: the guests' writes were not held back"
    ! grep -q "DVM-PO-ALLOCED n=$n3" "$(guest_log oca)" ||
        ! grep -q "DVM-PO-ALLOCED n=$n4" "$(guest_log ocb)" ||
        fail "both guests finished their writes with no memory to back them"
}

# The hog goes: every waiting vCPU resumes, every write completes.
release() {
    local n1 n2 n3 n4
    read -r n1 n2 n3 n4 < /tmp/oc-n
    xl destroy ochog
    guest_wait oca "DVM-PO-WROTE n=$n1( |\$)" 300 >/dev/null &&
        guest_wait ocb "DVM-PO-WROTE n=$n2( |\$)" 300 >/dev/null &&
        guest_wait oca "DVM-PO-ALLOCED n=$n3( |\$)" 300 >/dev/null &&
        guest_wait ocb "DVM-PO-ALLOCED n=$n4( |\$)" 300 >/dev/null || return 1
    mp_show
    info "Xen free $(mp mem_free_pages) pages; vCPUs waited $(mp mem_waits_cow) times for a copy, $(mp mem_wait_total_ms) ms in all, the longest $(mp mem_wait_longest_ms) ms; reserve frames used $(mp mem_reserve_used)"
    [ "$(mp mem_vcpus_waiting)" -eq 0 ] || fail "vCPUs still waiting with the hog gone"
    [ "$(mp mem_waits_cow)" -ge 1 ] || fail "no copy-on-write break ever waited"
    po_show oca ocb
    po_verify oca ocb
}

leak() {
    "$PO_CTL" set run=1
    po_leak oca ocb
}

step policy 60 po_policy run=1 budget=10 period=500
step tools 60 po_tools
step warmup 900 po_warmup
step create 600 create
step merged 1000 merged
step hog 300 hog
step write 500 write
step release 600 release
step leak 400 leak
