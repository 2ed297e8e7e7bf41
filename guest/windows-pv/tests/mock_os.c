/* SPDX-License-Identifier: MIT */
/*
 * mock_os.c - the simulated Windows kernel: src/wppr_os.h for the host
 * tests.  Xen's side (hypercall, p2m, scanner) is in mock_xen.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mock.h"

#define SETTLE_TIMEOUT_MS       20000

static const char *const owner_names[] = {
    "hole", "system-free", "system-used", "driver-chunk", "driver-array",
};

void mock_violation(struct wppr_os *os, const char *fmt, ...)
{
    va_list ap;

    __atomic_fetch_add(&os->violations, 1, __ATOMIC_RELAXED);
    fprintf(stderr, "VIOLATION: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
}

static void sleep_us(unsigned int us)
{
    struct timespec ts = { 0, (long)us * 1000 };

    nanosleep(&ts, NULL);
}

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* owner[] is written under mm_lock and p2m_lock, read under either. */
static void set_owner(struct wppr_os *os, uint64_t pfn, enum mock_owner o)
{
    pthread_mutex_lock(&os->p2m_lock);
    os->owner[pfn] = o;
    pthread_mutex_unlock(&os->p2m_lock);
}

/* ------------------------------------------------------------- set-up */

void mock_default_config(struct mock_config *c)
{
    /* Low RAM, RAM up to a hole, RAM above it: 16287 pages. */
    static const struct mock_range ranges[] = {
        { 0x1, 0x9f }, { 0x100, 0x2f00 }, { 0x4000, 0x1000 },
    };

    memset(c, 0, sizeof(*c));
    c->ranges = ranges;
    c->nr_ranges = 3;
    c->sys_used = 2000;
    c->low_pages = 512;
    c->high_pages = 2048;
    c->vendor = "GenuineIntel";
    c->xen_leaf = 0x40000000;
}

static void add_cpuid(struct wppr_os *os, uint32_t leaf, uint32_t a,
                      const char *sig, bool vendor_order)
{
    uint32_t w[3] = { 0 };

    if ( sig )
        memcpy(w, sig, 12);
    os->cpuid[os->nr_cpuid].leaf = leaf;
    os->cpuid[os->nr_cpuid].r[0] = a;
    /* Vendor: ebx, edx, ecx; hypervisor signatures: ebx, ecx, edx. */
    os->cpuid[os->nr_cpuid].r[1] = w[0];
    os->cpuid[os->nr_cpuid].r[2] = vendor_order ? w[2] : w[1];
    os->cpuid[os->nr_cpuid].r[3] = vendor_order ? w[1] : w[2];
    os->nr_cpuid++;
}

struct wppr_os *mock_new(const struct mock_config *c)
{
    struct wppr_os *os = calloc(1, sizeof(*os));
    uint64_t seed = 0x5eed, i, pfn;
    unsigned int r;

    if ( !os )
        abort();
    pthread_mutex_init(&os->lock, NULL);
    pthread_mutex_init(&os->mm_lock, NULL);
    pthread_mutex_init(&os->p2m_lock, NULL);
    pthread_mutex_init(&os->ev_lock, NULL);
    pthread_mutex_init(&os->pub_lock, NULL);
    pthread_mutex_init(&os->power_lock, NULL);
    pthread_cond_init(&os->ev_cond, NULL);
    os->verbose = getenv("WPPR_VERBOSE") != NULL;

    /* CPU: vendor, hypervisor bit, Hyper-V and Xen leaves. */
    add_cpuid(os, 0, 0xd, c->vendor, true);
    add_cpuid(os, 1, 0, NULL, false);
    if ( !c->no_hv_bit )
        os->cpuid[1].r[2] = 1U << 31;
    if ( c->viridian )
        add_cpuid(os, 0x40000000, 0x40000006, "Microsoft Hv", false);
    if ( c->xen_leaf )
    {
        add_cpuid(os, c->xen_leaf, c->xen_leaf + 5, "XenVMMXenVMM", false);
        add_cpuid(os, c->xen_leaf + 1, 0x00040011, NULL, false);
    }
    os->expect_insn = !strcmp(c->vendor, "AuthenticAMD") ||
                      !strcmp(c->vendor, "HygonGenuine") ? WPPR_INSN_VMMCALL
                                                         : WPPR_INSN_VMCALL;

