#!/usr/bin/env bash
# Dynamic VM: the KVM rows of the reclaim benchmark.  Runs the kvm-bench
# job (one L1 KVM host under QEMU TCG: the same guest workload under PPR,
# virtio-balloon free page reporting and nothing, contiguous and
# fragmented frees) and turns its BENCH-KVM lines into
#
#   OUTDIR/kvm-<sys>-<mode>.dat   seconds after the free, MiB back in L1
#   OUTDIR/kvm-reclaim-<mode>.png the plot (with gnuplot)
#   OUTDIR/kvm.md                 the report's section
#
# and prints one line per system and mode:
#   ROW sys=kvm-ppr|kvm-fpr|kvm-none mode=reclaim|frag freed_kib=F
#       returned_kib=R fraction=X t50_s=A t95_s=B
# Memory back = the rise of L1's free memory (MemFree plus the per-CPU
# free lists) over the base taken just before the free (QEMU's RSS is
# sampled too, in the .dat files' third column).
#
#   scripts/bench-kvm.sh OUTDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: bench-kvm.sh OUTDIR}
mkdir -p "$out"
f=$out/flight-kvm
log "KVM reclaim benchmark on an L1 KVM host (about 5 minutes)"
"$TOP/tests/osstest/run-flight" -o "$f" kvm-bench > "$f.log" 2>&1 ||
    log "kvm-bench failed (see $f/)"
serial=$f/kvm-bench/serial.log
[ -f "$serial" ] || die "no $serial"

rows=
for sys in ppr fpr none; do
    for m in reclaim frag; do
        row=$(tr -d '\r' < "$serial" | awk -v sys="$sys" -v mode="$m" \
                  -v dat="$out/kvm-$sys-$m.dat" '
            function v(s) { sub(/^[a-z_]*=/, "", s); return s }
            $1 == "BENCH-KVM-BASE" && $2 == "sys=" sys && $3 == "mode=" mode {
                freed = v($4); base = v($5); rss0 = v($6) }
            $1 == "BENCH-KVM-SAMPLE" && $2 == "sys=" sys && $3 == "mode=" mode {
                t = v($4) / 1000; ret = v($5) - base; drop = rss0 - v($6)
                printf "%.1f %.1f %.1f\n", t, ret / 1024, drop / 1024 > dat
                if ( ret > best ) best = ret
                if ( t50 == "" && ret >= freed * 0.5 ) t50 = t
                if ( t95 == "" && ret >= freed * 0.95 ) t95 = t }
            END {
                if ( !freed ) exit 1
                if ( best < 0 ) best = 0
                printf "ROW sys=kvm-%s mode=%s freed_kib=%d returned_kib=%d " \
                       "fraction=%.3f t50_s=%s t95_s=%s\n", sys, mode, freed,
                       best, best / freed,
                       t50 == "" ? "-" : sprintf("%.1f", t50),
                       t95 == "" ? "-" : sprintf("%.1f", t95) }') ||
            { log "no $sys $m samples (see $serial)"; continue; }
        echo "$row"
        rows="$rows$row
"
    done
done

if command -v gnuplot >/dev/null; then
    for m in reclaim frag; do
        case $m in
            reclaim) what="128 MiB freed at once" ;;
            *) what="every other 4 KiB page of 128 MiB freed" ;;
        esac
        gnuplot <<GNUPLOT || log "gnuplot failed: no kvm-reclaim-$m.png"
set terminal pngcairo size 800,450 noenhanced
set output "$out/kvm-reclaim-$m.png"
set title "KVM: memory back to the L1 host after the guest frees ($what)"
set xlabel "seconds after the free"
set ylabel "MiB back in L1's free memory"
set key center right
plot "$out/kvm-ppr-$m.dat" with lines lw 2 title "PPR (kvm modules of this tree)", \
     "$out/kvm-fpr-$m.dat" with lines title "virtio-balloon free page reporting", \
     "$out/kvm-none-$m.dat" with lines title "nothing"
GNUPLOT
    done
fi

{
    echo "## Reclaim on KVM"
    echo
    echo "One L1 KVM host (Debian's $DOM0_KERNEL_ABI with the kvm modules of"
    echo "this tree, Debian's QEMU with accel kvm, under QEMU TCG), one 256 MiB"
    echo "L2 guest per system running the same workload as above; L1's free"
    echo "memory (MemFree plus the per-CPU free lists) sampled at about 10 Hz"
    echo "for 20 s from when L1 saw the guest's \"freed\" marker (job"
    echo "\`kvm-bench\`; khugepaged's \`max_ptes_none\` is 0 on that host):"
    echo
    echo "- **PPR**: the guest's PPR driver, KVM's default scan period (5 s);"
    echo "- **free page reporting**: the guest booted with \`ppr=off\`, QEMU's"
    echo "  \`-device virtio-balloon-pci,free-page-reporting=on\`;"
    echo "- **nothing**: \`ppr=off\`, no balloon."
    echo
    echo "| system | frees | freed MiB | returned MiB | fraction | 50% after (s) | 95% after (s) |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s' "$rows" | while read -r _ sys mode freed ret frac t50 t95; do
        [ -n "$t95" ] || continue
        v() { echo "${1#*=}"; }
        case "$(v "$sys")" in
            kvm-ppr) n="KVM + PPR" ;; kvm-fpr) n="KVM + free page reporting" ;;
            *) n="KVM, nothing" ;;
        esac
        case "$(v "$mode")" in reclaim) w=contiguous ;; *) w=fragmented ;; esac
        echo "| $n | $w | $(( $(v "$freed") / 1024 )) | $(( $(v "$ret") / 1024 )) | $(v "$frac") | $(v "$t50") | $(v "$t95") |"
    done
    echo
    for m in reclaim frag; do
        [ -f "$out/kvm-reclaim-$m.png" ] &&
            echo "![memory back to the L1 host over time, $m](kvm-reclaim-$m.png)" && echo
    done
} > "$out/kvm.md"
log "KVM rows in $out/kvm.md"
