/* SPDX-License-Identifier: MIT */
/*
 * test_wppr.c - the Windows driver's logic, on the host, against the
 * simulated kernel and Xen of mock.h, with Xen's scanner (the PPR core)
 * running in its own thread.
 *
 *   test_wppr [-s SECONDS]     SECONDS of the random soak (default 1)
 *
 * Prints one line per test and, last, "Test result: SUCCESS" or
 * "Test result: FAILURE" (exit status 1).  WPPR_VERBOSE=1 shows the
 * driver's log.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mock.h"
#include "xen_errno.h"

static unsigned int checks, failures, test_failures;
static const char *test_name;

#define CHECK(c)                                                          \
    check_((c), __FILE__, __LINE__, #c, 0, 0, false)
#define CHECK_EQ(a, b)                                                    \
    do {                                                                  \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                  \
        check_(a_ == b_, __FILE__, __LINE__, #a " == " #b, a_, b_, true); \
    } while ( 0 )

static void check_(bool ok, const char *file, int line, const char *what,
                   uint64_t a, uint64_t b, bool values)
{
    checks++;
    if ( ok )
        return;
    failures++;
    if ( values )
        printf("FAIL: %s:%d: %s: %s (%llu vs %llu)\n", file, line, test_name,
               what, (unsigned long long)a, (unsigned long long)b);
    else
        printf("FAIL: %s:%d: %s: %s\n", file, line, test_name, what);
}

/* ------------------------------------------------------------ helpers */

struct env {
    struct wppr_os *os;
    struct wppr w;
};

static void env_config(struct env *e, const struct mock_config *c)
{
    e->os = mock_new(c);
    wppr_init(&e->w, e->os);
    /* Small chunks and reserve: many chunks in a 64 MiB guest. */
    mock_set_knob(e->os, WPPR_KNOB_CHUNK_PAGES, 1024);
    mock_set_knob(e->os, WPPR_KNOB_RESERVE_MIB, 8);
}

static void env_new(struct env *e)
{
    struct mock_config c;

    mock_default_config(&c);
    env_config(e, &c);
}

/* Unload, then everything must be back where it belongs. */
static void env_end(struct env *e, long leaked_mems)
{
    wppr_unload(&e->w);
    CHECK_EQ(mock_audit(e->os, true), 0);
    CHECK_EQ(e->os->live_mems, leaked_mems);
    CHECK_EQ(e->os->live_zallocs, 0);
    CHECK(!e->os->worker_running);
    CHECK(!e->os->power_registered);
    CHECK_EQ(e->os->violations, 0);
    mock_delete(e->os);
}

/* The driver's state, read under its lock. */
static struct wppr snap(struct env *e)
{
    struct wppr s;

    wppr_os_lock(e->os);
    s = e->w;
    wppr_os_unlock(e->os);
    return s;
}

static const char *state_text(struct env *e)
{
    const char *st, *off, *err;

    mock_status_text(e->os, &st, &off, &err);
    return st;
}

static const char *off_text(struct env *e)
{
    const char *st, *off, *err;

    mock_status_text(e->os, &st, &off, &err);
    return off;
}

static const char *error_text(struct env *e)
{
    const char *st, *off, *err;

    mock_status_text(e->os, &st, &off, &err);
    return err;
}

static uint64_t status(struct env *e, const char *name)
{
    uint64_t v = UINT64_MAX;

    CHECK(mock_status(e->os, name, &v));
    return v;
}

static void tick(struct env *e)
{
    mock_tick(e->os);
    mock_settle(e->os);
}

static uint64_t count_held_in(struct env *e, uint8_t state, bool empty)
{
    const struct wppr_chunk *c;
    uint64_t i, n = 0;

    wppr_os_lock(e->os);
    pthread_mutex_lock(&e->os->mm_lock);
    for ( c = e->w.held; c; c = c->next )
        for ( i = 0; i < c->nr; i++ )
        {
            bool is_empty;

            pthread_mutex_lock(&e->os->p2m_lock);
            is_empty = e->os->p2m[c->pfns[i]] == MOCK_P2M_EMPTY;
            pthread_mutex_unlock(&e->os->p2m_lock);
            if ( mock_xen_state(e->os, c->pfns[i]) == state &&
                 is_empty == empty )
                n++;
        }
    pthread_mutex_unlock(&e->os->mm_lock);
    wppr_os_unlock(e->os);
    return n;
}