    /* RAM. */
    for ( r = 0; r < c->nr_ranges; r++ )
    {
        os->ranges[r] = c->ranges[r];
        if ( c->ranges[r].base + c->ranges[r].nr > os->pfn_end )
            os->pfn_end = c->ranges[r].base + c->ranges[r].nr;
    }
    os->nr_ranges = c->nr_ranges;
    os->owner = calloc(os->pfn_end, 1);
    os->p2m = calloc(os->pfn_end, 1);
    os->tag = calloc(os->pfn_end, sizeof(*os->tag));
    os->free_list = calloc(os->pfn_end, sizeof(*os->free_list));
    os->memfd = memfd_create("wppr-phys", 0);
    if ( !os->owner || !os->p2m || !os->tag || !os->free_list ||
         os->memfd < 0 ||
         ftruncate(os->memfd, (off_t)(os->pfn_end * MOCK_PAGE_SIZE)) )
        abort();
    os->phys = mmap(NULL, os->pfn_end * MOCK_PAGE_SIZE,
                    PROT_READ | PROT_WRITE, MAP_SHARED, os->memfd, 0);
    if ( os->phys == MAP_FAILED )
        abort();

    for ( r = 0; r < c->nr_ranges; r++ )
        for ( pfn = c->ranges[r].base;
              pfn < c->ranges[r].base + c->ranges[r].nr; pfn++ )
        {
            os->owner[pfn] = MOCK_SYS_FREE;
            os->free_list[os->nr_free++] = pfn;
        }
    /* Shuffled: chunks get pfns from all over, in no order. */
    for ( i = os->nr_free - 1; i > 0; i-- )
    {
        uint64_t j = rng(&seed) % (i + 1), t = os->free_list[i];

        os->free_list[i] = os->free_list[j];
        os->free_list[j] = t;
    }

    os->low_pages = c->low_pages;
    os->high_pages = c->high_pages;
    os->force_low = os->force_high = -1;
    os->min_free = 64;
    os->chunk_pfn_limit_min = UINT64_MAX;
    os->now_us = 1000000;

    mock_sys_alloc(os, c->sys_used);
    mock_xen_start(os);

    return os;
}

void mock_delete(struct wppr_os *os)
{
    mock_xen_stop(os);
    munmap(os->phys, os->pfn_end * MOCK_PAGE_SIZE);
    close(os->memfd);
    free(os->owner);
    free(os->p2m);
    free(os->tag);
    free(os->free_list);
    free(os);
}

void mock_set_knob(struct wppr_os *os, enum wppr_knob k, uint32_t v)
{
    os->knob_set[k] = true;
    os->knob[k] = v;
}

/* ------------------------------------------------------------------ CPU */

void wppr_os_cpuid(struct wppr_os *os, uint32_t leaf, uint32_t regs[4])
{
    unsigned int i;

    memset(regs, 0, 4 * sizeof(regs[0]));
    for ( i = 0; i < os->nr_cpuid; i++ )
        if ( os->cpuid[i].leaf == leaf )
            memcpy(regs, os->cpuid[i].r, 4 * sizeof(regs[0]));
}

/* --------------------------------------------------------------- events */

/* mm_lock held. */
static void update_events(struct wppr_os *os)
{
    bool low = os->force_low >= 0 ? os->force_low
                                  : os->nr_free < os->low_pages;
    bool high = os->force_high >= 0 ? os->force_high
                                    : os->nr_free > os->high_pages;

    pthread_mutex_lock(&os->ev_lock);
    os->sig[WPPR_EV_LOW] = low;
    os->sig[WPPR_EV_HIGH] = high;
    pthread_cond_broadcast(&os->ev_cond);
    pthread_mutex_unlock(&os->ev_lock);
}

void mock_force(struct wppr_os *os, int low, int high)
{
    pthread_mutex_lock(&os->mm_lock);
    os->force_low = low;
    os->force_high = high;
    update_events(os);
    pthread_mutex_unlock(&os->mm_lock);
}

static unsigned int pending(const struct wppr_os *os)
{
    unsigned int e, m = 0;

    for ( e = 0; e < WPPR_NR_EVENTS; e++ )
        if ( os->sig[e] )
            m |= WPPR_EV_BIT(e);
    return m;
}

enum wppr_event wppr_os_wait(struct wppr_os *os, unsigned int mask)
{
    unsigned int e, hit;

