# Guest workload of ppr-hostile's warm-up: one registration of the largest
# array Xen accepts (the test kernel's "huge", briefly), then power off.
# The warm-up so grows once what that registration grows in Xen and keeps
# (the vmap area's page tables and bitmap).
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
h=/sys/kernel/debug/ppr/hostile
echo "huge 64 100" > $h || exit 1
cat $h
grep -q 'test=huge .* rc=0 .* reregister_rc=0' $h