static uint64_t max_held_pfn(struct env *e)
{
    const struct wppr_chunk *c;
    uint64_t i, m = 0;

    wppr_os_lock(e->os);
    for ( c = e->w.held; c; c = c->next )
        for ( i = 0; i < c->nr; i++ )
            if ( c->pfns[i] > m )
                m = c->pfns[i];
    wppr_os_unlock(e->os);
    return m;
}

/* Does Xen see the array the driver writes? */
static bool views_equal(struct env *e)
{
    bool eq;

    pthread_mutex_lock(&e->os->p2m_lock);
    eq = e->os->hv_view && e->w.array_va &&
         !memcmp(e->os->hv_view, e->w.array_va, e->w.arr.nr_entries);
    pthread_mutex_unlock(&e->os->p2m_lock);
    return eq;
}

static bool registered(struct env *e)
{
    bool r;

    pthread_mutex_lock(&e->os->p2m_lock);
    r = e->os->registered;
    pthread_mutex_unlock(&e->os->p2m_lock);
    return r;
}

/* A counter of the mock, read under the locks that protect it. */
static uint64_t mock_locked(struct wppr_os *os, const void *field)
{
    uint64_t v;

    pthread_mutex_lock(&os->mm_lock);
    pthread_mutex_lock(&os->p2m_lock);
    if ( field == &os->live_mems )
        v = (uint64_t)os->live_mems;
    else
        v = *(const uint64_t *)field;
    pthread_mutex_unlock(&os->p2m_lock);
    pthread_mutex_unlock(&os->mm_lock);
    return v;
}

#define FRAMES_RETURNED(e)      mock_locked((e)->os, &(e)->os->frames_returned)
#define LIVE_MEMS(e)            mock_locked((e)->os, &(e)->os->live_mems)

static uint64_t raw(struct env *e, size_t off, size_t size)
{
    uint64_t v = 0;

    memcpy(&v, e->os->reg_raw + off, size);
    return v;
}

static void idle_for_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

/* The worker must block, not spin, while there is nothing to do. */
static void check_idle(struct env *e)
{
    uint64_t before;

    mock_settle(e->os);
    before = mock_waits(e->os);
    idle_for_ms(30);
    CHECK_EQ(mock_waits(e->os), before);
}

/* Load with memory high, take until it is not, let Xen reclaim it all. */
static uint64_t take_and_reclaim(struct env *e)
{
    uint64_t held;

    wppr_load(&e->w);
    CHECK(!strcmp(state_text(e), "on"));
    mock_settle(e->os);
    held = snap(e).held_pages;
    CHECK(held > 0);
    /* Two passes age and claim; one more makes sure batches are done. */
    mock_xen_wait_passes(e->os, 3);
    CHECK_EQ(count_held_in(e, XEN_PPR_RECLAIMED, true), held);
    CHECK_EQ(mock_xen_count_p2m(e->os, MOCK_P2M_EMPTY), held);
    return held;
}

/* -------------------------------------------------------------- tests */

static void test_detect(void)
{
    static const struct {
        const char *vendor;
        uint32_t xen_leaf;
        bool viridian, no_hv_bit;
        uint32_t want_leaf;
        enum wppr_insn want_insn;
    } cases[] = {
        { "GenuineIntel", 0x40000000, false, false, 0x40000000,
          WPPR_INSN_VMCALL },
        { "AuthenticAMD", 0x40000100, true, false, 0x40000100,
          WPPR_INSN_VMMCALL },
        { "HygonGenuine", 0x40000000, false, false, 0x40000000,
          WPPR_INSN_VMMCALL },
        { "CentaurHauls", 0x40000000, false, false, 0x40000000,
          WPPR_INSN_VMCALL },
        /* Hyper-V only, bare metal, Xen hidden by a missing bit. */
        { "GenuineIntel", 0, true, false, 0, WPPR_INSN_VMCALL },
        { "GenuineIntel", 0, false, true, 0, WPPR_INSN_VMCALL },
        { "AuthenticAMD", 0x40000000, false, true, 0, WPPR_INSN_VMMCALL },
    };
    unsigned int i;

    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        struct mock_config c;
        struct wppr_os *os;

        mock_default_config(&c);
        c.vendor = cases[i].vendor;
        c.xen_leaf = cases[i].xen_leaf;
        c.viridian = cases[i].viridian;
        c.no_hv_bit = cases[i].no_hv_bit;
        os = mock_new(&c);
        CHECK_EQ(wppr_xen_leaf(os), cases[i].want_leaf);
        CHECK_EQ(wppr_cpu_insn(os), cases[i].want_insn);
        mock_delete(os);
    }

    /* Viridian on AMD: the whole driver runs with VMMCALL. */
    {
        struct mock_config c;
        struct env e;

        mock_default_config(&c);
        c.vendor = "AuthenticAMD";
        c.xen_leaf = 0x40000100;
        c.viridian = true;
        env_config(&e, &c);
        take_and_reclaim(&e);
        CHECK_EQ(snap(&e).xen_leaf, 0x40000100);
        CHECK_EQ(status(&e, "XenVersion"), 0x00040011);
        env_end(&e, 0);
    }

    /* No Xen, or no known vendor: off without a single hypercall. */
    {
        struct mock_config c;
        struct env e;
        int k;

        for ( k = 0; k < 2; k++ )
        {
            mock_default_config(&c);
            if ( k )
                c.vendor = "SomeVendor!!";
            else
                c.xen_leaf = 0;
            env_config(&e, &c);
            wppr_load(&e.w);
            CHECK(!strcmp(state_text(&e), "off"));
            CHECK(!strcmp(off_text(&e),
                          k ? "unknown-cpu-vendor" : "not-xen"));
            CHECK_EQ(e.os->calls[XEN_PPROP_query] +
                     e.os->calls[XEN_PPROP_register], 0);
            CHECK_EQ(e.os->array_allocs, 0);
            CHECK(!e.os->worker_running);
            env_end(&e, 0);
        }
    }
}