    pthread_mutex_lock(&os->ev_lock);
    os->waiting = true;
    os->wait_mask = mask;
    os->waits++;
    while ( !(hit = pending(os) & mask) )
        pthread_cond_wait(&os->ev_cond, &os->ev_lock);
    for ( e = 0; !(hit & WPPR_EV_BIT(e)); e++ )
        ;
    /* A synchronization timer resets when a wait takes it. */
    if ( e == WPPR_EV_TIMER )
        os->sig[e] = false;
    os->waiting = false;
    pthread_mutex_unlock(&os->ev_lock);

    return (enum wppr_event)e;
}

bool wppr_os_event_state(struct wppr_os *os, enum wppr_event ev)
{
    bool v;

    pthread_mutex_lock(&os->ev_lock);
    v = os->sig[ev];
    pthread_mutex_unlock(&os->ev_lock);
    return v;
}

void mock_tick(struct wppr_os *os)
{
    pthread_mutex_lock(&os->ev_lock);
    os->sig[WPPR_EV_TIMER] = true;
    pthread_cond_broadcast(&os->ev_cond);
    pthread_mutex_unlock(&os->ev_lock);
}

/* Wait until the worker blocks with nothing it waits for pending. */
bool mock_settle(struct wppr_os *os)
{
    unsigned int ms;

    for ( ms = 0; ms < SETTLE_TIMEOUT_MS * 5; ms++ )
    {
        bool idle;

        pthread_mutex_lock(&os->ev_lock);
        idle = !os->worker_running ||
               (os->waiting && !(pending(os) & os->wait_mask));
        pthread_mutex_unlock(&os->ev_lock);
        if ( idle )
            return true;
        sleep_us(200);
    }
    mock_violation(os, "the worker did not settle");
    return false;
}

uint64_t mock_waits(struct wppr_os *os)
{
    uint64_t n;

    pthread_mutex_lock(&os->ev_lock);
    n = os->waits;
    pthread_mutex_unlock(&os->ev_lock);
    return n;
}

static void *worker_main(void *arg)
{
    struct wppr_os *os = arg;

    wppr_worker_run(os->worker_w);
    return NULL;
}

bool wppr_os_thread_start(struct wppr_os *os, struct wppr *w,
                          uint32_t period_ms)
{
    os->worker_w = w;
    os->period_ms = period_ms;
    if ( os->faults.no_thread ||
         pthread_create(&os->worker, NULL, worker_main, os) )
        return false;
    pthread_mutex_lock(&os->ev_lock);
    os->worker_running = true;
    pthread_mutex_unlock(&os->ev_lock);
    return true;
}

void wppr_os_thread_stop(struct wppr_os *os)
{
    pthread_mutex_lock(&os->ev_lock);
    os->sig[WPPR_EV_STOP] = true;
    pthread_cond_broadcast(&os->ev_cond);
    pthread_mutex_unlock(&os->ev_lock);
    pthread_join(os->worker, NULL);
    pthread_mutex_lock(&os->ev_lock);
    os->worker_running = false;
    pthread_mutex_unlock(&os->ev_lock);
}

bool wppr_os_power_register(struct wppr_os *os, struct wppr *w)
{
    if ( os->faults.no_power )
        return false;
    pthread_mutex_lock(&os->power_lock);
    os->power_w = w;
    os->power_registered = true;
    pthread_mutex_unlock(&os->power_lock);
    return true;
}

void wppr_os_power_unregister(struct wppr_os *os)
{
    pthread_mutex_lock(&os->power_lock);
    os->power_registered = false;
    pthread_mutex_unlock(&os->power_lock);
}

/* The power manager's notification, from the caller's thread. */
void mock_power(struct wppr_os *os, uintptr_t arg1, uintptr_t arg2,
                bool can_block)
{
    pthread_mutex_lock(&os->power_lock);
    if ( os->power_registered )
        wppr_power_notify(os->power_w, arg1, arg2, can_block);
    pthread_mutex_unlock(&os->power_lock);
}

void wppr_os_lock(struct wppr_os *os)
{
    pthread_mutex_lock(&os->lock);
}

void wppr_os_unlock(struct wppr_os *os)
{
    pthread_mutex_unlock(&os->lock);
}

uint64_t wppr_os_now_us(struct wppr_os *os)
{
    return __atomic_load_n(&os->now_us, __ATOMIC_RELAXED);
}

/* --------------------------------------------------------------- memory */

