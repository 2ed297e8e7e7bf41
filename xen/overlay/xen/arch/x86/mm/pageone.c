/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * arch/x86/mm/pageone.c
 *
 * x86 side of PageONE (asm/pageone.h): merging with mem_sharing.  The
 * engine, the policy and the hypercall are in common/pageone/.
 *
 *  - a merge nominates both pages (write protect, a sharing handle each),
 *    then mem_sharing compares them in full under their page locks and
 *    moves the client's gfn onto the shared frame;
 *  - all-zero pages are merged into a zero frame: a shared frame, whoever
 *    nominated it first, replaced when it stops being shared.
 *
 * Locking: po_zero_lock guards the zero frame's identity (mfn, handle);
 * p2m and sharing locks are taken inside mem_sharing, in the order of its
 * unshare path (gfn, then page lock).
 */

#include <xen/domain_page.h>
#include <xen/iommu.h>
#include <xen/ioreq.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <asm/mem_sharing.h>
#include <asm/p2m.h>
#include <asm/pageone.h>
#include <asm/paging.h>

/*
 * Sharers per zero frame.  mem_sharing keeps a frame's sharers in a hash of
 * 256 buckets and walks one under the frame's lock on every break: one
 * zero frame for all the zero pages of a host would make a break walk
 * thousands of entries.  A new zero frame is started instead (one frame
 * per 4096 saved).
 */
#define PO_ZERO_SHARERS     4096U

static DEFINE_SPINLOCK(po_zero_lock);
static mfn_t po_zero_mfn = INVALID_MFN_INITIALIZER;
static shr_handle_t po_zero_handle;

bool arch_pageone_capable(const struct domain *d)
{
    return is_hvm_domain(d) && paging_mode_hap(d) && !is_iommu_enabled(d);
}

unsigned long arch_pageone_nr_gfns(const struct domain *d)
{
    return p2m_get_hostp2m(d)->max_mapped_pfn + 1;
}

int arch_pageone_enable(struct domain *d)
{
    return mem_sharing_pageone_enable(d);
}

unsigned long arch_pageone_saved(void)
{
    return mem_sharing_get_nr_saved_mfns();
}

struct page_info *arch_pageone_get_ram(struct domain *d, gfn_t gfn)
{
    p2m_type_t t;
    struct page_info *pg = get_page_from_gfn(d, gfn_x(gfn), &t, 0);

    if ( pg && t != p2m_ram_rw )
    {
        put_page(pg);
        pg = NULL;
    }

    return pg;
}

/*
 * A reference on a frame last seen as dom_cow's.  get_page() would do, but
 * logs every miss, and a miss is normal here: the zero frame's last sharer
 * may have freed it since we looked it up.
 */
static bool po_get_cow_ref(struct page_info *pg)
{
    const struct domain *owner = page_get_owner_and_reference(pg);

    if ( likely(owner == dom_cow) )
        return true;
    if ( owner )
        put_page(pg);
    return false;
}

/*
 * Nominate a page.  A page that a device model (QEMU) maps through its map
 * cache cannot be nominated: a writable mapping fails the type change
 * (-EINVAL), a read-only one the count (-E2BIG).  QEMU drops unlocked
 * entries only when asked: ask every ioreq server of d, as PPR does
 * (p2m-ppr.c); the next pass over the page merges it.  The request only
 * flags d's vCPUs, so many refusals before they run cost one invalidate.
 */
static int po_nominate(struct domain *d, gfn_t gfn, int expected,
                       shr_handle_t *h, mfn_t *mfn)
{
    int rc = mem_sharing_pageone_nominate(d, gfn, expected, h, mfn);

#ifdef CONFIG_IOREQ_SERVER
    if ( (rc == -EINVAL || rc == -E2BIG) && domain_has_ioreq_server(d) )
        ioreq_request_mapcache_invalidate(d);
#endif

    return rc;
}

static bool po_page_is_zero(mfn_t mfn)
{
    const void *va = map_domain_page(mfn);
    bool zero = !memcmp(va, zero_page, PAGE_SIZE);

    unmap_domain_page(va);

    return zero;
}

