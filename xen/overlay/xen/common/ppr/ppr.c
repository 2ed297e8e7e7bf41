/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * common/ppr/ppr.c
 *
 * PPR (Per Page Recycler), the hypervisor side: a guest registers an array
 * with one state byte per guest page (public/ppr.h, docs/ppr-abi.md) and
 * marks the pages its allocator frees.  Xen scans the arrays with the
 * portable core (ppr_core.c) and gives the frames of pages that stayed
 * free for a whole scan pass back to the heap.
 *
 * Who scans:
 *  - a timer (one, global) starts each domain's pass every period and
 *    runs budgeted slices from a tasklet, leaving gaps for guests; each
 *    slice serves the due domains in turn, one step each per round, from
 *    a start that rotates, so that no array (however large) takes every
 *    slice;
 *  - idle CPUs continue passes in progress (like scrub_free_pages());
 *  - below the heap's high watermark passes start sooner, below low at
 *    once (mem_pressure.c calls ppr_pressure());
 *  - populate_physmap() reclaims synchronously before it fails, when the
 *    heap is really short, for at most PPR_SYNC_NS.
 * A vCPU that finds no frame for a refault waits in mem_pressure.c.
 * The architecture's side (the core's unmap, flush, free and restore, and
 * the refault) is behind asm/ppr.h.
 *
 * Locking, outermost first:
 *   pd->reg_lock     (un)registration of one domain
 *   ppr_list_lock    list of registered domains (read: scanners)
 *   pd->lock         a scan step, stats snapshot, policy
 *   p2m lock         a scan step (whole batch), refault
 * A refault only holds the p2m lock; registration state read there is
 * changed with the p2m lock held.
 */

#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/mem_pressure.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/ppr.h>
#include <xen/preempt.h>
#include <xen/rwlock.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/sort.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>
#include <xsm/xsm.h>
#include <public/domctl.h>
#include <public/ppr.h>
#include <public/sysctl.h>

#include "ppr_core.h"

/* Largest array: 8192 frames, i.e. 32Mi entries or 128GiB of guest. */
#define PPR_MAX_FRAMES          8192U
#define PPR_MAX_ENTRIES         ((uint64_t)PPR_MAX_FRAMES * \
                                 XEN_PPR_ENTRIES_PER_FRAME)
/* Entries per locked scan step (bounds p2m lock hold times). */
#define PPR_STEP                512U
/* Tasklet slice, gap between slices, and idle loop slice. */
#define PPR_SLICE_NS            MILLISECS(1)
#define PPR_GAP_NS              MILLISECS(4)
#define PPR_IDLE_NS             MICROSECS(500)
/* Synchronous reclaim: at most this long per failed allocation. */
#define PPR_SYNC_NS             MILLISECS(1)
/*
 * Shortest time between two passes of a domain that pressure starts early,
 * whatever its min_age_ms (0 included): a page must stay free that long
 * before it can be claimed, so that a shortage does not run passes back to
 * back and take pages a guest freed a moment ago.
 */
#define PPR_URGENT_AGE_NS       MILLISECS(200)

/* ppr=<bool>,period=<ms>,selftest (the last with CONFIG_DVM_TESTING) */
static bool __read_mostly opt_ppr = true;
static unsigned int __read_mostly opt_ppr_period_ms = 5000;
static bool __initdata opt_ppr_selftest;

static int __init cf_check parse_ppr(const char *s)
{
    const char *ss;
    int val, rc = 0;

    do {
        ss = strchr(s, ',');
        if ( !ss )
            ss = strchr(s, '\0');

        if ( (val = parse_bool(s, ss)) >= 0 )
            opt_ppr = val;
        else if ( IS_ENABLED(CONFIG_DVM_TESTING) &&
                  (val = parse_boolean("selftest", s, ss)) >= 0 )
            opt_ppr_selftest = val;
        else if ( !strncmp(s, "period=", 7) )
        {
            unsigned long ms = simple_strtoul(s + 7, &s, 0);

            if ( s != ss || ms < XEN_PPR_PERIOD_MIN_MS ||
                 ms > XEN_PPR_PERIOD_MAX_MS )
                rc = -EINVAL;
            else
                opt_ppr_period_ms = ms;
        }
        else
            rc = -EINVAL;

        s = ss + 1;
    } while ( *ss );

    return rc;
}
custom_param("ppr", parse_ppr);

struct ppr_domain {
    struct domain *d;
    spinlock_t reg_lock;
    spinlock_t lock;
    struct list_head list;          /* on ppr_list while registered */