/* The registration, byte by byte as docs/ppr-abi.md lays it out. */
static void test_layout(void)
{
    struct env e;
    struct wppr s;
    uint32_t i;

    env_new(&e);
    mock_force(e.os, -1, 0);
    /* Zeroed pages were asked for; the driver must not rely on it. */
    e.os->faults.array_dirty = true;
    wppr_load(&e.w);
    s = snap(&e);
    CHECK(!strcmp(state_text(&e), "on"));
    CHECK(registered(&e));
    CHECK_EQ(e.os->array_allocs, 1);
    CHECK(e.os->array_mem != NULL);

    /* frame_list @0: the MDL's own PFN array; nr_frames @8; flags @12. */
    CHECK_EQ(raw(&e, 0, 8), (uintptr_t)wppr_os_mem_pfns(e.os->array_mem));
    CHECK_EQ(raw(&e, 8, 4), 5);
    CHECK_EQ(raw(&e, 12, 4), 0);
    /* nr_entries @16: every pfn up to the highest RAM pfn. */
    CHECK_EQ(raw(&e, 16, 8), e.os->pfn_end);
    CHECK_EQ(s.arr.nr_entries, e.os->pfn_end);
    for ( i = 0; i < e.os->reg_nr_frames; i++ )
        CHECK_EQ(e.os->reg_frames[i], e.os->array_mem->pfns[i]);
    /* Registered all INUSE. */
    CHECK_EQ(e.os->reg_nonzero, 0);

    /* 16287 pages of RAM, 8 MiB of reserve. */
    CHECK_EQ(s.ram_pages, 16287);
    CHECK_EQ(s.limit_pages, 16287 - 2048);
    CHECK_EQ(status(&e, "NrEntries"), e.os->pfn_end);
    CHECK_EQ(status(&e, "NrFrames"), 5);
    CHECK_EQ(status(&e, "Interface"), XEN_PPR_INTERFACE_VERSION);
    CHECK(!strcmp(off_text(&e), "-"));

    /* Nothing taken while memory is not high. */
    check_idle(&e);
    CHECK_EQ(snap(&e).held_pages, 0);
    env_end(&e, 0);
}

static void test_take_and_reclaim(void)
{
    struct env e;
    uint64_t held;
    struct wppr s;

    env_new(&e);
    held = take_and_reclaim(&e);
    s = snap(&e);

    /* Taken until HighMemoryCondition cleared, in whole chunks. */
    CHECK(mock_nr_free(e.os) <= e.os->high_pages);
    CHECK(!wppr_os_event_state(e.os, WPPR_EV_HIGH));
    CHECK(mock_nr_free(e.os) + 1024 > e.os->high_pages);
    CHECK_EQ(s.held_chunks, s.c.chunks_taken);
    CHECK_EQ(s.c.pages_taken, held);
    CHECK_EQ(s.c.odd_marks, 0);
    CHECK_EQ(FRAMES_RETURNED(&e), held);
    /* Xen's array is the driver's array. */
    CHECK(views_equal(&e));
    CHECK_EQ(mock_audit(e.os, false), 0);

    /* A tick reads Xen's counters and publishes them. */
    tick(&e);
    CHECK_EQ(status(&e, "XenReclaimed"), held);
    CHECK_EQ(status(&e, "HeldPages"), held);
    CHECK_EQ(e.os->calls[XEN_PPROP_get_stats], 1);
    check_idle(&e);
    env_end(&e, 0);
}

