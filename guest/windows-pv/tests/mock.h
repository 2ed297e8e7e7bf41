/* SPDX-License-Identifier: MIT */
/*
 * mock.h - a simulated Windows kernel and Xen for the driver's logic.
 *
 * The driver's portable files run unchanged against this implementation
 * of src/wppr_os.h:
 *
 *  - memory manager: guest RAM with a hole, a shuffled free list,
 *    MmAllocatePagesForMdlEx-like allocations (all-or-nothing zeroed, or
 *    partial not zeroed, below a pfn limit), Low/HighMemoryCondition
 *    computed from the free count (or forced), and a "system" that takes
 *    and touches the pages it gets back, as Windows' zero-page thread and
 *    its allocations would;
 *  - physical memory is a memfd: the driver's mapping of its array and
 *    Xen's mapping of the registered frames are separate mappings of the
 *    same frames, so a wrong frame list shows as two different arrays;
 *  - Xen: the ppr_op hypercall as docs/ppr-abi.md specifies it (decoded
 *    from the raw bytes at the ABI's offsets), fault injection, a p2m,
 *    and a scanner thread running the PPR core's ppr_hv_scan();
 *  - the worker thread, the events, the timer (ticked by the test), the
 *    power callback (fired by the test from its own thread).
 *
 * Every rule the driver must keep is checked where it could be broken
 * and counted in violations, with a message.
 */
#ifndef __WPPR_MOCK_H__
#define __WPPR_MOCK_H__

#include <pthread.h>
#include <stdarg.h>

#include "wppr.h"

#define MOCK_PAGE_SIZE          4096U
#define MOCK_BATCH              64U

/* Who owns a pfn, as far as the simulated Windows knows. */
enum mock_owner {
    MOCK_HOLE,          /* not RAM */
    MOCK_SYS_FREE,      /* on the system's free list */
    MOCK_SYS_USED,      /* used by the system */
    MOCK_DRV_CHUNK,     /* held by the driver in a chunk */
    MOCK_DRV_ARRAY,     /* the driver's state array */
};

/* p2m entry of a pfn. */
enum mock_p2m {
    MOCK_P2M_RAM,       /* frame mapped */
    MOCK_P2M_RECLAIMING,/* unmapped by the scanner, frame kept */
    MOCK_P2M_EMPTY,     /* frame returned to Xen's heap */
};

struct mock_range {
    uint64_t base, nr;
};

struct wppr_os_mem {
    enum wppr_alloc kind;
    uint64_t nr;
    uint64_t *pfns;
    void *va;           /* while mapped */
};

/* Injected answers: 0 means "as the ABI says". */
struct mock_xen_faults {
    int64_t query_rc;
    uint32_t version;           /* 0: XEN_PPR_INTERFACE_VERSION */
    bool limits_set;            /* use max_entries / max_frames below */
    uint64_t max_entries;
    uint32_t max_frames;
    int64_t register_rc;        /* answer to register ... */
    int register_rc_count;      /* ... this many times, -1: always */
    bool stale;                 /* another registration exists */
    int64_t unregister_rc;
    int64_t get_stats_rc;       /* every get_stats */
};

struct mock_faults {
    bool array_short;           /* fully-required allocation comes short */
    bool array_dirty;           /* the array is not zeroed: all FREE */
    bool array_fail;
    uint64_t chunk_short;       /* next chunks: at most this many pages */
    int chunk_fail;             /* fail this many chunk allocations */
    uint64_t chunk_us;          /* each chunk allocation takes this long */
    int zalloc_fail;            /* fail this many bookkeeping allocs */
    bool map_fail;
    bool no_power;              /* \Callback\PowerState cannot be opened */
    bool no_thread;             /* the worker thread cannot be created */
};

struct wppr_os {
    /* ---- CPU */
    struct { uint32_t leaf, r[4]; } cpuid[8];
    unsigned int nr_cpuid;
    enum wppr_insn expect_insn;

    /* ---- driver lock */
    pthread_mutex_t lock;

    /* ---- memory manager (mm_lock; owner[] also under p2m_lock) */
    pthread_mutex_t mm_lock;
    struct mock_range ranges[4];
    unsigned int nr_ranges;
    uint64_t pfn_end;
    uint8_t *owner;             /* enum mock_owner per pfn */
    uint64_t *free_list;
    uint64_t nr_free;
    uint64_t low_pages, high_pages;     /* condition thresholds */
    int force_low, force_high;          /* -1: computed, else 0/1 */
    uint64_t min_free;                  /* chunks never take the last */
    struct mock_faults faults;
    long live_mems, live_zallocs;
    unsigned int array_allocs, chunk_allocs;
    uint64_t chunk_pfn_limit_min;       /* lowest pfn_limit a chunk used */
    struct wppr_os_mem *array_mem;      /* the ARRAY allocation */
    uint64_t returned_pages;            /* chunk pages given back */
    uint64_t returned_empty;            /* ... that had no frame */

