/* SPDX-License-Identifier: MIT */
/*
 * wppr.h - the Windows PPR driver: a free-memory balloon that speaks PPR.
 *
 * Windows has no hook on page free, so the driver takes pages the system
 * is not using (MmAllocatePagesForMdlEx), marks them FREE in the state
 * array it registered with Xen (no hypercall), and lets Xen reclaim their
 * frames.  When memory runs low it marks them IN-USE again (xchg) and
 * gives them back to Windows.  It never maps or writes the pages it holds.
 * See docs/ppr-windows.md.
 *
 * Locking: the driver lock (wppr_os_lock) protects everything below
 * except os and cfg, which are set before the worker starts.  The worker
 * thread and the power notifications take it for each step.
 */
#ifndef __WPPR_H__
#define __WPPR_H__

#include "wppr_platform.h"
#include "ppr_core.h"
#include "wppr_os.h"

/* Chunks: win-xenbus' balloon uses 8192 pages (32 MiB) at most too. */
#define WPPR_CHUNK_MAX_PAGES            8192U
#define WPPR_CHUNK_DEFAULT_PAGES        8192U
/* Memory the driver never takes, counted from the RAM Windows has. */
#define WPPR_RESERVE_DEFAULT_MIB        256U
/* The timer: retry after a back-off, check the registration, publish. */
#define WPPR_PERIOD_DEFAULT_MS          1000U
#define WPPR_PERIOD_MIN_MS              100U
#define WPPR_PERIOD_MAX_MS              60000U
/*
 * A chunk that came in slower than this means the memory manager had to
 * work for it (trimming, repurposing): stop taking until the next tick.
 * win-xenbus uses the same rate.
 */
#define WPPR_SLOW_PAGES_PER_S           1000U

#define WPPR_PAGE_SHIFT                 12
#define WPPR_PAGES_PER_MIB              (1U << (20 - WPPR_PAGE_SHIFT))

/* \Callback\PowerState: Argument1 for sleep/shutdown transitions (wdm.h). */
#define WPPR_PO_CB_SYSTEM_STATE_LOCK    3U

enum wppr_state {
    WPPR_OFF,       /* never started: nothing allocated, no thread */
    WPPR_ON,        /* registered; the worker takes and gives back pages */
    WPPR_LOST,      /* registration lost and not regained: holds nothing,
                       tries again on every tick */
    WPPR_ASLEEP,    /* told the system is leaving S0: holds nothing,
                       unregistered until told it is back */
    WPPR_STOPPED,   /* shutdown or unload: holds nothing, unregistered */
};

struct wppr_config {
    bool disabled;
    uint64_t cap_pages;         /* 0: no cap */
    uint64_t reserve_pages;
    uint32_t chunk_pages;       /* 1 .. WPPR_CHUNK_MAX_PAGES */
    uint32_t period_ms;         /* WPPR_PERIOD_MIN_MS .. _MAX_MS */
};

/* Pages the driver holds: one kernel allocation (an MDL). */
struct wppr_chunk {
    struct wppr_chunk *next;
    struct wppr_os_mem *mem;
    const uint64_t *pfns;
    uint64_t nr;
};

/* Monotonic since load. */
struct wppr_counters {
    uint64_t chunks_taken;
    uint64_t pages_taken;
    uint64_t chunks_given;
    uint64_t pages_given;
    uint64_t short_chunks;      /* fewer pages than asked: back off */
    uint64_t slow_chunks;       /* under WPPR_SLOW_PAGES_PER_S: back off */
    uint64_t failed_allocs;     /* no page at all, or no bookkeeping */
    uint64_t out_of_range;      /* chunks with a pfn the array lacks */
    uint64_t low_events;        /* LowMemoryCondition handled */
    uint64_t given_reclaimed;   /* handed back with no frame: zero on touch */
    uint64_t given_raced;       /* found RECLAIMING: Xen restores the frame */
    uint64_t odd_marks;         /* a page just taken was not INUSE */
    uint64_t reregistered;      /* registrations regained (restore) */
    uint64_t rearmed;           /* held entries turned back to FREE */
    uint64_t register_failures;
    uint64_t stale_replaced;    /* -EEXIST answered by unregister + retry */
    uint64_t sleeps;
    uint64_t resumes;
    uint64_t power_ignored;     /* notifications it could not block in */
};