static void test_low_memory(void)
{
    struct env e;
    uint64_t held;
    struct wppr s;

    env_new(&e);
    held = take_and_reclaim(&e);

    /* The system needs memory: below the low threshold. */
    mock_sys_alloc(e.os, mock_nr_free(e.os) - 100);
    mock_settle(e.os);
    s = snap(&e);
    CHECK(s.c.low_events >= 1);
    CHECK(s.held_pages < held);
    CHECK(mock_nr_free(e.os) >= e.os->low_pages);
    CHECK_EQ(s.c.pages_given, held - s.held_pages);
    /* Every page went back IN-USE (checked on free); the ones without a
     * frame were the ones the driver found RECLAIMED. */
    CHECK_EQ(e.os->returned_pages, s.c.pages_given);
    CHECK_EQ(e.os->returned_empty, s.c.given_reclaimed);
    CHECK(s.c.given_reclaimed > 0);
    CHECK_EQ(mock_xen_count_p2m(e.os, MOCK_P2M_EMPTY), s.held_pages);

    /* Memory high again: nothing taken before the next tick. */
    mock_sys_free(e.os, 4000);
    check_idle(&e);
    CHECK_EQ(snap(&e).held_pages, s.held_pages);
    tick(&e);
    CHECK(snap(&e).held_pages > s.held_pages);
    CHECK_EQ(mock_audit(e.os, false), 0);
    env_end(&e, 0);
}

static void test_limits(void)
{
    struct env e;

    /* A cap: exactly that much, then idle although memory is high. */
    env_new(&e);
    mock_set_knob(e.os, WPPR_KNOB_CAP_MIB, 16);
    wppr_load(&e.w);
    mock_settle(e.os);
    CHECK_EQ(snap(&e).held_pages, 4096);
    CHECK_EQ(snap(&e).held_chunks, 4);
    CHECK(wppr_os_event_state(e.os, WPPR_EV_HIGH));
    check_idle(&e);
    env_end(&e, 0);

    /* Low memory with nothing held: nothing to do, no spinning. */
    env_new(&e);
    mock_force(e.os, 1, 0);
    wppr_load(&e.w);
    check_idle(&e);
    CHECK_EQ(snap(&e).c.low_events, 0);
    env_end(&e, 0);

    /* The reserve: never below it, whatever the events say. */
    env_new(&e);
    mock_set_knob(e.os, WPPR_KNOB_RESERVE_MIB, 60);
    mock_force(e.os, 0, 1);
    wppr_load(&e.w);
    mock_settle(e.os);
    CHECK_EQ(snap(&e).limit_pages, 16287 - 60 * 256);
    CHECK_EQ(snap(&e).held_pages, 16287 - 60 * 256);
    check_idle(&e);
    env_end(&e, 0);
}

static void test_short_slow_failed(void)
{
    struct env e;
    struct wppr s;

    env_new(&e);
    mock_set_knob(e.os, WPPR_KNOB_CAP_MIB, 16);
    mock_force(e.os, 0, 1);
    e.os->faults.chunk_short = 100;
    wppr_load(&e.w);
    mock_settle(e.os);
    s = snap(&e);
    CHECK_EQ(s.c.chunks_taken, 1);
    CHECK_EQ(s.c.short_chunks, 1);
    CHECK_EQ(s.held_pages, 100);
    check_idle(&e);

    /* Slow: 1024 pages in 2 s is under 1000 pages/s. */
    pthread_mutex_lock(&e.os->mm_lock);
    e.os->faults.chunk_short = 0;
    e.os->faults.chunk_us = 2000000;
    pthread_mutex_unlock(&e.os->mm_lock);
    tick(&e);
    s = snap(&e);
    CHECK_EQ(s.c.chunks_taken, 2);
    CHECK_EQ(s.c.slow_chunks, 1);
    CHECK_EQ(s.held_pages, 1124);

    /* A failed allocation, then a failed bookkeeping allocation. */
    pthread_mutex_lock(&e.os->mm_lock);
    e.os->faults.chunk_us = 0;
    e.os->faults.chunk_fail = 1;
    pthread_mutex_unlock(&e.os->mm_lock);
    tick(&e);
    CHECK_EQ(snap(&e).c.failed_allocs, 1);
    CHECK_EQ(snap(&e).held_pages, 1124);
    __atomic_store_n(&e.os->faults.zalloc_fail, 1, __ATOMIC_RELAXED);
    tick(&e);
    s = snap(&e);
    CHECK_EQ(s.c.failed_allocs, 2);
    CHECK_EQ(s.held_pages, 1124);
    /* The pages of the chunk that could not be tracked went back. */
    CHECK_EQ(LIVE_MEMS(&e), s.held_chunks + 1);

    /* Then up to the cap, in chunks below the array's end. */
    tick(&e);
    CHECK_EQ(snap(&e).held_pages, 4096);
    CHECK_EQ(e.os->chunk_pfn_limit_min, e.os->pfn_end);
    env_end(&e, 0);
}

