/* SPDX-License-Identifier: MIT */
/*
 * ppr_core.h - portable core of the PPR (Per Page Recycler) protocol.
 *
 * Shared by the Xen hypervisor, the Linux guest and the other ports.  See
 * docs/ppr-abi.md for the protocol and docs/ppr-design.md for the design.
 */
#ifndef __PPR_CORE_H__
#define __PPR_CORE_H__

#include "ppr_platform.h"

/* Largest order accepted by ppr_mark_free() / ppr_mark_alloc(). */
#define PPR_MAX_ORDER           18

/* Error values, negated on return; equal to Xen's and Linux's on x86. */
#define PPR_EINVAL              22
#define PPR_ERANGE              34

/* One registered state array: entry i describes guest pfn i. */
struct ppr_array {
    uint8_t *state;
    uint64_t nr_entries;
};

int ppr_array_init(struct ppr_array *a, uint8_t *state, uint64_t nr_entries);

/* True if the byte value is one the hypervisor acts upon or produces. */
static inline bool ppr_state_valid(uint8_t v)
{
    return v < XEN_PPR_NR_STATES;
}

/* ---------------------------------------------------------------- guest */

/* Optional per-caller (e.g. per-cpu) counters, updated without atomics. */
struct ppr_guest_counts {
    uint64_t freed;             /* entries marked FREE */
    uint64_t double_free;       /* ... whose old value was FREE/AGED */
    uint64_t free_raced;        /* ... old RECLAIMING (guest bug) */
    uint64_t free_reclaimed;    /* ... old RECLAIMED, kept RECLAIMED */
    uint64_t alloced;           /* entries marked INUSE */
    uint64_t alloc_reclaimed;   /* ... old RECLAIMED: zero on next touch */
    uint64_t alloc_raced;       /* ... old RECLAIMING: hv restores it */
    uint64_t alloc_inuse;       /* ... old INUSE (double alloc / boot) */
    uint64_t invalid;           /* ... old value was garbage */
};

/*
 * Mark [pfn, pfn + 2^order) FREE.  Call after the pages' last use.
 * Returns the number of entries that were not INUSE before (double frees,
 * already reclaimed pages), -PPR_EINVAL for a bad order, -PPR_ERANGE if
 * the range is outside the array.  counts may be NULL.
 */
long ppr_mark_free(struct ppr_array *a, uint64_t pfn, unsigned int order,
                   struct ppr_guest_counts *counts);

/*
 * Mark [pfn, pfn + 2^order) INUSE.  Call before the pages' first use.
 * Returns the number of pages that were RECLAIMED (they read as zero on
 * their next touch), or the errors of ppr_mark_free().  If old is not
 * NULL, old[i] receives the previous byte of entry pfn + i.
 */
long ppr_mark_alloc(struct ppr_array *a, uint64_t pfn, unsigned int order,
                    uint8_t *old, struct ppr_guest_counts *counts);

/* ----------------------------------------------------------- hypervisor */

enum ppr_unmap_result {
    PPR_UNMAP_OK,       /* p2m entry is now "reclaiming", frame kept */
    PPR_UNMAP_EMPTY,    /* no frame behind gfn: nothing to unmap/free */
    PPR_UNMAP_REFUSED,  /* granted/foreign/special/array frame: skip */
};

struct ppr_hv_ops {
    /*
     * Replace gfn's RAM p2m entry with a "reclaiming" entry that keeps the
     * frame but faults on access; faults on it wait for the batch to end.
     */
    enum ppr_unmap_result (*unmap)(void *priv, uint64_t gfn);
    /* Make all unmaps so far visible: no stale TLB entry survives. */
    void (*flush)(void *priv);
    /* Confirmed: drop the reclaiming entry (-> empty), free the frame. */
    void (*free_frame)(void *priv, uint64_t gfn);
    /* Guest re-allocated it meanwhile: reclaiming entry back to RAM. */
    void (*restore)(void *priv, uint64_t gfn);
};

/*
 * The counters of one scanner, one per field of abi/ppr.h's XEN_PPR_STATS
 * list, in its order: the core counts the fields it owns, the port those
 * its column names "port".  The public struct xen_ppr_stats is only made
 * at the ABI boundary, by ppr_counters_export(), so that this block can
 * change without the ABI.
 */
struct ppr_counters {
#define PPR_COUNTER_(name, kind, owner, unit, desc) uint64_t name;
    XEN_PPR_STATS(PPR_COUNTER_)
#undef PPR_COUNTER_
};

/*
 * Fill the whole of s (size, nr_entries, then every counter) from c, for
 * an array of nr_entries entries (0: none registered).
 */
void ppr_counters_export(const struct ppr_counters *c, uint64_t nr_entries,
                         struct xen_ppr_stats *s);

/*
 * One scanner over the slice [start, end) of an array.  Calls for one
 * struct ppr_hv must be serialised by the caller; scanners over disjoint
 * slices may run concurrently with each other and with the guest.
 */
struct ppr_hv {
    struct ppr_array *arr;
    uint64_t start, end, cursor;
    uint64_t *batch;            /* caller provided, batch_max entries */
    unsigned int batch_max;
    unsigned int batch_nr;
    const struct ppr_hv_ops *ops;
    void *priv;
    uint64_t pass_free;         /* FREE entries seen in this pass so far */
    struct ppr_counters counters;
};

int ppr_hv_init(struct ppr_hv *hv, struct ppr_array *a, uint64_t start,
                uint64_t end, uint64_t *batch, unsigned int batch_max,
                const struct ppr_hv_ops *ops, void *priv);

/*
 * Examine at most budget entries from the cursor, aging FREE entries and
 * reclaiming AGED ones in batches (one flush per batch).  No page is left
 * RECLAIMING on return.  Returns true if more work is pending in this
 * pass, false when the pass completed (cursor wrapped to start).
 */
bool ppr_hv_scan(struct ppr_hv *hv, unsigned int budget);

/*
 * Refault fix-up, called by the port after it populated a zeroed frame
 * for gfn: a RECLAIMED entry becomes INUSE (a guest touching a page
 * without marking it).  Returns true if the entry was changed.
 */
bool ppr_hv_refault(struct ppr_array *a, uint64_t gfn);

#endif /* __PPR_CORE_H__ */
