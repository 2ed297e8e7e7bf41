# dom0 side of bench-ppr-overhead: ROUNDS pairs of guests, PPR off then
# on, one at a time, each running `dvm-ppr bench` for SECS seconds.  Each
# result line is printed as BENCH-PPR-OVERHEAD ppr=off|on ... for the host
# to collect; the ratio is the host's business.
. /dvm/lib/ppr.sh

ROUNDS=3
SECS=30
MIB=32

bench_one() {
    local name=$1 mode=$2 r args="dvm.mib=$MIB dvm.secs=$SECS"
    [ "$mode" = off ] && args="$args ppr=off"
    GUEST_ARGS="$args" guest_create "$name" 256 ppr-bench
    guest_wait "$name" 'DVM-PPR-BENCH result=' $((SECS + 400)) > "/tmp/$name.res" ||
        return 1
    r=$(tr -d '\r' < "/tmp/$name.res")
    grep -E -m1 'DVM-PPR-STATS tag=bench-end .*active=[01]' "$(guest_log "$name")" |
        sed 's/.* active=\([01]\).*/\1/' > "/tmp/$name.active"
    echo "BENCH-PPR-OVERHEAD ppr=$mode active=$(cat "/tmp/$name.active") ${r#*DVM-PPR-BENCH }"
    guest_wait "$name" 'DVM-GUEST-DONE' 120 >/dev/null
    guest_gone "$name" 120
}

bench() {
    local i
    for i in $(seq 1 $ROUNDS); do
        bench_one "off$i" off
        bench_one "on$i" on
    done
}

step bench $((ROUNDS * 2 * (SECS + 200))) bench
