/* SPDX-License-Identifier: MIT */
/*
 * wppr_os.h - what the driver's logic needs from the operating system.
 *
 * The logic (hvdetect.c, hypercall.c, registration.c, balloon.c, power.c,
 * worker.c, config.c, service.c) calls nothing but these functions.  The
 * Windows kernel implements them in win/os_win.c and win/cpu_x86.c; the
 * host tests implement them in tests/mock_os.c with a simulated memory
 * manager and hypervisor, so that the logic they test is the code the .sys
 * is built from.  Each function maps to one or two kernel calls; policy
 * stays out of this layer.
 */
#ifndef __WPPR_OS_H__
#define __WPPR_OS_H__

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct wppr;            /* the driver (wppr.h) */
struct wppr_os;         /* the platform's context */
struct wppr_os_mem;     /* physical pages owned by the driver: an MDL */

/* ------------------------------------------------------------------ CPU */

/* CPUID leaf, subleaf 0: regs[] = eax, ebx, ecx, edx. */
void wppr_os_cpuid(struct wppr_os *os, uint32_t leaf, uint32_t regs[4]);

/* The instruction that enters the hypervisor (no hypercall page). */
enum wppr_insn {
    WPPR_INSN_NONE,
    WPPR_INSN_VMCALL,       /* Intel VT-x (and VIA/Zhaoxin) */
    WPPR_INSN_VMMCALL,      /* AMD-V (and Hygon) */
};

/* A two-argument Xen hypercall: op in rax, a1 in rdi, a2 in rsi. */
int64_t wppr_os_hypercall2(struct wppr_os *os, enum wppr_insn insn,
                           uint64_t op, uint64_t a1, void *a2);

/* --------------------------------------------------------------- memory */

/* Called once per range of RAM, in any order. */
typedef void wppr_range_fn(void *ctx, uint64_t base_pfn, uint64_t nr_pages);

/* Enumerate the RAM ranges; false if the system would not say. */
bool wppr_os_ram_ranges(struct wppr_os *os, wppr_range_fn *fn, void *ctx);

enum wppr_alloc {
    /*
     * The state array: zeroed, cached, all pages or none
     * (MM_ALLOCATE_FULLY_REQUIRED).
     */
    WPPR_ALLOC_ARRAY,
    /*
     * A balloon chunk: not zeroed (MM_DONT_ZERO_ALLOCATION, the pages are
     * never touched), cached, may return fewer pages than asked.
     */
    WPPR_ALLOC_CHUNK,
};

/*
 * Allocate up to nr_pages pages with pfns below pfn_limit.  NULL if none
 * could be had.  The result's pfn list is what the kernel put in the MDL.
 */
struct wppr_os_mem *wppr_os_alloc_pages(struct wppr_os *os, uint64_t nr_pages,
                                        uint64_t pfn_limit,
                                        enum wppr_alloc kind);
uint64_t wppr_os_mem_pages(const struct wppr_os_mem *m);
const uint64_t *wppr_os_mem_pfns(const struct wppr_os_mem *m);
/* Give the pages back to the system and forget m. */
void wppr_os_free_pages(struct wppr_os *os, struct wppr_os_mem *m);

/* Map all pages of m, in pfn-list order, cached, not executable. */
void *wppr_os_map(struct wppr_os *os, struct wppr_os_mem *m);
void wppr_os_unmap(struct wppr_os *os, struct wppr_os_mem *m, void *va);

/* Small zeroed bookkeeping allocations (non-paged). */
void *wppr_os_zalloc(struct wppr_os *os, size_t size);
void wppr_os_free(struct wppr_os *os, void *p);

/* --------------------------------------------------- threads and events */

/* The driver lock: a sleeping lock, held across kernel allocations. */
void wppr_os_lock(struct wppr_os *os);
void wppr_os_unlock(struct wppr_os *os);

/*
 * What the worker waits for, in priority order: when several are
 * signalled the lowest wins (KeWaitForMultipleObjects' WaitAny order).
 * LOW and HIGH are the memory manager's notification events, which stay
 * signalled while the condition holds; STOP stays signalled once set; the
 * TIMER is periodic and auto-resets when a wait returns it.
 */
enum wppr_event {
    WPPR_EV_STOP,
    WPPR_EV_LOW,
    WPPR_EV_TIMER,
    WPPR_EV_HIGH,
    WPPR_NR_EVENTS,
};
#define WPPR_EV_BIT(e)          (1U << (e))

/* Block until one of the events in mask is signalled; returns it. */
enum wppr_event wppr_os_wait(struct wppr_os *os, unsigned int mask);
/* Is a memory condition event (LOW or HIGH) signalled right now? */
bool wppr_os_event_state(struct wppr_os *os, enum wppr_event ev);

/*
 * Start the worker thread, which runs wppr_worker_run(w), and the periodic
 * timer.  thread_stop() sets STOP and returns once the thread has exited.
 */
bool wppr_os_thread_start(struct wppr_os *os, struct wppr *w,
                          uint32_t period_ms);
void wppr_os_thread_stop(struct wppr_os *os);

/*
 * Subscribe to the system's power transitions (\Callback\PowerState); the
 * platform calls wppr_power_notify(w, arg1, arg2, can_block) for each.
 * unregister() returns once no notification is running.
 */
bool wppr_os_power_register(struct wppr_os *os, struct wppr *w);
void wppr_os_power_unregister(struct wppr_os *os);

/* Monotonic time in microseconds. */
uint64_t wppr_os_now_us(struct wppr_os *os);

/* ------------------------------------------------------------ reporting */

/* The registry knobs under the service's Parameters key. */
enum wppr_knob {
    WPPR_KNOB_DISABLE,          /* "Disable"     DWORD, 1: stay off */
    WPPR_KNOB_CAP_MIB,          /* "CapMiB"      DWORD, 0: no cap */
    WPPR_KNOB_RESERVE_MIB,      /* "ReserveMiB"  DWORD */
    WPPR_KNOB_CHUNK_PAGES,      /* "ChunkPages"  DWORD */
    WPPR_KNOB_PERIOD_MS,        /* "PeriodMs"    DWORD */
    WPPR_NR_KNOBS,
};

/* Read a knob; false if it is not set (or not a DWORD). */
bool wppr_os_knob(struct wppr_os *os, enum wppr_knob knob, uint32_t *val);

enum wppr_log_level { WPPR_LOG_ERROR, WPPR_LOG_WARN, WPPR_LOG_INFO };

/*
 * Formats are checked as GNU printf, and only conversions that the NT
 * kernel's DbgPrint also knows are used: %s %d %u %x %lld %llu %llx.
 */
void wppr_os_log(struct wppr_os *os, enum wppr_log_level level,
                 const char *fmt, ...)
    __attribute__((__format__(__gnu_printf__, 3, 4)));

struct wppr_status;
/* Make the driver's status visible to the administrator. */
void wppr_os_publish(struct wppr_os *os, const struct wppr_status *st);

#endif /* __WPPR_OS_H__ */
