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

# Host packages the build, the harness and the tests need (bookworm).
HOST_PKGS := make gcc libc6-dev flex bison python3 bc libelf-dev libssl-dev dpkg-dev xz-utils zstd cpio kmod busybox-static grub-pc-bin grub-common xorriso mtools spin libyajl-dev gnuplot-nox procps

# The emulator of the flight, the demo and the bench: QEMU 10 from
# bookworm-backports.  An apt pin lets only the packages below come from
# backports, each at its version.  Debian's binary provides the firmware
# and data files (and is the unpatched baseline); the harness runs
# qemu-system-x86_64 built from Debian's orig tarball of the same version
# with qemu/patches (scripts/build-qemu.sh, docs/harness.md).
BACKPORTS_SUITE := bookworm-backports
QEMU_SRC_PKG := qemu
QEMU_DEB_VERSION := 1:10.0.2+ds-2+deb13u1~bpo12+1
QEMU_ORIG_TARBALL := qemu_10.0.2+ds.orig.tar.xz
QEMU_ORIG_SHA256 := 0901da33844a331bf8b3602b9c1fbd178e60b737c8e3ade678255bd090c9b9f1
QEMU_PKGS := qemu-system-x86 qemu-system-common qemu-system-data
SEABIOS_DEB_VERSION := 1.16.3-2~bpo12+1
# QEMU's build tools from backports (bookworm's meson is too old).
QEMU_BUILD_BPO := meson=1.7.0-1~bpo12+1 python3-pycotap=1.3.1-2~bpo12+1
QEMU_BUILD_PKGS := ninja-build pkgconf libglib2.0-dev zlib1g-dev libpixman-1-dev libfdt-dev python3-venv bzip2

# Xen's device model for HVM guests, in the dom0 image: Debian's
# qemu-system-xen of bookworm (the one xen-utils-4.17 recommends; its
# binary is the /usr/libexec/xen-qemu-system-i386 that Debian's libxl
# runs), with the ROMs of its own version's qemu-system-data (not
# backports' QEMU 10 of the harness) and the pinned SeaBIOS above.  Only
# unpacked into the dom0 image; the libraries it links, which the image
# takes from the host, are installed on the host.
QEMU_XEN_PKG := qemu-system-xen
QEMU_XEN_DEB_VERSION := 1:7.2+dfsg-7+deb12u18+b3
QEMU_XEN_DATA_DEB_VERSION := 1:7.2+dfsg-7+deb12u18
QEMU_XEN_LIB_PKGS := libspice-server1 libusb-1.0-0 libjpeg62-turbo libfdt1 libpixman-1-0 libglib2.0-0 zlib1g libxendevicemodel1 libxenforeignmemory1 libxengnttab1 libxenevtchn1 libxenmisc4.17 libxenstore4 libxentoolcore1

# The Windows guest driver: cross-built with mingw-w64, test-signed, and
# loaded under wine on the no-Xen path (guest/windows-pv).
WINDOWS_PKGS := gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev openssl osslsigncode wine64

# QEMU machine for the whole stack (TCG; AMD SVM + NPT emulated => HAP).
QEMU_CPU := qemu64,+svm,+npt
QEMU_MEM_MB := 3072
QEMU_SMP := 2
DOM0_MEM := 512M,max:512M
