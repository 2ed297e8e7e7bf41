# dom0 side of hvm-ppr-stock: hvm-ppr-reclaim's script, expecting no
# reclaim.  Stock Xen's free memory settles at once (nothing reclaims it),
# so a short hold does, and there is no leak check.
PPR_EXPECT=none
PPR_HOLD=20
PPR_LEAK=0
. /dvm/jobs/hvm-ppr-reclaim.sh
