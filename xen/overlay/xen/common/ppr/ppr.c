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
 *    runs budgeted slices from a tasklet, leaving gaps for guests;
 *  - idle CPUs continue passes in progress (like scrub_free_pages());
 *  - alloc_domheap_pages() reclaims synchronously before it fails, when
 *    the caller holds no lock.
 * The p2m side (unmap, flush, free, restore, refault) is in
 * arch/x86/mm/p2m-ppr.c.
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
#include <asm/hvm/hvm.h>
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
/* A vCPU without a frame for a refault retries after this. */
#define PPR_WAIT_NS             MILLISECS(1)

/* ppr=<bool>,period=<ms>,low=<MiB>,selftest */
static bool __read_mostly opt_ppr = true;
static unsigned int __read_mostly opt_ppr_period_ms = 5000;
static bool __initdata opt_ppr_selftest;
unsigned long __read_mostly ppr_low_pages;

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
        else if ( (val = parse_boolean("selftest", s, ss)) >= 0 )
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
        else if ( !strncmp(s, "low=", 4) )
        {
            unsigned long mib = simple_strtoul(s + 4, &s, 0);

            if ( s != ss )
                rc = -EINVAL;
            else
                ppr_low_pages = mib << (20 - PAGE_SHIFT);
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
    uint64_t batch[PPR_BATCH];
    struct ppr_p2m_batch pb;

    /* Scan schedule (lock). */
    bool in_pass;
    s_time_t pass_start, next_pass;
    uint64_t pass_aged;             /* stats.aged when the pass started */

    /* Policy (lock). */
    struct xen_ppr_policy policy;

    /* Counted outside the lock. */
    unsigned long fault_waits;

    /* vCPUs waiting for a frame (bit per vcpu_id). */
    struct timer wait_timer;
    unsigned long *waiting;
};

static LIST_HEAD(ppr_list);
static DEFINE_RWLOCK(ppr_list_lock);
static unsigned int ppr_nr_registered;

/* Earliest time some pass is due; 0 while a pass is in progress. */
static s_time_t ppr_next_due = STIME_MAX;
static bool ppr_urgent;

static struct timer ppr_timer;
static void cf_check ppr_tasklet_fn(void *unused);
static DECLARE_TASKLET(ppr_tasklet, ppr_tasklet_fn, NULL);

/* Totals of finished registrations (and refaults of unregistered pages). */
static struct xen_ppr_stats ppr_retired;
static DEFINE_SPINLOCK(ppr_retired_lock);

static DEFINE_SPINLOCK(ppr_default_lock);
static struct xen_ppr_policy ppr_default;

static DEFINE_PER_CPU(bool, ppr_in_reclaim);

/* ---------------------------------------------------------------- ops */

static enum ppr_unmap_result cf_check ppr_op_unmap(void *priv, uint64_t gfn)
{
    struct ppr_domain *pd = priv;

    switch ( ppr_p2m_unmap(&pd->pb, gfn) )
    {
    case PPR_P2M_OK:
        return PPR_UNMAP_OK;
    case PPR_P2M_EMPTY:
        return PPR_UNMAP_EMPTY;
    default:
        return PPR_UNMAP_REFUSED;
    }
}

static void cf_check ppr_op_flush(void *priv)
{
    struct ppr_domain *pd = priv;

    ppr_p2m_flush(&pd->pb);
}

static void cf_check ppr_op_free_frame(void *priv, uint64_t gfn)
{
    struct ppr_domain *pd = priv;

    ppr_p2m_free(&pd->pb, gfn);
}

static void cf_check ppr_op_restore(void *priv, uint64_t gfn)
{
    struct ppr_domain *pd = priv;

    ppr_p2m_restore(&pd->pb, gfn);
}

static const struct ppr_hv_ops ppr_ops = {
    .unmap = ppr_op_unmap,
    .flush = ppr_op_flush,
    .free_frame = ppr_op_free_frame,
    .restore = ppr_op_restore,
};

/* ---------------------------------------------------------------- stats */

/* Snapshot of pd's counters, port fields included (pd->lock held). */
static void ppr_stats_read(const struct ppr_domain *pd,
                           struct xen_ppr_stats *s)
{
    *s = pd->hv.stats;
    s->size = sizeof(*s);
    s->nr_entries = pd->registered ? pd->arr.nr_entries : 0;
    s->fault_waits = read_atomic(&pd->fault_waits);
    s->refused_refs = pd->pb.refused_refs;
}

