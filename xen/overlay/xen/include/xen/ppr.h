/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPR (Per Page Recycler): hypervisor-internal interface.
 *
 * common/ppr/ppr.c      registration, policy, scanning, statistics
 * asm/ppr.h             what the architecture provides (the reclaim
 *                       operations of the portable core, refault)
 */
#ifndef __XEN_PPR_H__
#define __XEN_PPR_H__

#include <xen/errno.h>
#include <xen/mm-frame.h>
#include <xen/types.h>

struct domain;

#ifdef CONFIG_PPR

#include <asm/ppr.h>

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

/*
 * A P2M_ALLOC lookup found gfn reclaimed in d's host p2m (p2m write lock
 * held): populate a zeroed frame (arch_ppr_populate()) and mark the entry
 * in use.  Returns 0 when gfn maps the frame.
 */
int ppr_refault(struct domain *d, gfn_t gfn);

#ifdef CONFIG_DVM_TESTING
/* The core's self-test in Xen (ppr=...,selftest): 0 on SUCCESS. */
int ppr_selftest(void);
#else
static inline int ppr_selftest(void)
{
    return -EOPNOTSUPP;
}
#endif

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

static inline int ppr_refault(struct domain *d, gfn_t gfn)
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