bool wppr_os_ram_ranges(struct wppr_os *os, wppr_range_fn *fn, void *ctx)
{
    unsigned int r;

    for ( r = 0; r < os->nr_ranges; r++ )
        fn(ctx, os->ranges[r].base, os->ranges[r].nr);
    return os->nr_ranges != 0;
}

/* Take up to n pfns below limit off the free list; mm_lock held. */
static uint64_t take_free(struct wppr_os *os, uint64_t *out, uint64_t n,
                          uint64_t limit)
{
    uint64_t got = 0, i = os->nr_free;

    while ( got < n && i-- > 0 )
        if ( os->free_list[i] < limit )
        {
            out[got++] = os->free_list[i];
            os->free_list[i] = os->free_list[--os->nr_free];
        }
    return got;
}

struct wppr_os_mem *wppr_os_alloc_pages(struct wppr_os *os, uint64_t nr_pages,
                                        uint64_t pfn_limit,
                                        enum wppr_alloc kind)
{
    struct wppr_os_mem *m = NULL;
    uint64_t n = nr_pages, got, i, avail;
    uint64_t *pfns = calloc(nr_pages ? nr_pages : 1, sizeof(*pfns));

    if ( !pfns )
        abort();
    pthread_mutex_lock(&os->mm_lock);
    if ( kind == WPPR_ALLOC_ARRAY )
    {
        os->array_allocs++;
        if ( os->faults.array_fail || os->nr_free < n )
            goto out;
        /* A broken memory manager ignoring "fully required". */
        if ( os->faults.array_short && n > 1 )
            n /= 2;
    }
    else
    {
        os->chunk_allocs++;
        if ( pfn_limit < os->chunk_pfn_limit_min )
            os->chunk_pfn_limit_min = pfn_limit;
        __atomic_fetch_add(&os->now_us, os->faults.chunk_us,
                           __ATOMIC_RELAXED);
        if ( os->faults.chunk_fail > 0 )
        {
            os->faults.chunk_fail--;
            goto out;
        }
        /* Partial: what is free, minus what the system keeps. */
        avail = os->nr_free > os->min_free ? os->nr_free - os->min_free : 0;
        if ( n > avail )
            n = avail;
        if ( os->faults.chunk_short && n > os->faults.chunk_short )
            n = os->faults.chunk_short;
    }

    got = take_free(os, pfns, n, pfn_limit);
    if ( !got || (kind == WPPR_ALLOC_ARRAY && got < n) )
    {
        for ( i = 0; i < got; i++ )
            os->free_list[os->nr_free++] = pfns[i];
        goto out;
    }

    m = calloc(1, sizeof(*m));
    if ( !m )
        abort();
    m->kind = kind;
    m->nr = got;
    m->pfns = pfns;
    pfns = NULL;
    for ( i = 0; i < got; i++ )
    {
        set_owner(os, m->pfns[i], kind == WPPR_ALLOC_ARRAY ? MOCK_DRV_ARRAY
                                                           : MOCK_DRV_CHUNK);
        /*
         * Zeroing writes: a reclaimed page refaults (Xen's fix-up).  A
         * memory manager that skipped it would leave whatever was there;
         * FREE is the stale byte that hurts.
         */
        if ( kind == WPPR_ALLOC_ARRAY )
        {
            mock_xen_touch(os, m->pfns[i]);
            memset(os->phys + m->pfns[i] * MOCK_PAGE_SIZE,
                   os->faults.array_dirty ? XEN_PPR_FREE : XEN_PPR_INUSE,
                   MOCK_PAGE_SIZE);
        }
    }
    if ( kind == WPPR_ALLOC_ARRAY )
        os->array_mem = m;
    os->live_mems++;
    update_events(os);
 out:
    pthread_mutex_unlock(&os->mm_lock);
    free(pfns);
    return m;
}

uint64_t wppr_os_mem_pages(const struct wppr_os_mem *m)
{
    return m->nr;
}

const uint64_t *wppr_os_mem_pfns(const struct wppr_os_mem *m)
{
    return m->pfns;
}

