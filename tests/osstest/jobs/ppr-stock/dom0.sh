# dom0 side of ppr-stock: ppr-reclaim's script, expecting no reclaim.
PPR_EXPECT=none
. /dvm/jobs/ppr-reclaim.sh
