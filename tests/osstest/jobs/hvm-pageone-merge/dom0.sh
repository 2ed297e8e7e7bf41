# dom0 side of hvm-pageone-merge: pageone-merge's script with two HVM
# guests, each with Debian's qemu-system-xen as its device model.  Each
# fills 40 MiB (10240 pages) that the other has too.
GUEST_TYPE=hvm
PO_GUESTS="hpm1 hpm2"
PO_CROSS_MIN=20000
. /dvm/jobs/pageone-merge.sh
