# Guest workload for ppr-hostile: misuse the PPR interface through the
# driver's debugfs file (CONFIG_PPR_GUEST_HOSTILE), then check the guest
# still works.  Every test prints DVM-PPR-HOSTILE test=... lines; the last
# line is
#   DVM-PPR-HOSTILE-DONE result=pass|fail corrupt=N accepted=N ...
# (pass: no lie page read back wrong, no bogus registration accepted, the
# largest array was registered, the real array is registered again, the
# churn and reclaim checks passed).
# dvm.wait: ms pages stay lied-about (default 20000); dvm.secs: churn
# seconds during the register/unregister flapping (default 60).
arg() { sed -n "s/.*dvm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
wait_ms=$(arg wait | grep . || echo 20000)
secs=$(arg secs | grep . || echo 60)
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
h=/sys/kernel/debug/ppr/hostile
out=/tmp/hostile.out
: > $out
hostile() {
    if echo "$*" > $h 2>/dev/null; then
        cat $h | tee -a $out
    else
        echo "DVM-PPR-HOSTILE test=$1 error=write-failed" | tee -a $out
    fi
}
dvm-ppr stats -t hostile-start
if [ ! -e $h ]; then
    echo "DVM-PPR-HOSTILE-DONE result=fail reason=no-interface"
    exit 1
fi
hostile reregister
hostile badop
hostile bogus
hostile garbage 100000
hostile lie 4096 "$wait_ms"
# The largest array Xen accepts, FREE past RAM; dom0 times its hypercalls
# meanwhile (ppr-hostile's dom0 side).
echo "DVM-PPR-HUGE-BEGIN"
hostile huge 4096 "$wait_ms"
echo "DVM-PPR-HUGE-END"
dvm-ppr churn -p 2 -m 16 -t "$secs" -s 0x4057 > /tmp/churn.out &
churn=$!
i=0
while kill -0 $churn 2>/dev/null; do
    hostile flap 50
    i=$((i + 1))
    sleep 1
done
wait $churn
churn_rc=$?
cat /tmp/churn.out
hostile garbage 100000
hostile lie 4096 "$wait_ms"
hostile reregister
dvm-ppr reclaim -m 32 -k 8 -H 1 -w 10 -s 0x4058 > /tmp/reclaim.out
reclaim_rc=$?
cat /tmp/reclaim.out
dvm-ppr stats -t hostile-end

corrupt=$(sed -n 's/.*test=\(lie\|huge\) .* corrupt=\([0-9]*\).*/\2/p' $out |
          awk '{ s += $1 } END { print s + 0 }')
rewrite=$(sed -n 's/.*test=lie .* rewrite_bad=\([0-9]*\).*/\1/p' $out |
          awk '{ s += $1 } END { print s + 0 }')
accepted=$(sed -n 's/.*test=\(bogus\|huge\) .* accepted=\([0-9]*\).*/\2/p' $out |
           awk '{ s += $1 } END { print s + 0 }')
errors=$(grep -c 'error=' $out)
registered=$(sed -n 's/^registered //p' /sys/kernel/debug/ppr/stats)
huge=fail
grep -q 'test=huge .* rc=0 .* reregister_rc=0' $out && huge=pass
result=pass
[ $huge = pass ] && [ "$corrupt" = 0 ] && [ "$rewrite" = 0 ] && [ "$accepted" = 0 ] &&
    [ "$errors" = 0 ] && [ "$registered" = 1 ] && [ $churn_rc = 0 ] &&
    [ $reclaim_rc = 0 ] || result=fail
echo "DVM-PPR-HOSTILE-DONE result=$result huge=$huge corrupt=$corrupt rewrite_bad=$rewrite accepted=$accepted errors=$errors registered=$registered flap_rounds=$i churn_rc=$churn_rc reclaim_rc=$reclaim_rc"
[ $result = pass ]