    /* Registration: changed under reg_lock, lock and the p2m lock. */
    bool registered;
    unsigned int nr_frames;
    struct page_info **pages;
    uint8_t *state;
    struct ppr_array arr;
    struct ppr_hv hv;
    uint64_t batch[ARCH_PPR_BATCH];
    struct arch_ppr_batch pb;       /* the reclaim operations' context */

    /* Scan schedule (lock). */
    bool in_pass;
    s_time_t pass_start, next_pass;
    uint64_t pass_aged;             /* counters.aged at the pass start */
    uint64_t pass_refused;          /* pb.refused_refs at the pass start */

    /* Policy (lock). */
    struct xen_ppr_policy policy;

    /* Counted outside the lock. */
    unsigned long fault_waits;
};

static LIST_HEAD(ppr_list);
static DEFINE_RWLOCK(ppr_list_lock);
static unsigned int ppr_nr_registered;

/* Earliest time some pass is due; 0 while a pass is in progress. */
static s_time_t ppr_next_due = STIME_MAX;
/* Below the low watermark: passes start at once (but not within min_age). */
static bool ppr_urgent;
/* Below the high watermark: passes start after half a period. */
static bool ppr_hurry;
/* Where the next slice starts serving the scan list. */
static unsigned int ppr_rotor;

static struct timer ppr_timer;
static void cf_check ppr_tasklet_fn(void *unused);
static DECLARE_TASKLET(ppr_tasklet, ppr_tasklet_fn, NULL);

/* Totals of finished registrations (and refaults of unregistered pages). */
static struct ppr_counters ppr_retired;
static DEFINE_SPINLOCK(ppr_retired_lock);

static DEFINE_SPINLOCK(ppr_default_lock);
static struct xen_ppr_policy ppr_default;

static DEFINE_PER_CPU(bool, ppr_in_reclaim);

/* ---------------------------------------------------------------- stats */

/* Snapshot of pd's counters, port fields included (pd->lock held). */
static void ppr_counters_read(struct ppr_domain *pd, struct ppr_counters *c)
{
    ASSERT(spin_is_locked(&pd->lock));

    *c = pd->hv.counters;
    c->fault_waits = read_atomic(&pd->fault_waits);
    c->refused_refs = pd->pb.refused_refs;
}

static uint64_t ppr_nr_entries(const struct ppr_domain *pd)
{
    return pd->registered ? pd->arr.nr_entries : 0;
}

/* pd's statistics as the ABI has them (pd->lock held). */
static void ppr_stats_read(struct ppr_domain *pd, struct xen_ppr_stats *s)
{
    struct ppr_counters c;

    ppr_counters_read(pd, &c);
    ppr_counters_export(&c, ppr_nr_entries(pd), s);
}

/*
 * t += s: every counter, and the gauges if live (a level of a registration
 * that is gone means nothing any more).
 */
static void ppr_counters_add(struct ppr_counters *t,
                             const struct ppr_counters *s, bool live)
{
#define PPR_ADD_counter(n)  t->n += s->n;
#define PPR_ADD_gauge(n)    if ( live ) t->n += s->n;
#define PPR_ADD(n, kind, owner, unit, desc) PPR_ADD_##kind(n)
    XEN_PPR_STATS(PPR_ADD)
#undef PPR_ADD
#undef PPR_ADD_gauge
#undef PPR_ADD_counter
}

/* The host-wide totals (DOMID_XEN) as the ABI has them. */
static void ppr_global_stats(struct xen_ppr_stats *s)
{
    struct ppr_counters t;
    struct ppr_domain *pd;
    uint64_t nr_entries = 0;

    spin_lock(&ppr_retired_lock);
    t = ppr_retired;
    spin_unlock(&ppr_retired_lock);

    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        struct ppr_counters c;

        spin_lock(&pd->lock);
        ppr_counters_read(pd, &c);
        nr_entries += ppr_nr_entries(pd);
        spin_unlock(&pd->lock);
        ppr_counters_add(&t, &c, true);
    }
    read_unlock(&ppr_list_lock);

    ppr_counters_export(&t, nr_entries, s);
}

int ppr_refault(struct domain *d, gfn_t gfn)
{
    struct ppr_domain *pd = d->ppr;
    int rc = arch_ppr_populate(d, gfn);

    if ( rc || !pd )
        return rc;

    /* p2m lock held: registration cannot change under our feet. */
    if ( pd->registered )
    {
        pd->hv.counters.refaulted++;
        ppr_hv_refault(&pd->arr, gfn_x(gfn));
    }
    else
    {
        spin_lock(&ppr_retired_lock);
        ppr_retired.refaulted++;
        spin_unlock(&ppr_retired_lock);
    }

    return 0;
}

