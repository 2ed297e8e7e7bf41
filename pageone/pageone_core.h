/* SPDX-License-Identifier: MIT */
/*
 * pageone_core.h - PageONE page-deduplication engine, portable core.
 *
 * A lock-free hash trie keyed by (share group, 64-bit content hash) holds
 * candidate entries (unmerged guest pages seen unchanged across two scans)
 * and stable entries (shared, read-only frames).  Any number of CPUs scan
 * concurrently in bounded chunks (pageone_scan()); memory is reclaimed
 * through the port's RCU (ops->call_rcu).  See docs/pageone-design.md.
 *
 * Concurrency contract for the port:
 *  - every entry point may be called from any CPU concurrently, but not
 *    from IRQ context and not re-entered on one CPU (per-CPU state);
 *  - ops->cpu_id() must be stable for the duration of a call;
 *  - pageone_init/pageone_destroy are single-threaded.
 */
#ifndef __PAGEONE_CORE_H__
#define __PAGEONE_CORE_H__

#include "pageone_platform.h"

#define PAGEONE_FRAME_NONE      0ULL            /* no frame (guest page) */
#define PAGEONE_FRAME_ZERO      (~0ULL)         /* the global zero frame */

#define PAGEONE_MAX_RANGES      1024
#define PAGEONE_CHUNK           32              /* pages claimed at once */

struct pageone;
struct pageone_entry;

/*
 * Deferred-free head, embedded in every retired object.  The core sets fn
 * and eng; the port keeps its own RCU head (Xen's struct rcu_head, the
 * native epoch list link) in port_priv and calls head->fn(head) once a
 * grace period has passed.
 */
struct pageone_rcu_head {
    void (*fn)(struct pageone_rcu_head *head);
    struct pageone *eng;
    uintptr_t port_priv[2];
};

/* Per guest page state.  The port allocates an array per range, zeroed. */
struct pageone_page {
    uint64_t hash;              /* hash when last seen (PF_SEEN) */
    struct pageone_entry *entry;/* candidate or stable entry */
    uint32_t flags;             /* PF_* below, atomic */
    uint32_t pad;
};

/*
 * The engine's statistics: one per field of abi/pageone.h's
 * XEN_PAGEONE_STATS list, in its order, so that a port copies them into
 * struct xen_pageone_stats from the same list.  The core counts every one
 * but frames_saved, which pageone_stats_read() works out from three
 * gauges; its slot in the live counts stays 0.
 */
enum pageone_stat {
#define PAGEONE_STAT_ENUM_(name, kind, type, unit, desc) PAGEONE_STAT_##name,
    XEN_PAGEONE_STATS(PAGEONE_STAT_ENUM_)
#undef PAGEONE_STAT_ENUM_
    PAGEONE_NR_STATS
};

struct pageone_stats {
    int64_t v[PAGEONE_NR_STATS];
    uint64_t full_scans;        /* global only */
};

/*
 * A share group: pages match only inside their group, except zero pages,
 * which all map the global zero frame.  Initialise with pageone_group_init.
 */
struct pageone_group {
    uint32_t id;
    uint64_t key_salt;
    int64_t stat[PAGEONE_NR_STATS];     /* atomic */
};

/*
 * A range of guest pages (e.g. one domain's RAM) registered for scanning.
 * The port fills group, pages, nr, priv and release; the rest is private.
 */
struct pageone_range {
    struct pageone_group *group;
    struct pageone_page *pages;
    unsigned long nr;
    void *priv;
    /* called after a grace period once pageone_range_remove() is done */
    void (*release)(struct pageone_range *r);
    /* private */
    uint64_t cursor;                    /* (pass << 32) | next page */
    uint32_t dying;
    unsigned int slot;
    struct pageone_rcu_head rcu;
};

/* A reference to page content: a guest page or a frame. */
struct pageone_mref {
    struct pageone_range *range;        /* NULL for a frame */
    unsigned long idx;
    uint64_t frame;                     /* PAGEONE_FRAME_* or port handle */
};

struct pageone_ops {
    /* zeroed memory; NULL on failure.  free(NULL) must be harmless. */
    void *(*zalloc)(void *ctx, unsigned long size);
    void (*free)(void *ctx, void *p);
    unsigned int (*cpu_id)(void *ctx);
    /* true when the CPU has better things to do (softirq pending) */
    bool (*should_stop)(void *ctx);
    /* map page content read-only; NULL if the page can't be scanned */
    const void *(*map)(void *ctx, const struct pageone_mref *m);
    void (*unmap)(void *ctx, const struct pageone_mref *m, const void *va);
    /*
     * Make src share dst's content copy-on-write.  Called only after a
     * full compare, with both guest pages locked by the core.  The port
     * must write-protect both, re-check the content and only then share.
     * dst is a stable frame (frame set), the zero frame, or a candidate
     * guest page (frame == NONE): then the port turns it into a shared
     * frame and returns its handle in dst->frame, holding one reference
     * for the core (released with frame_put).  0 on success, < 0 on
     * failure (content changed, page not shareable, ...).
     */
    int (*merge)(void *ctx, struct pageone_mref *dst,
                 const struct pageone_mref *src);
    void (*frame_put)(void *ctx, uint64_t frame);
    /*
     * RCU: read-side sections may nest; call_rcu runs head->fn(head) once
     * every read-side section that was running when it was called has
     * ended.  Every trie walk is inside a read-side section.
     */
    void (*rcu_read_lock)(void *ctx);
    void (*rcu_read_unlock)(void *ctx);
    void (*call_rcu)(void *ctx, struct pageone_rcu_head *head);
};

