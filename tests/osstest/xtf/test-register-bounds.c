/*
 * XEN_PPROP_register refuses sizes and flags the ABI forbids
 * (docs/ppr-abi.md 2.3, checks 1 and 2): flags other than 0, no entries,
 * a frame count that is not ceil(nr_entries / 4096) (also where a 64-bit
 * count would overflow or a 32-bit one wrap), with -EINVAL; more entries
 * or frames than query's limits with -E2BIG.  The limit itself is
 * accepted.  Every refused call is given a frame list of real RAM of
 * ours, so that a missing check shows as a registration that succeeds,
 * and after each nothing is registered.
 */
#include <stdlib.h>

#include "lib.h"

const char test_title[] = "PPR register: sizes and flags";

/* Frames of our own, for lists up to this long (then repeated). */
#define OWN 4

static xen_pfn_t *list;

static void refused(const char *what, uint32_t nr_frames,
                    uint64_t nr_entries, uint32_t flags, long want)
{
    long rc = xtf_ppr_register(list, nr_frames, nr_entries, flags);

    xtf_expect(rc, want, "%s (nr_frames %u nr_entries %llu flags %#x)", what,
               nr_frames, (unsigned long long)nr_entries, flags);
    if ( !rc )
        xtf_ppr_unregister();
    xtf_check_registration(0, what);
}

void test_main(void)
{
    const uint64_t per = XEN_PPR_ENTRIES_PER_FRAME;
    struct xen_ppr_query q;
    unsigned int i, n;
    char *pages;
    long rc;

    xtf_need_ppr(&q);
    xtf_need_unregistered();

    /*
     * Room for a list of max_frames + 1 gfns: our OWN pages over and
     * over (a duplicate, should a size check be missing and Xen read it).
     */
    n = q.max_frames + 1;
    pages = xtf_pages(OWN);
    list = calloc(n, sizeof(*list));
    if ( !list )
        xtf_fatal("no memory for %u gfns", n);
    for ( i = 0; i < n; i++ )
        list[i] = xtf_gfn(pages + (i % OWN) * XTF_PAGE);

    /* Check 1: -EINVAL. */
    refused("flags 1", 1, 1, 1, -XEN_EINVAL);
    refused("flags 1 << 31", 1, 1, 1U << 31, -XEN_EINVAL);
    refused("no entries, no frames", 0, 0, 0, -XEN_EINVAL);
    refused("no entries, one frame", 1, 0, 0, -XEN_EINVAL);
    refused("one entry, no frames", 0, 1, 0, -XEN_EINVAL);
    refused("4096 entries, two frames", 2, per, 0, -XEN_EINVAL);
    refused("4097 entries, one frame", 1, per + 1, 0, -XEN_EINVAL);
    refused("8193 entries, two frames", 2, 2 * per + 1, 0, -XEN_EINVAL);
    refused("2^64-1 entries, one frame", 1, UINT64_MAX, 0, -XEN_EINVAL);
    /* 2^32 frames' worth: a 32-bit frame count of 0 must not match. */
    refused("2^44 entries, no frames", 0, per << 32, 0, -XEN_EINVAL);
    refused("2^44 entries, one frame", 1, per << 32, 0, -XEN_EINVAL);

    /* Check 2: -E2BIG, the sizes consistent with each other. */
    refused("max_entries + 1", q.max_frames + 1, q.max_entries + 1, 0,
            -XEN_E2BIG);
    refused("max_frames + 1 whole frames", q.max_frames + 1,
            (uint64_t)(q.max_frames + 1) * per, 0, -XEN_E2BIG);
    refused("2^32-1 frames", UINT32_MAX, (uint64_t)UINT32_MAX * per, 0,
            -XEN_E2BIG);
    /* Sizes come first: flags wrong too, still -EINVAL. */
    refused("max_entries + 1 with flags 1", q.max_frames + 1,
            q.max_entries + 1, 1, -XEN_EINVAL);

    /*
     * The limit is accepted: max_frames frames of our own (an array of
     * zeroes: every page INUSE, nothing for Xen to take).  Bounded, so
     * that a guest with a far-away gfn does not lock its RAM away here.
     */
    if ( q.max_frames > 4096 )
    {
        xtf_info("max_frames %u: the limit itself not tried", q.max_frames);
        return;
    }
    pages = xtf_pages(q.max_frames);
    for ( i = 0; i < q.max_frames; i++ )
        list[i] = xtf_gfn(pages + i * XTF_PAGE);
    rc = xtf_ppr_register(list, q.max_frames, q.max_entries, 0);
    if ( xtf_expect(rc, 0, "max_entries %llu in max_frames %u",
                    (unsigned long long)q.max_entries, q.max_frames) )
    {
        xtf_check_registration(q.max_entries, "at the limit");
        xtf_expect(xtf_ppr_unregister(), 0, "unregister at the limit");
    }
    xtf_check_registration(0, "after the limit");
}