void wppr_os_free_pages(struct wppr_os *os, struct wppr_os_mem *m)
{
    uint64_t i;

    pthread_mutex_lock(&os->mm_lock);
    if ( m->kind == WPPR_ALLOC_ARRAY )
    {
        pthread_mutex_lock(&os->p2m_lock);
        if ( os->registered )
            mock_violation(os, "state array freed while Xen maps it");
        pthread_mutex_unlock(&os->p2m_lock);
        if ( m->va )
            mock_violation(os, "state array freed while mapped");
    }

    for ( i = 0; i < m->nr; i++ )
    {
        uint64_t pfn = m->pfns[i];

        if ( m->kind == WPPR_ALLOC_CHUNK )
        {
            uint8_t s = mock_xen_state(os, pfn);

            if ( s != XEN_PPR_INUSE )
                mock_violation(os, "pfn %#llx handed back in state %u",
                               (unsigned long long)pfn, s);
            pthread_mutex_lock(&os->p2m_lock);
            if ( os->p2m[pfn] == MOCK_P2M_EMPTY )
                os->returned_empty++;
            /* Held means untouched: as the system left it, or zero. */
            else if ( !mock_xen_page_intact(os, pfn) )
                mock_violation(os, "pfn %#llx was written while held",
                               (unsigned long long)pfn);
            pthread_mutex_unlock(&os->p2m_lock);
            os->returned_pages++;
        }
        if ( os->owner[pfn] != (m->kind == WPPR_ALLOC_ARRAY ? MOCK_DRV_ARRAY
                                                             : MOCK_DRV_CHUNK) )
            mock_violation(os, "pfn %#llx freed but owned by %s",
                           (unsigned long long)pfn,
                           owner_names[os->owner[pfn]]);
        set_owner(os, pfn, MOCK_SYS_FREE);
        os->free_list[os->nr_free++] = pfn;
        /* The zero-page thread gets to it at once. */
        mock_xen_touch(os, pfn);
    }
    if ( m == os->array_mem )
        os->array_mem = NULL;
    os->live_mems--;
    update_events(os);
    pthread_mutex_unlock(&os->mm_lock);

    free(m->pfns);
    free(m);
}