static void test_restore(void)
{
    struct env e;
    uint64_t held;
    struct wppr s;

    env_new(&e);
    held = take_and_reclaim(&e);

    /* xl save / xl restore: a new domain, the reclaimed pages populated. */
    mock_xen_new_domain(e.os);
    CHECK(!registered(&e));
    CHECK_EQ(mock_xen_count_p2m(e.os, MOCK_P2M_EMPTY), 0);
    CHECK_EQ(count_held_in(&e, XEN_PPR_RECLAIMED, false), held);

    tick(&e);
    s = snap(&e);
    CHECK(registered(&e));
    CHECK_EQ(s.c.reregistered, 1);
    CHECK_EQ(s.c.rearmed, held);
    CHECK_EQ(e.os->calls[XEN_PPROP_register], 2);
    CHECK(!strcmp(state_text(&e), "on"));

    /* Re-armed: Xen takes them back again. */
    mock_xen_wait_passes(e.os, 3);
    CHECK_EQ(count_held_in(&e, XEN_PPR_RECLAIMED, true), held);
    CHECK_EQ(FRAMES_RETURNED(&e), 2 * held);
    CHECK(views_equal(&e));
    CHECK_EQ(mock_audit(e.os, false), 0);
    env_end(&e, 0);
}

static void test_power(void)
{
    struct env e;
    uint64_t held, registers;
    struct wppr s;

    env_new(&e);
    held = take_and_reclaim(&e);

    /* AC/DC (PO_CB_AC_STATUS) is not ours; nor a call at DISPATCH. */
    mock_power(e.os, 1, 0, true);
    mock_power(e.os, WPPR_PO_CB_SYSTEM_STATE_LOCK, 0, false);
    s = snap(&e);
    CHECK_EQ(s.held_pages, held);
    CHECK_EQ(s.c.power_ignored, 1);
    CHECK(registered(&e));

    /* Leaving S0: everything back, IN-USE first, and unregistered. */
    mock_power(e.os, WPPR_PO_CB_SYSTEM_STATE_LOCK, 0, true);
    s = snap(&e);
    CHECK_EQ(s.held_pages, 0);
    CHECK_EQ(s.c.sleeps, 1);
    CHECK(!registered(&e));
    CHECK_EQ(e.os->returned_pages, held);
    CHECK_EQ(e.os->returned_empty, s.c.given_reclaimed);
    CHECK_EQ(s.c.given_reclaimed, held);
    CHECK_EQ(mock_xen_count_p2m(e.os, MOCK_P2M_EMPTY), 0);

    /* Asleep: no taking, no registering, whatever memory says. */
    registers = e.os->calls[XEN_PPROP_register];
    mock_force(e.os, 0, 1);
    tick(&e);
    check_idle(&e);
    CHECK_EQ(snap(&e).held_pages, 0);
    CHECK_EQ(e.os->calls[XEN_PPROP_register], registers);
    CHECK(!strcmp(state_text(&e), "asleep"));

    /* Back in S0: registered again, and taking again. */
    mock_power(e.os, WPPR_PO_CB_SYSTEM_STATE_LOCK, 1, true);
    CHECK(registered(&e));
    CHECK_EQ(snap(&e).c.resumes, 1);
    tick(&e);
    CHECK(snap(&e).held_pages > 0);
    CHECK(!strcmp(state_text(&e), "on"));
    mock_force(e.os, -1, -1);
    mock_settle(e.os);
    CHECK_EQ(mock_audit(e.os, false), 0);
    env_end(&e, 0);
}