/* ------------------------------------------------------------- scanning */

static bool ppr_reclaim_on(const struct ppr_domain *pd)
{
    return (pd->policy.flags & XEN_PPR_POLICY_RECLAIM) &&
           !pd->d->is_dying && arch_ppr_supported(pd->d);
}

/* Is a scan step of pd due at now (pd->lock held or racy hint)? */
static bool ppr_due(const struct ppr_domain *pd, s_time_t now, bool urgent)
{
    s_time_t min_age = max(MILLISECS(pd->policy.min_age_ms),
                           PPR_URGENT_AGE_NS);

    if ( !pd->registered || !ppr_reclaim_on(pd) )
        return false;
    if ( pd->in_pass || now >= pd->next_pass )
        return true;
    if ( read_atomic(&ppr_hurry) &&
         now >= pd->pass_start +
                max(MILLISECS(pd->policy.period_ms) / 2, min_age) )
        return true;

    return urgent && now >= pd->pass_start + min_age;
}

/*
 * One locked step of at most n entries (pd->lock held).  Returns true if
 * the pass goes on.
 */
static bool ppr_scan_step(struct ppr_domain *pd, unsigned int n)
{
    s_time_t t0 = NOW();
    bool more;

    ASSERT(spin_is_locked(&pd->lock));

    if ( !pd->in_pass )
    {
        pd->in_pass = true;
        pd->pass_start = t0;
        pd->pass_aged = pd->hv.counters.aged;
        pd->pass_refused = pd->pb.refused_refs;
    }

    pd->pb.reserve_pages = pd->policy.reserve_mib << (20 - PAGE_SHIFT);

    arch_ppr_lock(pd->d);
    more = ppr_hv_scan(&pd->hv, n);
    pd->hv.counters.scan_ns += NOW() - t0;
    arch_ppr_unlock(pd->d);

    if ( !more )
    {
        s_time_t gap = MILLISECS(pd->policy.period_ms);
        bool aged = pd->hv.counters.aged != pd->pass_aged;

        /*
         * Pages this pass aged are claimed by the next one, half a period
         * later (but not within min_age_ms): a page freed just behind a
         * pass is back within 1.5 periods plus a pass, not 2 plus a pass.
         */
        if ( aged )
            gap = max(gap / 2, (s_time_t)MILLISECS(pd->policy.min_age_ms));

        arch_ppr_pass_done(pd->d, aged,
                           pd->pb.refused_refs != pd->pass_refused);

        pd->in_pass = false;
        pd->next_pass = pd->pass_start + gap;
    }

    return more;
}

/* Recompute ppr_next_due and re-arm the timer. */
static void ppr_rearm(bool busy)
{
    const struct ppr_domain *pd;
    s_time_t next = STIME_MAX;

    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        if ( !pd->registered || !(pd->policy.flags & XEN_PPR_POLICY_RECLAIM) )
            continue;
        if ( !ppr_reclaim_on(pd) )
        {
            /* E.g. log-dirty for migration: look again a period later. */
            next = min(next, NOW() + MILLISECS(pd->policy.period_ms));
            continue;
        }
        if ( pd->in_pass )
            next = 0;
        else if ( pd->next_pass < next )
            next = pd->next_pass;
    }
    read_unlock(&ppr_list_lock);

    write_atomic(&ppr_next_due, next);

    if ( next == STIME_MAX )
        stop_timer(&ppr_timer);
    else if ( busy || !next )
        set_timer(&ppr_timer, NOW() + PPR_GAP_NS);
    else
        set_timer(&ppr_timer, max(next, NOW() + PPR_GAP_NS));
}

/*
 * Scan due arrays until deadline or a pending softirq.  Returns true if
 * due work remains.
 */
static bool ppr_work(s_time_t deadline, bool urgent)
{
    unsigned int cpu = smp_processor_id();
    unsigned int skip = ppr_rotor++;
    struct ppr_domain *pd;
    bool more, stop = false;

    read_lock(&ppr_list_lock);
    if ( ppr_nr_registered )
        skip %= ppr_nr_registered;
    do {
        unsigned int i = 0;

        /* One round: one step for each due domain, from a rotating start. */
        more = false;
        list_for_each_entry ( pd, &ppr_list, list )
        {
            if ( skip && i++ < skip )
            {
                more = more || ppr_due(pd, NOW(), urgent);
                continue;
            }
            if ( stop || !ppr_due(pd, NOW(), urgent) )
            {
                more = more || (stop && ppr_due(pd, NOW(), urgent));
                continue;
            }
            /* Another CPU scans it: it is busy, not done. */
            if ( !spin_trylock(&pd->lock) )
                continue;
            if ( ppr_due(pd, NOW(), urgent) )
                ppr_scan_step(pd, PPR_STEP);
            more = more || ppr_due(pd, NOW(), urgent);
            spin_unlock(&pd->lock);
            if ( softirq_pending(cpu) || NOW() >= deadline )
                stop = true;
        }
        /* The domains skipped this round are served first by the next. */
        skip = 0;
    } while ( more && !stop );
    read_unlock(&ppr_list_lock);

    return more;
}

