/* SPDX-License-Identifier: MIT */
/*
 * Minimal stand-in for xen/include/public/xen.h so that ppr.h can be
 * compiled natively (unit tests, stress test, benchmark).  Only what ppr.h
 * uses is provided; the layout matches x86_64 Xen.
 */
#ifndef __PPR_SHIM_XEN_H__
#define __PPR_SHIM_XEN_H__

#include <stdint.h>

#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);   \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val)  do { (hnd).p = (val); } while ( 0 )

typedef uint64_t xen_pfn_t;     /* 8 bytes under LP64 and LLP64 alike */
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);

typedef uint16_t domid_t;
#define DOMID_SELF                      ((domid_t)0x7FF0U)

#endif /* __PPR_SHIM_XEN_H__ */
