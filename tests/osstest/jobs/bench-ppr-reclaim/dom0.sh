# dom0 side of bench-ppr-reclaim: for a contiguous free (ppr-reclaim's
# workload: 16 + 128 MiB filled, 128 MiB freed) and a fragmented one
# (ppr-fragmented's: every other 4 KiB page of 128 MiB), print Xen's free
# pages every 100 ms for 20 s from the guest's free, on the console:
#   BENCH-RECLAIM-BASE mode=M free=PAGES freed_pages=N
#   BENCH-RECLAIM-SAMPLE mode=M t_ms=T free=PAGES
# scripts/bench.sh turns them into the report's rows and plot.
. /dvm/jobs/ppr-lib.sh

# one MODE WORKLOAD ALLOCATED_MARKER FREED_MARKER
one() {
    local g=b$1 base= t0 t freed
    GUEST_ARGS="dvm.mib=128 dvm.keep=16 dvm.hold=60 dvm.wait=25" \
        guest_create "$g" 256 "$2"
    guest_wait "$g" "$3" 540 >/dev/null || return 1
    stable_free_pages 5000 >/dev/null
    grep -q "$4" "$(guest_log "$g")" &&
        { fail "$g freed before Xen's free memory was stable"; return 1; }
    # The base is the last sample before the free (PPR may still be
    # reclaiming the guest's boot-time free memory until then).
    while ! grep -q "$4" "$(guest_log "$g")"; do
        base=$(xen_free_pages)
        sleep 0.1
    done
    t0=$(now_ms)
    freed=$(sed -n "s/.*$4.*pages=\([0-9]*\).*/\1/p" "$(guest_log "$g")" | head -n 1)
    echo "BENCH-RECLAIM-BASE mode=$1 free=$base freed_pages=$freed"
    while :; do
        t=$(( $(now_ms) - t0 ))
        [ $t -le 20000 ] || break
        echo "BENCH-RECLAIM-SAMPLE mode=$1 t_ms=$t free=$(xen_free_pages)"
        sleep 0.1
    done
    guest_wait "$g" "DVM-GUEST-DONE run=$2 rc=0" 300 >/dev/null || return 1
    guest_gone "$g" 120
}

# populate: what building a guest costs Xen per page (the stock baseline
# for the cost per reclaimed page): `xl create -p` of a 64 and of a 320 MiB
# guest, three times each; the difference of the fastest of each size over
# the 256 MiB between them takes out the toolstack's fixed costs.
#   BENCH-POPULATE mib=M ms=T
populate() {
    local i mib t0
    for i in 1 2 3; do
        for mib in 64 320; do
            guest_cfg pop $mib idle
            t0=$(now_ms)
            xl create -p /tmp/pop.cfg > /dev/null 2>&1 ||
                { fail "xl create -p of $mib MiB"; return 1; }
            echo "BENCH-POPULATE mib=$mib ms=$(( $(now_ms) - t0 ))"
            xl destroy pop
            settle_free_pages > /dev/null
        done
    done
}

step populate 600 populate
step contiguous 900 one reclaim ppr-reclaim 'DVM-PPR-ALLOCATED' 'DVM-PPR-FREED'
step fragmented 900 one frag ppr-fragmented 'DVM-PPR-FRAG-ALLOCATED' 'DVM-PPR-FRAG-FREED'
xl-ppr info 2>/dev/null | sed 's/^/BENCH-INFO /'