static void cf_check ppr_timer_fn(void *unused)
{
    tasklet_schedule(&ppr_tasklet);
}

static void cf_check ppr_tasklet_fn(void *unused)
{
    bool urgent = test_and_clear_bool(ppr_urgent);

    ppr_rearm(ppr_work(NOW() + PPR_SLICE_NS, urgent));

    /* Hurry only while the heap stays below high (the next alloc says). */
    if ( !urgent )
        write_atomic(&ppr_hurry, false);
}

bool ppr_idle_scan(void)
{
    bool more;

    if ( !read_atomic(&ppr_nr_registered) ||
         NOW() < read_atomic(&ppr_next_due) )
        return false;

    more = ppr_work(NOW() + PPR_IDLE_NS, false);
    if ( !more )
        ppr_rearm(false);

    return more;
}

void ppr_kick(void)
{
    if ( !read_atomic(&ppr_nr_registered) || test_and_set_bool(ppr_urgent) )
        return;

    set_timer(&ppr_timer, NOW());
}

void ppr_pressure(bool urgent)
{
    if ( !read_atomic(&ppr_nr_registered) )
        return;
    if ( urgent )
        ppr_kick();
    else if ( !test_and_set_bool(ppr_hurry) )
        set_timer(&ppr_timer, NOW());
}

bool ppr_reclaim_sync(unsigned long nr)
{
    s_time_t deadline = NOW() + PPR_SYNC_NS;
    unsigned int cpu = smp_processor_id();
    struct ppr_domain *pd;
    uint64_t got = 0;
    bool stop = false;

    if ( !read_atomic(&ppr_nr_registered) || in_irq() ||
         !local_irq_is_enabled() || system_state != SYS_STATE_active ||
         this_cpu(ppr_in_reclaim) )
        return false;

    /*
     * Only a real shortage: an allocation that failed with memory to spare
     * hit a limit of its own (max_pages, address bits, an exact node), which
     * no amount of reclaim lifts.
     */
    if ( heap_free_pages() >= nr + read_atomic(&mem_wmark.min) )
        return false;

    this_cpu(ppr_in_reclaim) = true;

    /*
     * Passes start early (urgent), but never within a domain's min_age_ms,
     * and the whole call is bounded in time and by softirqs: a guest whose
     * allocations keep failing cannot make Xen scan without end.
     */
    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        uint64_t before;

        spin_lock(&pd->lock);
        before = pd->hv.counters.frames_returned;
        while ( ppr_due(pd, NOW(), true) &&
                got + pd->hv.counters.frames_returned - before < nr )
        {
            ppr_scan_step(pd, PPR_STEP);
            if ( softirq_pending(cpu) || NOW() >= deadline )
            {
                stop = true;
                break;
            }
        }
        pd->hv.counters.sync_returned +=
            pd->hv.counters.frames_returned - before;
        got += pd->hv.counters.frames_returned - before;
        spin_unlock(&pd->lock);

        if ( stop || got >= nr )
            break;
    }
    read_unlock(&ppr_list_lock);

    this_cpu(ppr_in_reclaim) = false;

    ppr_kick();

    return got != 0;
}

void ppr_note_wait(struct domain *d)
{
    struct ppr_domain *pd = d->ppr;

    if ( pd )
        arch_fetch_and_add(&pd->fault_waits, 1);
}

/* --------------------------------------------------------- registration */

static int cf_check ppr_cmp_pfn(const void *a, const void *b)
{
    xen_pfn_t x = *(const xen_pfn_t *)a, y = *(const xen_pfn_t *)b;

    return x < y ? -1 : x > y;
}

static void cf_check ppr_swap_pfn(void *a, void *b, size_t size)
{
    xen_pfn_t t = *(xen_pfn_t *)a;

    *(xen_pfn_t *)a = *(xen_pfn_t *)b;
    *(xen_pfn_t *)b = t;
}

static void ppr_put_frames(struct page_info **pages, unsigned int nr)
{
    unsigned int i;

    for ( i = 0; i < nr; i++ )
        put_page_and_type(pages[i]);
}

