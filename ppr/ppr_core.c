/* SPDX-License-Identifier: MIT */
/*
 * ppr_core.c - portable core of the PPR (Per Page Recycler) protocol.
 *
 * Only the state array is touched here; the p2m, the TLB and the frame
 * allocator belong to the port (struct ppr_hv_ops).  No allocation, no
 * floating point, no libc.
 */
#include "ppr_core.h"

int ppr_array_init(struct ppr_array *a, uint8_t *state, uint64_t nr_entries)
{
    if ( !a || !state || !nr_entries )
        return -PPR_EINVAL;

    a->state = state;
    a->nr_entries = nr_entries;

    return 0;
}

static long ppr_check_range(const struct ppr_array *a, uint64_t pfn,
                            unsigned int order)
{
    if ( !a || order > PPR_MAX_ORDER )
        return -PPR_EINVAL;

    /* Written so that pfn + (1 << order) cannot overflow. */
    if ( pfn >= a->nr_entries || a->nr_entries - pfn < (1ULL << order) )
        return -PPR_ERANGE;

    return 0;
}

long ppr_mark_free(struct ppr_array *a, uint64_t pfn, unsigned int order,
                   struct ppr_guest_counts *counts)
{
    uint64_t i, n = 1ULL << order;
    long rc = ppr_check_range(a, pfn, order), odd = 0;
    uint8_t *s;

    if ( rc )
        return rc;

    s = a->state + pfn;
    for ( i = 0; i < n; i++ )
    {
        uint8_t old = ppr_xchg8(&s[i], XEN_PPR_FREE);

        if ( ppr_likely(old == XEN_PPR_INUSE) )
            continue;

        odd++;
        if ( !counts )
        {
            if ( old == XEN_PPR_RECLAIMED )
                ppr_cmpxchg8(&s[i], XEN_PPR_FREE, XEN_PPR_RECLAIMED);
            continue;
        }

        switch ( old )
        {
        case XEN_PPR_FREE:
        case XEN_PPR_AGED:
            /* Double free: harmless, the page is still free. */
            counts->double_free++;
            break;

        case XEN_PPR_RECLAIMING:
            /*
             * Double free racing with a claim: the hypervisor's confirm
             * fails and it restores the mapping.  Leave FREE.
             */
            counts->free_raced++;
            break;

        case XEN_PPR_RECLAIMED:
            /*
             * No frame behind it: keep it RECLAIMED so the hypervisor does
             * not claim it again.  If it aged meanwhile, the hypervisor
             * finds the p2m entry empty and just confirms.
             */
            ppr_cmpxchg8(&s[i], XEN_PPR_FREE, XEN_PPR_RECLAIMED);
            counts->free_reclaimed++;
            break;

        default:
            counts->invalid++;
            break;
        }
    }

    if ( counts )
        counts->freed += n;

    return odd;
}

long ppr_mark_alloc(struct ppr_array *a, uint64_t pfn, unsigned int order,
                    uint8_t *old, struct ppr_guest_counts *counts)
{
    uint64_t i, n = 1ULL << order;
    long rc = ppr_check_range(a, pfn, order), zeroed = 0;
    uint8_t *s;

    if ( rc )
        return rc;

    s = a->state + pfn;
    for ( i = 0; i < n; i++ )
    {
        /*
         * FREE/AGED: frame still mapped, contents kept.  RECLAIMING: the
         * hypervisor's confirm will fail and it restores the frame; an
         * access before that waits in the hypervisor.  RECLAIMED: the next
         * touch populates a zeroed frame.  INUSE/garbage: nothing pending.
         */
        uint8_t o = ppr_xchg8(&s[i], XEN_PPR_INUSE);

        if ( old )
            old[i] = o;
        if ( o == XEN_PPR_RECLAIMED )
            zeroed++;
        if ( !counts )
            continue;

        switch ( o )
        {
        case XEN_PPR_FREE:
        case XEN_PPR_AGED:
            break;
        case XEN_PPR_RECLAIMED:
            counts->alloc_reclaimed++;
            break;
        case XEN_PPR_RECLAIMING:
            counts->alloc_raced++;
            break;
        case XEN_PPR_INUSE:
            counts->alloc_inuse++;
            break;
        default:
            counts->invalid++;
            break;
        }
    }

    if ( counts )
        counts->alloced += n;

    return zeroed;
}

int ppr_hv_init(struct ppr_hv *hv, struct ppr_array *a, uint64_t start,
                uint64_t end, uint64_t *batch, unsigned int batch_max,
                const struct ppr_hv_ops *ops, void *priv)
{
    if ( !hv || !a || !a->state || !batch || !batch_max || !ops ||
         !ops->unmap || !ops->flush || !ops->free_frame || !ops->restore )
        return -PPR_EINVAL;
    if ( start >= end || end > a->nr_entries )
        return -PPR_ERANGE;

    hv->arr = a;
    hv->start = start;
    hv->end = end;
    hv->cursor = start;
    hv->batch = batch;
    hv->batch_max = batch_max;
    hv->batch_nr = 0;
    hv->ops = ops;
    hv->priv = priv;
    hv->pass_free = 0;
    hv->counters = (struct ppr_counters){ 0 };

    return 0;
}

