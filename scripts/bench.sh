#!/usr/bin/env bash
# Dynamic VM: benchmarks (not tests).  Runs the native PPR and PageONE
# core benchmarks; the reclaim scenario on the fork, on stock Xen (job
# bench-ppr-reclaim) and under virtio-balloon free page reporting
# (scripts/bench-fpr.sh); the PPR guest overhead benchmark on the fork
# (job bench-ppr-overhead); density on stock Xen, PPR, PageONE and both
# (job bench-density); Xen's CPU cost per page; the same reclaim
# scenario on an L1 KVM host: PPR, free page reporting and nothing
# (scripts/bench-kvm.sh, job kvm-bench); and writes
# results/bench-<UTC time>/report.md
# with the tables and gnuplot plots.  Needs `make build` first (the
# Makefile's bench target does it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# DVM_BENCH_PARTS: the parts to run, default all of them: core (native PPR
# and PageONE benchmarks), reclaim (the fork, stock Xen and free page
# reporting), density (four systems), overhead (PPR in the guest), kvm
# (the reclaim scenario on an L1 KVM host).  The
# report has the sections of the parts that ran; Xen's cost per page comes
# from the Xen runs among them.
parts=" ${DVM_BENCH_PARTS:-core reclaim density overhead kvm} "
want() {
    case $parts in *" $1 "*) return 0 ;; esac
    return 1
}
for p in $parts; do
    case $p in
        core|reclaim|density|overhead|kvm) ;;
        *) die "DVM_BENCH_PARTS: unknown part '$p' (core reclaim density overhead kvm)" ;;
    esac
done
log "benchmark parts:$parts"

out=$TOP/results/bench-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$out"
report=$out/report.md

if want core; then
    log "native PPR core benchmark"
    make -s -C "$TOP/ppr" bench > "$out/ppr-core.txt" 2>&1 ||
        die "ppr bench failed (see $out/ppr-core.txt)"
    log "native PageONE benchmark"
    make -s -C "$TOP/pageone" bench > "$out/pageone-core.txt" 2>&1 ||
        die "pageone bench failed (see $out/pageone-core.txt)"
fi

# bench_flight DIR JOB: run one job with run-flight into DIR, its summary
# in DIR.log.  It runs once: a boot that measured nothing (dom0 never
# reached the job) is named in the report, not run again.
bench_flight() {
    local rc=0
    "$TOP/tests/osstest/run-flight" -o "$1" "$2" > "$1.log" 2>&1 || rc=$?
    grep -aq 'DVM-DOM0-READY' "$1/$2/serial.log" 2>/dev/null ||
        echo "$(basename "$1") ($2)" >> "$out/no-dom0"
    return $rc
}

# plot_png PNG TITLE XLABEL YLABEL KEY PLOT: a gnuplot PNG; PLOT is the
# argument of gnuplot's plot command.
plot_png() {
    gnuplot <<GNUPLOT || log "gnuplot failed: no $1"
set terminal pngcairo size 800,450 noenhanced
set output "$1"
set title "$2"
set xlabel "$3"
set ylabel "$4"
set key $5
plot $6
GNUPLOT
}

