/* SPDX-License-Identifier: MIT */
/*
 * registration.c - the state array and its registration with Xen.
 *
 * The array has one byte per guest pfn up to the highest RAM pfn the
 * memory manager reports, in pages allocated zeroed (all INUSE) from one
 * MDL, and the MDL's own PFN array is the frame list: a Windows PFN is the
 * HVM guest's gfn, and on x64 a PFN_NUMBER is 8 bytes like xen_pfn_t.
 */
#include "wppr.h"
#include "abi_layout.h"
#include "xen_errno.h"

#define MAJOR(v)                        XEN_PPR_VERSION_MAJOR(v)

bool wppr_query(struct wppr *w)
{
    struct xen_ppr_query q = { 0 };
    int64_t rc = wppr_ppr_op(w, XEN_PPROP_query, &q);

    if ( rc )
    {
        w->last_rc = rc;
        /* -EOPNOTSUPP: a PPR hypervisor, but not for this domain. */
        w->off_reason = rc == -XEN_EOPNOTSUPP ? "disabled-by-hypervisor"
                                               : "no-hypervisor-support";
        wppr_os_log(w->os, WPPR_LOG_INFO,
                    "off: hypervisor does not offer PPR (%s)\n",
                    wppr_errname(rc));
        return false;
    }
    if ( MAJOR(q.version) != MAJOR(XEN_PPR_INTERFACE_VERSION) )
    {
        w->off_reason = "version";
        wppr_os_log(w->os, WPPR_LOG_WARN,
                    "off: interface 0x%x, need major %u\n", q.version,
                    MAJOR(XEN_PPR_INTERFACE_VERSION));
        return false;
    }

    w->query = q;
    return true;
}

static void count_range(void *ctx, uint64_t base_pfn, uint64_t nr_pages)
{
    struct wppr *w = ctx;

    w->ram_pages += nr_pages;
    if ( nr_pages && base_pfn + nr_pages > w->pfn_end )
        w->pfn_end = base_pfn + nr_pages;
}

/* Entries: every pfn up to the highest RAM pfn, within Xen's limits. */
static uint64_t array_entries(const struct wppr *w)
{
    uint64_t n = w->pfn_end;
    uint64_t by_frames = (uint64_t)w->query.max_frames *
                         XEN_PPR_ENTRIES_PER_FRAME;

    if ( n > w->query.max_entries )
        n = w->query.max_entries;
    if ( n > by_frames )
        n = by_frames;

    return n;
}

bool wppr_array_setup(struct wppr *w)
{
    uint64_t nr_entries;
    uint8_t *va;

    w->ram_pages = w->pfn_end = 0;
    if ( !wppr_os_ram_ranges(w->os, count_range, w) || !w->pfn_end )
    {
        w->off_reason = "no-memory-map";
        return false;
    }

    nr_entries = array_entries(w);
    if ( !nr_entries )
    {
        w->off_reason = "hypervisor-limits";
        wppr_os_log(w->os, WPPR_LOG_WARN,
                    "off: hypervisor accepts %llu entries in %u frames\n",
                    (unsigned long long)w->query.max_entries,
                    w->query.max_frames);
        return false;
    }
    w->nr_frames = (uint32_t)((nr_entries + XEN_PPR_ENTRIES_PER_FRAME - 1) /
                              XEN_PPR_ENTRIES_PER_FRAME);

    w->array_mem = wppr_os_alloc_pages(w->os, w->nr_frames, UINT64_MAX,
                                       WPPR_ALLOC_ARRAY);
    /* All or nothing was asked for; do not trust a short answer either. */
    if ( w->array_mem && wppr_os_mem_pages(w->array_mem) != w->nr_frames )
    {
        wppr_os_free_pages(w->os, w->array_mem);
        w->array_mem = NULL;
    }
    va = w->array_mem ? wppr_os_map(w->os, w->array_mem) : NULL;
    if ( !va )
    {
        if ( w->array_mem )
            wppr_os_free_pages(w->os, w->array_mem);
        w->array_mem = NULL;
        w->off_reason = "no-memory";
        return false;
    }

    /*
     * Zero means INUSE, and the protocol's safety rests on it: a stray
     * FREE byte would let Xen take a page Windows uses.  The pages were
     * asked for zeroed; clearing them again costs one pass over a few
     * pages (1 MiB per 4 GiB of guest) and removes the dependency.
     */
    __builtin_memset(va, 0, (size_t)w->nr_frames << WPPR_PAGE_SHIFT);
    w->array_va = va;
    ppr_array_init(&w->arr, va, nr_entries);

    return true;
}

