/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * common/ppr/ppr_selftest.c
 *
 * The PPR core's self-test inside Xen, a test interface: built with
 * CONFIG_DVM_TESTING only, run at boot by "ppr=...,selftest".
 */

#include <xen/init.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/ppr.h>
#include <asm/system.h>
#include <public/ppr.h>

#include "ppr_core.h"

/*
 * "ppr=selftest" (CONFIG_DVM_TESTING): run the core inside Xen against an
 * array in Xen memory with stub operations, which proves the atomics and
 * the scan logic of this build.
 */
static unsigned int __initdata ppr_st_unmapped, ppr_st_freed,
    ppr_st_restored, ppr_st_flushes;

static enum ppr_unmap_result __init cf_check ppr_st_unmap(void *priv,
                                                         uint64_t gfn)
{
    if ( gfn == 7 )
        return PPR_UNMAP_REFUSED;
    ppr_st_unmapped++;
    if ( gfn == 9 )
        /* The guest re-allocates it while we unmap. */
        (void)xchg(&((uint8_t *)priv)[gfn], XEN_PPR_INUSE);

    return PPR_UNMAP_OK;
}

static void __init cf_check ppr_st_flush(void *priv)
{
    ppr_st_flushes++;
}

static void __init cf_check ppr_st_free(void *priv, uint64_t gfn)
{
    ppr_st_freed++;
}

static void __init cf_check ppr_st_restore(void *priv, uint64_t gfn)
{
    ppr_st_restored++;
}

int __init ppr_selftest(void)
{
    static const struct ppr_hv_ops __initconst ops = {
        .unmap = ppr_st_unmap,
        .flush = ppr_st_flush,
        .free_frame = ppr_st_free,
        .restore = ppr_st_restore,
    };
    struct ppr_array arr;
    struct ppr_hv hv;
    uint64_t batch[4];
    uint8_t *s = alloc_xenheap_page();
    bool ok;

    if ( !s )
        return -ENOMEM;
    clear_page(s);

    ok = !ppr_array_init(&arr, s, 64) &&
         !ppr_hv_init(&hv, &arr, 0, 64, batch, ARRAY_SIZE(batch), &ops, s);
    /* Pages 5..12 freed; 13 holds garbage. */
    ok = ok && ppr_mark_free(&arr, 8, 3, NULL) == 0 &&
         ppr_mark_free(&arr, 5, 0, NULL) == 0 &&
         ppr_mark_free(&arr, 6, 0, NULL) == 0 &&
         ppr_mark_free(&arr, 7, 0, NULL) == 0;
    s[20] = 0xa5;
    ok = ok && !ppr_hv_scan(&hv, 1000) && !ppr_hv_scan(&hv, 1000);
    /* 5,6,8,10..15 freed; 7 refused; 9 restored. */
    ok = ok && hv.counters.aged == 11 && hv.counters.claimed == 11 &&
         hv.counters.refused == 1 && hv.counters.restored == 1 &&
         hv.counters.reclaimed == 9 && ppr_st_freed == 9 &&
         ppr_st_restored == 1 && ppr_st_unmapped == 10 &&
         ppr_st_flushes == hv.counters.flushes && hv.counters.flushes == 3 &&
         hv.counters.invalid_seen == 2 && s[7] == XEN_PPR_FREE &&
         s[9] == XEN_PPR_INUSE && s[5] == XEN_PPR_RECLAIMED &&
         ppr_mark_alloc(&arr, 5, 0, NULL, NULL) == 1 &&
         ppr_hv_refault(&arr, 6) && s[6] == XEN_PPR_INUSE;

    printk("PPR selftest: %s (claimed %"PRIu64" reclaimed %"PRIu64
           " restored %"PRIu64" refused %"PRIu64" flushes %"PRIu64")\n",
           ok ? "SUCCESS" : "FAILURE", hv.counters.claimed,
           hv.counters.reclaimed, hv.counters.restored, hv.counters.refused,
           hv.counters.flushes);

    free_xenheap_page(s);

    return ok ? 0 : -EIO;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