# The reclaim scenario: the same guest workload freeing 128 MiB at once
# (contiguous) or every other 4 KiB page of 128 MiB (fragmented), on the
# fork (PPR), on stock Xen, and under virtio-balloon free page reporting.
# Each system gives "ROW sys= mode= freed_kib= returned_kib= fraction=
# t50_s= t95_s=" and a data file of MiB returned over the 20 s after the
# free (out/<sys>-<mode>.dat).
rows=
if want reclaim; then

    # xen_rows SYS SERIAL_LOG: rows and data files from bench-ppr-reclaim.
    xen_rows() {
        local m
        for m in reclaim frag hvm; do
            tr -d '\r' < "$2" | awk -v sys="$1" -v mode="$m" -v dat="$out/$1-$m.dat" '
                $1 == "BENCH-RECLAIM-BASE" && $2 == "mode=" mode {
                    split($3, a, "="); base = a[2]; split($4, b, "="); freed = b[2] }
                $1 == "BENCH-RECLAIM-SAMPLE" && $2 == "mode=" mode {
                    split($3, a, "="); t = a[2]; split($4, b, "="); ret = b[2] - base
                    printf "%.1f %.1f\n", t / 1000, ret / 256 > dat
                    if ( ret > best ) best = ret
                    if ( t50 == "" && ret >= freed * 0.5 ) t50 = t / 1000
                    if ( t95 == "" && ret >= freed * 0.95 ) t95 = t / 1000 }
                END {
                    if ( !freed ) exit 1
                    if ( best < 0 ) best = 0
                    printf "ROW sys=%s mode=%s freed_kib=%d returned_kib=%d " \
                           "fraction=%.3f t50_s=%s t95_s=%s\n", sys, mode,
                           freed * 4, best * 4, best / freed,
                           t50 == "" ? "-" : sprintf("%.1f", t50),
                           t95 == "" ? "-" : sprintf("%.1f", t95) }' ||
                { log "no $m samples for $1 (see $2)"; continue; }
        done
    }

    for x in fork stock; do
        log "reclaim scenario on the $x hypervisor under QEMU (about 6 minutes)"
        DVM_BENCH_XEN=$x bench_flight "$out/flight-$x" bench-ppr-reclaim ||
            log "bench-ppr-reclaim on $x failed (see $out/flight-$x/)"
        rows="$rows$(xen_rows "$x" "$out/flight-$x/bench-ppr-reclaim/serial.log")
    "
    done

    log "reclaim scenario under virtio-balloon free page reporting (about 2 minutes)"
    for m in reclaim frag; do
        rows="$rows$("$TOP/scripts/bench-fpr.sh" "$out" "$m" 128 |
                     sed -n 's/^FPR /ROW sys=fpr /p')
    "
    done

    if command -v gnuplot >/dev/null; then
        for m in reclaim frag hvm; do
            [ -f "$out/fork-$m.dat" ] || continue
            case $m in
                reclaim) what="128 MiB freed at once" ;;
                hvm) what="128 MiB freed at once, HVM guest with QEMU" ;;
                *) what="every other 4 KiB page of 128 MiB freed" ;;
            esac
            # Free page reporting has no HVM + QEMU run (it has no Xen).
            fpr=
            [ -f "$out/fpr-$m.dat" ] && fpr=", \"$out/fpr-$m.dat\" with lines title \"virtio-balloon free page reporting\""
            plot_png "$out/reclaim-$m.png" \
                "Memory back to the host after the guest frees ($what)" \
                "seconds after the free" "MiB returned to the host" "center right" \
                "\"$out/fork-$m.dat\" with lines lw 2 title \"Dynamic VM (PPR)\", \
                 \"$out/stock-$m.dat\" with lines title \"stock Xen\"$fpr"
        done
    fi
fi

# Density: on a host of fixed memory, 128 MiB guests with a bursty tenant
# are started until one fails (job bench-density), per system.  Each gives
# "DROW sys= fit= failed= stop=..." and out/density-<sys>.dat (guests
# started, Xen's free MiB).
drows=
if want density; then
    for x in stock ppr pageone ppr+pageone; do
        log "density on $x under QEMU (up to about 15 minutes each, stock less)"
        DVM_DENSITY=$x bench_flight "$out/flight-density-$x" bench-density ||
            log "bench-density on $x failed (see $out/flight-density-$x/)"
        serial=$out/flight-density-$x/bench-density/serial.log
        tr -d '\r' < "$serial" 2>/dev/null | awk '$1 == "BENCH-DENSITY-SAMPLE" {
            split($2, a, "="); split($3, b, "="); printf "%d %.1f\n", a[2], b[2] / 256 }' \
            > "$out/density-$x.dat" || true
        res=$(tr -d '\r' < "$serial" 2>/dev/null | grep -a '^BENCH-DENSITY-RESULT ' |
              tail -n 1 || true)
        stop=$(tr -d '\r' < "$serial" 2>/dev/null | grep -a '^BENCH-DENSITY-STOP ' |
               tail -n 1 | sed 's/.* reason=//' || true)
        [ -n "$res" ] || { log "no density result for $x"; continue; }
        drows="$drows$x $(echo "$res" | sed 's/^[^ ]* //') stop=$stop
    "
    done
    if command -v gnuplot >/dev/null; then
        plot_png "$out/density.png" \
            "Xen's free memory as bursty 128 MiB guests are started" \
            "guests running" "Xen free MiB (after each guest settled)" "top right" \
            "\"$out/density-stock.dat\" with linespoints title \"stock Xen\", \
             \"$out/density-ppr.dat\" with linespoints title \"Dynamic VM, PPR\", \
             \"$out/density-pageone.dat\" with linespoints title \"Dynamic VM, PageONE\", \
             \"$out/density-ppr+pageone.dat\" with linespoints lw 2 title \"Dynamic VM, PPR + PageONE\""
    fi
