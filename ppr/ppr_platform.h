/* SPDX-License-Identifier: MIT */
/*
 * ppr_platform.h - what a port of the PPR core has to provide.
 *
 * The core (ppr_core.c) uses nothing but this header and the public ABI
 * header ppr.h.  A port supplies:
 *
 *  types      uint8_t, uint64_t, uintptr_t, bool, NULL
 *  ppr_xchg8(p, v)        atomic exchange of one byte, full barrier,
 *                         returns the old value
 *  ppr_cmpxchg8(p, o, n)  atomic compare-and-exchange of one byte, full
 *                         barrier, returns the value found (== o: success)
 *  ppr_read8(p)           single, untorn load (READ_ONCE)
 *  ppr_write8(p, v)       single, untorn store (WRITE_ONCE)
 *  ppr_read64(p)          single, untorn load of the 8 state bytes at p
 *                         (p 8-byte aligned); the array is accessed both
 *                         as bytes and as words, so a native build must
 *                         not let the compiler assume strict aliasing
 *  ppr_likely / ppr_unlikely
 *
 * The hypervisor side also needs the ppr_hv_ops callbacks (ppr_core.h).
 *
 * Ports: __XEN__ (Xen hypervisor), __KERNEL__ (Linux guest), otherwise a
 * native build using the GCC/Clang __atomic builtins (tests, benchmark).
 * A port may pre-define PPR_PLATFORM_HEADER to use its own file.
 */
#ifndef __PPR_PLATFORM_H__
#define __PPR_PLATFORM_H__

#if defined(PPR_PLATFORM_HEADER)

#include PPR_PLATFORM_HEADER

#elif defined(__XEN__)

#include <xen/types.h>
#include <xen/compiler.h>
#include <asm/atomic.h>
#include <asm/system.h>
#include <public/ppr.h>

/* Functions, not macros: the core ignores some results (-Werror). */
static inline uint8_t ppr_xchg8(uint8_t *p, uint8_t v)
{
    return xchg(p, v);
}

static inline uint8_t ppr_cmpxchg8(uint8_t *p, uint8_t o, uint8_t n)
{
    return cmpxchg(p, o, n);
}

#define ppr_read8(p)            read_atomic(p)
#define ppr_read64(p)           read_atomic((const uint64_t *)(p))
#define ppr_write8(p, v)        write_atomic(p, (uint8_t)(v))
#define ppr_likely(x)           likely(x)
#define ppr_unlikely(x)         unlikely(x)

#elif defined(__KERNEL__)

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <xen/interface/xen.h>
/* Linux spells Xen's guest handle macros without the XEN_ prefix. */
#ifndef XEN_GUEST_HANDLE
#define XEN_GUEST_HANDLE(name)          GUEST_HANDLE(name)
#endif
#ifndef DEFINE_XEN_GUEST_HANDLE
#define DEFINE_XEN_GUEST_HANDLE(name)   DEFINE_GUEST_HANDLE(name)
#endif
#include <xen/interface/ppr.h>

#define ppr_xchg8(p, v)         xchg(p, (uint8_t)(v))
#define ppr_cmpxchg8(p, o, n)   cmpxchg(p, (uint8_t)(o), (uint8_t)(n))
#define ppr_read8(p)            READ_ONCE(*(p))
#define ppr_read64(p)           READ_ONCE(*(const uint64_t *)(p))
#define ppr_write8(p, v)        WRITE_ONCE(*(p), (uint8_t)(v))
#define ppr_likely(x)           likely(x)
#define ppr_unlikely(x)         unlikely(x)

#else /* native */

/* Freestanding headers only: no libc in the core. */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <ppr.h>

static inline uint8_t ppr_xchg8(uint8_t *p, uint8_t v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline uint8_t ppr_cmpxchg8(uint8_t *p, uint8_t o, uint8_t n)
{
    __atomic_compare_exchange_n(p, &o, n, false, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return o;
}

#define ppr_read8(p)            __atomic_load_n(p, __ATOMIC_RELAXED)

/* The 8 entries as one word; may_alias: the array's type is uint8_t. */
typedef uint64_t __attribute__((__may_alias__)) ppr_u64_alias_t;
#define ppr_read64(p)           __atomic_load_n((const ppr_u64_alias_t *)(p), \
                                                __ATOMIC_RELAXED)
#define ppr_write8(p, v)        __atomic_store_n(p, (uint8_t)(v), \
                                                 __ATOMIC_RELAXED)
#define ppr_likely(x)           __builtin_expect(!!(x), 1)
#define ppr_unlikely(x)         __builtin_expect(!!(x), 0)

#endif

#endif /* __PPR_PLATFORM_H__ */
