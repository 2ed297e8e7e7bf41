/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory pressure (Dynamic VM): watermarks on Xen's free heap, and the
 * one place where a vCPU waits for a frame it must have.
 *
 * An overcommitted host runs near the end of its memory as a matter of
 * course.  Three watermarks on the free heap, as Linux's zone watermarks:
 *
 *   free >= high        nothing to do
 *   low <= free < high  PPR scans sooner
 *   min <= free < low   PageONE stops merging (every merge is a future
 *                       copy), PPR reclaims at once
 *   free < min          guests get no memory from the heap but for the
 *                       frames they cannot run without: copy-on-write
 *                       breaks and PPR refaults (MEMF_reserve)
 *
 * A vCPU whose copy-on-write break or refault finds no frame at all is
 * paused on the wait list until memory comes back (mem_wait()); the
 * guest never sees the shortage, and is never crashed for it.
 */
#ifndef __XEN_MEM_PRESSURE_H__
#define __XEN_MEM_PRESSURE_H__

#include <xen/mm.h>
#include <xen/types.h>

struct domain;
struct vcpu;

/* Why a vCPU waits (XEN_MEMW_* of public/ppr.h). */
enum mem_wait_reason {
    MEM_WAIT_COW,           /* copy-on-write break of a merged page */
    MEM_WAIT_REFAULT,       /* refault of a page PPR reclaimed */
    MEM_WAIT_LIMIT,         /* refault past the domain's max_pages */
    MEM_WAIT_NR
};

/* Xen's free heap in pages, without the lock (a hint). */
unsigned long heap_free_pages(void);

#ifdef CONFIG_MEM_PRESSURE

/* Watermarks in pages (set at boot, changed by the toolstack). */
struct mem_wmark {
    unsigned long min, low, high;
};
extern struct mem_wmark mem_wmark;

static inline bool mem_below_low(void)
{
    return heap_free_pages() < read_atomic(&mem_wmark.low);
}

/* Counted by page_alloc.c's mem_wmark_admit() under the heap lock. */
extern unsigned long mem_pressure_refused, mem_pressure_reserve_used;

/* After an allocation for a domain left avail pages free. */
void mem_pressure_note(unsigned long avail);

/* free_heap_pages(): frames went back to the heap (any context). */
void mem_pressure_freed(void);

/*
 * The current vCPU found no frame for gfn of its domain: pause it until
 * memory is back, then it retries the access.  It only marks the vCPU
 * paused (nosync): the pause takes effect before it re-enters the guest.
 */
void mem_wait(struct vcpu *v, enum mem_wait_reason why, unsigned long gfn);

/* Domain teardown: its waiting vCPUs leave the list. */
void mem_wait_domain_kill(struct domain *d);

/*
 * The idle loop's work for the memory engines, PPR's reclaim before
 * PageONE's merging (a page given back need not be compared).  Returns
 * true while work is pending (the scrub_free_pages() contract).
 */
bool mem_idle_work(void);

struct xen_mem_pressure;
void mem_pressure_get(struct xen_mem_pressure *p);
int mem_pressure_set(const struct xen_mem_pressure *p);
void mem_pressure_dump(void);

#else /* !CONFIG_MEM_PRESSURE */

static inline bool mem_below_low(void)
{
    return false;
}

static inline void mem_pressure_note(unsigned long avail) {}
static inline void mem_pressure_freed(void) {}
static inline void mem_wait(struct vcpu *v, enum mem_wait_reason why,
                            unsigned long gfn) {}
static inline void mem_wait_domain_kill(struct domain *d) {}

static inline bool mem_idle_work(void)
{
    return false;
}

#endif /* CONFIG_MEM_PRESSURE */

#endif /* __XEN_MEM_PRESSURE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
