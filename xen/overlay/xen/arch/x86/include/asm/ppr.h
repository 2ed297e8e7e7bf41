/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 side of PPR (Per Page Recycler): what common/ppr/ppr.c needs from
 * the architecture, implemented in arch/x86/mm/p2m-ppr.c.
 *
 * The reclaim operations are the portable core's own (struct ppr_hv_ops of
 * ppr_core.h, arch_ppr_ops below): the core calls them directly, with a
 * struct arch_ppr_batch as their context.
 */
#ifndef __ASM_X86_PPR_H__
#define __ASM_X86_PPR_H__

#include <xen/mm-frame.h>
#include <xen/types.h>

struct domain;
struct ppr_hv_ops;

/* Claimed pages per batch: one TLB flush for each. */
#define ARCH_PPR_BATCH          64

/* One reclaim batch of one domain: the context of arch_ppr_ops. */
struct arch_ppr_batch {
    struct domain *d;
    unsigned long reserve_pages;    /* keep at least this many (0: none) */
    unsigned int nr, next;          /* unmapped pages, next to finish */
    unsigned long gfn[ARCH_PPR_BATCH];
    mfn_t mfn[ARCH_PPR_BATCH];
    uint64_t refused_refs;          /* refusals for references/special */
};

/*
 * Unmap, flush, free, restore; called by the core with the domain's host
 * p2m locked by arch_ppr_lock().
 */
extern const struct ppr_hv_ops arch_ppr_ops;

/* Could d ever register (HVM with HAP)? */
bool arch_ppr_capable(const struct domain *d);

/* Can d's pages be reclaimed now (no log-dirty, IOMMU, altp2m, ...)? */
bool arch_ppr_supported(const struct domain *d);

/* Is the calling vCPU in a 32-bit mode (no compat layout of the ABI)? */
bool arch_ppr_compat_caller(void);

/* Host p2m write lock around a scan step; TLB flushes are batched. */
void arch_ppr_lock(struct domain *d);
void arch_ppr_unlock(struct domain *d);

/*
 * A pass of d's array ended; aged: it aged pages that the next pass
 * claims; refused: it was refused pages for their extra references.  Lets
 * whoever else maps d's memory (a device model) let go first.
 */
void arch_ppr_pass_done(struct domain *d, bool aged, bool refused);

/*
 * Refault: give gfn, a reclaimed entry of d's host p2m (write lock held),
 * a zeroed frame.  Returns 0 when gfn maps it.
 */
int arch_ppr_populate(struct domain *d, gfn_t gfn);

#endif /* __ASM_X86_PPR_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