int64_t wppr_register(struct wppr *w)
{
    struct xen_ppr_register reg = {
        .nr_frames = w->nr_frames,
        .flags = 0,
        .nr_entries = w->arr.nr_entries,
    };
    const uint64_t *frames = wppr_os_mem_pfns(w->array_mem);
    int64_t rc;

    /* Xen only reads the list; the MDL's PFN array is used in place. */
    set_xen_guest_handle(reg.frame_list, (xen_pfn_t *)(uintptr_t)frames);
    rc = wppr_ppr_op(w, XEN_PPROP_register, &reg);

    /*
     * Only one array per domain.  Nothing else in a Windows guest speaks
     * PPR, so another registration is an earlier instance's that was not
     * undone; if its pages went back to Windows, Xen is reading Windows'
     * data as states.  Replace it.
     */
    if ( rc == -XEN_EEXIST )
    {
        struct xen_ppr_unregister unreg = { 0 };

        w->c.stale_replaced++;
        wppr_os_log(w->os, WPPR_LOG_WARN,
                    "a stale registration exists: replacing it\n");
        if ( !wppr_ppr_op(w, XEN_PPROP_unregister, &unreg) )
            rc = wppr_ppr_op(w, XEN_PPROP_register, &reg);
    }

    if ( rc )
    {
        w->last_rc = rc;
        w->c.register_failures++;
        return rc;
    }

    w->registered = true;
    return 0;
}

int64_t wppr_unregister(struct wppr *w)
{
    struct xen_ppr_unregister unreg = { 0 };
    int64_t rc;

    if ( !w->registered )
        return 0;

    rc = wppr_ppr_op(w, XEN_PPROP_unregister, &unreg);
    /* -ENOENT: Xen had already forgotten it (a new domain). */
    if ( rc && rc != -XEN_ENOENT )
    {
        w->last_rc = rc;
        return rc;
    }

    w->registered = false;
    return 0;
}

void wppr_array_teardown(struct wppr *w)
{
    if ( !w->array_mem )
        return;

    /*
     * Xen maps the frames while registered: handing them back to Windows
     * then would let Xen read Windows' data as states.  If it will not let
     * go, keep them for ever.
     */
    if ( wppr_unregister(w) )
    {
        w->array_leaked = true;
        wppr_os_log(w->os, WPPR_LOG_ERROR,
                    "unregister failed (%s): array of %u pages kept\n",
                    wppr_errname(w->last_rc), w->nr_frames);
        return;
    }

    wppr_os_unmap(w->os, w->array_mem, w->array_va);
    wppr_os_free_pages(w->os, w->array_mem);
    w->array_mem = NULL;
    w->array_va = NULL;
    w->arr.state = NULL;
    w->arr.nr_entries = 0;
}

/*
 * Held pages whose entries say RECLAIMED (or RECLAIMING, from a save taken
 * while a batch ran) are never claimed again: after a restore they have
 * frames again (the save stream populated them) and must be offered as
 * FREE.  Called before registering again, also after a get_stats that
 * failed transiently, when Xen may still scan the array with a batch in
 * flight.  Any entry may become FREE by the guest's hand (ABI section 4):
 * a page that still has no frame is just found empty by Xen, and Xen
 * frees a frame only once its own cmpxchg(RECLAIMING, RECLAIMED)
 * succeeds (ABI section 6), so a FREE written here makes that confirm
 * fail and Xen restores the frame.  A cmpxchg leaves any other value
 * alone.
 */
uint64_t wppr_rearm(struct wppr *w)
{
    const struct wppr_chunk *c;
    uint64_t i, n = 0;

    for ( c = w->held; c; c = c->next )
        for ( i = 0; i < c->nr; i++ )
        {
            uint8_t *s = &w->arr.state[c->pfns[i]];
            uint8_t v = ppr_read8(s);

            if ( (v == XEN_PPR_RECLAIMED || v == XEN_PPR_RECLAIMING) &&
                 ppr_cmpxchg8(s, v, XEN_PPR_FREE) == v )
                n++;
        }

    return n;
}

/*
 * On every tick: does Xen still know the array?  A domain restored from a
 * save image or migrated is a new domain, which answers -ENOENT.
 */
void wppr_check_registration(struct wppr *w)
{
    int64_t rc;

    if ( w->state == WPPR_ON )
    {
        struct xen_ppr_get_stats gs = {
            .domid = DOMID_SELF,
            .size = sizeof(w->xen),
        };
        struct xen_ppr_stats st = { 0 };

        set_xen_guest_handle(gs.stats, &st);
        rc = wppr_ppr_op(w, XEN_PPROP_get_stats, &gs);
        w->xen_rc = rc;
        if ( !rc )
        {
            w->xen = st;
            return;
        }
        wppr_os_log(w->os, WPPR_LOG_INFO,
                    "registration gone (%s): registering again\n",
                    wppr_errname(rc));
        /* If Xen does still have it, register() replaces it. */
        w->registered = false;
    }
    else if ( w->state != WPPR_LOST )
        return;

    w->c.rearmed += wppr_rearm(w);
    rc = wppr_register(w);
    if ( !rc )
    {
        w->c.reregistered++;
        w->state = WPPR_ON;
        w->off_reason = NULL;
        return;
    }

    /* Pages held for a hypervisor that does not take them: give back. */
    if ( w->state == WPPR_ON )
        wppr_os_log(w->os, WPPR_LOG_WARN,
                    "registering again failed (%s): pages given back\n",
                    wppr_errname(rc));
    wppr_give_all(w);
    w->state = WPPR_LOST;
    w->off_reason = "registration-lost";
}