    /* ---- physical memory and p2m (p2m_lock) */
    int memfd;
    uint8_t *phys;                      /* direct map of all pfns */
    pthread_mutex_t p2m_lock;
    uint8_t *p2m;                       /* enum mock_p2m per pfn */
    uint64_t *tag;                      /* expected tag of system pages */
    uint64_t tag_gen;

    /* ---- Xen (p2m_lock) */
    struct mock_xen_faults xf;
    bool registered;
    uint8_t reg_raw[sizeof(struct xen_ppr_register)];
    uint64_t reg_count;
    uint64_t reg_nonzero;               /* non-INUSE bytes at register */
    uint64_t *reg_frames;
    uint32_t reg_nr_frames;
    uint8_t *hv_view;
    struct ppr_array hv_arr;
    struct ppr_hv hv;
    uint64_t hv_batch[MOCK_BATCH];
    uint64_t passes;                    /* over all registrations */
    uint64_t frames_returned;           /* over all registrations */
    uint64_t refaults;
    unsigned int calls[8];              /* per sub-op */
    pthread_t scanner;
    bool scanner_stop;

    /* ---- events, worker thread, power (ev_lock) */
    pthread_mutex_t ev_lock;
    pthread_cond_t ev_cond;
    bool sig[WPPR_NR_EVENTS];
    bool waiting;
    unsigned int wait_mask;
    uint64_t waits;
    struct wppr *worker_w;              /* set before the thread starts */
    pthread_t worker;
    bool worker_running;
    pthread_mutex_t power_lock;         /* a rundown for the callback */
    struct wppr *power_w;
    bool power_registered;
    uint32_t period_ms;
    uint64_t now_us;

    /* ---- knobs, status, log */
    bool knob_set[WPPR_NR_KNOBS];
    uint32_t knob[WPPR_NR_KNOBS];
    pthread_mutex_t pub_lock;
    struct wppr_status published;
    unsigned int publishes;
    bool verbose;

    /* ---- what went wrong (any lock; atomic) */
    uint64_t violations;
};

/* mock_os.c */
struct mock_config {
    const struct mock_range *ranges;
    unsigned int nr_ranges;
    uint64_t sys_used;          /* pages the system uses from the start */
    uint64_t low_pages, high_pages;
    const char *vendor;         /* CPUID vendor string */
    uint32_t xen_leaf;          /* 0: no Xen */
    bool viridian;              /* Hyper-V leaves at 0x40000000 */
    bool no_hv_bit;
};

void mock_default_config(struct mock_config *c);
struct wppr_os *mock_new(const struct mock_config *c);
void mock_delete(struct wppr_os *os);
void mock_violation(struct wppr_os *os, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
void mock_set_knob(struct wppr_os *os, enum wppr_knob k, uint32_t v);

void mock_force(struct wppr_os *os, int low, int high);
void mock_tick(struct wppr_os *os);
bool mock_settle(struct wppr_os *os);
uint64_t mock_waits(struct wppr_os *os);
void mock_power(struct wppr_os *os, uintptr_t arg1, uintptr_t arg2,
                bool can_block);
uint64_t mock_nr_free(struct wppr_os *os);
/* The system allocates (and touches) / frees pages of its own. */
uint64_t mock_sys_alloc(struct wppr_os *os, uint64_t n);
uint64_t mock_sys_free(struct wppr_os *os, uint64_t n);
bool mock_status(struct wppr_os *os, const char *name, uint64_t *v);
void mock_status_text(struct wppr_os *os, const char **state,
                      const char **off_reason, const char **last_error);
/* Check every page's owner, p2m entry and contents; count problems. */
uint64_t mock_audit(struct wppr_os *os, bool driver_gone);

/* mock_xen.c */
void mock_xen_start(struct wppr_os *os);
void mock_xen_stop(struct wppr_os *os);
bool mock_xen_wait_passes(struct wppr_os *os, uint64_t n);
/* The domain is restored into a new one: Xen forgets the array, the save
 * stream repopulates every reclaimed page. */
void mock_xen_new_domain(struct wppr_os *os);
/* Touch pfn on behalf of the system: refault, then write its tag. */
void mock_xen_touch(struct wppr_os *os, uint64_t pfn);
uint8_t mock_xen_state(struct wppr_os *os, uint64_t pfn);
bool mock_xen_page_intact(struct wppr_os *os, uint64_t pfn);
uint64_t mock_xen_count_p2m(struct wppr_os *os, enum mock_p2m t);

#endif /* __WPPR_MOCK_H__ */
