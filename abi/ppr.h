/* SPDX-License-Identifier: MIT */
/******************************************************************************
 * ppr.h
 *
 * PPR (Per Page Recycler): a guest keeps one state byte per guest page in
 * an array it registers once with the hypervisor.  It marks pages FREE when
 * its allocator frees them and IN-USE (one atomic exchange) before it uses
 * them again.  The hypervisor scans the array asynchronously (no hypercall,
 * no interrupt on the fast paths), claims pages that stayed free for a full
 * scan pass, removes them from the p2m and frees the machine frames.  A later
 * touch of a reclaimed page faults into the hypervisor, which maps a fresh
 * zeroed frame.
 *
 * The normative description is docs/ppr-abi.md in the Dynamic VM tree.
 *
 * Copyright (c) 2025, Dynamic VM authors.
 */

#ifndef __XEN_PUBLIC_PPR_H__
#define __XEN_PUBLIC_PPR_H__

#include "xen.h"

/* Hypercall number (unused in Xen 4.17: hypfs_op is 42). */
#ifndef __HYPERVISOR_ppr_op
#define __HYPERVISOR_ppr_op                43
#endif

/*
 * long HYPERVISOR_ppr_op(unsigned int cmd, void *arg);
 *
 * Common errors for every sub-op:
 *  -ENOSYS      hypercall not implemented (plain Xen).
 *  -EOPNOTSUPP  PPR compiled in but disabled (boot option / domain config),
 *               or unsupported guest kind (32-bit compat guests in v1).
 *  -EINVAL      unknown cmd, non-zero reserved field or unknown flag.
 *  -EFAULT      arg (or a handle inside it) cannot be copied.
 */

/* Interface version: major in the high 16 bits, minor in the low 16. */
#define XEN_PPR_INTERFACE_VERSION          0x00010001U
#define XEN_PPR_VERSION_MAJOR(v)           ((v) >> 16)
#define XEN_PPR_VERSION_MINOR(v)           ((v) & 0xffffU)

/* Feature flags reported by XEN_PPROP_query. */
/* Pages are claimed only after a full pass in AGED (always set in v1). */
#define XEN_PPR_F_AGING                    (1U << 0)
/* A refault on a reclaimed page populates a zeroed frame (always in v1). */
#define XEN_PPR_F_ZERO_REFAULT             (1U << 1)
/* XEN_PPROP_get_stats may target another domain (privileged caller). */
#define XEN_PPR_F_REMOTE_STATS             (1U << 2)
/* XEN_PPROP_get_policy / XEN_PPROP_set_policy are available (1.1). */
#define XEN_PPR_F_POLICY                   (1U << 3)

/*
 * One state byte per guest page; entry i describes guest pfn i.
 * A byte value that is none of the below is treated as IN-USE by the
 * hypervisor: skipped, never claimed, never freed.
 */
#define XEN_PPR_INUSE                      0x00 /* guest owns, zero-init */
#define XEN_PPR_FREE                       0x01 /* guest freed it         */
#define XEN_PPR_AGED                       0x02 /* free for a full pass   */
#define XEN_PPR_RECLAIMING                 0x03 /* hypervisor owns        */
#define XEN_PPR_RECLAIMED                  0x04 /* no frame behind gfn    */
#define XEN_PPR_NR_STATES                  5

/* Frames of the state array are 4KiB each. */
#define XEN_PPR_ENTRIES_PER_FRAME          4096U

/*
 * XEN_PPROP_query: discover the interface.  arg: xen_ppr_query_t (OUT).
 * Always allowed (also when disabled: then version is reported and
 * features is 0 and the call returns -EOPNOTSUPP).
 */
