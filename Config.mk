# Dynamic VM: every upstream input is pinned here.  Both make and the
# shell scripts (scripts/lib.sh) read this file: keep to `NAME := value`.

# Debian release the inputs come from (bookworm main, with a deb-src entry).
DEBIAN_SUITE := bookworm
DEBIAN_MIRROR := http://deb.debian.org/debian

# Upstream Xen: Debian's source package (Debian's own patches applied).
XEN_SRC_PKG := xen
XEN_DEB_VERSION := 4.17.5+72-g01140da4e8-1
XEN_UPSTREAM_VERSION := 4.17.5+72-g01140da4e8

# Stock baseline: Debian's binary hypervisor and tools, same version.
XEN_HV_PKG := xen-hypervisor-4.17-amd64
XEN_HV_CONFIG := boot/xen-4.17-amd64.config
XEN_HV_IMAGE := boot/xen-4.17-amd64.gz
XEN_TOOLS_PKGS := xen-utils-4.17 libxen-dev
XEN_LIBEXEC := /usr/lib/xen-4.17

# Guest kernel source and the stock dom0 kernel (PV dom0 + Xen modules).
LINUX_SRC_PKG := linux-source-6.1
LINUX_DEB_VERSION := 6.1.176-1
DOM0_KERNEL_PKG := linux-image-6.1.0-50-amd64
DOM0_KERNEL_ABI := 6.1.0-50-amd64

# Userland for the dom0 and guest initramfs.
BUSYBOX_PKG := busybox-static

# Host packages the build, the harness and the tests need.
HOST_PKGS := make gcc libc6-dev flex bison python3 bc libelf-dev libssl-dev dpkg-dev xz-utils zstd cpio kmod busybox-static qemu-system-x86 grub-pc-bin grub-common xorriso mtools spin libyajl-dev gnuplot-nox procps

# QEMU machine for the whole stack (TCG; AMD SVM + NPT emulated => HAP).
QEMU_CPU := qemu64,+svm,+npt
QEMU_MEM_MB := 3072
QEMU_SMP := 2
DOM0_MEM := 512M,max:512M