/*
 * The largest array d may register: one entry per gfn up to its highest,
 * whole frames.  A small guest cannot make Xen map and scan an array the
 * size of a large one.
 */
static uint64_t ppr_max_entries(struct domain *d)
{
    uint64_t n = (uint64_t)domain_get_maximum_gpfn(d) + 1;

    n = ROUNDUP(n, XEN_PPR_ENTRIES_PER_FRAME);

    return min_t(uint64_t, n, PPR_MAX_ENTRIES);
}

static int ppr_register(struct domain *d, const struct xen_ppr_register *reg)
{
    struct ppr_domain *pd = d->ppr;
    struct page_info **pages = NULL;
    xen_pfn_t *gfns = NULL;
    mfn_t *mfns = NULL;
    uint8_t *state = NULL;
    unsigned int i, n = reg->nr_frames, got = 0;
    uint64_t frames;
    int rc;

    frames = reg->nr_entries / XEN_PPR_ENTRIES_PER_FRAME +
             !!(reg->nr_entries % XEN_PPR_ENTRIES_PER_FRAME);
    if ( reg->flags || !reg->nr_entries || frames != reg->nr_frames )
        return -EINVAL;
    if ( reg->nr_entries > ppr_max_entries(d) || n > PPR_MAX_FRAMES )
        return -E2BIG;

    spin_lock(&pd->reg_lock);

    /*
     * domain_kill() sets is_dying before it unregisters under reg_lock: a
     * registration racing with it either comes first and is undone, or
     * sees is_dying here.  Otherwise the array's frame references would
     * outlive the kill and keep the domain a zombie.
     */
    rc = -ESRCH;
    if ( d->is_dying )
        goto out;

    rc = -EEXIST;
    if ( pd->registered )
        goto out;

    rc = -ENOMEM;
    gfns = xmalloc_array(xen_pfn_t, n);
    mfns = xmalloc_array(mfn_t, n);
    pages = xzalloc_array(struct page_info *, n);
    if ( !gfns || !mfns || !pages )
        goto out;

    rc = -EFAULT;
    if ( copy_from_guest(gfns, reg->frame_list, n) )
        goto out;

    /* Duplicates, on a sorted copy (mfns is scratch space here). */
    BUILD_BUG_ON(sizeof(*mfns) != sizeof(*gfns));
    memcpy(mfns, gfns, n * sizeof(*gfns));
    sort(mfns, n, sizeof(*gfns), ppr_cmp_pfn, ppr_swap_pfn);
    rc = -EINVAL;
    for ( i = 1; i < n; i++ )
        if ( mfn_x(mfns[i]) == mfn_x(mfns[i - 1]) )
            goto out;

    rc = -EPERM;
    for ( got = 0; got < n; got++ )
    {
        struct page_info *pg;
        p2m_type_t t;

        /* Unshare: a frame PageONE merged is the guest's page all the same. */
        pg = get_page_from_gfn(d, gfns[got], &t, P2M_UNSHARE);
        if ( !pg )
            goto out;
        if ( t != p2m_ram_rw || page_get_owner(pg) != d ||
             is_special_page(pg) || !get_page_type(pg, PGT_writable_page) )
        {
            put_page(pg);
            goto out;
        }
        pages[got] = pg;
        mfns[got] = page_to_mfn(pg);
    }

    rc = -ENOMEM;
    state = vmap(mfns, n);
    if ( !state )
        goto out;

    spin_lock(&pd->lock);
    arch_ppr_lock(d);
    if ( ppr_array_init(&pd->arr, state, reg->nr_entries) ||
         ppr_hv_init(&pd->hv, &pd->arr, 0, reg->nr_entries, pd->batch,
                     ARCH_PPR_BATCH, &arch_ppr_ops, &pd->pb) )
    {
        arch_ppr_unlock(d);
        spin_unlock(&pd->lock);
        rc = -EINVAL;
        goto out;
    }
    pd->state = state;
    pd->pages = pages;
    pd->nr_frames = n;
    pd->pb.nr = pd->pb.next = 0;
    pd->pb.refused_refs = 0;
    pd->fault_waits = 0;
    pd->in_pass = false;
    pd->pass_start = pd->next_pass = NOW();
    pd->registered = true;
    arch_ppr_unlock(d);
    spin_unlock(&pd->lock);

    write_lock(&ppr_list_lock);
    list_add_tail(&pd->list, &ppr_list);
    ppr_nr_registered++;
    write_unlock(&ppr_list_lock);

    spin_unlock(&pd->reg_lock);

    xfree(gfns);
    xfree(mfns);
    ppr_rearm(false);

    return 0;

 out:
    spin_unlock(&pd->reg_lock);
    if ( state )
        vunmap(state);
    if ( pages )
        ppr_put_frames(pages, got);
    xfree(pages);
    xfree(mfns);
    xfree(gfns);

    return rc;
}

