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

/*
 * Hypercall number.  Dynamic VM takes its numbers from the top of Xen's
 * table (NR_hypercalls is 64 on x86) downward: upstream hands out new
 * numbers upward from 42 (hypfs_op), and 56..63 lie above the range it
 * reserves for architectures (48..55), so the two never meet.  PageONE
 * is 63 (abi/pageone.h).
 */
#ifndef __HYPERVISOR_ppr_op
#define __HYPERVISOR_ppr_op                62
#endif

/*
 * long HYPERVISOR_ppr_op(unsigned int cmd, void *arg);
 *
 * The result is the whole of rax: a 64-bit guest whose long is 32 bits
 * (Windows, LLP64) reads it as int64_t.
 *
 * Common errors for every sub-op:
 *  -ENOSYS      hypercall not implemented (plain Xen).
 *  -EOPNOTSUPP  PPR compiled in but disabled (boot option / domain config),
 *               or unsupported guest kind (32-bit compat guests in v1).
 *  -EINVAL      unknown cmd, non-zero reserved field or unknown flag.
 *  -EFAULT      arg (or a handle inside it) cannot be copied.
 */

/* Interface version: major in the high 16 bits, minor in the low 16. */
#define XEN_PPR_INTERFACE_VERSION          0x00010002U
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
/* XEN_PPROP_get_pressure / XEN_PPROP_set_pressure are available (1.2). */
#define XEN_PPR_F_PRESSURE                 (1U << 4)

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
 * Statistics of one registration (or, for DOMID_XEN, of the host): the
 * fields after size and nr_entries, in order, as
 *
 *   X(name, kind, owner, unit, description)
 *
 * kind:  counter (monotonic since registration) or gauge (a level)
 * owner: core (counted by the portable PPR core) or port (by the
 *        hypervisor's port around it)
 * unit:  what one of it is
 *
 * The structure below, Xen's key handler, the guest's debugfs file and
 * xl-ppr's text and JSON output are all made from this one list: a new
 * field is one line here, appended at the end (fields are only ever
 * appended; a caller's size says how many it knows).
 */
#define XEN_PPR_STATS(X)                                                    \
    X(passes,          counter, core, "passes",  "full scan passes completed") \
    X(scanned,         counter, core, "entries", "entries examined")        \
    X(seen_free,       counter, core, "entries", "entries observed FREE")   \
    X(aged,            counter, core, "pages",   "FREE -> AGED done")       \
    X(claimed,         counter, core, "pages",   "AGED -> RECLAIMING done") \
    X(refused,         counter, core, "pages",   "claimed, but the unmap was refused (grant, MMIO, extra references)") \
    X(reclaimed,       counter, core, "pages",   "RECLAIMING -> RECLAIMED (incl. empty)") \
    X(restored,        counter, core, "pages",   "the guest re-allocated it before the confirm: remapped") \
    X(already_empty,   counter, core, "pages",   "claimed page had no frame behind it") \
    X(refaulted,       counter, port, "pages",   "zeroed frames populated on a touch") \
    X(fault_waits,     counter, port, "waits",   "touches that waited for a frame") \
    X(frames_returned, counter, port, "pages",   "frames given back to the heap") \
    X(invalid_seen,    counter, core, "entries", "entries holding an unknown byte value") \
    X(batches,         counter, core, "batches", "claim batches processed") \
    X(flushes,         counter, core, "flushes", "TLB flushes issued (<= batches)") \
    X(scan_ns,         counter, port, "ns",      "time spent scanning")     \
    /* Appended in 1.1. */                                                  \
    X(refused_refs,    counter, port, "pages",   "of refused: extra references, special page") \
    X(sync_returned,   counter, port, "pages",   "of frames_returned: reclaimed on a heap shortage") \
    /* Appended in 1.2. */                                                  \
    X(free_last_pass,  gauge,   core, "pages",   "entries found FREE in the last full pass: what the next can reclaim")

struct xen_ppr_stats {
    uint64_t size;          /* bytes of this struct filled in */
    uint64_t nr_entries;    /* registered array size (0: none) */
#define XEN_PPR_STATS_FIELD_(name, kind, owner, unit, desc) uint64_t name;
    XEN_PPR_STATS(XEN_PPR_STATS_FIELD_)
#undef XEN_PPR_STATS_FIELD_
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

/*
 * XEN_PPROP_get_pressure / XEN_PPROP_set_pressure (1.2, XEN_PPR_F_PRESSURE):
 * the host's watermarks on Xen's free heap and the vCPUs that wait for
 * memory.  Privileged callers only (the toolstack); answered whether or
 * not PPR itself is on, since PageONE's copy-on-write breaks wait the same
 * way.  arg: xen_mem_pressure_t (OUT for get; set reads the watermarks
 * only).
 *
 *  free >= high_pages    nothing happens
 *  free < high_pages     PPR scans sooner
 *  free < low_pages      PageONE stops merging, PPR reclaims at once
 *  free < min_pages      no guest gets memory from the heap but for
 *                        copy-on-write breaks and PPR refaults; a vCPU
 *                        whose break or refault finds no frame waits
 *                        (paused) until memory is back
 *
 * Errors:
 *  -EPERM   caller not privileged.
 *  -EINVAL  set with min_pages > low_pages > high_pages out of order, or
 *           high_pages beyond the host's memory.
 */
#define XEN_PPROP_get_pressure             6
#define XEN_PPROP_set_pressure             7
#define XEN_MEMW_COW                       0 /* copy-on-write break */
#define XEN_MEMW_REFAULT                   1 /* refault of a reclaimed page */
#define XEN_MEMW_LIMIT                     2 /* refault past max_pages */
#define XEN_MEMW_NR                        3
struct xen_mem_pressure {
    uint64_t min_pages;                     /* IN (set) / OUT */
    uint64_t low_pages;                     /* IN (set) / OUT */
    uint64_t high_pages;                    /* IN (set) / OUT */
    uint64_t free_pages;                    /* OUT: free heap now */
    uint64_t waiting;                       /* OUT: vCPUs waiting now */
    uint64_t waits[XEN_MEMW_NR];            /* OUT: waits begun, by reason */
    uint64_t wait_ns;                       /* OUT: time of finished waits */
    uint64_t wait_max_ns;                   /* OUT: longest finished wait */
    uint64_t refused;                       /* OUT: guest allocations
                                               refused below min */
    uint64_t reserve_used;                  /* OUT: frames given below min
                                               to breaks and refaults */
};
typedef struct xen_mem_pressure xen_mem_pressure_t;
DEFINE_XEN_GUEST_HANDLE(xen_mem_pressure_t);

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
