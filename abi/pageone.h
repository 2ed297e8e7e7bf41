/* SPDX-License-Identifier: MIT */
/*
 * pageone.h - Dynamic VM PageONE page deduplication: policy and statistics
 * hypercall (__HYPERVISOR_pageone_op).
 *
 * Only the control domain may call it.  Every structure has a fixed layout
 * (explicit padding, 64-bit fields 8-byte aligned) and is the same for
 * 32- and 64-bit callers; only 64-bit callers are wired (PV64, HVM64).
 *
 *   long pageone_op(unsigned int cmd, void *arg);
 *
 * Returns 0 or a negative errno value:
 *   -EPERM       caller is not the control domain
 *   -EOPNOTSUPP  feature disabled at boot ("pageone=no")
 *   -EINVAL      bad command, version, flags or value
 *   -ESRCH       no such domain
 *   -EBUSY       the domain is dying
 *   -E2BIG       audit: too many domains or pages
 *
 * See docs/pageone-xen.md of Dynamic VM.
 */
#ifndef __XEN_PUBLIC_PAGEONE_H__
#define __XEN_PUBLIC_PAGEONE_H__

#include "xen.h"

/* Hypercall number: Dynamic VM's downstream range, see abi/ppr.h. */
#ifndef __HYPERVISOR_pageone_op
#define __HYPERVISOR_pageone_op         63
#endif

#define XEN_PAGEONE_INTERFACE_VERSION   1

/* ------------------------------------------------------------------ */
/* XEN_PAGEONE_OP_info: global state and statistics (OUT). */
#define XEN_PAGEONE_OP_info             0

#define XEN_PAGEONE_F_ENABLED       (1u << 0)   /* compiled in, booted on */
#define XEN_PAGEONE_F_RUNNING       (1u << 1)   /* scanner running */

/*
 * The engine's statistics (global, or of one share group), in order, as
 *
 *   X(name, kind, type, unit, description)
 *
 * kind: counter (monotonic) or gauge (a level); type: the field's C type.
 * The structure, the core's counters, Xen's 'j' key handler and the tools'
 * output are made from this one list; fields are only ever appended.
 */
#define XEN_PAGEONE_STATS(X)                                                \
    X(scanned,       counter, uint64_t, "pages",  "guest pages visited")    \
    X(hashed,        counter, uint64_t, "pages",  "pages hashed")           \
    X(merged,        counter, uint64_t, "pages",  "pages merged into a shared frame") \
    X(zero_merged,   counter, uint64_t, "pages",  "pages merged into the zero frame") \
    X(cow_breaks,    counter, uint64_t, "pages",  "merged pages unshared by a write") \
    X(collisions,    counter, uint64_t, "pages",  "equal hash, different content") \
    X(merge_failed,  counter, uint64_t, "pages",  "merges refused (busy, references, changed, memory pressure)") \
    X(busy,          counter, uint64_t, "pages",  "partner locked: retried next pass") \
    X(candidates,    gauge,   uint64_t, "pages",  "unmerged pages waiting for a twin") \
    X(shared_frames, gauge,   uint64_t, "frames", "shared frames holding merged content") \
    X(pages_shared,  gauge,   uint64_t, "pages",  "guest pages mapping a shared frame") \
    X(zero_pages,    gauge,   uint64_t, "pages",  "guest pages mapping the zero frame") \
    X(frames_saved,  gauge,   int64_t,  "frames", "pages_shared - shared_frames + zero_pages")

struct xen_pageone_stats {
#define XEN_PAGEONE_STATS_FIELD_(name, kind, type, unit, desc) type name;
    XEN_PAGEONE_STATS(XEN_PAGEONE_STATS_FIELD_)
#undef XEN_PAGEONE_STATS_FIELD_
};
typedef struct xen_pageone_stats xen_pageone_stats_t;

struct xen_pageone_info {
    uint32_t version;           /* OUT: XEN_PAGEONE_INTERFACE_VERSION */
    uint32_t flags;             /* OUT: XEN_PAGEONE_F_* */
    uint32_t budget_pct;        /* OUT: timer CPU budget, % of one CPU */
    uint32_t period_ms;         /* OUT: rescan period */
    uint32_t default_group;     /* OUT: group of new domains (0 = own) */
    uint32_t nr_domains;        /* OUT: domains being scanned */
    uint64_t full_scans;        /* OUT: completed passes */
    uint64_t idle_ns;           /* OUT: CPU time in the idle loop */
    uint64_t timer_ns;          /* OUT: CPU time in the budgeted timer */
    uint64_t meta_bytes;        /* OUT: per-page metadata allocated */
    uint64_t sharing_saved;     /* OUT: mem_sharing's own saved frames */
    xen_pageone_stats_t stats;  /* OUT: global */
};
typedef struct xen_pageone_info xen_pageone_info_t;

