# dom0 side of hvm-ppr-reclaim (and of hvm-ppr-stock, which sets
# PPR_EXPECT=none): ppr-reclaim's script with an HVM guest, Debian's
# qemu-system-xen as its device model and an emulated disk, warmed up and
# leak-checked with HVM guests of the same shape.
GUEST_TYPE=hvm
GUEST_DISK=/tmp/hvm-disk.img
PPR_GUEST=h1
PPR_RUN=hvm-reclaim
PPR_DISK_MIB=32
: "${PPR_LEAK:=1}"
. /dvm/jobs/ppr-reclaim.sh
