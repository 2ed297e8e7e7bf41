/* SPDX-License-Identifier: MIT */
/*
 * pageone_platform.h - what a port of the PageONE core has to provide.
 *
 * The core (pageone_core.c) includes nothing but this header.  Compile-time
 * part of a port (this file):
 *
 *  types    uint32_t, uint64_t, int64_t, uintptr_t, bool, NULL
 *  po_read_once(x)         single untorn load, at least acquire/consume
 *                          ordering for pointers (READ_ONCE)
 *  po_write_once(x, v)     single untorn store (WRITE_ONCE)
 *  po_cmpxchg(p, o, n)     atomic compare-and-exchange on a 32- or 64-bit
 *                          integer or a pointer, full barrier, returns the
 *                          value found (== o means success)
 *  po_smp_mb()             full memory barrier
 *  po_cpu_relax()          spin-wait hint
 *  po_likely / po_unlikely
 *  PAGEONE_PAGE_SIZE       bytes per page (multiple of 64)
 *
 * The run-time part (page access, merging, allocation, cpu id, preemption
 * check, optional RCU) is the struct pageone_ops table in pageone_core.h.
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

#define po_read_once(x)         ACCESS_ONCE(x)
#define po_write_once(x, v)     (ACCESS_ONCE(x) = (v))
#define po_cmpxchg(p, o, n)     cmpxchg(p, o, n)
#define po_smp_mb()             smp_mb()
#define po_cpu_relax()          cpu_relax()
#define po_likely(x)            likely(x)
#define po_unlikely(x)          unlikely(x)
#define PAGEONE_PAGE_SIZE       PAGE_SIZE

#else /* native */

/* Freestanding headers only: no libc in the core. */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define po_read_once(x)         __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define po_write_once(x, v)     __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define po_cmpxchg(p, o, n) ({                                            \
    __typeof__(*(p)) o_ = (o);                                          \
    __atomic_compare_exchange_n(p, &o_, (n), false, __ATOMIC_SEQ_CST,   \
                                __ATOMIC_SEQ_CST);                      \
    o_;                                                                 \
})
#ifdef __SANITIZE_THREAD__
/* TSan does not model fences: a locked RMW is a full barrier on x86. */
static inline void po_smp_mb(void)
{
    static int po_mb_dummy;

    __atomic_fetch_add(&po_mb_dummy, 0, __ATOMIC_SEQ_CST);
}
#else
#define po_smp_mb()             __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#if defined(__x86_64__) || defined(__i386__)
#define po_cpu_relax()          __builtin_ia32_pause()
#else
#define po_cpu_relax()          do { } while ( 0 )
#endif
#define po_likely(x)            __builtin_expect(!!(x), 1)
#define po_unlikely(x)          __builtin_expect(!!(x), 0)
#ifndef PAGEONE_PAGE_SIZE
#define PAGEONE_PAGE_SIZE       4096
#endif

#endif

#endif /* __PAGEONE_PLATFORM_H__ */