static void test_shutdown(void)
{
    struct env e;

    env_new(&e);
    take_and_reclaim(&e);
    wppr_shutdown(&e.w);
    CHECK_EQ(snap(&e).held_pages, 0);
    CHECK(!registered(&e));
    CHECK_EQ(snap(&e).state, WPPR_STOPPED);
    mock_force(e.os, 0, 1);
    tick(&e);
    check_idle(&e);
    CHECK_EQ(snap(&e).held_pages, 0);
    CHECK(!registered(&e));
    env_end(&e, 0);
}

/* Load against a hypervisor that answers wrong; "off" leaves nothing. */
static void off_case(const char *what, void (*setup)(struct env *),
                     const char *off_reason, const char *last_error)
{
    struct env e;

    test_name = what;
    env_new(&e);
    setup(&e);
    wppr_load(&e.w);
    CHECK(!strcmp(state_text(&e), "off"));
    CHECK(!strcmp(off_text(&e), off_reason));
    CHECK(!strcmp(error_text(&e), last_error));
    CHECK(!registered(&e));
    CHECK(!e.os->worker_running);
    CHECK_EQ(e.os->live_mems, 0);
    CHECK_EQ(snap(&e).held_pages, 0);
    env_end(&e, 0);
}

static void set_enosys(struct env *e)
{
    e->os->xf.query_rc = -XEN_ENOSYS;
}

static void set_eopnotsupp(struct env *e)
{
    e->os->xf.query_rc = -XEN_EOPNOTSUPP;
}

static void set_major2(struct env *e)
{
    e->os->xf.version = 0x00020000;
}

static void set_eexist_always(struct env *e)
{
    e->os->xf.register_rc = -XEN_EEXIST;
    e->os->xf.register_rc_count = -1;
}

static void set_eperm(struct env *e)
{
    e->os->xf.register_rc = -XEN_EPERM;
    e->os->xf.register_rc_count = -1;
}

static void set_enomem(struct env *e)
{
    e->os->xf.register_rc = -XEN_ENOMEM;
    e->os->xf.register_rc_count = -1;
}

static void set_no_frames(struct env *e)
{
    e->os->xf.limits_set = true;
    e->os->xf.max_entries = 1ULL << 25;
    e->os->xf.max_frames = 0;
}

static void set_array_short(struct env *e)
{
    e->os->faults.array_short = true;
}

static void set_array_fail(struct env *e)
{
    e->os->faults.array_fail = true;
}

static void set_map_fail(struct env *e)
{
    e->os->faults.map_fail = true;
}

static void set_no_thread(struct env *e)
{
    e->os->faults.no_thread = true;
}

static void set_disabled(struct env *e)
{
    mock_set_knob(e->os, WPPR_KNOB_DISABLE, 1);
}

