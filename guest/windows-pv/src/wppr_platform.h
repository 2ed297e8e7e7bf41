/* SPDX-License-Identifier: MIT */
/*
 * wppr_platform.h - the PPR core's platform (ppr/ppr_platform.h) for the
 * Windows driver, selected with -DPPR_PLATFORM_HEADER.
 *
 * The driver is built with GCC (mingw-w64), and its host tests with GCC
 * too, so the byte atomics are GCC's __atomic builtins in both: on x86-64
 * an exchange is XCHG (implicitly locked, a full barrier) and a
 * compare-exchange is LOCK CMPXCHG, which is what the ABI asks for.
 * mingw-w64 has no InterlockedExchange8, and an MSVC build would map
 * these to InterlockedExchange8 / InterlockedCompareExchange8.
 *
 * abi/ppr.h is included as "ppr.h"; it includes "xen.h", which is this
 * port's LLP64-clean include/xen.h.
 */
#ifndef __WPPR_PLATFORM_H__
#define __WPPR_PLATFORM_H__

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "ppr.h"

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

/* The array is bytes and is also read as words: no strict aliasing. */
typedef uint64_t __attribute__((__may_alias__)) ppr_u64_alias_t;
#define ppr_read64(p)           __atomic_load_n((const ppr_u64_alias_t *)(p), \
                                                __ATOMIC_RELAXED)
#define ppr_write8(p, v)        __atomic_store_n(p, (uint8_t)(v), \
                                                 __ATOMIC_RELAXED)
#define ppr_likely(x)           __builtin_expect(!!(x), 1)
#define ppr_unlikely(x)         __builtin_expect(!!(x), 0)

#endif /* __WPPR_PLATFORM_H__ */