int arch_pageone_merge_zero(struct domain *sd, gfn_t sgfn)
{
    shr_handle_t sh, zh;
    mfn_t smfn, zmfn;
    int rc = po_nominate(sd, sgfn, 1, &sh, &smfn);

    if ( rc )
        return rc;

    spin_lock(&po_zero_lock);
    zmfn = po_zero_mfn;
    zh = po_zero_handle;
    spin_unlock(&po_zero_lock);

    /*
     * We hold no reference on the zero frame between merges: its last
     * sharer may free it.  Take one for the share (which fails on a
     * freed frame), as the share needs the frame to stay allocated.
     */
    if ( !mfn_eq(zmfn, INVALID_MFN) && po_get_cow_ref(mfn_to_page(zmfn)) )
    {
        const struct page_info *zpg = mfn_to_page(zmfn);

        /* Each sharer holds one type reference. */
        rc = -ENOENT;
        if ( (ACCESS_ONCE(zpg->u.inuse.type_info) & PGT_count_mask) <
             PO_ZERO_SHARERS )
            rc = mem_sharing_pageone_share(zmfn, zh, sd, sgfn, sh);
        put_page(mfn_to_page(zmfn));
        if ( rc != -ENOENT )
            return rc;
    }

    /* No (live) zero frame: this page becomes it if it is still zero. */
    if ( !mem_sharing_pageone_frame_live(smfn, sh) )
        return -EAGAIN;
    if ( !po_page_is_zero(smfn) )
        return -EILSEQ;

    spin_lock(&po_zero_lock);
    if ( mfn_eq(po_zero_mfn, zmfn) )
    {
        po_zero_mfn = smfn;
        po_zero_handle = sh;
        rc = 0;
    }
    else
        rc = -EAGAIN;       /* another CPU replaced it: retry next pass */
    spin_unlock(&po_zero_lock);

    return rc;
}

int arch_pageone_merge_new(struct domain *dd, gfn_t dgfn,
                           struct domain *sd, gfn_t sgfn,
                           struct arch_pageone_frame *f)
{
    shr_handle_t sh, dh;
    mfn_t smfn, dmfn;
    struct page_info *dpg;
    int rc = po_nominate(dd, dgfn, 0, &dh, &dmfn);

    if ( rc )
        return rc;
    dpg = mfn_to_page(dmfn);
    if ( !get_page(dpg, dom_cow) )
        return -EAGAIN;

    rc = po_nominate(sd, sgfn, 1, &sh, &smfn);
    if ( !rc )
        rc = mem_sharing_pageone_share(dmfn, dh, sd, sgfn, sh);
    if ( rc )
    {
        put_page(dpg);
        return rc;
    }

    /* Our reference goes to the caller, with the frame's identity. */
    f->mfn = dmfn;
    f->handle = dh;

    return 0;
}

int arch_pageone_merge(const struct arch_pageone_frame *f,
                       struct domain *sd, gfn_t sgfn)
{
    shr_handle_t sh;
    mfn_t smfn;
    int rc = po_nominate(sd, sgfn, 1, &sh, &smfn);

    /* Only ever the very frame f was made for (its handle says so). */
    return rc ?: mem_sharing_pageone_share(f->mfn, f->handle, sd, sgfn, sh);
}

void arch_pageone_frame_put(const struct arch_pageone_frame *f)
{
    put_page(mfn_to_page(f->mfn));
}

#ifdef CONFIG_DVM_TESTING
struct page_info *arch_pageone_audit_get(struct domain *d, gfn_t gfn,
                                         bool *shared)
{
    p2m_type_t t;
    mfn_t mfn = get_gfn_query_unlocked(d, gfn_x(gfn), &t);
    struct page_info *pg;

    if ( (t != p2m_ram_rw && !p2m_is_shared(t)) || !mfn_valid(mfn) )
        return NULL;
    pg = mfn_to_page(mfn);
    *shared = p2m_is_shared(t);
    if ( !get_page(pg, *shared ? dom_cow : d) )
        return NULL;

    return pg;
}

/*
 * Frames owned by dom_cow (mem_sharing's shared frames) that are still
 * referenced: live ones have sharing state, the rest are on their way
 * out or leaked.
 */
void arch_pageone_census(unsigned long *live, unsigned long *other,
                         bool verbose)
{
    unsigned long mfn, shown = 0;

    *live = *other = 0;
    for ( mfn = 0; mfn < max_page; mfn++ )
    {
        const struct page_info *pg;

        if ( !(mfn & 0xffff) )
            process_pending_softirqs();
        if ( !mfn_valid(_mfn(mfn)) )
            continue;
        pg = mfn_to_page(_mfn(mfn));
        if ( page_get_owner(pg) != dom_cow ||
             !(pg->count_info & PGC_count_mask) )
            continue;
        if ( (pg->u.inuse.type_info & PGT_type_mask) == PGT_shared_page &&
             pg->sharing )
            ++*live;
        else
            ++*other;
        if ( verbose && shown++ < 4 )
            printk("PageONE: dom_cow mfn %lx count_info %lx type_info %lx "
                   "sharing %p\n", mfn, pg->count_info,
                   pg->u.inuse.type_info, pg->sharing);
    }
}
#endif /* CONFIG_DVM_TESTING */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