static void test_bad_answers(void)
{
    struct env e;
    struct wppr s;

    off_case("bad: query -ENOSYS", set_enosys, "no-hypervisor-support",
             "-ENOSYS");
    off_case("bad: query -EOPNOTSUPP", set_eopnotsupp,
             "disabled-by-hypervisor", "-EOPNOTSUPP");
    off_case("bad: major 2", set_major2, "version", "-");
    off_case("bad: register -EEXIST always", set_eexist_always,
             "register-failed", "-EEXIST");
    off_case("bad: register -EPERM", set_eperm, "register-failed", "-EPERM");
    off_case("bad: register -ENOMEM", set_enomem, "register-failed",
             "-ENOMEM");
    off_case("bad: max_frames 0", set_no_frames, "hypervisor-limits", "-");
    off_case("bad: short array allocation", set_array_short, "no-memory",
             "-");
    off_case("bad: no array memory", set_array_fail, "no-memory", "-");
    off_case("bad: array not mappable", set_map_fail, "no-memory", "-");
    off_case("bad: Disable=1", set_disabled, "disabled", "-");
    off_case("bad: no worker thread", set_no_thread, "no-worker", "-");

    /* Disabled means not a single hypercall. */
    test_name = "bad: Disable=1 is silent";
    env_new(&e);
    set_disabled(&e);
    wppr_load(&e.w);
    CHECK_EQ(e.os->calls[XEN_PPROP_query], 0);
    env_end(&e, 0);

    /* A stale registration: replaced, then on. */
    test_name = "bad: stale registration (-EEXIST once)";
    env_new(&e);
    e.os->xf.stale = true;
    take_and_reclaim(&e);
    s = snap(&e);
    CHECK_EQ(s.c.stale_replaced, 1);
    CHECK_EQ(e.os->calls[XEN_PPROP_unregister], 1);
    CHECK_EQ(e.os->calls[XEN_PPROP_register], 2);
    env_end(&e, 0);

    /* A short frame list: max_frames 2 covers pfns below 8192 only. */
    test_name = "bad: max_frames 2";
    env_new(&e);
    e.os->xf.limits_set = true;
    e.os->xf.max_entries = 1ULL << 25;
    e.os->xf.max_frames = 2;
    take_and_reclaim(&e);
    CHECK_EQ(raw(&e, 8, 4), 2);
    CHECK_EQ(raw(&e, 16, 8), 8192);
    CHECK(max_held_pfn(&e) < 8192);
    CHECK_EQ(e.os->chunk_pfn_limit_min, 8192);
    CHECK(views_equal(&e));
    env_end(&e, 0);

    /* max_entries not a multiple of a frame. */
    test_name = "bad: max_entries 5000";
    env_new(&e);
    e.os->xf.limits_set = true;
    e.os->xf.max_entries = 5000;
    e.os->xf.max_frames = 8192;
    mock_force(e.os, -1, 0);
    wppr_load(&e.w);
    CHECK_EQ(raw(&e, 8, 4), 2);
    CHECK_EQ(raw(&e, 16, 8), 5000);
    mock_force(e.os, -1, -1);
    mock_settle(e.os);
    CHECK(snap(&e).held_pages > 0);
    CHECK(max_held_pfn(&e) < 5000);
    env_end(&e, 0);

    /* Xen will not let go of the array: it is kept, never freed. */
    test_name = "bad: unregister refused at unload";
    env_new(&e);
    take_and_reclaim(&e);
    pthread_mutex_lock(&e.os->p2m_lock);
    e.os->xf.unregister_rc = -XEN_EINVAL;
    pthread_mutex_unlock(&e.os->p2m_lock);
    wppr_unload(&e.w);
    CHECK(snap(&e).array_leaked);
    CHECK_EQ(status(&e, "ArrayLeaked"), 1);
    CHECK_EQ(status(&e, "HeldPages"), 0);
    CHECK_EQ(e.os->live_mems, 1);
    CHECK_EQ(mock_audit(e.os, true), 0);
    CHECK_EQ(e.os->violations, 0);
    mock_delete(e.os);

    /* Migrated to a host without PPR, then back to one with it. */
    test_name = "bad: registration lost";
    env_new(&e);
    take_and_reclaim(&e);
    pthread_mutex_lock(&e.os->p2m_lock);
    e.os->xf.get_stats_rc = -XEN_ENOSYS;
    e.os->xf.register_rc = -XEN_ENOSYS;
    e.os->xf.register_rc_count = -1;
    pthread_mutex_unlock(&e.os->p2m_lock);
    mock_xen_new_domain(e.os);
    tick(&e);
    s = snap(&e);
    CHECK_EQ(s.held_pages, 0);
    CHECK(s.c.register_failures >= 1);
    CHECK(!strcmp(state_text(&e), "lost"));
    CHECK(!strcmp(off_text(&e), "registration-lost"));
    CHECK(!strcmp(error_text(&e), "-ENOSYS"));
    check_idle(&e);
    CHECK_EQ(snap(&e).held_pages, 0);
    pthread_mutex_lock(&e.os->p2m_lock);
    memset(&e.os->xf, 0, sizeof(e.os->xf));
    pthread_mutex_unlock(&e.os->p2m_lock);
    tick(&e);
    CHECK(registered(&e));
    CHECK(!strcmp(state_text(&e), "on"));
    CHECK_EQ(snap(&e).c.reregistered, 1);
    tick(&e);
    CHECK(snap(&e).held_pages > 0);
    env_end(&e, 0);

    /* No \Callback\PowerState: still on. */
    test_name = "bad: no power callback";
    env_new(&e);
    e.os->faults.no_power = true;
    take_and_reclaim(&e);
    CHECK(!snap(&e).power_registered);
    env_end(&e, 0);

    /* Knobs out of range are clamped. */
    test_name = "bad: knobs out of range";
    env_new(&e);
    mock_set_knob(e.os, WPPR_KNOB_CHUNK_PAGES, 100000);
    mock_set_knob(e.os, WPPR_KNOB_PERIOD_MS, 5);
    mock_force(e.os, -1, 0);
    wppr_load(&e.w);
    CHECK_EQ(snap(&e).cfg.chunk_pages, WPPR_CHUNK_MAX_PAGES);
    CHECK_EQ(snap(&e).cfg.period_ms, WPPR_PERIOD_MIN_MS);
    CHECK_EQ(e.os->period_ms, WPPR_PERIOD_MIN_MS);
    env_end(&e, 0);
}

