/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPR (Per Page Recycler): hypervisor-internal interface.
 *
 * common/ppr/ppr.c      registration, policy, scanning, statistics
 * arch/x86/mm/p2m-ppr.c p2m side: reclaim callbacks, refault
 */
#ifndef __XEN_PPR_H__
#define __XEN_PPR_H__

#include <xen/errno.h>
#include <xen/mm-frame.h>
#include <xen/types.h>

struct domain;
struct vcpu;
struct p2m_domain;

#ifdef CONFIG_PPR

int ppr_domain_init(struct domain *d);
/* Unregister (domain_kill(), soft reset).  Idempotent. */
void ppr_domain_kill(struct domain *d);
void ppr_domain_reset(struct domain *d);
/* Free what ppr_domain_init() allocated (_domain_destroy()). */
void ppr_domain_free(struct domain *d);

/*
 * Idle loop: scan a bounded slice of due arrays.  Returns true if more
 * work is pending (scrub_free_pages() contract).
 */
bool ppr_idle_scan(void);

/*
 * The heap could not satisfy an allocation of nr pages: reclaim from
 * registered domains right now, if the heap is really short, for a
 * bounded time.  The caller MUST hold no spinlock (RCU read locks are
 * fine): it takes PPR, p2m and allocator locks.  Returns true if frames
 * were returned to the heap.
 */
bool ppr_reclaim_sync(unsigned long nr);

/* Pass starts soon: at once (urgent, low watermark) or sooner (high). */
void ppr_kick(void);
void ppr_pressure(bool urgent);

/* A vCPU of d waits for a frame to refault into (counted per domain). */
void ppr_note_wait(struct domain *d);

/* ---- p2m side: arch/x86/mm/p2m-ppr.c ---- */

/* Claimed pages per batch: one TLB flush for each. */
#define PPR_BATCH               64

/* One reclaim batch of one domain; owned by the caller of the ops. */
struct ppr_p2m_batch {
    struct domain *d;
    unsigned long reserve_pages;    /* keep at least this many (0: none) */
    unsigned int nr, next;          /* unmapped pages, next to finish */
    unsigned long gfn[PPR_BATCH];
    mfn_t mfn[PPR_BATCH];
    uint64_t refused_refs;          /* refusals for references/special */
};

/* Results of ppr_p2m_unmap(), as enum ppr_unmap_result of ppr_core.h. */
#define PPR_P2M_OK              0
#define PPR_P2M_EMPTY           1
#define PPR_P2M_REFUSED         2

/* Can d's pages be reclaimed now (HAP, no log-dirty, IOMMU, altp2m...)? */
bool ppr_p2m_supported(const struct domain *d);

/* Host p2m write lock around a scan step; TLB flushes are batched. */
void ppr_p2m_lock(struct domain *d);
void ppr_p2m_unlock(struct domain *d);

/* Reclaim callbacks (p2m lock held via ppr_p2m_lock()). */
int ppr_p2m_unmap(struct ppr_p2m_batch *b, unsigned long gfn);
void ppr_p2m_flush(struct ppr_p2m_batch *b);
void ppr_p2m_free(struct ppr_p2m_batch *b, unsigned long gfn);
void ppr_p2m_restore(struct ppr_p2m_batch *b, unsigned long gfn);

/*
 * Refault: a P2M_ALLOC lookup found a p2m_ppr_reclaimed entry (p2m write
 * lock held).  Returns 0 when gfn now maps a zeroed frame.
 */
int ppr_p2m_populate(struct p2m_domain *p2m, gfn_t gfn);

/* Back into ppr.c (p2m lock held): count, fix up RECLAIMED -> INUSE. */
void ppr_note_refault(struct domain *d, unsigned long gfn, bool ok);

#else /* !CONFIG_PPR */

static inline int ppr_domain_init(struct domain *d)
{
    return 0;
}

static inline void ppr_domain_kill(struct domain *d) {}
static inline void ppr_domain_reset(struct domain *d) {}
static inline void ppr_domain_free(struct domain *d) {}

static inline bool ppr_idle_scan(void)
{
    return false;
}

static inline bool ppr_reclaim_sync(unsigned long nr)
{
    return false;
}

static inline void ppr_kick(void) {}
static inline void ppr_pressure(bool urgent) {}
static inline void ppr_note_wait(struct domain *d) {}

static inline int ppr_p2m_populate(struct p2m_domain *p2m, gfn_t gfn)
{
    return -EOPNOTSUPP;
}

#endif /* CONFIG_PPR */

#endif /* __XEN_PPR_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