/* A snapshot for the administrator (registry values on Windows). */
#define WPPR_STATUS_MAX                 48
struct wppr_status_value {
    const char *name;
    uint64_t value;
};
struct wppr_status {
    const char *state;
    const char *off_reason;     /* "-" unless OFF or LOST */
    const char *last_error;     /* of the last failed hypercall, or "-" */
    unsigned int n;
    struct wppr_status_value v[WPPR_STATUS_MAX];
};

struct wppr {
    struct wppr_os *os;
    struct wppr_config cfg;

    enum wppr_state state;
    const char *off_reason;
    int64_t last_rc;

    /* Xen, found by hvdetect.c. */
    enum wppr_insn insn;
    uint32_t xen_leaf;          /* CPUID base of Xen's leaves */
    uint32_t xen_version;       /* major << 16 | minor */
    struct xen_ppr_query query;

    /* RAM as the memory manager reports it. */
    uint64_t ram_pages;
    uint64_t pfn_end;           /* highest RAM pfn + 1 */

    /* The state array (registration.c). */
    struct wppr_os_mem *array_mem;
    uint8_t *array_va;
    uint32_t nr_frames;
    struct ppr_array arr;
    bool registered;
    bool array_leaked;          /* Xen would not let go of it */

    /* The balloon (balloon.c). */
    uint64_t limit_pages;
    struct wppr_chunk *held;    /* newest first */
    uint64_t held_pages;
    uint64_t held_chunks;
    bool backoff;               /* no taking until the next tick */

    bool thread_running;
    bool power_registered;

    struct wppr_counters c;
    struct xen_ppr_stats xen;   /* last XEN_PPROP_get_stats answer */
    int64_t xen_rc;

    struct wppr_status published;
};

/* service.c: the driver's life: load, shutdown, unload. */
void wppr_init(struct wppr *w, struct wppr_os *os);
/* Starts the driver, or leaves it OFF (and says why); never fails. */
void wppr_load(struct wppr *w);
void wppr_shutdown(struct wppr *w);
void wppr_unload(struct wppr *w);
const char *wppr_state_name(enum wppr_state s);
void wppr_status(struct wppr *w, struct wppr_status *st);
/* Publish the status if it changed; takes the driver lock. */
void wppr_publish(struct wppr *w);

/* config.c */
void wppr_config_load(struct wppr *w);

/* hvdetect.c */
enum wppr_insn wppr_cpu_insn(struct wppr_os *os);
uint32_t wppr_xen_leaf(struct wppr_os *os);
bool wppr_detect(struct wppr *w);

/* hypercall.c */
int64_t wppr_ppr_op(struct wppr *w, unsigned int cmd, void *arg);
const char *wppr_errname(int64_t rc);

/* registration.c */
bool wppr_query(struct wppr *w);
bool wppr_array_setup(struct wppr *w);
void wppr_array_teardown(struct wppr *w);
int64_t wppr_register(struct wppr *w);
int64_t wppr_unregister(struct wppr *w);
uint64_t wppr_rearm(struct wppr *w);
void wppr_check_registration(struct wppr *w);

/* balloon.c */
void wppr_balloon_limit(struct wppr *w);
bool wppr_may_take(const struct wppr *w);
bool wppr_take_chunk(struct wppr *w);
bool wppr_give_chunk(struct wppr *w);
void wppr_give_all(struct wppr *w);
void wppr_give_while_low(struct wppr *w);

/* power.c */
void wppr_power_notify(struct wppr *w, uintptr_t arg1, uintptr_t arg2,
                       bool can_block);

/* worker.c */
unsigned int wppr_wait_mask(const struct wppr *w);
void wppr_worker_step(struct wppr *w, enum wppr_event ev);
void wppr_worker_run(struct wppr *w);

#endif /* __WPPR_H__ */