/* Random pressure, ticks, sleeps, restores, with Xen scanning. */
static void test_soak(unsigned int secs)
{
    struct env e;
    struct wppr s;
    uint64_t seed = 42, ops = 0, sleeps = 0, restores = 0;
    time_t end = time(NULL) + secs;
    bool asleep = false;

    env_new(&e);
    mock_set_knob(e.os, WPPR_KNOB_CHUNK_PAGES, 512);
    wppr_load(&e.w);
    while ( time(NULL) < end || ops < 200 )
    {
        unsigned int r;

        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        r = (unsigned int)(seed >> 33) % 100;
        if ( r < 30 )
            mock_sys_alloc(e.os, (seed >> 20) % 1500);
        else if ( r < 60 )
            mock_sys_free(e.os, (seed >> 20) % 1500);
        else if ( r < 75 )
            mock_tick(e.os);
        else if ( r < 80 )
        {
            mock_power(e.os, WPPR_PO_CB_SYSTEM_STATE_LOCK, asleep, true);
            sleeps += !asleep;
            asleep = !asleep;
        }
        else if ( r < 84 )
        {
            mock_xen_new_domain(e.os);
            restores++;
        }
        else
            idle_for_ms(1);
        ops++;
        if ( !(ops % 64) )
            CHECK_EQ(e.os->violations, 0);
    }
    if ( asleep )
        mock_power(e.os, WPPR_PO_CB_SYSTEM_STATE_LOCK, 1, true);
    tick(&e);
    s = snap(&e);
    printf("  soak: %llu ops, %llu chunks taken, %llu given, %llu pages "
           "given reclaimed, %llu given while Xen was taking them, "
           "%llu low events, %llu sleeps, %llu restores, "
           "%llu re-registrations, %llu re-armed, %llu frames returned\n",
           (unsigned long long)ops, (unsigned long long)s.c.chunks_taken,
           (unsigned long long)s.c.chunks_given,
           (unsigned long long)s.c.given_reclaimed,
           (unsigned long long)s.c.given_raced,
           (unsigned long long)s.c.low_events, (unsigned long long)sleeps,
           (unsigned long long)restores,
           (unsigned long long)s.c.reregistered,
           (unsigned long long)s.c.rearmed,
           (unsigned long long)FRAMES_RETURNED(&e));
    CHECK(s.c.chunks_taken > 0);
    CHECK(s.c.chunks_given > 0);
    CHECK_EQ(s.c.sleeps, sleeps);
    CHECK_EQ(s.c.odd_marks, 0);
    /* After a restore RECLAIMED pages have frames again: at most. */
    CHECK(mock_locked(e.os, &e.os->returned_empty) <= s.c.given_reclaimed);
    CHECK_EQ(mock_audit(e.os, false), 0);
    env_end(&e, 0);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "detect", test_detect },
        { "layout", test_layout },
        { "take-and-reclaim", test_take_and_reclaim },
        { "low-memory", test_low_memory },
        { "limits", test_limits },
        { "short-slow-failed", test_short_slow_failed },
        { "restore", test_restore },
        { "power", test_power },
        { "shutdown", test_shutdown },
        { "bad-answers", test_bad_answers },
    };
    unsigned int secs = 1, i, before;
    int opt;

    while ( (opt = getopt(argc, argv, "s:")) != -1 )
    {
        if ( opt != 's' )
        {
            fprintf(stderr, "usage: %s [-s SECONDS]\n", argv[0]);
            return 2;
        }
        secs = (unsigned int)atoi(optarg);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    for ( i = 0; i < sizeof(tests) / sizeof(tests[0]); i++ )
    {
        before = failures;
        test_name = tests[i].name;
        tests[i].fn();
        printf("%s %s\n", failures == before ? "PASS" : "FAIL",
               tests[i].name);
        test_failures += failures != before;
    }
    before = failures;
    test_name = "soak";
    test_soak(secs);
    printf("%s soak (%u s)\n", failures == before ? "PASS" : "FAIL", secs);
    test_failures += failures != before;

    printf("%u checks, %u failed, in %u of %zu tests\n", checks, failures,
           test_failures, sizeof(tests) / sizeof(tests[0]) + 1);
    printf("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
    return failures ? 1 : 0;
}