static void ppr_stats_add(struct xen_ppr_stats *t,
                          const struct xen_ppr_stats *s)
{
    const uint64_t *src = (const uint64_t *)s;
    uint64_t *dst = (uint64_t *)t;
    unsigned int i;

    /* Every field but size and nr_entries is a counter. */
    BUILD_BUG_ON(offsetof(struct xen_ppr_stats, passes) != 16);
    for ( i = 2; i < sizeof(*s) / sizeof(uint64_t); i++ )
        dst[i] += src[i];
}

static void ppr_global_stats(struct xen_ppr_stats *t)
{
    struct ppr_domain *pd;

    spin_lock(&ppr_retired_lock);
    *t = ppr_retired;
    spin_unlock(&ppr_retired_lock);
    t->size = sizeof(*t);
    t->nr_entries = 0;

    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        struct xen_ppr_stats s;

        spin_lock(&pd->lock);
        ppr_stats_read(pd, &s);
        spin_unlock(&pd->lock);
        ppr_stats_add(t, &s);
        t->nr_entries += s.nr_entries;
    }
    read_unlock(&ppr_list_lock);
}

void ppr_note_refault(struct domain *d, unsigned long gfn, bool ok)
{
    struct ppr_domain *pd = d->ppr;

    if ( !ok || !pd )
        return;

    /* p2m lock held: registration cannot change under our feet. */
    if ( pd->registered )
    {
        pd->hv.stats.refaulted++;
        ppr_hv_refault(&pd->arr, gfn);
    }
    else
    {
        spin_lock(&ppr_retired_lock);
        ppr_retired.refaulted++;
        spin_unlock(&ppr_retired_lock);
    }
}

/* ------------------------------------------------------------- scanning */

static bool ppr_reclaim_on(const struct ppr_domain *pd)
{
    return (pd->policy.flags & XEN_PPR_POLICY_RECLAIM) &&
           !pd->d->is_dying && ppr_p2m_supported(pd->d);
}

/* Is a scan step of pd due at now (pd->lock held or racy hint)? */
static bool ppr_due(const struct ppr_domain *pd, s_time_t now, bool urgent)
{
    if ( !pd->registered || !ppr_reclaim_on(pd) )
        return false;
    if ( pd->in_pass || now >= pd->next_pass )
        return true;

    return urgent &&
           now >= pd->pass_start + MILLISECS(pd->policy.min_age_ms);
}

/*
 * One locked step of at most n entries (pd->lock held).  Returns true if
 * the pass goes on.
 */
