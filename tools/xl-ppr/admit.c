/*
 * xl-ppr: will a new guest fit?  libxl's sizing of a domain (so that the
 * answer matches what `xl create` will then ask Xen for), and the verdict
 * against the free heap above the min watermark and what PPR can reclaim.
 */

#include <inttypes.h>
#include <stdio.h>

#include "admit.h"

/* libxl_internal.h's LIBXL_HVM_EXTRA_MEMORY and LIBXL_PV_EXTRA_MEMORY. */
#define HVM_EXTRA_KIB 2048
#define PV_EXTRA_KIB  1024

void xl_ppr_guest_init(struct xl_ppr_guest *g)
{
    g->type = XL_PPR_GUEST_PV;
    g->hap = 1;
    g->memory_mib = g->maxmem_mib = 32;
    g->vcpus = 1;
}

uint64_t xl_ppr_guest_pages(const struct xl_ppr_guest *g)
{
    int pv = g->type == XL_PPR_GUEST_PV;
    int hap = !pv && g->hap;
    uint64_t kib, paging;

    paging = 4 * (256ULL * g->vcpus + (!pv + !hap) * g->maxmem_mib);
    kib = g->memory_mib * 1024 + paging + (pv ? PV_EXTRA_KIB
                                              : HVM_EXTRA_KIB);
    kib = (kib + 2047) / 2048 * 2048;
    return kib / 4;
}

enum xl_ppr_verdict xl_ppr_admit(uint64_t need, const struct xl_ppr_room *r,
                                 struct xl_ppr_admission *a)
{
    a->need = need;
    a->above_min = r->free_pages > r->min_pages
                   ? r->free_pages - r->min_pages : 0;
    a->reclaimable = r->reclaimable;
    if ( need <= a->above_min )
        a->verdict = XL_PPR_FITS;
    else if ( need - a->above_min <= a->reclaimable )
        a->verdict = XL_PPR_FITS_RECLAIM;
    else
        a->verdict = XL_PPR_NO_ROOM;
    return a->verdict;
}

void xl_ppr_admission_str(char *buf, size_t len, const char *name,
                          const struct xl_ppr_admission *a)
{
    static const char *const verdicts[] = {
        [XL_PPR_FITS] = "fits",
        [XL_PPR_FITS_RECLAIM] = "fits only with reclaim",
        [XL_PPR_NO_ROOM] = "does not fit",
    };

    snprintf(buf, len, "%s: %s: needs %" PRIu64 " MiB, %" PRIu64 " MiB "
             "free above the min watermark, %" PRIu64 " MiB reclaimable",
             name, verdicts[a->verdict], xl_ppr_mib(a->need),
             xl_ppr_mib(a->above_min), xl_ppr_mib(a->reclaimable));
}
