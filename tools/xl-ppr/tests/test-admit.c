/*
 * xl-ppr: native unit tests of admission: libxl's sizing of a new
 * domain, and the verdict against the host's free heap, min watermark
 * and PPR's reclaimable estimate.
 */

#include "../admit.h"
#include "check.h"

static uint64_t pages_of(enum xl_ppr_guest_type type, int hap,
                         uint64_t memory, uint64_t maxmem,
                         unsigned int vcpus)
{
    struct xl_ppr_guest g = { .type = type, .hap = hap, .vcpus = vcpus,
                              .memory_mib = memory, .maxmem_mib = maxmem };

    return xl_ppr_guest_pages(&g);
}

static void test_sizing(void)
{
    struct xl_ppr_guest g;

    /*
     * PVH, HAP: memory + (256 per vCPU + 1 per MiB) pages of paging pool
     * + 2 MiB, rounded up to 2 MiB: 192 MiB + 1792 KiB + 2 MiB -> 196 MiB.
     */
    CHECK(pages_of(XL_PPR_GUEST_PVH, 1, 192, 192, 1) == 196 * 256,
          "pvh 192: %lu", (unsigned long)pages_of(XL_PPR_GUEST_PVH, 1, 192,
                                                  192, 1));
    /* The 64 GiB guest of the osstest job: 65796 MiB. */
    CHECK(pages_of(XL_PPR_GUEST_PVH, 1, 65536, 65536, 1) == 16843776,
          "pvh 64 GiB");
    /* The pool follows maxmem and the vCPUs; shadow doubles its RAM part. */
    CHECK(pages_of(XL_PPR_GUEST_HVM, 0, 1024, 2048, 4) == 267776,
          "hvm shadow maxmem");
    CHECK(pages_of(XL_PPR_GUEST_HVM, 1, 1024, 2048, 4) ==
          pages_of(XL_PPR_GUEST_HVM, 0, 1024, 2048, 4) - 2048, "hap");
    /* PV: one page per MiB (shadow), 1 MiB extra: 32 MiB -> 36 MiB. */
    CHECK(pages_of(XL_PPR_GUEST_PV, 1, 32, 32, 1) == 36 * 256, "pv");

    xl_ppr_guest_init(&g);
    CHECK(g.type == XL_PPR_GUEST_PV && g.memory_mib == 32 &&
          g.maxmem_mib == 32 && g.vcpus == 1 && g.hap, "defaults");
}

static void test_verdict(void)
{
    struct xl_ppr_room r = { .free_pages = 5000, .min_pages = 1000 };
    struct xl_ppr_admission a;
    char line[256];

    CHECK(xl_ppr_admit(1000, &r, &a) == XL_PPR_FITS && a.need == 1000 &&
          a.above_min == 4000 && !a.reclaimable, "fits");
    CHECK(xl_ppr_admit(4000, &r, &a) == XL_PPR_FITS, "fits exactly");
    CHECK(xl_ppr_admit(4001, &r, &a) == XL_PPR_NO_ROOM, "one page short");
    r.reclaimable = 1;
    CHECK(xl_ppr_admit(4001, &r, &a) == XL_PPR_FITS_RECLAIM,
          "fits with reclaim");
    CHECK(xl_ppr_admit(4002, &r, &a) == XL_PPR_NO_ROOM, "not even then");

    /* Below min nothing is free for guests; reclaim may still do. */
    r = (struct xl_ppr_room){ .free_pages = 500, .min_pages = 1000 };
    CHECK(xl_ppr_admit(1, &r, &a) == XL_PPR_NO_ROOM && !a.above_min,
          "below min");
    r.reclaimable = 256;
    CHECK(xl_ppr_admit(256, &r, &a) == XL_PPR_FITS_RECLAIM, "below min, "
          "reclaim");
    /* No watermarks known: all that is free. */
    r = (struct xl_ppr_room){ .free_pages = 500 };
    CHECK(xl_ppr_admit(500, &r, &a) == XL_PPR_FITS, "no min");

    r = (struct xl_ppr_room){ .free_pages = 640000, .min_pages = 1773,
                              .reclaimable = 25600 };
    xl_ppr_admit(16843776, &r, &a);
    xl_ppr_admission_str(line, sizeof(line), "pprBig", &a);
    CHECK(!strcmp(line, "pprBig: does not fit: needs 65796 MiB, 2493 MiB "
                  "free above the min watermark, 100 MiB reclaimable"),
          "refused: '%s'", line);
    xl_ppr_admit(196 * 256, &r, &a);
    xl_ppr_admission_str(line, sizeof(line), "pprA", &a);
    CHECK(!strcmp(line, "pprA: fits: needs 196 MiB, 2493 MiB free above "
                  "the min watermark, 100 MiB reclaimable"), "fits: '%s'",
          line);
    r.free_pages = 196 * 256;
    xl_ppr_admit(196 * 256, &r, &a);
    xl_ppr_admission_str(line, sizeof(line), "pprA", &a);
    CHECK(!strcmp(line, "pprA: fits only with reclaim: needs 196 MiB, 189 "
                  "MiB free above the min watermark, 100 MiB reclaimable"),
          "reclaim: '%s'", line);
}

int main(void)
{
    test_sizing();
    test_verdict();
    return check_done("xl-ppr admission tests");
}
