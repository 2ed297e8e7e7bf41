/*
 * xl-ppr: admission of a new guest: what it will take from Xen's heap,
 * as libxl sizes it, against what the host can give without pushing the
 * heap below its min watermark.  Pure: unit-tested natively.
 */
#ifndef XL_PPR_ADMIT_H
#define XL_PPR_ADMIT_H

#include "xl-ppr.h"

enum xl_ppr_guest_type {
    XL_PPR_GUEST_PV,
    XL_PPR_GUEST_PVH,
    XL_PPR_GUEST_HVM,
};

/* The sizing keys of an xl config, defaulted as xl and libxl do. */
struct xl_ppr_guest {
    enum xl_ppr_guest_type type;
    int hap;                    /* hap = 1 (the default on HAP hosts) */
    uint64_t memory_mib;        /* memory: what the guest starts with */
    uint64_t maxmem_mib;        /* maxmem, else memory */
    unsigned int vcpus;         /* maxvcpus, else vcpus */
};

/* xl's defaults: PV, HAP, 32 MiB, one vCPU. */
void xl_ppr_guest_init(struct xl_ppr_guest *g);

/*
 * Pages Xen hands the new domain: libxl's libxl_domain_need_memory()
 * for it: memory, plus the paging pool libxl reserves (4.17's
 * libxl__get_required_paging_memory(): 1 MiB per vCPU, a page per MiB
 * of maxmem for the p2m of a non-PV guest and one more for shadow
 * paging), plus a fixed 2 MiB (1 MiB for PV), rounded up to 2 MiB.
 */
uint64_t xl_ppr_guest_pages(const struct xl_ppr_guest *g);

/* What the host has for it. */
struct xl_ppr_room {
    uint64_t free_pages;        /* Xen's free heap */
    uint64_t min_pages;         /* the min watermark (0: none known) */
    uint64_t reclaimable;       /* PPR's estimate: free_last_pass */
};

enum xl_ppr_verdict {
    XL_PPR_FITS,                /* in the free heap above min */
    XL_PPR_FITS_RECLAIM,        /* only once PPR reclaims */
    XL_PPR_NO_ROOM,             /* not even then */
};

struct xl_ppr_admission {
    enum xl_ppr_verdict verdict;
    uint64_t need, above_min, reclaimable;      /* pages */
};

enum xl_ppr_verdict xl_ppr_admit(uint64_t need, const struct xl_ppr_room *r,
                                 struct xl_ppr_admission *a);

/* "NAME: fits: needs N MiB, M MiB free above the min watermark, ..." */
void xl_ppr_admission_str(char *buf, size_t len, const char *name,
                          const struct xl_ppr_admission *a);

#endif /* XL_PPR_ADMIT_H */