#define XEN_PPROP_query                    0
struct xen_ppr_query {
    uint32_t version;       /* OUT: XEN_PPR_INTERFACE_VERSION */
    uint32_t features;      /* OUT: XEN_PPR_F_* */
    uint64_t max_entries;   /* OUT: largest nr_entries accepted */
    uint32_t max_frames;    /* OUT: largest nr_frames accepted */
    uint32_t stats_size;    /* OUT: sizeof(struct xen_ppr_stats) in Xen */
};
typedef struct xen_ppr_query xen_ppr_query_t;
DEFINE_XEN_GUEST_HANDLE(xen_ppr_query_t);

/*
 * XEN_PPROP_register: register the calling domain's state array.
 * arg: xen_ppr_register_t (IN).
 *
 * frame_list holds nr_frames GFNs of the guest pages that hold the array,
 * in array order.  The array covers guest pfns [0, nr_entries), so
 * nr_frames == DIV_ROUND_UP(nr_entries, XEN_PPR_ENTRIES_PER_FRAME).
 * Every frame must be ordinary RAM owned by the caller (not granted,
 * foreign, MMIO or shared); the hypervisor takes a reference and maps it
 * for the lifetime of the registration.  The array frames themselves are
 * never reclaimed, whatever their state byte says.
 *
 * Errors:
 *  -EEXIST  an array is already registered for this domain.
 *  -EINVAL  flags != 0, nr_entries == 0, nr_frames does not match
 *           nr_entries, or the gfn list contains duplicates.
 *  -E2BIG   nr_entries > max_entries or nr_frames > max_frames.
 *  -EPERM   a frame is not RAM owned by the caller.
 *  -EFAULT  frame_list cannot be read.
 *  -ENOMEM  hypervisor out of memory for the mapping.
 */
#define XEN_PPROP_register                 1
struct xen_ppr_register {
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* IN: nr_frames GFNs */
    uint32_t nr_frames;                     /* IN */
    uint32_t flags;                         /* IN: must be 0 in v1 */
    uint64_t nr_entries;                    /* IN: pfns covered from 0 */
};
typedef struct xen_ppr_register xen_ppr_register_t;
DEFINE_XEN_GUEST_HANDLE(xen_ppr_register_t);

/*
 * XEN_PPROP_unregister: stop scanning, wait for an in-flight batch, unmap
 * and release the array frames.  Reclaimed pages stay unpopulated (they
 * refault as zero pages).  The same happens on domain destruction.
 * arg: xen_ppr_unregister_t (IN).
 *
 * Errors:
 *  -ENOENT  no array registered.
 *  -EINVAL  flags != 0.
 */
#define XEN_PPROP_unregister               2
struct xen_ppr_unregister {
    uint32_t flags;                         /* IN: must be 0 in v1 */
    uint32_t pad;                           /* must be 0 */
};
typedef struct xen_ppr_unregister xen_ppr_unregister_t;
DEFINE_XEN_GUEST_HANDLE(xen_ppr_unregister_t);

/*
 * Statistics, all counters monotonic since registration unless noted.
 * size is set by the hypervisor to the number of bytes it filled in
 * (never more than the caller's size); fields are only ever appended.
 */
struct xen_ppr_stats {
    uint64_t size;          /* bytes of this struct filled in */
    uint64_t nr_entries;    /* registered array size (0: none) */
    uint64_t passes;        /* full scan passes completed */
    uint64_t scanned;       /* entries examined */
    uint64_t seen_free;     /* entries observed FREE */
    uint64_t aged;          /* FREE -> AGED done */
    uint64_t claimed;       /* AGED -> RECLAIMING done */
    uint64_t refused;       /* claimed, p2m refused unmap (grant etc.) */
    uint64_t reclaimed;     /* RECLAIMING -> RECLAIMED (incl. empty) */
    uint64_t restored;      /* confirm raced with guest alloc: remapped */
    uint64_t already_empty; /* claimed page had no frame behind it */
    uint64_t refaulted;     /* zeroed frames populated on fault */
    uint64_t fault_waits;   /* faults that waited for a batch to end */
    uint64_t frames_returned; /* machine frames freed to the heap */
    uint64_t invalid_seen;  /* entries holding an unknown byte value */
    uint64_t batches;       /* claim batches processed */
    uint64_t flushes;       /* TLB flushes issued (<= batches) */
    uint64_t scan_ns;       /* time spent scanning, nanoseconds */
    /* Appended in 1.1. */
    uint64_t refused_refs;  /* of refused: extra references, special page */
    uint64_t sync_returned; /* of frames_returned: reclaimed on heap shortage */
};
typedef struct xen_ppr_stats xen_ppr_stats_t;
DEFINE_XEN_GUEST_HANDLE(xen_ppr_stats_t);