static int ppr_unregister(struct domain *d)
{
    struct ppr_domain *pd = d->ppr;
    struct ppr_counters c;
    struct page_info **pages;
    unsigned int n;
    uint8_t *state;

    if ( !pd )
        return -ENOENT;

    spin_lock(&pd->reg_lock);
    if ( !pd->registered )
    {
        spin_unlock(&pd->reg_lock);
        return -ENOENT;
    }

    /* Once off the list, no scanner can find it ... */
    write_lock(&ppr_list_lock);
    list_del_init(&pd->list);
    ppr_nr_registered--;
    write_unlock(&ppr_list_lock);

    /* ... and this waits for the step in flight: nothing stays RECLAIMING. */
    spin_lock(&pd->lock);
    arch_ppr_lock(d);
    ppr_counters_read(pd, &c);
    pd->registered = false;
    pd->in_pass = false;
    state = pd->state;
    pages = pd->pages;
    n = pd->nr_frames;
    pd->state = NULL;
    pd->pages = NULL;
    pd->nr_frames = 0;
    arch_ppr_unlock(d);
    spin_unlock(&pd->lock);

    spin_unlock(&pd->reg_lock);

    spin_lock(&ppr_retired_lock);
    ppr_counters_add(&ppr_retired, &c, false);
    spin_unlock(&ppr_retired_lock);

    vunmap(state);
    ppr_put_frames(pages, n);
    xfree(pages);

    ppr_rearm(false);

    return 0;
}

/* ---------------------------------------------------- domain lifecycle */

int ppr_domain_init(struct domain *d)
{
    struct ppr_domain *pd;

    if ( !opt_ppr || is_idle_domain(d) || is_system_domain(d) )
        return 0;

    pd = xzalloc(struct ppr_domain);
    if ( !pd )
        return -ENOMEM;

    pd->d = d;
    pd->pb.d = d;
    spin_lock_init(&pd->reg_lock);
    spin_lock_init(&pd->lock);
    INIT_LIST_HEAD(&pd->list);

    spin_lock(&ppr_default_lock);
    pd->policy = ppr_default;
    spin_unlock(&ppr_default_lock);

    d->ppr = pd;

    return 0;
}

void ppr_domain_reset(struct domain *d)
{
    ppr_unregister(d);
}

void ppr_domain_kill(struct domain *d)
{
    struct ppr_domain *pd = d->ppr;

    if ( !pd )
        return;

    ppr_unregister(d);
}

void ppr_domain_free(struct domain *d)
{
    struct ppr_domain *pd = d->ppr;

    if ( !pd )
        return;

    /* domain_create() failure: nothing was registered yet. */
    ASSERT(!pd->registered);
    xfree(pd);
    d->ppr = NULL;
}

/* ------------------------------------------------------------ hypercall */

static int ppr_query(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *currd = current->domain;
    struct xen_ppr_query q = {
        .version = XEN_PPR_INTERFACE_VERSION,
        .max_entries = PPR_MAX_ENTRIES,
        .max_frames = PPR_MAX_FRAMES,
        .stats_size = sizeof(struct xen_ppr_stats),
    };
    int rc = 0;

    if ( !opt_ppr || !currd->ppr || !arch_ppr_capable(currd) )
        rc = -EOPNOTSUPP;
    else
    {
        q.features = XEN_PPR_F_AGING | XEN_PPR_F_ZERO_REFAULT |
                     XEN_PPR_F_REMOTE_STATS | XEN_PPR_F_POLICY |
                     XEN_PPR_F_PRESSURE;
        q.max_entries = ppr_max_entries(currd);
        q.max_frames = q.max_entries / XEN_PPR_ENTRIES_PER_FRAME;
    }

    if ( copy_to_guest(guest_handle_cast(arg, xen_ppr_query_t), &q, 1) )
        return -EFAULT;

    return rc;
}