void ppr_counters_export(const struct ppr_counters *c, uint64_t nr_entries,
                         struct xen_ppr_stats *s)
{
    s->size = sizeof(*s);
    s->nr_entries = nr_entries;
#define PPR_EXPORT_(name, kind, owner, unit, desc) s->name = c->name;
    XEN_PPR_STATS(PPR_EXPORT_)
#undef PPR_EXPORT_
}

/* Flush once, then confirm or restore every page of the batch. */
static void ppr_hv_finish_batch(struct ppr_hv *hv)
{
    uint8_t *s = hv->arr->state;
    unsigned int i;

    if ( !hv->batch_nr )
        return;

    hv->counters.batches++;
    hv->ops->flush(hv->priv);
    hv->counters.flushes++;

    for ( i = 0; i < hv->batch_nr; i++ )
    {
        uint64_t gfn = hv->batch[i];

        /* Any other value: the guest wrote INUSE (or garbage) meanwhile. */
        if ( ppr_cmpxchg8(&s[gfn], XEN_PPR_RECLAIMING,
                          XEN_PPR_RECLAIMED) == XEN_PPR_RECLAIMING )
        {
            hv->ops->free_frame(hv->priv, gfn);
            hv->counters.reclaimed++;
            hv->counters.frames_returned++;
        }
        else
        {
            hv->ops->restore(hv->priv, gfn);
            hv->counters.restored++;
        }
    }

    hv->batch_nr = 0;
}

/* Entry gfn was just moved AGED -> RECLAIMING by us. */
static void ppr_hv_claim(struct ppr_hv *hv, uint64_t gfn)
{
    uint8_t *s = hv->arr->state;

    hv->counters.claimed++;

    switch ( hv->ops->unmap(hv->priv, gfn) )
    {
    case PPR_UNMAP_OK:
        hv->batch[hv->batch_nr++] = gfn;
        if ( hv->batch_nr == hv->batch_max )
            ppr_hv_finish_batch(hv);
        break;

    case PPR_UNMAP_EMPTY:
        /*
         * Nothing mapped, so nothing cached: confirm without a flush.  A
         * guest that allocated the page meanwhile won it back, as in a
         * batch, with nothing to restore: counted as restored, so that
         * restored is every claim the guest saw RECLAIMING.
         */
        hv->counters.already_empty++;
        if ( ppr_cmpxchg8(&s[gfn], XEN_PPR_RECLAIMING,
                          XEN_PPR_RECLAIMED) == XEN_PPR_RECLAIMING )
            hv->counters.reclaimed++;
        else
            hv->counters.restored++;
        break;

    case PPR_UNMAP_REFUSED:
    default:
        /* Back to FREE: it needs a full pass again before a new try. */
        hv->counters.refused++;
        ppr_cmpxchg8(&s[gfn], XEN_PPR_RECLAIMING, XEN_PPR_FREE);
        break;
    }
}

bool ppr_hv_scan(struct ppr_hv *hv, unsigned int budget)
{
    uint8_t *s = hv->arr->state;
    bool more = true;

    while ( budget )
    {
        uint64_t gfn = hv->cursor;
        unsigned int n = 1;
        uint8_t v;

        /*
         * Fast path for the common idle case: eight INUSE entries in one
         * aligned 64-bit load (measured ~10x cheaper per entry than byte
         * loads, see docs/ppr-bench.md).  The load is a snapshot; acting on
         * a stale INUSE only delays aging to the next pass.
         */
        if ( !(((uintptr_t)&s[gfn]) & 7) && budget >= 8 &&
             hv->end - gfn >= 8 && !ppr_read64(&s[gfn]) )
        {
            n = 8;
            goto next;
        }

        v = ppr_read8(&s[gfn]);
        switch ( v )
        {
        case XEN_PPR_INUSE:
        case XEN_PPR_RECLAIMING:    /* not ours: a hostile guest wrote it */
        case XEN_PPR_RECLAIMED:
            break;

        case XEN_PPR_FREE:
            /* Second chance: only pages free for a whole pass are taken. */
            hv->counters.seen_free++;
            hv->pass_free++;
            if ( ppr_cmpxchg8(&s[gfn], XEN_PPR_FREE,
                              XEN_PPR_AGED) == XEN_PPR_FREE )
                hv->counters.aged++;
            break;

        case XEN_PPR_AGED:
            if ( ppr_cmpxchg8(&s[gfn], XEN_PPR_AGED,
                              XEN_PPR_RECLAIMING) == XEN_PPR_AGED )
                ppr_hv_claim(hv, gfn);
            break;

        default:
            /* Garbage from the guest: treated as INUSE. */
            hv->counters.invalid_seen++;
            break;
        }

    next:
        budget -= n;
        hv->counters.scanned += n;
        hv->cursor += n;
        if ( hv->cursor == hv->end )
        {
            hv->cursor = hv->start;
            hv->counters.passes++;
            hv->counters.free_last_pass = hv->pass_free;
            hv->pass_free = 0;
            more = false;
            break;
        }
    }

    ppr_hv_finish_batch(hv);

    return more;
}

bool ppr_hv_refault(struct ppr_array *a, uint64_t gfn)
{
    if ( !a || gfn >= a->nr_entries )
        return false;

    return ppr_cmpxchg8(&a->state[gfn], XEN_PPR_RECLAIMED,
                        XEN_PPR_INUSE) == XEN_PPR_RECLAIMED;
}
