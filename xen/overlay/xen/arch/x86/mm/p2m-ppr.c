/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/mm/p2m-ppr.c
 *
 * x86 side of PPR (Per Page Recycler), asm/ppr.h; the rest is in
 * common/ppr/ppr.c.  The reclaim operations are the portable core's
 * (ppr_core.h), called by it with the domain's host p2m write-locked.
 *
 * A batch runs entirely under the host p2m write lock:
 *  - unmap:   a plain RAM entry becomes p2m_ppr_reclaimed (not present, no
 *             frame); the frame is kept aside.  Pages with any reference
 *             besides the allocation one are refused.
 *  - flush:   one TLB flush for the batch (NPT: p2m->batch_flush defers
 *             the per-entry flushes; EPT defers under the lock anyway).
 *  - free:    the frame is scrubbed and freed, or
 *  - restore: the original entry is put back.
 * Any P2M_ALLOC lookup of a p2m_ppr_reclaimed entry (nested page fault,
 * hypercall copy, foreign mapping, save) populates a zeroed frame
 * (ppr_refault(), which calls arch_ppr_populate()).  A vCPU
 * faulting on a page under reclaim waits on the p2m lock for the batch.
 */

#include <xen/domain_page.h>
#include <xen/iommu.h>
#include <xen/ioreq.h>
#include <xen/mm.h>
#include <xen/ppr.h>
#include <xen/sched.h>
#include <asm/altp2m.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/nestedhvm.h>
#include <asm/p2m.h>
#include <asm/paging.h>

#include "mm-locks.h"
#include "p2m.h"

#include "ppr_core.h"

bool arch_ppr_capable(const struct domain *d)
{
    return is_hvm_domain(d) && hap_enabled(d);
}

/*
 * mem_sharing (PageONE) may be on: a batch only takes p2m_ram_rw pages the
 * domain owns with no reference besides the allocation one, so never a
 * shared page, nor one PageONE holds while it compares; PageONE looks
 * gfns up without P2M_ALLOC, so it never repopulates a reclaimed entry.
 */
bool arch_ppr_supported(const struct domain *d)
{
    return arch_ppr_capable(d) &&
           !paging_mode_log_dirty(d) && !is_iommu_enabled(d) &&
           !altp2m_active(d) && !nestedhvm_enabled(d) &&
           !p2m_pod_active(d) && !p2m_get_hostp2m(d)->access_required;
}

bool arch_ppr_compat_caller(void)
{
    struct vcpu *curr = current;

    if ( is_pv_vcpu(curr) )
        return is_pv_32bit_vcpu(curr);

    return hvm_guest_x86_mode(curr) != 8;
}

/*
 * A device model (QEMU) maps guest memory through its map cache, and each
 * page it maps holds references that make a claim refuse the page, long
 * after the guest freed it: QEMU drops unlocked entries only when asked.
 * So before a pass claims (after one that aged pages) and after one that
 * was refused pages, ask every ioreq server of d to drop its map cache,
 * as a decrease_reservation does.  The request only flags d's vCPUs; each
 * sends IOREQ_TYPE_INVALIDATE at its next hypercall return or resume and
 * waits for QEMU.  QEMU keeps the entries of in-flight I/O (they are
 * locked): such a page stays referenced, is refused, and goes back to
 * FREE for a later pass.
 */
void arch_ppr_pass_done(struct domain *d, bool aged, bool refused)
{
#ifdef CONFIG_IOREQ_SERVER
    if ( (aged || refused) && domain_has_ioreq_server(d) )
        ioreq_request_mapcache_invalidate(d);
#endif
}

void arch_ppr_lock(struct domain *d)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);

    p2m_lock(p2m);
    p2m->batch_flush = true;
}

void arch_ppr_unlock(struct domain *d)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);

    /* Any flush still pending is done by the unlock. */
    p2m->batch_flush = false;
    p2m_unlock(p2m);
}

static enum ppr_unmap_result cf_check arch_ppr_unmap(void *ctx, uint64_t gfn)
{
    struct arch_ppr_batch *b = ctx;
    struct domain *d = b->d;
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    const struct page_info *pg;
    unsigned int order;
    p2m_access_t a;
    p2m_type_t t;
    mfn_t mfn;

    ASSERT(p2m_locked_by_me(p2m));

    if ( b->nr >= ARCH_PPR_BATCH )
    {
        ASSERT_UNREACHABLE();
        return PPR_UNMAP_REFUSED;
    }

    mfn = p2m->get_entry(p2m, _gfn(gfn), &t, &a, 0, &order, NULL);

    /* Nothing behind it: already reclaimed, or PoD (populated on use). */
    if ( p2m_is_ppr_reclaimed(t) || p2m_is_pod(t) )
        return PPR_UNMAP_EMPTY;

    /* Only plain RAM with default access: no MMIO, grant, foreign, ... */
    if ( t != p2m_ram_rw || a != p2m->default_access || !mfn_valid(mfn) )
        return PPR_UNMAP_REFUSED;

    if ( b->reserve_pages && domain_tot_pages(d) <= b->reserve_pages )
        return PPR_UNMAP_REFUSED;

