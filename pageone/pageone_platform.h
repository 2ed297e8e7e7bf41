/* SPDX-License-Identifier: MIT */
/*
 * pageone_platform.h - what a port of the PageONE core has to provide at
 * compile time.
 *
 * The core (pageone_core.c) includes nothing but this header.  A port
 * supplies:
 *
 *  types    uint32_t, uint64_t, int64_t, uintptr_t, bool, NULL
 *  pageone_read_once(x)        single untorn load, at least acquire/consume
 *                              ordering for pointers (READ_ONCE)
 *  pageone_write_once(x, v)    single untorn store (WRITE_ONCE)
 *  pageone_cmpxchg(p, o, n)    atomic compare-and-exchange on a 32- or
 *                              64-bit integer or a pointer, full barrier,
 *                              returns the value found (== o: success)
 *  pageone_smp_mb()            full memory barrier
 *  pageone_cpu_relax()         spin-wait hint
 *  pageone_likely / pageone_unlikely
 *  pageone_page_hash(ctx, seed, va, is_zero)
 *                              the hash the scan uses: every port maps it
 *                              to pageone_hash_page(seed, va, is_zero)
 *  PAGEONE_PAGE_SIZE           bytes per page (multiple of 64)
 *  XEN_PAGEONE_STATS           abi/pageone.h, whose statistics table
 *                              the core's counters are made from (with
 *                              the xen.h it includes)
 *
 * The run-time part (page access, merging, allocation, cpu id, preemption
 * check, RCU) is the struct pageone_ops table in pageone_core.h.
 *
 * Ports: __XEN__ (hypervisor), otherwise a native build on the GCC/Clang
 * __atomic builtins (tests, benchmark).  A port may pre-define
 * PAGEONE_PLATFORM_HEADER to use its own file instead.
 */
#ifndef __PAGEONE_PLATFORM_H__
#define __PAGEONE_PLATFORM_H__

#if defined(PAGEONE_PLATFORM_HEADER)

#include PAGEONE_PLATFORM_HEADER

#elif defined(__XEN__)

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/lib.h>
#include <asm/system.h>
#include <asm/processor.h>
#include <asm/page.h>
#include <public/pageone.h>

#define pageone_read_once(x)        ACCESS_ONCE(x)
#define pageone_write_once(x, v)    (ACCESS_ONCE(x) = (v))
#define pageone_cmpxchg(p, o, n)    cmpxchg(p, o, n)
#define pageone_smp_mb()            smp_mb()
#define pageone_cpu_relax()         cpu_relax()
#define pageone_likely(x)           likely(x)
#define pageone_unlikely(x)         unlikely(x)
#define pageone_page_hash(ctx, seed, va, z) pageone_hash_page(seed, va, z)
#define PAGEONE_PAGE_SIZE           PAGE_SIZE

#else /* native */

/* Freestanding headers only: no libc in the core. */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <pageone.h>

#define pageone_read_once(x)        __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define pageone_write_once(x, v)    __atomic_store_n(&(x), (v), \
                                                     __ATOMIC_RELEASE)
#define pageone_cmpxchg(p, o, n) ({                                       \
    __typeof__(*(p)) o_ = (o);                                          \
    __atomic_compare_exchange_n(p, &o_, (n), false, __ATOMIC_SEQ_CST,   \
                                __ATOMIC_SEQ_CST);                      \
    o_;                                                                 \
})
#ifdef __SANITIZE_THREAD__
/* TSan does not model fences: a locked RMW is a full barrier on x86. */
static inline void pageone_smp_mb(void)
{
    static int mb_dummy;

    __atomic_fetch_add(&mb_dummy, 0, __ATOMIC_SEQ_CST);
}
#else
#define pageone_smp_mb()            __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#if defined(__x86_64__) || defined(__i386__)
#define pageone_cpu_relax()         __builtin_ia32_pause()
#else
#define pageone_cpu_relax()         do { } while ( 0 )
#endif
#define pageone_likely(x)           __builtin_expect(!!(x), 1)
#define pageone_unlikely(x)         __builtin_expect(!!(x), 0)
#ifdef PAGEONE_TEST_HASH
/*
 * The native tests' build: the hash goes through the test platform
 * (pageone/native/po_native.c), which can force collisions.
 */
uint64_t po_native_hash(void *ctx, uint64_t seed, const void *va,
                        bool *is_zero);
#define pageone_page_hash(ctx, seed, va, z) po_native_hash(ctx, seed, va, z)
#else
#define pageone_page_hash(ctx, seed, va, z) pageone_hash_page(seed, va, z)
#endif
#ifndef PAGEONE_PAGE_SIZE
#define PAGEONE_PAGE_SIZE           4096
#endif

#endif

#endif /* __PAGEONE_PLATFORM_H__ */
