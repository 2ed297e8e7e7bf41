#!/usr/bin/env bash
# Dynamic VM: benchmarks (not tests).  Runs the native PPR and PageONE
# core benchmarks, then boots the fork under QEMU for the PPR guest
# overhead benchmark (tests/osstest/jobs/bench-ppr-overhead), and writes
# results/bench-<UTC time>/report.md.  Needs `make build` first (the
# Makefile's bench target does it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$TOP/results/bench-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
report=$out/report.md

log "native PPR core benchmark"
make -s -C "$TOP/ppr" bench > "$out/ppr-core.txt" 2>&1 ||
    die "ppr bench failed (see $out/ppr-core.txt)"
log "native PageONE benchmark"
make -s -C "$TOP/pageone" bench > "$out/pageone-core.txt" 2>&1 ||
    die "pageone bench failed (see $out/pageone-core.txt)"

log "PPR guest overhead under QEMU (about 10 minutes)"
rc=0
"$TOP/tests/osstest/run-flight" -o "$out/flight" bench-ppr-overhead || rc=$?
lines=$(grep -a '^BENCH-PPR-OVERHEAD ' "$out/flight/bench-ppr-overhead/serial.log" |
        tr -d '\r' || true)
[ -n "$lines" ] || die "no benchmark results (see $out/flight/)"

# median of the per-guest medians, per mode
med() {
    printf '%s\n' "$lines" | grep "ppr=$1 " |
        sed 's/.* median_ns=\([0-9]*\).*/\1/' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
off=$(med off); on=$(med on)
# the best round of all guests of a mode (least disturbed by the host)
best() {
    printf '%s\n' "$lines" | grep "ppr=$1 " |
        sed 's/.* min_ns=\([0-9]*\).*/\1/' | sort -n | head -n 1
}
off_min=$(best off); on_min=$(best on)

{
    echo "# Dynamic VM benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`make bench\` (scripts/bench.sh) at $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)."
    echo "Host: $(nproc) CPUs, QEMU TCG \`-cpu $QEMU_CPU -smp $QEMU_SMP\`."
    echo
    echo "## PPR guest overhead"
    echo
    echo "One guest kernel, PPR driver off (\`ppr=off\`) vs on, alternately in"
    echo "one boot of the fork: map 32 MiB, write one word per page,"
    echo "unmap, for 30 s per guest; cost per page (ns, under TCG)."
    echo
    echo "| guest | PPR | driver active | rounds | median ns/page | mean | min | max |"
    echo "|---|---|---|---|---|---|---|---|"
    i=0
    printf '%s\n' "$lines" | while read -r _ mode active rest; do
        i=$((i + 1))
        kv() { printf '%s\n' "$rest" | sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p"; }
        echo "| $i | ${mode#ppr=} | ${active#active=} | $(kv rounds) | $(kv median_ns) | $(kv mean_ns) | $(kv min_ns) | $(kv max_ns) |"
    done
    echo
    if [ -n "$off" ] && [ -n "$on" ] && [ "$off" -gt 0 ]; then
        echo "Median of the medians: off $off ns, on $on ns; **on/off = $(awk "BEGIN { printf \"%.3f\", $on / $off }")** (target: under 1.03)."
        echo "Best round: off $off_min ns, on $on_min ns; on/off = $(awk "BEGIN { printf \"%.3f\", $on_min / $off_min }")."
        echo
        echo "Under TCG the spread between guests of the same mode is large"
        echo "(compare the medians of one mode); run it on a quiet host and"
        echo "read the ratio against that spread."
    fi
    echo
    echo "## PPR core (native)"
    echo
    echo '```'
    cat "$out/ppr-core.txt"
    echo '```'
    echo
    echo "## PageONE core vs KSM (native)"
    echo
    echo '```'
    cat "$out/pageone-core.txt"
    echo '```'
} > "$report"

echo
sed -n '/^## PPR guest overhead/,/^## PPR core/p' "$report" | sed '$d'
echo "report: $report"
[ $rc -eq 0 ] || die "the benchmark job failed (see $out/flight/)"
