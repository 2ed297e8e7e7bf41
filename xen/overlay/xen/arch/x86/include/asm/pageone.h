/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 side of PageONE: what common/pageone/pageone.c needs from the
 * architecture, implemented in arch/x86/mm/pageone.c with mem_sharing.
 *
 * Guest pages are named by domain and gfn.  A merge write-protects the
 * page (mem_sharing's nominate), compares it in full under the sharing
 * locks and frees it; a later write unshares it and tells PageONE
 * (pageone_unshared()).  A frame that several gfns share is named by a
 * struct arch_pageone_frame: the mfn alone does not say which frame it
 * is, since a frame whose last sharer left is private again and may be
 * shared anew with other contents.
 */
#ifndef __ASM_X86_PAGEONE_H__
#define __ASM_X86_PAGEONE_H__

#include <xen/mm-frame.h>
#include <xen/types.h>

struct domain;
struct page_info;

struct arch_pageone_frame {
    mfn_t mfn;
    uint64_t handle;        /* mem_sharing's handle of the shared frame */
};

/* Could d's pages ever be merged (HVM with HAP, no IOMMU)? */
bool arch_pageone_capable(const struct domain *d);

/* The gfns a scan of d covers: 0 up to its highest mapped RAM gfn. */
unsigned long arch_pageone_nr_gfns(const struct domain *d);

/* Turn on sharing for d; once, before its first merge. */
int arch_pageone_enable(struct domain *d);

/* A reference on gfn's frame if it is d's writable RAM, else NULL. */
struct page_info *arch_pageone_get_ram(struct domain *d, gfn_t gfn);

/*
 * Merge (sd, sgfn) copy-on-write: into a new shared frame made of
 * (dd, dgfn), returned in *f with one reference for the caller (dropped
 * with arch_pageone_frame_put()); into the existing frame *f; or into the
 * host's zero frame.  The caller has sgfn's frame mapped: one reference
 * beyond the guest's.  0 on success; < 0 when the contents changed or a
 * page is not shareable now.
 */
int arch_pageone_merge_new(struct domain *dd, gfn_t dgfn,
                           struct domain *sd, gfn_t sgfn,
                           struct arch_pageone_frame *f);
int arch_pageone_merge(const struct arch_pageone_frame *f,
                       struct domain *sd, gfn_t sgfn);
int arch_pageone_merge_zero(struct domain *sd, gfn_t sgfn);
void arch_pageone_frame_put(const struct arch_pageone_frame *f);

/* Guest pages freed by sharing on the host (mem_sharing's count). */
unsigned long arch_pageone_saved(void);

#ifdef CONFIG_DVM_TESTING
/*
 * The audit's view of gfn: a reference on its frame if it is d's RAM,
 * private or shared (*shared), else NULL.
 */
struct page_info *arch_pageone_audit_get(struct domain *d, gfn_t gfn,
                                         bool *shared);

/*
 * Shared frames still referenced: live ones (with sharing state) and the
 * rest; print the first few of the rest when verbose.
 */
void arch_pageone_census(unsigned long *live, unsigned long *other,
                         bool verbose);
#endif

#endif /* __ASM_X86_PAGEONE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
