/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common/pageone/pageone_audit.c - PageONE's test interfaces (Dynamic VM),
 * built with CONFIG_DVM_TESTING only:
 *  - XEN_PAGEONE_OP_audit: a count of duplicate pages that does not go
 *    through the engine, to judge what it merged;
 *  - the census the 'j' key adds: what should be gone once no domain is
 *    deduplicated.
 *
 * See docs/pageone-xen.md.
 */

#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/domain_page.h>
#include <xen/softirq.h>
#include <xen/sort.h>
#include <xen/vmap.h>
#include <asm/pageone.h>
#include <public/pageone.h>

#include "private.h"

#define PO_AUDIT_MAX_PAGES  (1UL << 20)

atomic_t pageone_blocks;

/* ---- audit: an independent duplicate count --------------------------- */

struct po_audit_ent {
    uint64_t hash;          /* 0: all-zero page */
    uint64_t mfn_dom;       /* mfn << 8 | index of the domain */
};

static int cf_check po_cmp_hash(const void *a, const void *b)
{
    const struct po_audit_ent *x = a, *y = b;

    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static int cf_check po_cmp_mfn(const void *a, const void *b)
{
    const struct po_audit_ent *x = a, *y = b;

    return x->mfn_dom < y->mfn_dom ? -1 : x->mfn_dom > y->mfn_dom;
}

static void cf_check po_swap_ent(void *a, void *b, size_t size)
{
    struct po_audit_ent t = *(struct po_audit_ent *)a;

    *(struct po_audit_ent *)a = *(struct po_audit_ent *)b;
    *(struct po_audit_ent *)b = t;
}

/* Not the engine's hash: word-wise multiply-rotate, 0 reserved for zero. */
static uint64_t po_audit_hash(const void *va)
{
    const uint64_t *w = va;
    uint64_t h = 0x736f6d6570736575ULL, any = 0;
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE / 8; i++ )
    {
        any |= w[i];
        h = ((h ^ w[i]) * 0x9e3779b97f4a7c15ULL);
        h = (h << 31) | (h >> 33);
    }

    return any ? (h | 1) : 0;
}

static int po_audit(struct xen_pageone_audit *a)
{
    struct domain *doms[XEN_PAGEONE_AUDIT_MAX_DOMS] = {};
    struct po_audit_ent *ent;
    unsigned long n = 0, i, j, max = 0;
    unsigned int k, paused = 0;
    int rc = 0;

    if ( !a->nr_doms || a->nr_doms > XEN_PAGEONE_AUDIT_MAX_DOMS || a->pad )
        return -EINVAL;

    for ( k = 0; k < a->nr_doms; k++ )
    {
        doms[k] = rcu_lock_domain_by_id(a->domids[k]);
        if ( !doms[k] )
        {
            rc = -ESRCH;
            goto out;
        }
        if ( !is_hvm_domain(doms[k]) || doms[k]->is_dying ||
             doms[k] == current->domain )
        {
            rc = -EINVAL;
            goto out;
        }
        max += min_t(unsigned long, arch_pageone_nr_gfns(doms[k]),
                     doms[k]->max_pages);
    }
    if ( max > PO_AUDIT_MAX_PAGES )
    {
        rc = -E2BIG;
        goto out;
    }

    ent = vmalloc(max * sizeof(*ent) + 1);
    if ( !ent )
    {
        rc = -ENOMEM;
        goto out;
    }

    /*
     * A snapshot: the walk of a domain takes seconds, and a frame that a
     * running guest freed meanwhile (its copy-on-write break left it to
     * the engine, say) can come back as another listed domain's page, so
     * an unpaused walk would see one frame under two domains that never
     * shared it.  The engine still merges, but it only ever shares frames
     * that are already there.
     */
    for ( ; paused < a->nr_doms; paused++ )
        domain_pause(doms[paused]);

    memset(&a->pages, 0,
           sizeof(*a) - offsetof(struct xen_pageone_audit, pages));
    for ( k = 0; k < a->nr_doms; k++ )
    {
        struct domain *d = doms[k];
        unsigned long nr = min_t(unsigned long, arch_pageone_nr_gfns(d),
                                 d->max_pages);

        for ( i = 0; i < nr && n < max; i++ )
        {
            struct page_info *pg;
            bool shared;
            mfn_t mfn;
            const void *va;

            if ( !(i & 1023) )
                process_pending_softirqs();

            pg = arch_pageone_audit_get(d, _gfn(i), &shared);
            if ( !pg )
                continue;
            mfn = page_to_mfn(pg);
            va = map_domain_page(mfn);
            ent[n].hash = po_audit_hash(va);
            unmap_domain_page(va);
            put_page(pg);
            ent[n].mfn_dom = (mfn_x(mfn) << 8) | k;
            if ( !ent[n].hash )
                a->zero_pages++;
            if ( shared )
                a->shared_gfns++;
            n++;
        }
    }
    a->pages = n;

    sort(ent, n, sizeof(*ent), po_cmp_hash, po_swap_ent);
    for ( i = 0; i < n; i++ )
        if ( !i || ent[i].hash != ent[i - 1].hash )
            a->distinct++;
    a->mergeable = n - a->distinct;

    process_pending_softirqs();
    sort(ent, n, sizeof(*ent), po_cmp_mfn, po_swap_ent);
    for ( i = 0; i < n; i = j )
    {
        bool multi = false;

        for ( j = i + 1; j < n && (ent[j].mfn_dom >> 8) ==
                                  (ent[i].mfn_dom >> 8); j++ )
            if ( (ent[j].mfn_dom & 0xff) != (ent[i].mfn_dom & 0xff) )
                multi = true;
        a->frames++;
        if ( !multi )
            continue;
        if ( ent[i].hash )
            a->cross_nonzero += j - i;
        else
            a->cross_zero += j - i;
    }

    vfree(ent);

 out:
    while ( paused )
        domain_unpause(doms[--paused]);
    for ( k = 0; k < a->nr_doms; k++ )
        if ( doms[k] )
            rcu_unlock_domain(doms[k]);
    return rc;
}

long pageone_audit_op(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_pageone_audit a;
    int rc;

    if ( copy_from_guest(&a, arg, 1) )
        return -EFAULT;
    rc = po_audit(&a);
    if ( !rc && copy_to_guest(arg, &a, 1) )
        rc = -EFAULT;

    return rc;
}

/* ---- census ---------------------------------------------------------- */

/*
 * Shared frames still referenced: live ones have sharing state, the rest
 * are on their way out or leaked.  With no domain merged, both counts
 * should be 0, and any frame is shown.
 */
static void po_dump_shared_frames(unsigned int nr_domains)
{
    unsigned long live, other;

    arch_pageone_census(&live, &other, !nr_domains);
    printk("PageONE: dom_cow frames: %lu shared, %lu other; engine blocks "
           "%d\n", live, other, atomic_read(&pageone_blocks));
}

/* Domains on their way out still hold their shared gfns. */
static void po_dump_dying(void)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
        if ( d->is_dying )
            printk("PageONE: %pd dying (%d): tot_pages %u shr_pages %d "
                   "refcnt %d\n", d, d->is_dying, domain_tot_pages(d),
                   atomic_read(&d->shr_pages), atomic_read(&d->refcnt));
    rcu_read_unlock(&domlist_read_lock);
}

void pageone_census(unsigned int nr_domains)
{
    po_dump_dying();
    po_dump_shared_frames(nr_domains);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