/* ------------------------------------------------------------------ */
/* XEN_PAGEONE_OP_set: global policy (IN). */
#define XEN_PAGEONE_OP_set              1

#define XEN_PAGEONE_SET_RUN         (1u << 0)   /* run valid */
#define XEN_PAGEONE_SET_BUDGET      (1u << 1)   /* budget_pct valid */
#define XEN_PAGEONE_SET_PERIOD      (1u << 2)   /* period_ms valid */
#define XEN_PAGEONE_SET_GROUP       (1u << 3)   /* default_group valid */

struct xen_pageone_set {
    uint32_t mask;              /* IN: XEN_PAGEONE_SET_* */
    uint32_t run;               /* IN: 0 stop the scanner, 1 run it */
    uint32_t budget_pct;        /* IN: 0..100; 0 = idle CPUs only */
    uint32_t period_ms;         /* IN: 100..3600000 */
    uint32_t default_group;     /* IN: 0 = each domain alone, else id */
    uint32_t pad;
};
typedef struct xen_pageone_set xen_pageone_set_t;

/* ------------------------------------------------------------------ */
/* XEN_PAGEONE_OP_domain_get / XEN_PAGEONE_OP_domain_set: per domain. */
#define XEN_PAGEONE_OP_domain_get       2
#define XEN_PAGEONE_OP_domain_set       3

#define XEN_PAGEONE_D_DEDUP         (1u << 0)   /* policy: dedup on */
#define XEN_PAGEONE_D_ATTACHED      (1u << 1)   /* OUT: being scanned */

#define XEN_PAGEONE_DSET_DEDUP      (1u << 0)   /* flags.DEDUP valid */
#define XEN_PAGEONE_DSET_GROUP      (1u << 1)   /* group valid */

struct xen_pageone_domain {
    domid_t  domid;             /* IN */
    uint16_t pad;
    uint32_t mask;              /* IN (set): XEN_PAGEONE_DSET_* */
    uint32_t flags;             /* IN/OUT: XEN_PAGEONE_D_* */
    uint32_t group;             /* IN/OUT: share group, 0 = own group */
    uint64_t nr_pages;          /* OUT: gfns covered by the scan */
    uint64_t meta_bytes;        /* OUT: metadata for this domain */
    /* OUT: per-domain counters */
    uint64_t scanned;           /* pages of this domain read */
    uint64_t merged;            /* merges into a non-zero frame */
    uint64_t zero_merged;       /* merges into the zero frame */
    uint64_t cow_breaks;        /* unshares of this domain's pages */
    /* OUT: gauges (a walk of the domain's page states) */
    uint64_t pages_shared;      /* gfns on a shared non-zero frame */
    uint64_t zero_pages;        /* gfns on the zero frame */
    uint64_t candidates;        /* gfns waiting for a twin */
    uint64_t shr_pages;         /* d->shr_pages (mem_sharing) */
    uint64_t tot_pages;         /* d->tot_pages */
    xen_pageone_stats_t group_stats; /* OUT: the domain's share group */
};
typedef struct xen_pageone_domain xen_pageone_domain_t;

/* ------------------------------------------------------------------ */
/*
 * XEN_PAGEONE_OP_audit: an independent count, not using the engine: hash every
 * RAM page (rw or shared) of the listed domains with a different function,
 * then count distinct contents and frames mapped by several domains.
 * The listed domains are paused meanwhile (a snapshot; not the caller's
 * own domain: -EINVAL).  Slow (reads every page); for tests and
 * diagnostics: -EOPNOTSUPP unless the hypervisor was built with
 * CONFIG_DVM_TESTING.
 */
#define XEN_PAGEONE_OP_audit            4
#define XEN_PAGEONE_AUDIT_MAX_DOMS  16

struct xen_pageone_audit {
    uint32_t nr_doms;           /* IN */
    uint32_t pad;
    domid_t  domids[XEN_PAGEONE_AUDIT_MAX_DOMS]; /* IN */
    uint64_t pages;             /* OUT: RAM gfns read */
    uint64_t zero_pages;        /* OUT: of which all-zero */
    uint64_t distinct;          /* OUT: distinct contents */
    uint64_t mergeable;         /* OUT: pages - distinct */
    uint64_t frames;            /* OUT: distinct frames behind the gfns */
    uint64_t shared_gfns;       /* OUT: gfns of type shared */
    uint64_t cross_nonzero;     /* OUT: gfns on a non-zero frame that
                                        another listed domain maps too */
    uint64_t cross_zero;        /* OUT: same for zero frames */
};
typedef struct xen_pageone_audit xen_pageone_audit_t;

#endif /* __XEN_PUBLIC_PAGEONE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
