/*
 * xl-ppr: what every part shares: exit codes, sizes, and the state of the
 * host and of a domain as the verbs read it from the hypervisor.
 *
 * Parsing and validation: parse.h; output: output.h, over the counter
 * lists of stats.h; hypervisor calls: hv.h; verbs: cmds.h.
 */
#ifndef XL_PPR_H
#define XL_PPR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/xen.h>
#include <ppr.h>                /* abi/ppr.h */
#include <pageone.h>            /* abi/pageone.h */

/* Exit codes (documented in docs/man/xl-ppr.1). */
#define XL_PPR_ERR_USAGE  2     /* bad command line or out-of-range value */
#define XL_PPR_ERR_ENV    3     /* not on Xen, not root, feature missing */
#define XL_PPR_ERR_XEN    4     /* the hypervisor or xl refused or failed */
#define XL_PPR_ERR_NODOM  5     /* no such domain */

#define XL_PPR_CAPS_LEN   64
#define XL_PPR_NAME_LEN   64
#define XL_PPR_GROUP_LEN  32    /* share group names: 1..31 characters */
#define XL_PPR_GROUP_MAX  0x7fffffffU /* largest PageONE share group id */
#define XL_PPR_ERR_LEN    200

/* Largest reserve the hypervisor accepts (2^(BITS_PER_LONG - 21) MiB). */
#define XL_PPR_RESERVE_MAX_MIB (1ULL << 43)

/* Pages to MiB, rounded to nearest. */
static inline uint64_t xl_ppr_mib(uint64_t pages)
{
    return (pages + 128) >> 8;
}

/* PageONE (dedup) state of the host or of a domain. */
struct xl_ppr_dedup {
    int compiled;               /* the hypervisor has pageone_op */
    int avail;                  /* ... and it is enabled (pageone=1) */
    int on;                     /* host: scanner running; domain: dedup */
    uint64_t merged;            /* domain: gfns mapping a shared or zero
                                   frame */
    uint64_t shared;            /* domain: gfns on shared non-zero frames */
    uint64_t zero;              /* domain: gfns mapping the zero frame */
    uint64_t cpu_ns;            /* host: scan CPU time */
    uint32_t group;             /* domain: share group, 0 = alone */
    /* Host: the engine's totals; domain: those of its share group. */
    struct xen_pageone_stats stats;
};

enum xl_ppr_state {
    XL_PPR_ABSENT,              /* no ppr_op (-ENOSYS): stock Xen */
    XL_PPR_DISABLED,            /* compiled in, ppr=0 */
    XL_PPR_ENABLED,
};

struct xl_ppr_host {
    enum xl_ppr_state ppr;
    uint32_t version;           /* XEN_PPR_INTERFACE_VERSION of Xen */
    int have_policy;
    struct xen_ppr_policy defpol;
    int have_stats;
    struct xen_ppr_stats totals;
    struct xl_ppr_dedup dedup;
};

struct xl_ppr_dom {
    uint32_t domid;
    char name[XL_PPR_NAME_LEN];
    uint64_t tot_pages;
    int registered;
    struct xen_ppr_stats stats; /* zero unless registered */
    int have_policy;
    struct xen_ppr_policy policy;
    struct xl_ppr_dedup dedup;
    uint64_t reclaim_rate;      /* top: pages/s reclaimed, last interval */
};

#endif /* XL_PPR_H */
