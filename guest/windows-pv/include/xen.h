/* SPDX-License-Identifier: MIT */
/*
 * xen.h for the Windows PPR driver: the part of Xen's public xen.h that
 * abi/ppr.h uses, spelled with fixed-size types.
 *
 * Xen's own header declares xen_pfn_t as unsigned long, which is 8 bytes
 * under LP64 (Xen, Linux) but 4 bytes under Windows' LLP64: the frame list
 * and every structure holding a guest handle would change layout.  Here
 * xen_pfn_t is a uint64_t and a guest handle is an 8-byte, 8-aligned union
 * whatever the pointer size, so the same ABI structures come out of the
 * mingw-w64 build of the driver and of the Linux build of its host tests;
 * src/abi_layout.h asserts it in both.
 */
#ifndef __WPPR_XEN_H__
#define __WPPR_XEN_H__

#include <stdint.h>

#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                         \
    typedef union {                                                    \
        type *p;                                                       \
        uint64_t q;                                                    \
    } __attribute__((__aligned__(8))) __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type)                          \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);                            \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
/* Clear all 8 bytes first: a narrower pointer must not leave junk. */
#define set_xen_guest_handle(hnd, val)                                 \
    do { (hnd).q = 0; (hnd).p = (val); } while ( 0 )

typedef uint64_t xen_pfn_t;
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);

typedef uint16_t domid_t;
#define DOMID_SELF                      ((domid_t)0x7FF0U)
#define DOMID_XEN                       ((domid_t)0x7FF2U)
#define DOMID_INVALID                   ((domid_t)0x7FF4U)

#endif /* __WPPR_XEN_H__ */