/*
 * XEN_PPROP_get_stats: arg: xen_ppr_get_stats_t (IN/OUT).
 * domid is DOMID_SELF or, for a privileged caller, any domain, or
 * DOMID_XEN for the host-wide totals (1.1: sums over all domains since
 * boot, nr_entries = entries currently registered).
 *
 * Errors:
 *  -ESRCH   no such domain.
 *  -EPERM   domid names another domain and the caller is unprivileged.
 *  -ENOENT  the domain has no array registered.
 *  -EINVAL  size < 16 (size and nr_entries are always returned).
 */
#define XEN_PPROP_get_stats                3
struct xen_ppr_get_stats {
    domid_t  domid;                         /* IN */
    uint16_t pad[3];                        /* must be 0 */
    uint64_t size;                          /* IN: bytes at stats */
    XEN_GUEST_HANDLE(xen_ppr_stats_t) stats; /* OUT */
};
typedef struct xen_ppr_get_stats xen_ppr_get_stats_t;
DEFINE_XEN_GUEST_HANDLE(xen_ppr_get_stats_t);

/*
 * XEN_PPROP_get_policy / XEN_PPROP_set_policy (1.1, XEN_PPR_F_POLICY):
 * reclaim policy of one domain, or with domid == DOMID_INVALID the
 * default given to domains created afterwards.  Privileged callers only
 * (the toolstack).  arg: xen_ppr_policy_t (IN for set, IN/OUT for get).
 * A policy can be set before the guest registers its array; it survives
 * unregistration.
 *
 *  flags        XEN_PPR_POLICY_RECLAIM: scan and reclaim (otherwise the
 *               array stays registered but is left alone).
 *  period_ms    time between the starts of two scan passes; a FREE page
 *               is reclaimed on the second pass that finds it free, i.e.
 *               after one to two periods.
 *  min_age_ms   shortest time between two passes even when the heap runs
 *               low (0: back-to-back passes allowed under pressure).
 *  reserve_mib  never reclaim while the domain holds this much memory or
 *               less (0: no floor).
 *
 * Errors:
 *  -EPERM   caller not privileged for the domain.
 *  -ESRCH   no such domain.
 *  -EINVAL  pad != 0, unknown flag, period_ms or min_age_ms out of range
 *           (XEN_PPR_PERIOD_MIN_MS .. XEN_PPR_PERIOD_MAX_MS; min_age_ms
 *           may also be 0).
 */
#define XEN_PPROP_get_policy               4
#define XEN_PPROP_set_policy               5
#define XEN_PPR_POLICY_RECLAIM             (1U << 0)
#define XEN_PPR_PERIOD_MIN_MS              100U
#define XEN_PPR_PERIOD_MAX_MS              3600000U
struct xen_ppr_policy {
    domid_t  domid;                         /* IN */
    uint16_t pad;                           /* must be 0 */
    uint32_t flags;                         /* XEN_PPR_POLICY_* */
    uint32_t period_ms;
    uint32_t min_age_ms;
    uint64_t reserve_mib;
};
typedef struct xen_ppr_policy xen_ppr_policy_t;
DEFINE_XEN_GUEST_HANDLE(xen_ppr_policy_t);

#endif /* __XEN_PUBLIC_PPR_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