/* Per-CPU state, private. */
struct pageone_pcpu {
    int64_t stat[PAGEONE_NR_STATS];
    char pad[64];
};

struct pageone_inner;

struct pageone {
    const struct pageone_ops *ops;
    void *ctx;
    uint64_t seed;
    unsigned int nr_cpus;
    unsigned int root_bits;
    uintptr_t *root;
    struct pageone_pcpu *pcpu;
    /* scan state */
    uint64_t pos;                       /* (pass << 32) | range slot */
    uint64_t inflight;
    uint64_t activity;
    uint32_t idle;
    uint32_t nr_slots;                  /* high-water mark of ranges[] */
    uint64_t full_scans;
    struct pageone_range *ranges[PAGEONE_MAX_RANGES];
};

/* ---- Setup ------------------------------------------------------------ */
/* root_bits: log2 of the root fan-out (4..24, 0 = default 16). */
int pageone_init(struct pageone *e, const struct pageone_ops *ops, void *ctx,
                 unsigned int nr_cpus, unsigned int root_bits, uint64_t seed);
/*
 * Single-threaded, no scanner running, every call_rcu callback already
 * run by the port: drops everything, frees memory.
 */
void pageone_destroy(struct pageone *e);
void pageone_group_init(struct pageone_group *g, uint32_t id);
/*
 * Ranges are added and removed by one thread at a time (the port's lock);
 * scanners and COW breaks run concurrently with both.
 */
int pageone_range_add(struct pageone *e, struct pageone_range *r);
/*
 * Drops every entry of r; calls r->release after a grace period.  Removing
 * the last range also frees the trie's inner nodes after a grace period.
 */
void pageone_range_remove(struct pageone *e, struct pageone_range *r);

/* ---- Idle-loop work (scrub_free_pages contract) ------------------------ */
/*
 * Scan up to budget pages, stopping early when ops->should_stop().
 * Returns true if more work is pending, false when the engine is idle
 * (the last full pass changed nothing; pageone_kick() restarts it).
 */
bool pageone_scan(struct pageone *e, unsigned int budget);
void pageone_kick(struct pageone *e);

/* ---- Port notifications ----------------------------------------------- */
/* A shared/zero-merged guest page was unshared (guest write). */
void pageone_cow_break(struct pageone *e, struct pageone_range *r,
                       unsigned long idx);

/* ---- Stats ---------------------------------------------------------- */
/* g == NULL: global. */
void pageone_stats_read(struct pageone *e, struct pageone_group *g,
                        struct pageone_stats *out);

/* ---- Low level (tests, port) ----------------------------------------- */
uint64_t pageone_hash_page(uint64_t seed, const void *va, bool *is_zero);
bool pageone_page_equal(const void *a, const void *b);
bool pageone_page_trylock(struct pageone_page *p);
void pageone_page_lock(struct pageone_page *p);
/* Unlock; runs a COW break posted while the page was locked. */
void pageone_page_unlock(struct pageone *e, struct pageone_range *r,
                         unsigned long idx);
/* Like pageone_cow_break() with the page already locked by the caller. */
void pageone_cow_break_locked(struct pageone *e, struct pageone_range *r,
                              unsigned long idx);

enum pageone_pstate {
    PAGEONE_PS_NONE,
    PAGEONE_PS_CANDIDATE,
    PAGEONE_PS_SHARED,
    PAGEONE_PS_ZERO,
};
/* Racy snapshot unless the page is locked; *entry may be NULL. */
enum pageone_pstate pageone_page_state(const struct pageone_page *p,
                                       const struct pageone_entry **entry);

/* A read-side section of the port's RCU (ops->rcu_read_lock/unlock). */
void pageone_enter(struct pageone *e);
void pageone_exit(struct pageone *e);

/*
 * Direct tree access, for the native unit tests only (no port calls
 * these); callers are inside pageone_enter().
 */
struct pageone_entry *pageone_tree_insert_candidate(struct pageone *e,
    struct pageone_group *g, uint64_t hash, struct pageone_range *r,
    unsigned long idx);
/* Calls fn on every entry of group g with this hash, stops on true. */
struct pageone_entry *pageone_tree_lookup(struct pageone *e,
    struct pageone_group *g, uint64_t hash,
    bool (*fn)(struct pageone_entry *x, void *arg), void *arg);
bool pageone_tree_delete(struct pageone *e, struct pageone_entry *x);
bool pageone_entry_is_stable(const struct pageone_entry *x);
unsigned long pageone_entry_sharers(const struct pageone_entry *x);
/* Number of entries reachable from the root (slow; quiescent tree). */
unsigned long pageone_tree_count(struct pageone *e);

#endif /* __PAGEONE_CORE_H__ */
