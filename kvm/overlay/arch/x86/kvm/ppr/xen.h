/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * abi/ppr.h includes "xen.h" for Xen's public types (domid_t, xen_pfn_t,
 * guest handles).  Linux has them as <xen/interface/xen.h>, whose guest
 * handle macros lack the XEN_ prefix.
 */
#ifndef __ARCH_X86_KVM_PPR_XEN_H
#define __ARCH_X86_KVM_PPR_XEN_H

#include <xen/interface/xen.h>

#ifndef XEN_GUEST_HANDLE
#define XEN_GUEST_HANDLE(name)		GUEST_HANDLE(name)
#endif
#ifndef DEFINE_XEN_GUEST_HANDLE
#define DEFINE_XEN_GUEST_HANDLE(name)	DEFINE_GUEST_HANDLE(name)
#endif

#endif /* __ARCH_X86_KVM_PPR_XEN_H */