fi

# Hypervisor cost per page from Xen's own counters (xl-ppr info at the
# end of a run: "BENCH-INFO key : value"), beside a per-page operation of
# stock Xen measured in the same run: dom0 (PV) faulting in and freeing a
# page (bench-ppr-reclaim's fault step, "BENCH-FAULT median_ns=N").
binfo() {
    [ -f "$1" ] || return 0
    tr -d '\r' < "$1" |
        sed -n "s/^BENCH-INFO $2 *: *\([0-9]*\).*/\1/p" | tail -n 1 || true
}
# fault_us SERIAL: µs per page of the dom0 fault loop
fault_us() {
    [ -f "$1" ] || return 0
    tr -d '\r' < "$1" |
        sed -n 's/^BENCH-FAULT median_ns=\([0-9]*\).*/\1/p' | tail -n 1 |
        awk '{ printf "%.2f\n", $1 / 1000 }' || true
}
reclaim_serial() { echo "$out/flight-$1/bench-ppr-reclaim/serial.log"; }
density_serial() { echo "$out/flight-density-$1/bench-density/serial.log"; }
stock_us=$(fault_us "$(reclaim_serial stock)")
fork_us=$(fault_us "$(reclaim_serial fork)")
crows=
# cost_row NAME SERIAL PAGES_KEY MS_KEY
cost_row() {
    local pages ms us
    pages=$(binfo "$2" "$3"); ms=$(binfo "$2" "$4")
    [ -n "$pages" ] && [ -n "$ms" ] && [ "$pages" -gt 0 ] || return 0
    us=$(awk "BEGIN { printf \"%.2f\", $ms * 1000 / $pages }")
    crows="$crows| $1 | $pages | $ms | $us | $( [ -n "$stock_us" ] &&
        awk "BEGIN { printf \"%.2f\", $us / $stock_us }" || echo -) |
"
}
cost_row "PPR, reclaim scenario (pages reclaimed, scan CPU)" "$(reclaim_serial fork)" ppr_reclaimed ppr_scan_cpu_ms
cost_row "PPR, density run (pages reclaimed, scan CPU)" "$(density_serial ppr)" ppr_reclaimed ppr_scan_cpu_ms
cost_row "PageONE, density run (pages merged, idle + timer CPU)" "$(density_serial pageone)" dedup_merged_pages dedup_cpu_ms
cost_row "PPR, density PPR + PageONE (pages reclaimed, scan CPU)" "$(density_serial ppr+pageone)" ppr_reclaimed ppr_scan_cpu_ms
cost_row "PageONE, density PPR + PageONE (pages merged, CPU)" "$(density_serial ppr+pageone)" dedup_merged_pages dedup_cpu_ms

rc=0
if want overhead; then
    log "PPR guest overhead under QEMU (about 10 minutes)"
    bench_flight "$out/flight" bench-ppr-overhead || rc=$?
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
fi

krows=
if want kvm; then
    krows=$("$TOP/scripts/bench-kvm.sh" "$out" | grep '^ROW ') ||
        log "the KVM rows are missing (see $out/flight-kvm/)"
fi

