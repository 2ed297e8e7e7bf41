# Dynamic VM top-level Makefile.  The README's commands (./dvm demo,
# ./dvm test) install the host packages first and then call these targets.
#
#   make [build]   QEMU, fork + stock hypervisors, guest kernel, tools,
#                  initramfs
#   make demo      build, then boot the demo (DVM_XEN=fork|stock)
#   make test      the osstest flight (unit tests, build, boot jobs)
#   make check     native unit/model/stress tests only (no QEMU)
#   make bench     benchmarks (not tests); see docs/bench.md
#   make clean     remove build/ (the download and build caches in
#                  /var/cache/dynamicvm stay; `make distclean` drops them)

DVM_XEN ?= fork
export DVM_XEN

.PHONY: all build fetch qemu xen guest-kernel tools initramfs kvm demo test check \
        bench clean distclean

all: build

build: fetch qemu xen guest-kernel tools initramfs kvm

fetch:
	scripts/fetch.sh

qemu: fetch
	scripts/build-qemu.sh

xen: fetch
	scripts/check-queue.sh
	scripts/build-xen.sh fork
	scripts/build-xen.sh release
	scripts/build-xen.sh stock

guest-kernel: fetch
	scripts/build-guest-kernel.sh

tools:
	$(MAKE) -C tools/xl-ppr

initramfs: guest-kernel tools
	scripts/build-initramfs.sh

# The KVM port's modules and its L1 host image (kvm/README.md).
kvm: fetch guest-kernel initramfs
	scripts/build-kvm.sh
	scripts/build-kvm-l1.sh

demo: build
	scripts/demo.sh

test:
	tests/osstest/run-flight

check:
	tests/osstest/run-flight unit-native

bench: build
	scripts/bench.sh

clean:
	rm -rf build

distclean: clean
	rm -rf /var/cache/dynamicvm