void *wppr_os_map(struct wppr_os *os, struct wppr_os_mem *m)
{
    uint8_t *va;
    uint64_t i;

    if ( m->kind != WPPR_ALLOC_ARRAY )
    {
        mock_violation(os, "the driver mapped a chunk it holds");
        return NULL;
    }
    if ( os->faults.map_fail )
        return NULL;

    va = mmap(NULL, m->nr * MOCK_PAGE_SIZE, PROT_NONE,
              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( va == MAP_FAILED )
        abort();
    for ( i = 0; i < m->nr; i++ )
        if ( mmap(va + i * MOCK_PAGE_SIZE, MOCK_PAGE_SIZE,
                  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, os->memfd,
                  (off_t)(m->pfns[i] * MOCK_PAGE_SIZE)) == MAP_FAILED )
            abort();
    m->va = va;
    return va;
}

void wppr_os_unmap(struct wppr_os *os, struct wppr_os_mem *m, void *va)
{
    if ( va != m->va )
        mock_violation(os, "unmap of an address that was not mapped");
    munmap(va, m->nr * MOCK_PAGE_SIZE);
    m->va = NULL;
}

void *wppr_os_zalloc(struct wppr_os *os, size_t size)
{
    if ( __atomic_load_n(&os->faults.zalloc_fail, __ATOMIC_RELAXED) > 0 )
    {
        __atomic_fetch_sub(&os->faults.zalloc_fail, 1, __ATOMIC_RELAXED);
        return NULL;
    }
    __atomic_fetch_add(&os->live_zallocs, 1, __ATOMIC_RELAXED);
    return calloc(1, size);
}

void wppr_os_free(struct wppr_os *os, void *p)
{
    __atomic_fetch_sub(&os->live_zallocs, 1, __ATOMIC_RELAXED);
    free(p);
}

uint64_t mock_nr_free(struct wppr_os *os)
{
    uint64_t n;

    pthread_mutex_lock(&os->mm_lock);
    n = os->nr_free;
    pthread_mutex_unlock(&os->mm_lock);
    return n;
}

uint64_t mock_sys_alloc(struct wppr_os *os, uint64_t n)
{
    uint64_t got = 0;

    pthread_mutex_lock(&os->mm_lock);
    while ( got < n && os->nr_free )
    {
        uint64_t pfn = os->free_list[--os->nr_free];

        set_owner(os, pfn, MOCK_SYS_USED);
        mock_xen_touch(os, pfn);
        got++;
    }
    update_events(os);
    pthread_mutex_unlock(&os->mm_lock);
    return got;
}

uint64_t mock_sys_free(struct wppr_os *os, uint64_t n)
{
    uint64_t got = 0, pfn;

    pthread_mutex_lock(&os->mm_lock);
    for ( pfn = 0; pfn < os->pfn_end && got < n; pfn++ )
        if ( os->owner[pfn] == MOCK_SYS_USED )
        {
            set_owner(os, pfn, MOCK_SYS_FREE);
            os->free_list[os->nr_free++] = pfn;
            got++;
        }
    update_events(os);
    pthread_mutex_unlock(&os->mm_lock);
    return got;
}

uint64_t mock_audit(struct wppr_os *os, bool driver_gone)
{
    uint64_t before = __atomic_load_n(&os->violations, __ATOMIC_RELAXED);
    uint64_t pfn;

    pthread_mutex_lock(&os->mm_lock);
    for ( pfn = 0; pfn < os->pfn_end; pfn++ )
    {
        enum mock_owner o = os->owner[pfn];
        uint8_t s = mock_xen_state(os, pfn);
        uint64_t tag;

        if ( o == MOCK_HOLE )
            continue;
        pthread_mutex_lock(&os->p2m_lock);
        if ( os->p2m[pfn] == MOCK_P2M_RECLAIMING )
            mock_violation(os, "pfn %#llx left reclaiming",
                           (unsigned long long)pfn);
        if ( o == MOCK_SYS_FREE || o == MOCK_SYS_USED )
        {
            memcpy(&tag, os->phys + pfn * MOCK_PAGE_SIZE, sizeof(tag));
            if ( os->p2m[pfn] != MOCK_P2M_RAM )
                mock_violation(os, "system pfn %#llx has no frame",
                               (unsigned long long)pfn);
            else if ( tag != os->tag[pfn] ||
                      !mock_xen_page_intact(os, pfn) )
                mock_violation(os, "system pfn %#llx lost its data",
                               (unsigned long long)pfn);
        }
        else if ( o == MOCK_DRV_CHUNK && os->p2m[pfn] == MOCK_P2M_RAM &&
                  !mock_xen_page_intact(os, pfn) )
            mock_violation(os, "pfn %#llx was written while held",
                           (unsigned long long)pfn);
        pthread_mutex_unlock(&os->p2m_lock);
        /* The driver marks nothing but the pages it holds. */
        if ( o != MOCK_DRV_CHUNK && s != XEN_PPR_INUSE )
            mock_violation(os, "%s pfn %#llx in state %u", owner_names[o],
                           (unsigned long long)pfn, s);
        if ( o == MOCK_DRV_CHUNK && driver_gone )
            mock_violation(os, "pfn %#llx still held after unload",
                           (unsigned long long)pfn);
    }
    pthread_mutex_unlock(&os->mm_lock);

    return __atomic_load_n(&os->violations, __ATOMIC_RELAXED) - before;
}

/* ------------------------------------------------------------ reporting */

bool wppr_os_knob(struct wppr_os *os, enum wppr_knob knob, uint32_t *val)
{
    if ( !os->knob_set[knob] )
        return false;
    *val = os->knob[knob];
    return true;
}

void wppr_os_log(struct wppr_os *os, enum wppr_log_level level,
                 const char *fmt, ...)
{
    va_list ap;

    (void)level;
    if ( !os->verbose )
        return;
    va_start(ap, fmt);
    fprintf(stderr, "dvmppr: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void wppr_os_publish(struct wppr_os *os, const struct wppr_status *st)
{
    pthread_mutex_lock(&os->pub_lock);
    os->published = *st;
    os->publishes++;
    pthread_mutex_unlock(&os->pub_lock);
}

bool mock_status(struct wppr_os *os, const char *name, uint64_t *v)
{
    unsigned int i;
    bool found = false;

    pthread_mutex_lock(&os->pub_lock);
    for ( i = 0; i < os->published.n; i++ )
        if ( !strcmp(os->published.v[i].name, name) )
        {
            *v = os->published.v[i].value;
            found = true;
        }
    pthread_mutex_unlock(&os->pub_lock);
    return found;
}

void mock_status_text(struct wppr_os *os, const char **state,
                      const char **off_reason, const char **last_error)
{
    pthread_mutex_lock(&os->pub_lock);
    *state = os->published.state ? os->published.state : "";
    *off_reason = os->published.off_reason ? os->published.off_reason : "";
    *last_error = os->published.last_error ? os->published.last_error : "";
    pthread_mutex_unlock(&os->pub_lock);
}