{
    echo "# Dynamic VM benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`${DVM_BENCH_PARTS:+DVM_BENCH_PARTS=\"$DVM_BENCH_PARTS\" }make bench\` (scripts/bench.sh) at $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)."
    echo "Host: $(nproc) CPUs, QEMU TCG \`-cpu $QEMU_CPU -smp $QEMU_SMP\`."
    if [ -f "$out/no-dom0" ]; then
        echo
        echo "**Measured nothing** (dom0 never reached the job; see the serial"
        echo "log): $(paste -sd, "$out/no-dom0" | sed 's/,/, /g')."
    fi
    echo
    if want overhead; then
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
    fi
    if want reclaim; then
        echo "## Reclaim latency and coverage"
        echo
        echo "The same guest workload (\`dvm-ppr\` from the PPR jobs): contiguous ="
        echo "fill 16 + 128 MiB, free 128 MiB; fragmented = fill 128 MiB, free every"
        echo "other 4 KiB page.  Memory back to the host is sampled every 100 ms (at"
        echo "most) for 20 s from the guest's free:"
        echo
        echo "- **Dynamic VM**: the fork, PPR period 5 s, our guest kernel; Xen's free"
        echo "  memory read in dom0 (job \`bench-ppr-reclaim\`);"
        echo "- **stock Xen**: Debian's hypervisor, the same guest kernel (its PPR"
        echo "  driver stays off), the same job;"
        echo "- both Xen rows again for the contiguous workload in an **HVM guest**"
        echo "  with Debian's qemu-system-xen as its device model, which first writes"
        echo "  32 MiB of the 128 to its emulated IDE disk by DMA (QEMU maps those"
        echo "  pages; docs/hvm.md);"
        echo "- **free page reporting**: Debian's kernel $DOM0_KERNEL_ABI with"
        echo "  \`virtio_balloon\` run by QEMU directly (no Xen, 1 GiB) with"
        echo "  \`-device virtio-balloon-pci,free-page-reporting=on\`; QEMU's RSS"
        echo "  (\`scripts/bench-fpr.sh\`)."
        echo
        echo "| system | frees | freed MiB | returned MiB | fraction | 50% after (s) | 95% after (s) |"
        echo "|---|---|---|---|---|---|---|"
        printf '%s' "$rows" | while read -r _ sys mode freed ret frac t50 t95; do
            [ -n "$t95" ] || continue
            v() { echo "${1#*=}"; }
            case "$(v "$sys")" in
                fork) n="Dynamic VM (PPR)" ;; stock) n="stock Xen" ;;
                *) n="free page reporting" ;;
            esac
            case "$(v "$mode")" in
                reclaim) w=contiguous ;; frag) w=fragmented ;;
                *) w="contiguous, HVM + QEMU, 32 MiB via disk DMA" ;;
            esac
            echo "| $n | $w | $(( $(v "$freed") / 1024 )) | $(( $(v "$ret") / 1024 )) | $(v "$frac") | $(v "$t50") | $(v "$t95") |"
        done
        echo
        for m in reclaim frag hvm; do
            [ -f "$out/reclaim-$m.png" ] &&
                echo "![memory returned over time, $m](reclaim-$m.png)" && echo
        done
        echo "Free page reporting only reports free blocks of pageblock size"
        echo "(2 MiB), after a 2 s delay; PPR works per 4 KiB page, a scan period"
        echo "(5 s, plus up to half a period for aging) after the free.  Times"
        echo "count from when the host side saw the guest's \"freed\" marker: dom0"
        echo "polls the guest's console at 10 Hz and samples Xen's free memory as"
        echo "fast as \`xl-ppr info -p\` runs (about every 250 ms under TCG); the"
        echo "QEMU serial log of the reporting guest can show the marker up to about"
        echo "2 s after the free, so its times can be that much shorter than the"
        echo "delay from the free itself."
        echo
    fi
    if want density; then
        echo "## Density"
        echo
        echo "A scaled-down version of the published experiment (4 GiB VMs, peak"
        echo "3 GiB, average 150 MiB): a QEMU host of ${DVM_DENSITY_HOST_MB:-1024} MiB (dom0 320 MiB),"
        echo "128 MiB PVH guests, each a bursty tenant (\`dvm-ppr burst\`: fill 80 MiB,"
        echo "hold 2 s, check, free, once a minute at its own phase).  Guests are"
        echo "started one by one until one does not fit (xl-ppr's admission refuses"
        echo "it, xl create fails, a guest"
        echo "crashes, stalls for want of memory, or reports a data mismatch), then"
        echo "all run on for 90 s under the same checks (job \`bench-density\`)."
        echo "A guest that triple-faults (QEMU's nested SVM, see docs/ppr-xen.md,"
        echo "open problems) was lost to that fault, not to memory: it is destroyed,"
        echo "left out of the count, and starting goes on; the guests that fit are"
        echo "those running at the end.  The lost guests and Xen's RIP for each:"
        echo
        lostl=$(for x in stock ppr pageone ppr+pageone; do
                    f=$(density_serial "$x")
                    [ -f "$f" ] || continue
                    tr -d '\r' < "$f" |
                        sed -n "s/^BENCH-DENSITY-LOST \(.*\)/- $x: \`\1\`/p"
                done || true)
        echo "${lostl:-- none}"
        echo
        echo "PageONE puts every guest in one share group."
        echo
        echo "| system | guests that fit | vs stock | stopped because |"
        echo "|---|---|---|---|"
        sfit=$(printf '%s' "$drows" | awk '$1 == "stock" { sub("fit=", "", $2); print $2 }')
        printf '%s' "$drows" | while read -r sys fit failed emu rest; do
            case $emu in
                triple_faults=*) emu=${emu#triple_faults=} ;;
                *) rest="$emu $rest"; emu=0 ;;
            esac
            f=${fit#fit=}
            case $sys in
                stock) n="stock Xen" ;; ppr) n="Dynamic VM, PPR" ;;
                pageone) n="Dynamic VM, PageONE" ;; *) n="Dynamic VM, PPR + PageONE" ;;
            esac
            r=-
            [ -n "$sfit" ] && [ "$sfit" -gt 0 ] && r=$(awk "BEGIN { printf \"%.2f\", $f / $sfit }")
            why=${rest#*stop=}
            held=${rest%% stop=*}
            [ "${failed#failed=}" = 0 ] || why="$why; then in the 90 s run: ${held#reason=}"
            [ "$emu" = 0 ] ||
                why="$why ($emu lost to a triple fault, replaced, not counted)"
            echo "| $n | $f | $r | $why |"
        done
        echo
        echo "vCPUs that waited for memory instead of their guest being crashed"
        echo "(docs/memory-pressure.md), over each whole run (the totals count a"
        echo "wait when it ends; the last column, the waits not over at the end):"
        echo
        echo "| system | copy-on-write waits | refault waits | limit waits | total wait | longest wait | still waiting at the end |"
        echo "|---|---|---|---|---|---|---|"
        # wv KEY: KEY's value in the run's BENCH-DENSITY-WAITS line ($w).
        wv() { echo "$w" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
        for x in stock ppr pageone ppr+pageone; do
            f=$(density_serial "$x")
            [ -f "$f" ] || continue
            w=$(tr -d '\r' < "$f" | grep -a '^BENCH-DENSITY-WAITS' | tail -n 1)
            [ -n "$w" ] || continue
            echo "| $x | $(wv mem_waits_cow) | $(wv mem_waits_refault) | $(wv mem_waits_limit) | $(wv mem_wait_total_ms) ms | $(wv mem_wait_longest_ms) ms | $(wv mem_vcpus_waiting) vCPUs |"
        done
        echo
        [ -f "$out/density.png" ] && echo "![free memory as guests are started](density.png)" && echo
    fi
    if want reclaim || want density; then
        echo "## Hypervisor cost"
        echo
        echo "Xen's own CPU counters per page handled (\`xl-ppr info\` at the end"
        echo "of each run; PPR's scan time includes reading the state arrays, not"
        echo "only reclaiming).  Under TCG every cycle is inflated, so each row is"
        echo "also given against a per-page operation of **stock Xen** measured in"
        echo "the same run: dom0 (PV, so Xen validates its page-table updates)"
        echo "faulting in one word per page of 32 MiB and unmapping it, in rounds"
        echo "for 20 s: ${stock_us:-?} µs per page, median round (the fork: ${fork_us:-?} µs)."
        echo
        echo "| engine, run | pages | Xen CPU ms | µs per page | vs a stock dom0 page fault |"
        echo "|---|---|---|---|---|"
        printf '%s' "$crows"
        echo
    fi
    if want kvm && [ -f "$out/kvm.md" ]; then
        cat "$out/kvm.md"
        echo
    fi
    if want core; then
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
    fi
} > "$report"

echo
sed -n '/^## PPR guest overhead/,/^## Reclaim latency/p' "$report" | sed '$d'
printf '%s' "$rows" | sed 's/^ *//'
sed -n '/^| system | guests that fit/,/^$/p' "$report"
sed -n '/^| engine, run/,/^$/p' "$report"
[ -z "$krows" ] || printf '%s\n' "$krows"
echo "report: $report"
[ $rc -eq 0 ] || die "the benchmark job failed (see $out/flight/)"