    /*
     * Only the allocation reference: no grant or foreign mapping, not a
     * registered array/vCPU info/event page (those hold references), not
     * a Xen heap or "extra" page, no type references.  References are
     * only taken through the p2m, which we hold write-locked.
     */
    pg = mfn_to_page(mfn);
    if ( page_get_owner(pg) != d || is_special_page(pg) ||
         !page_state_is(pg, inuse) ||
         (pg->count_info & (PGC_page_table | PGC_broken)) ||
         (pg->count_info & (PGC_allocated | PGC_count_mask)) !=
         (PGC_allocated | 1) ||
         (pg->u.inuse.type_info & PGT_count_mask) )
    {
        b->refused_refs++;
        return PPR_UNMAP_REFUSED;
    }

    if ( p2m_set_entry(p2m, _gfn(gfn), INVALID_MFN, PAGE_ORDER_4K,
                       p2m_ppr_reclaimed, p2m->default_access) )
        return PPR_UNMAP_REFUSED; /* e.g. no memory to split a superpage */

    b->gfn[b->nr] = gfn;
    b->mfn[b->nr] = mfn;
    b->nr++;

    return PPR_UNMAP_OK;
}

static void cf_check arch_ppr_flush(void *ctx)
{
    const struct arch_ppr_batch *b = ctx;
    struct p2m_domain *p2m = p2m_get_hostp2m(b->d);

    ASSERT(p2m_locked_by_me(p2m));
    p2m_tlb_flush_sync(p2m);
}

/* The frame kept aside for gfn: the core finishes pages in unmap order. */
static mfn_t arch_ppr_take(struct arch_ppr_batch *b, unsigned long gfn)
{
    mfn_t mfn;

    if ( b->next >= b->nr || b->gfn[b->next] != gfn )
    {
        ASSERT_UNREACHABLE();
        return INVALID_MFN;
    }

    mfn = b->mfn[b->next++];
    if ( b->next == b->nr )
        b->nr = b->next = 0;

    return mfn;
}

static void cf_check arch_ppr_free_frame(void *ctx, uint64_t gfn)
{
    struct arch_ppr_batch *b = ctx;
    struct domain *d = b->d;
    mfn_t mfn = arch_ppr_take(b, gfn);
    struct page_info *pg;

    ASSERT(p2m_locked_by_me(p2m_get_hostp2m(d)));

    if ( mfn_eq(mfn, INVALID_MFN) )
        return;

    pg = mfn_to_page(mfn);
    set_gpfn_from_mfn(mfn_x(mfn), INVALID_M2P_ENTRY);

    /*
     * The guest did not scrub a page it freed, and Xen only scrubs freed
     * domain pages of dying domains: do it here so nothing leaks.
     */
    clear_domain_page(mfn);

    /* As guest_remove_page(): drop the allocation reference. */
    if ( get_page(pg, d) )
    {
        put_page_alloc_ref(pg);
        put_page(pg);
    }
}

static void cf_check arch_ppr_restore(void *ctx, uint64_t gfn)
{
    struct arch_ppr_batch *b = ctx;
    struct domain *d = b->d;
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    mfn_t mfn = arch_ppr_take(b, gfn);

    ASSERT(p2m_locked_by_me(p2m));

    if ( mfn_eq(mfn, INVALID_MFN) )
        return;

    /*
     * The entry is a 4k one already (split by the unmap), so this cannot
     * need memory.  Should it fail anyway, the guest would see a zero
     * page where it wrote data: stop the domain instead.
     */
    if ( p2m_set_entry(p2m, _gfn(gfn), mfn, PAGE_ORDER_4K, p2m_ram_rw,
                       p2m->default_access) )
    {
        gprintk(XENLOG_ERR, "PPR: %pd gfn %#lx: cannot restore mfn %#lx\n",
                d, gfn, mfn_x(mfn));
        domain_crash(d);
    }
}

const struct ppr_hv_ops arch_ppr_ops = {
    .unmap = arch_ppr_unmap,
    .flush = arch_ppr_flush,
    .free_frame = arch_ppr_free_frame,
    .restore = arch_ppr_restore,
};

int arch_ppr_populate(struct domain *d, gfn_t gfn)
{
    struct p2m_domain *p2m = p2m_get_hostp2m(d);
    struct page_info *pg;
    p2m_type_t nt;
    mfn_t mfn;
    int rc;

    ASSERT(p2m_locked_by_me(p2m));

    /* During log-dirty (save, migration) writes must still be tracked. */
    nt = p2m_is_logdirty_range(p2m, gfn_x(gfn), gfn_x(gfn))
         ? p2m_ram_logdirty : p2m_ram_rw;

    /*
     * We clear it below: no need for the allocator to scrub it too.  The
     * guest cannot run without the page: it may dip below the min
     * watermark (xen/mem_pressure.h).
     */
    pg = alloc_domheap_page(d, MEMF_no_scrub | MEMF_reserve);
    if ( !pg )
        return -ENOMEM;

    mfn = page_to_mfn(pg);
    clear_domain_page(mfn);

    rc = p2m_set_entry(p2m, gfn, mfn, PAGE_ORDER_4K, nt, p2m->default_access);
    if ( rc )
    {
        if ( get_page(pg, d) )
        {
            put_page_alloc_ref(pg);
            put_page(pg);
        }
        return rc;
    }

    set_gpfn_from_mfn(mfn_x(mfn), gfn_x(gfn));
    /* As PoD does: a migration must send the (zero) page. */
    paging_mark_pfn_dirty(d, _pfn(gfn_x(gfn)));

    return 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
