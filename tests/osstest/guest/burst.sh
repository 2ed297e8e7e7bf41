# Guest workload for bench-density: a bursty tenant (dvm-ppr burst), for
# ever: dvm.peak MiB (default 80) filled, held dvm.hold s (default 2),
# checked and freed once every dvm.period s (default 60), at a phase drawn
# from dvm.seed.  One DVM-PPR-BURST line per burst.
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
dvm-ppr burst -m "$(arg peak | grep . || echo 80)" \
    -H "$(arg hold | grep . || echo 2)" -w "$(arg period | grep . || echo 60)" \
    -t 0 -s "$(arg seed | grep . || echo 1)"