static int ppr_get_stats(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d;
    struct xen_ppr_get_stats gs;
    struct xen_ppr_stats s;
    unsigned int len;
    int rc;

    if ( copy_from_guest(&gs, guest_handle_cast(arg, xen_ppr_get_stats_t),
                         1) )
        return -EFAULT;
    if ( gs.pad[0] || gs.pad[1] || gs.pad[2] || gs.size < 16 )
        return -EINVAL;

    if ( gs.domid == DOMID_XEN )
    {
        if ( xsm_ppr_op(XSM_OTHER, NULL, XEN_PPROP_get_stats) )
            return -EPERM;
        ppr_global_stats(&s);
    }
    else
    {
        d = rcu_lock_domain_by_any_id(gs.domid);
        if ( !d )
            return -ESRCH;

        rc = 0;
        if ( xsm_ppr_op(XSM_OTHER, d, XEN_PPROP_get_stats) )
            rc = -EPERM;
        else if ( !d->ppr || !d->ppr->registered )
            rc = -ENOENT;
        else
        {
            spin_lock(&d->ppr->lock);
            ppr_stats_read(d->ppr, &s);
            spin_unlock(&d->ppr->lock);
        }
        rcu_unlock_domain(d);
        if ( rc )
            return rc;
    }

    len = min_t(uint64_t, gs.size, sizeof(s));
    s.size = len;
    if ( copy_to_guest(guest_handle_cast(gs.stats, void),
                       (const uint8_t *)&s, len) )
        return -EFAULT;

    return 0;
}

static int ppr_policy_check(const struct xen_ppr_policy *p)
{
    if ( p->pad || (p->flags & ~XEN_PPR_POLICY_RECLAIM) ||
         p->period_ms < XEN_PPR_PERIOD_MIN_MS ||
         p->period_ms > XEN_PPR_PERIOD_MAX_MS ||
         (p->min_age_ms && (p->min_age_ms < XEN_PPR_PERIOD_MIN_MS ||
                            p->min_age_ms > XEN_PPR_PERIOD_MAX_MS)) ||
         p->reserve_mib > (1UL << (BITS_PER_LONG - 21)) )
        return -EINVAL;

    return 0;
}

static int ppr_policy(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int cmd)
{
    bool set = cmd == XEN_PPROP_set_policy;
    XEN_GUEST_HANDLE_PARAM(xen_ppr_policy_t) h =
        guest_handle_cast(arg, xen_ppr_policy_t);
    struct xen_ppr_policy p;
    struct domain *d;
    domid_t domid;
    int rc;

    if ( copy_from_guest(&p, h, 1) )
        return -EFAULT;
    domid = p.domid;
    if ( set && (rc = ppr_policy_check(&p)) )
        return rc;

    if ( domid == DOMID_INVALID )
    {
        if ( xsm_ppr_op(XSM_OTHER, NULL, cmd) )
            return -EPERM;
        spin_lock(&ppr_default_lock);
        if ( set )
            ppr_default = p;
        else
            p = ppr_default;
        spin_unlock(&ppr_default_lock);
    }
    else
    {
        d = rcu_lock_domain_by_id(domid);
        if ( !d )
            return -ESRCH;

        rc = 0;
        if ( xsm_ppr_op(XSM_OTHER, d, cmd) )
            rc = -EPERM;
        else if ( !d->ppr )
            rc = -EOPNOTSUPP;
        else
        {
            spin_lock(&d->ppr->lock);
            if ( set )
            {
                /* A shorter period takes effect from now. */
                if ( d->ppr->next_pass >
                     d->ppr->pass_start + MILLISECS(p.period_ms) )
                    d->ppr->next_pass = d->ppr->pass_start +
                                        MILLISECS(p.period_ms);
                d->ppr->policy = p;
            }
            else
                p = d->ppr->policy;
            spin_unlock(&d->ppr->lock);
        }
        rcu_unlock_domain(d);
        if ( rc )
            return rc;
        if ( set )
            ppr_rearm(false);
    }

    p.domid = domid;
    p.pad = 0;
    if ( !set && copy_to_guest(h, &p, 1) )
        return -EFAULT;

    return 0;
}

/* The host's memory pressure: the toolstack's, whether PPR is on or not. */
static int ppr_pressure_op(XEN_GUEST_HANDLE_PARAM(void) arg, bool set)
{
    XEN_GUEST_HANDLE_PARAM(xen_mem_pressure_t) h =
        guest_handle_cast(arg, xen_mem_pressure_t);
    struct xen_mem_pressure p;

    if ( xsm_ppr_op(XSM_OTHER, NULL, set ? XEN_PPROP_set_pressure
                                         : XEN_PPROP_get_pressure) )
        return -EPERM;

    if ( set )
    {
        if ( copy_from_guest(&p, h, 1) )
            return -EFAULT;
        return mem_pressure_set(&p);
    }

    memset(&p, 0, sizeof(p));
    mem_pressure_get(&p);

    return copy_to_guest(h, &p, 1) ? -EFAULT : 0;
}

