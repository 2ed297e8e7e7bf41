# Guest workload for ppr-hostile's flap-destroy step: the XTF-style test
# test-flap on every vCPU for dvm.flap_secs seconds, which dom0 cuts short
# with xl destroy.  Boot with ppr=off xen_privcmd.unrestricted=1.
echo "DVM-FLAP-START"
/bin/xtf/test-flap
