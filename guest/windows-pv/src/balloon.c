/* SPDX-License-Identifier: MIT */
/*
 * balloon.c - taking free pages from Windows and giving them back.
 *
 * Taking: the memory manager hands over pages it is not using; only after
 * the allocation returned does the driver mark them FREE, one xchg each,
 * through the PPR core.  From then on Xen may reclaim their frames at any
 * time, so the driver never maps, reads or writes them.
 *
 * Giving back: every page is marked INUSE (xchg) before the memory
 * manager gets it back; after that, a page whose frame Xen took refaults
 * as a zeroed frame on its first touch, and one Xen was taking in that
 * very moment is restored by Xen's confirm step (ABI section 5.2).
 */
#include "wppr.h"

/* How many pages the driver may hold: cap and reserve. */
void wppr_balloon_limit(struct wppr *w)
{
    uint64_t limit = 0;

    if ( w->ram_pages > w->cfg.reserve_pages )
        limit = w->ram_pages - w->cfg.reserve_pages;
    if ( w->cfg.cap_pages && limit > w->cfg.cap_pages )
        limit = w->cfg.cap_pages;

    w->limit_pages = limit;
}

bool wppr_may_take(const struct wppr *w)
{
    return w->state == WPPR_ON && w->registered && !w->backoff &&
           w->held_pages < w->limit_pages;
}

static void mark_free(struct wppr *w, const struct wppr_chunk *c)
{
    struct ppr_guest_counts counts = { 0 };
    uint64_t i;

    for ( i = 0; i < c->nr; i++ )
        ppr_mark_free(&w->arr, c->pfns[i], 0, &counts);

    /* Anything but INUSE on a page Windows just gave us is odd. */
    w->c.odd_marks += counts.double_free + counts.free_raced +
                      counts.free_reclaimed + counts.invalid;
}

static void mark_inuse(struct wppr *w, const struct wppr_chunk *c)
{
    struct ppr_guest_counts counts = { 0 };
    uint64_t i;

    for ( i = 0; i < c->nr; i++ )
        ppr_mark_alloc(&w->arr, c->pfns[i], 0, NULL, &counts);

    w->c.given_reclaimed += counts.alloc_reclaimed;
    w->c.given_raced += counts.alloc_raced;
}

static bool in_array(const struct wppr *w, const uint64_t *pfns, uint64_t nr)
{
    uint64_t i;

    for ( i = 0; i < nr; i++ )
        if ( pfns[i] >= w->arr.nr_entries )
            return false;

    return true;
}

/*
 * One chunk.  Returns true if the next chunk may follow at once: false
 * after a short, slow or failed one, which sets the back-off until the
 * next tick.
 */
bool wppr_take_chunk(struct wppr *w)
{
    uint64_t want, got, t0, us;
    struct wppr_os_mem *mem;
    struct wppr_chunk *c;

    if ( !wppr_may_take(w) )
        return false;

    want = w->limit_pages - w->held_pages;
    if ( want > w->cfg.chunk_pages )
        want = w->cfg.chunk_pages;

    t0 = wppr_os_now_us(w->os);
    /* Only pfns the array covers; Windows may have RAM above them. */
    mem = wppr_os_alloc_pages(w->os, want, w->arr.nr_entries,
                              WPPR_ALLOC_CHUNK);
    us = wppr_os_now_us(w->os) - t0;

    c = mem ? wppr_os_zalloc(w->os, sizeof(*c)) : NULL;
    if ( !c )
    {
        if ( mem )
            wppr_os_free_pages(w->os, mem);
        w->c.failed_allocs++;
        w->backoff = true;
        return false;
    }

    c->mem = mem;
    c->pfns = wppr_os_mem_pfns(mem);
    c->nr = got = wppr_os_mem_pages(mem);
    if ( !got || !in_array(w, c->pfns, got) )
    {
        /* Never marked, so nothing to undo in the array. */
        if ( got )
            w->c.out_of_range++;
        else
            w->c.failed_allocs++;
        wppr_os_free_pages(w->os, mem);
        wppr_os_free(w->os, c);
        w->backoff = true;
        return false;
    }

    c->next = w->held;
    w->held = c;
    w->held_pages += got;
    w->held_chunks++;
    w->c.chunks_taken++;
    w->c.pages_taken += got;
    mark_free(w, c);

    if ( got < want )
    {
        w->c.short_chunks++;
        w->backoff = true;
    }
    else if ( got * 1000000 < (uint64_t)WPPR_SLOW_PAGES_PER_S * us )
    {
        w->c.slow_chunks++;
        w->backoff = true;
    }

    return !w->backoff;
}

/* Give back the newest chunk; false if nothing is held. */
bool wppr_give_chunk(struct wppr *w)
{
    struct wppr_chunk *c = w->held;

    if ( !c )
        return false;

    w->held = c->next;
    w->held_pages -= c->nr;
    w->held_chunks--;
    w->c.chunks_given++;
    w->c.pages_given += c->nr;

    mark_inuse(w, c);
    wppr_os_free_pages(w->os, c->mem);
    wppr_os_free(w->os, c);

    return true;
}

void wppr_give_all(struct wppr *w)
{
    while ( wppr_give_chunk(w) )
        ;
}

/*
 * LowMemoryCondition: give back chunk after chunk until Windows no longer
 * reports low memory, and take nothing before the next tick.
 */
void wppr_give_while_low(struct wppr *w)
{
    if ( !w->held )
        return;

    w->c.low_events++;
    w->backoff = true;
    while ( wppr_give_chunk(w) &&
            wppr_os_event_state(w->os, WPPR_EV_LOW) )
        ;
}