static bool ppr_scan_step(struct ppr_domain *pd, unsigned int n)
{
    s_time_t t0 = NOW();
    bool more;

    if ( !pd->in_pass )
    {
        pd->in_pass = true;
        pd->pass_start = t0;
        pd->pass_aged = pd->hv.stats.aged;
    }

    pd->pb.reserve_pages = pd->policy.reserve_mib << (20 - PAGE_SHIFT);

    ppr_p2m_lock(pd->d);
    more = ppr_hv_scan(&pd->hv, n);
    pd->hv.stats.scan_ns += NOW() - t0;
    ppr_p2m_unlock(pd->d);

    if ( !more )
    {
        s_time_t gap = MILLISECS(pd->policy.period_ms);

        /*
         * Pages this pass aged are claimed by the next one, half a period
         * later (but not within min_age_ms): a page freed just behind a
         * pass is back within 1.5 periods plus a pass, not 2 plus a pass.
         */
        if ( pd->hv.stats.aged != pd->pass_aged )
            gap = max(gap / 2, (s_time_t)MILLISECS(pd->policy.min_age_ms));

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
    struct ppr_domain *pd;
    bool more = false, stop = false;

    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        if ( stop )
        {
            more = more || ppr_due(pd, NOW(), urgent);
            continue;
        }

        if ( !spin_trylock(&pd->lock) )
        {
            /* Another CPU scans it. */
            continue;
        }

        while ( ppr_due(pd, NOW(), urgent) )
        {
            ppr_scan_step(pd, PPR_STEP);
            if ( softirq_pending(cpu) || NOW() >= deadline )
            {
                stop = true;
                more = more || ppr_due(pd, NOW(), false);
                break;
            }
        }

        spin_unlock(&pd->lock);
    }
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

bool ppr_reclaim_sync(unsigned long nr)
{
    struct ppr_domain *pd;
    uint64_t got = 0;

    if ( !read_atomic(&ppr_nr_registered) || in_irq() ||
         !local_irq_is_enabled() || system_state != SYS_STATE_active ||
         this_cpu(ppr_in_reclaim) )
        return false;

    this_cpu(ppr_in_reclaim) = true;

    read_lock(&ppr_list_lock);
    list_for_each_entry ( pd, &ppr_list, list )
    {
        uint64_t before, limit, done = 0;

        spin_lock(&pd->lock);

        /*
         * Up to two passes: the first ages FREE pages, the next claims
         * them.  Passes start early, but not within min_age_ms.
         */
        before = pd->hv.stats.frames_returned;
        limit = 2 * pd->arr.nr_entries + PPR_STEP;
        while ( ppr_due(pd, NOW(), true) && done < limit &&
                got + pd->hv.stats.frames_returned - before < nr )
        {
            ppr_scan_step(pd, PPR_STEP);
            done += PPR_STEP;
        }
        pd->hv.stats.sync_returned += pd->hv.stats.frames_returned - before;
        got += pd->hv.stats.frames_returned - before;

        spin_unlock(&pd->lock);

        if ( got >= nr )
            break;
    }
    read_unlock(&ppr_list_lock);

    this_cpu(ppr_in_reclaim) = false;

    ppr_kick();

    return got != 0;
}

/* ------------------------------------------------------------- waiting */

static void cf_check ppr_wait_timer_fn(void *data)
{
    struct ppr_domain *pd = data;
    struct domain *d = pd->d;
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
        if ( test_and_clear_bit(i, pd->waiting) && d->vcpu[i] )
            vcpu_unpause(d->vcpu[i]);
}

void ppr_vcpu_wait(struct vcpu *v)
{
    struct ppr_domain *pd = v->domain->ppr;

    if ( !pd || !pd->waiting || test_and_set_bit(v->vcpu_id, pd->waiting) )
        return;

    arch_fetch_and_add(&pd->fault_waits, 1);

    /* As mem paging does: the vCPU is descheduled before it re-enters. */
    vcpu_pause_nosync(v);
    set_timer(&pd->wait_timer, NOW() + PPR_WAIT_NS);
    ppr_kick();
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
    if ( reg->nr_entries > PPR_MAX_ENTRIES || n > PPR_MAX_FRAMES )
        return -E2BIG;

    spin_lock(&pd->reg_lock);

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

        pg = get_page_from_gfn(d, gfns[got], &t, P2M_ALLOC);
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
    ppr_p2m_lock(d);
    if ( ppr_array_init(&pd->arr, state, reg->nr_entries) ||
         ppr_hv_init(&pd->hv, &pd->arr, 0, reg->nr_entries, pd->batch,
                     PPR_BATCH, &ppr_ops, pd) )
    {
        ppr_p2m_unlock(d);
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
    ppr_p2m_unlock(d);
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
    struct xen_ppr_stats s;
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
    ppr_p2m_lock(d);
    ppr_stats_read(pd, &s);
    pd->registered = false;
    pd->in_pass = false;
    state = pd->state;
    pages = pd->pages;
    n = pd->nr_frames;
    pd->state = NULL;
    pd->pages = NULL;
    pd->nr_frames = 0;
    ppr_p2m_unlock(d);
    spin_unlock(&pd->lock);

    spin_unlock(&pd->reg_lock);

    spin_lock(&ppr_retired_lock);
    ppr_stats_add(&ppr_retired, &s);
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

    pd->waiting = xzalloc_array(unsigned long, BITS_TO_LONGS(d->max_vcpus));
    if ( !pd->waiting )
    {
        xfree(pd);
        return -ENOMEM;
    }

    pd->d = d;
    pd->pb.d = d;
    spin_lock_init(&pd->reg_lock);
    spin_lock_init(&pd->lock);
    INIT_LIST_HEAD(&pd->list);
    init_timer(&pd->wait_timer, ppr_wait_timer_fn, pd, 0);

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
    kill_timer(&pd->wait_timer);
    ppr_wait_timer_fn(pd);
}

void ppr_domain_free(struct domain *d)
{
    struct ppr_domain *pd = d->ppr;

    if ( !pd )
        return;

    /* domain_create() failure: nothing was registered yet. */
    ASSERT(!pd->registered);
    kill_timer(&pd->wait_timer);
    xfree(pd->waiting);
    xfree(pd);
    d->ppr = NULL;
}

/* ------------------------------------------------------------ hypercall */

static bool ppr_caller_compat(void)
{
    struct vcpu *curr = current;

    if ( is_pv_vcpu(curr) )
        return is_pv_32bit_vcpu(curr);

    return hvm_guest_x86_mode(curr) != 8;
}

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

    if ( !opt_ppr || !currd->ppr || !is_hvm_domain(currd) ||
         !hap_enabled(currd) )
        rc = -EOPNOTSUPP;
    else
        q.features = XEN_PPR_F_AGING | XEN_PPR_F_ZERO_REFAULT |
                     XEN_PPR_F_REMOTE_STATS | XEN_PPR_F_POLICY;

    if ( copy_to_guest(guest_handle_cast(arg, xen_ppr_query_t), &q, 1) )
        return -EFAULT;

    return rc;
}

static int ppr_get_stats(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *currd = current->domain, *d;
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
        rc = xsm_sysctl(XSM_PRIV, XEN_SYSCTL_physinfo);
        if ( rc )
            return -EPERM;
        ppr_global_stats(&s);
    }
    else
    {
        d = rcu_lock_domain_by_any_id(gs.domid);
        if ( !d )
            return -ESRCH;

        rc = 0;
        if ( d != currd && xsm_memory_stat_reservation(XSM_TARGET, currd, d) )
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

static int ppr_policy(XEN_GUEST_HANDLE_PARAM(void) arg, bool set)
{
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
        /* Setting the default is like setting a runtime parameter. */
        rc = set ? xsm_hypfs_op(XSM_PRIV)
                 : xsm_sysctl(XSM_PRIV, XEN_SYSCTL_physinfo);
        if ( rc )
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

        rc = set ? xsm_domctl(XSM_OTHER, d, XEN_DOMCTL_max_mem, 0)
                 : xsm_memory_stat_reservation(XSM_TARGET,
                                               current->domain, d);
        if ( rc )
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

long do_ppr_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *currd = current->domain;
    int rc;

    if ( ppr_caller_compat() )
        return -EOPNOTSUPP;

    switch ( cmd )
    {
    case XEN_PPROP_query:
        return ppr_query(arg);

    case XEN_PPROP_register:
    {
        struct xen_ppr_register reg;

        if ( !opt_ppr || !currd->ppr || !is_hvm_domain(currd) ||
             !ppr_p2m_supported(currd) )
            return -EOPNOTSUPP;
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
        rc = ppr_policy(arg, cmd == XEN_PPROP_set_policy);
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
    printk("PPR %s: entries %"PRIu64" passes %"PRIu64" scanned %"PRIu64
           " seen_free %"PRIu64" aged %"PRIu64"\n",
           who, s->nr_entries, s->passes, s->scanned, s->seen_free, s->aged);
    printk("  claimed %"PRIu64" reclaimed %"PRIu64" restored %"PRIu64
           " refused %"PRIu64" (refs %"PRIu64") empty %"PRIu64"\n",
           s->claimed, s->reclaimed, s->restored, s->refused,
           s->refused_refs, s->already_empty);
    printk("  returned %"PRIu64" (sync %"PRIu64") refaulted %"PRIu64
           " waits %"PRIu64" invalid %"PRIu64"\n",
           s->frames_returned, s->sync_returned, s->refaulted,
           s->fault_waits, s->invalid_seen);
    printk("  batches %"PRIu64" flushes %"PRIu64" scan %"PRIu64"us\n",
           s->batches, s->flushes, s->scan_ns / 1000);
}

static void cf_check ppr_dump(unsigned char key)
{
    struct xen_ppr_stats s;
    struct ppr_domain *pd;

    printk("PPR: %s, period %ums, low %lu pages, %u domain(s) registered\n",
           opt_ppr ? "enabled" : "disabled", ppr_default.period_ms,
           ppr_low_pages, ppr_nr_registered);

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
               ppr_p2m_supported(pd->d) ? "scanning" : "not scannable");
        spin_unlock(&pd->lock);
        ppr_dump_stats(who, &s);
    }
    read_unlock(&ppr_list_lock);

    ppr_global_stats(&s);
    ppr_dump_stats("total", &s);
}

/* ------------------------------------------------------------- selftest */

/*
 * "ppr=selftest": run the core inside Xen against an array in Xen memory
 * with stub callbacks: proves the atomics and scan logic of this build.
 */
static unsigned int __initdata ppr_st_unmapped, ppr_st_freed,
    ppr_st_restored, ppr_st_flushes;

static enum ppr_unmap_result __init cf_check ppr_st_unmap(void *priv,
                                                         uint64_t gfn)
{
    if ( gfn == 7 )
        return PPR_UNMAP_REFUSED;
    ppr_st_unmapped++;
    if ( gfn == 9 )
        /* The guest re-allocates it while we unmap. */
        (void)xchg(&((uint8_t *)priv)[gfn], XEN_PPR_INUSE);

    return PPR_UNMAP_OK;
}

static void __init cf_check ppr_st_flush(void *priv)
{
    ppr_st_flushes++;
}

static void __init cf_check ppr_st_free(void *priv, uint64_t gfn)
{
    ppr_st_freed++;
}

static void __init cf_check ppr_st_restore(void *priv, uint64_t gfn)
{
    ppr_st_restored++;
}

static int __init ppr_selftest(void)
{
    static const struct ppr_hv_ops __initconst ops = {
        .unmap = ppr_st_unmap,
        .flush = ppr_st_flush,
        .free_frame = ppr_st_free,
        .restore = ppr_st_restore,
    };
    struct ppr_array arr;
    struct ppr_hv hv;
    uint64_t batch[4];
    uint8_t *s = alloc_xenheap_page();
    bool ok;

    if ( !s )
        return -ENOMEM;
    clear_page(s);

    ok = !ppr_array_init(&arr, s, 64) &&
         !ppr_hv_init(&hv, &arr, 0, 64, batch, ARRAY_SIZE(batch), &ops, s);
    /* Pages 5..12 freed; 13 holds garbage. */
    ok = ok && ppr_mark_free(&arr, 8, 3, NULL) == 0 &&
         ppr_mark_free(&arr, 5, 0, NULL) == 0 &&
         ppr_mark_free(&arr, 6, 0, NULL) == 0 &&
         ppr_mark_free(&arr, 7, 0, NULL) == 0;
    s[20] = 0xa5;
    ok = ok && !ppr_hv_scan(&hv, 1000) && !ppr_hv_scan(&hv, 1000);
    /* 5,6,8,10..15 freed; 7 refused; 9 restored. */
    ok = ok && hv.stats.aged == 11 && hv.stats.claimed == 11 &&
         hv.stats.refused == 1 && hv.stats.restored == 1 &&
         hv.stats.reclaimed == 9 && ppr_st_freed == 9 &&
         ppr_st_restored == 1 && ppr_st_unmapped == 10 &&
         ppr_st_flushes == hv.stats.flushes && hv.stats.flushes == 3 &&
         hv.stats.invalid_seen == 2 && s[7] == XEN_PPR_FREE &&
         s[9] == XEN_PPR_INUSE && s[5] == XEN_PPR_RECLAIMED &&
         ppr_mark_alloc(&arr, 5, 0, NULL, NULL) == 1 &&
         ppr_hv_refault(&arr, 6) && s[6] == XEN_PPR_INUSE;

    printk("PPR selftest: %s (claimed %"PRIu64" reclaimed %"PRIu64
           " restored %"PRIu64" refused %"PRIu64" flushes %"PRIu64")\n",
           ok ? "SUCCESS" : "FAILURE", hv.stats.claimed, hv.stats.reclaimed,
           hv.stats.restored, hv.stats.refused, hv.stats.flushes);

    free_xenheap_page(s);

    return ok ? 0 : -EIO;
}

static int __init cf_check ppr_init(void)
{
    ppr_default = (struct xen_ppr_policy){
        .flags = XEN_PPR_POLICY_RECLAIM,
        .period_ms = opt_ppr_period_ms,
    };

    if ( opt_ppr_selftest )
        ppr_selftest();

    if ( !opt_ppr )
    {
        printk(XENLOG_INFO "PPR: disabled\n");
        return 0;
    }

    init_timer(&ppr_timer, ppr_timer_fn, NULL, 0);
    register_keyhandler('W', ppr_dump, "dump PPR (page recycler) stats", 1);
    printk(XENLOG_INFO "PPR: enabled, scan period %ums, low watermark %lu "
           "pages\n", opt_ppr_period_ms, ppr_low_pages);

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