long do_ppr_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *currd = current->domain;
    int rc;

    if ( arch_ppr_compat_caller() )
        return -EOPNOTSUPP;

    switch ( cmd )
    {
    case XEN_PPROP_query:
        if ( xsm_ppr_op(XSM_OTHER, currd, cmd) )
            return -EPERM;
        return ppr_query(arg);

    case XEN_PPROP_register:
    {
        struct xen_ppr_register reg;

        if ( !opt_ppr || !currd->ppr || !arch_ppr_supported(currd) )
            return -EOPNOTSUPP;
        if ( xsm_ppr_op(XSM_OTHER, currd, cmd) )
            return -EPERM;
        if ( copy_from_guest(&reg, guest_handle_cast(arg, xen_ppr_register_t),
                             1) )
            return -EFAULT;
        rc = ppr_register(currd, &reg);
        break;
    }

    case XEN_PPROP_unregister:
    {
        struct xen_ppr_unregister unreg;

        if ( !opt_ppr || !currd->ppr )
            return -EOPNOTSUPP;
        if ( copy_from_guest(&unreg,
                             guest_handle_cast(arg, xen_ppr_unregister_t), 1) )
            return -EFAULT;
        if ( unreg.flags || unreg.pad )
            return -EINVAL;
        if ( xsm_ppr_op(XSM_OTHER, currd, cmd) )
            return -EPERM;
        rc = ppr_unregister(currd);
        break;
    }

    case XEN_PPROP_get_stats:
        if ( !opt_ppr )
            return -EOPNOTSUPP;
        rc = ppr_get_stats(arg);
        break;

    case XEN_PPROP_get_policy:
    case XEN_PPROP_set_policy:
        if ( !opt_ppr )
            return -EOPNOTSUPP;
        rc = ppr_policy(arg, cmd);
        break;

    case XEN_PPROP_get_pressure:
    case XEN_PPROP_set_pressure:
        rc = ppr_pressure_op(arg, cmd == XEN_PPROP_set_pressure);
        break;

    default:
        rc = -EINVAL;
        break;
    }

    return rc;
}

/* ------------------------------------------------------------ keyhandler */

static void ppr_dump_stats(const char *who, const struct xen_ppr_stats *s)
{
    unsigned int i = 0;

    printk("PPR %s: entries %"PRIu64, who, s->nr_entries);
#define PPR_DUMP(n, kind, owner, unit, desc)                              \
    printk("%s" #n " %"PRIu64, (i++ % 5) ? " " : "\n  ", s->n);
    XEN_PPR_STATS(PPR_DUMP)
#undef PPR_DUMP
    printk("\n");
}

static void cf_check ppr_dump(unsigned char key)
{
    struct xen_ppr_stats s;
    struct ppr_domain *pd;

    printk("PPR: %s, period %ums, min_age %ums, %u domain(s) registered\n",
           opt_ppr ? "enabled" : "disabled", ppr_default.period_ms,
           ppr_default.min_age_ms, ppr_nr_registered);
    mem_pressure_dump();

    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        char who[16];

        spin_lock(&pd->lock);
        ppr_stats_read(pd, &s);
        snprintf(who, sizeof(who), "d%d", pd->d->domain_id);
        printk("PPR d%d: reclaim %s, period %ums, min_age %ums, "
               "reserve %"PRIu64"MiB, tot_pages %u, %s\n",
               pd->d->domain_id,
               (pd->policy.flags & XEN_PPR_POLICY_RECLAIM) ? "on" : "off",
               pd->policy.period_ms, pd->policy.min_age_ms,
               pd->policy.reserve_mib, domain_tot_pages(pd->d),
               arch_ppr_supported(pd->d) ? "scanning" : "not scannable");
        spin_unlock(&pd->lock);
        ppr_dump_stats(who, &s);
    }
    read_unlock(&ppr_list_lock);

    ppr_global_stats(&s);
    ppr_dump_stats("total", &s);
}

static int __init cf_check ppr_init(void)
{
    ppr_default = (struct xen_ppr_policy){
        .flags = XEN_PPR_POLICY_RECLAIM,
        .period_ms = opt_ppr_period_ms,
    };

    if ( opt_ppr_selftest )
        ppr_selftest();

    /* The memory pressure and Xen's heap are dumped with PPR off too. */
    register_keyhandler('W', ppr_dump, "dump PPR (page recycler) stats", 1);

    if ( !opt_ppr )
    {
        printk(XENLOG_INFO "PPR: disabled\n");
        return 0;
    }

    init_timer(&ppr_timer, ppr_timer_fn, NULL, 0);
    printk(XENLOG_INFO "PPR: enabled, scan period %ums\n", opt_ppr_period_ms);

    return 0;
}
__initcall(ppr_init);

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
