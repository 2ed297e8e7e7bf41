# L2 workload of kvm-ppr-hostile: the hostile guest of ppr-hostile
# (garbage states, lies, bogus and out-of-RAM registrations, re-register,
# unregister/register flapping while the guest churns) through the KVM
# transport, then arrays far larger than the guest and the largest one
# the host accepts (test=huge).  Final marker:
#   DVM-KVM-HOSTILE result=pass|fail hostile=pass|fail huge_...=N
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
h=/sys/kernel/debug/ppr/hostile
sh /dvm/guest/ppr-hostile.sh
hostile_rc=$?
if echo "huge 2048 $(arg wait | grep . || echo 3000)" > $h 2>/dev/null; then
    # The huge test reports the sizes it had refused (test=bogus lines)
    # before its own line, as ppr-huge.sh expects on Xen.
    huge=$(grep 'test=huge' $h | tail -n 1)
else
    huge="DVM-PPR-HOSTILE test=huge error=write-failed"
fi
echo "$huge"
v() { echo "$huge" | sed -n "s/.* $1=\([-0-9]*\).*/\1/p"; }
registered=$(sed -n 's/^registered //p' /sys/kernel/debug/ppr/stats)
dvm-ppr stats -t end
result=pass
# Sizes refused (3 cases, none accepted); the largest array registered and
# unregistered; no lied-about page read back wrong; the real array back.
[ $hostile_rc = 0 ] && [ "$(v rc)" = 0 ] && [ "$(v cases)" = 3 ] &&
    [ "$(v accepted)" = 0 ] && [ "$(v corrupt)" = 0 ] && [ "$(v other)" = 0 ] &&
    [ "$(v unreg_rc)" = 0 ] && [ "$(v reregister_rc)" = 0 ] &&
    [ "$registered" = 1 ] || result=fail
echo "DVM-KVM-HOSTILE result=$result hostile_rc=$hostile_rc huge_rc=$(v rc) huge_pages=$(v pages) huge_zeroed=$(v zeroed) huge_corrupt=$(v corrupt) registered=$registered"
[ $result = pass ]
