/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common/pageone/pageone.c - PageONE page deduplication in Xen (Dynamic VM).
 *
 * Glue between the portable engine (pageone_core.c, the same file the
 * native tests exercise) and Xen:
 *  - each HAP domain with dedup on is one engine range (gfn 0..n-1),
 *    attached from the housekeeping timer once it has been unpaused and
 *    detached in domain_relinquish_resources() before its shared pages are
 *    released;
 *  - merging and copy-on-write are the architecture's (asm/pageone.h):
 *    a merge write-protects, compares in full and frees the client frame;
 *    a write fault unshares and tells us; all-zero pages are merged into a
 *    zero frame;
 *  - idle CPUs scan in bounded chunks from the idle loop; a timer adds a
 *    CPU budget (percent of one CPU, 0 = idle CPUs only);
 *  - share groups: a domain merges non-zero pages only with domains of its
 *    group (default: its own group); zero pages merge everywhere;
 *  - pageone_op (public/pageone.h) for policy and stats, keyhandler 'j'.
 *
 * The audit sub-op and the 'j' key's census of leftovers are test
 * interfaces, in pageone_audit.c (CONFIG_DVM_TESTING).
 *
 * Locking:
 *  - po_lock (spinlock): attach, detach, policy and share groups; a
 *    domain's range (pd->cur) only changes under it;
 *  - the engine's page try-locks: the engine never waits for one;
 *  - p2m and sharing locks: taken by the architecture's merge, inside
 *    the merge op;
 *  - po_rcu: the engine's read-side sections and deferred frees, and the
 *    per-domain state read by the COW notification.
 * LOCKING_* are the checks for ASSERT()s at function entry.
 *
 * See docs/pageone-xen.md.
 */

#include <xen/init.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/keyhandler.h>
#include <xen/rcupdate.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>
#include <xen/mem_pressure.h>
#include <xen/pageone.h>
#include <xsm/xsm.h>
#include <asm/pageone.h>
#include <public/pageone.h>

#include "pageone_core.h"
#include "private.h"

#define PO_TICK_NS          MILLISECS(100)  /* housekeeping / budget tick */
#define PO_IDLE_BUDGET      256U            /* pages per idle-loop call */
#define PO_MAX_GROUPS       64U
#define PO_OWN_GROUP        0x80000000U     /* | domid: a domain alone */

/*
 * pageone=<bool>,run=<bool>,dedup=<bool>,budget=<pct>,period=<ms>,group=<id>
 *
 * dedup is the default for new domains.  It is off: merging is an
 * administrator's choice per domain (pageone_op domain_set, xl-ppr).
 */
static bool __read_mostly opt_pageone = true;
static bool __read_mostly po_run = true;
static bool __read_mostly po_default_dedup;
static unsigned int __read_mostly po_budget = 10;
static unsigned int __read_mostly po_period_ms = 1000;
static unsigned int __read_mostly po_default_group;

static int __init cf_check parse_pageone(const char *s)
{
    const char *ss;
    int val, rc = 0;

    do {
        unsigned long v;

        ss = strchr(s, ',');
        if ( !ss )
            ss = strchr(s, '\0');

        if ( (val = parse_bool(s, ss)) >= 0 )
            opt_pageone = val;
        else if ( (val = parse_boolean("run", s, ss)) >= 0 )
            po_run = val;
        else if ( (val = parse_boolean("dedup", s, ss)) >= 0 )
            po_default_dedup = val;
        else if ( !strncmp(s, "budget=", 7) )
        {
            v = simple_strtoul(s + 7, &s, 0);
            if ( s != ss || v > 100 )
                rc = -EINVAL;
            else
                po_budget = v;
        }
        else if ( !strncmp(s, "period=", 7) )
        {
            v = simple_strtoul(s + 7, &s, 0);
            if ( s != ss || v < 100 || v > 3600000 )
                rc = -EINVAL;
            else
                po_period_ms = v;
        }
        else if ( !strncmp(s, "group=", 6) )
        {
            v = simple_strtoul(s + 6, &s, 0);
            if ( s != ss || v >= PO_OWN_GROUP )
                rc = -EINVAL;
            else
                po_default_group = v;
        }
        else
            rc = -EINVAL;

        s = ss + 1;
    } while ( *ss );

    return rc;
}
custom_param("pageone", parse_pageone);

/* Per domain: policy, counters and the range being scanned. */
struct pageone_domain {
    struct domain *d;
    bool dedup;
    bool unsupported;
    unsigned int group;
    struct po_range *cur;
    unsigned long scanned, merged, zero_merged, cow_breaks;
    struct rcu_head rcu;
};

/* One engine range: a domain's gfns [0, r.nr). */
struct po_range {
    struct pageone_range r;
    struct pageone_group own;
    struct pageone_domain *pd;
    struct domain *d;
    unsigned long meta_bytes;
};

struct po_group_slot {
    unsigned int id;
    bool used;
    struct pageone_group g;     /* static: entries may point at it */
};

static bool __read_mostly po_enabled;
static struct pageone po_engine;
static DEFINE_SPINLOCK(po_lock);        /* attach/detach/policy/groups */
#define LOCKING_po_lock (spin_is_locked(&po_lock))
static struct po_group_slot po_groups[PO_MAX_GROUPS];
static unsigned int po_nr_domains;
static unsigned long po_meta_bytes;
static struct timer po_timer;
static s_time_t po_last_kick;
/* Merges left alone because the heap was below its low watermark. */
static unsigned long po_pressure_skips;
static unsigned long po_idle_ns, po_timer_ns;
static DEFINE_RCU_READ_LOCK(po_rcu);
static DEFINE_PER_CPU(s_time_t, po_deadline);

static const uint8_t __aligned(PAGE_SIZE) po_zeros[PAGE_SIZE];

/* ---- engine ops ------------------------------------------------------ */

static void *cf_check po_zalloc(void *ctx, unsigned long size)
{
    void *p = _xzalloc(size, 64);

    pageone_count_block(p, 1);
    return p;
}

static void cf_check po_free(void *ctx, void *p)
{
    pageone_count_block(p, -1);
    xfree(p);
}

static unsigned int cf_check po_cpu_id(void *ctx)
{
    return smp_processor_id();
}

static bool cf_check po_should_stop(void *ctx)
{
    s_time_t dl = this_cpu(po_deadline);

    /* Budgeted timer slice: the deadline alone bounds it. */
    if ( dl )
        return NOW() >= dl;

    return softirq_pending(smp_processor_id());
}

/*
 * A stable frame of the engine is its tree entry's frame handle: a pointer
 * to the architecture's name of the shared frame, which holds one
 * reference for the engine.
 */
static const void *cf_check po_map(void *ctx, const struct pageone_mref *m)
{
    struct po_range *pr;
    struct page_info *pg;

    if ( !m->range )
    {
        const struct arch_pageone_frame *f = (const void *)(uintptr_t)m->frame;

        if ( m->frame == PAGEONE_FRAME_ZERO )
            return po_zeros;
        return map_domain_page(f->mfn);
    }

    pr = container_of(m->range, struct po_range, r);
    if ( pr->d->is_dying )
        return NULL;

    pg = arch_pageone_get_ram(pr->d, _gfn(m->idx));
    if ( !pg )
        return NULL;
    arch_fetch_and_add(&pr->pd->scanned, 1);

    return map_domain_page(page_to_mfn(pg));
}

static void cf_check po_unmap(void *ctx, const struct pageone_mref *m,
                              const void *va)
{
    mfn_t mfn;

    if ( !m->range && m->frame == PAGEONE_FRAME_ZERO )
        return;

    mfn = domain_page_map_to_mfn(va);
    unmap_domain_page(va);
    if ( m->range )
        put_page(mfn_to_page(mfn));
}

static int cf_check po_merge(void *ctx, struct pageone_mref *dst,
                             const struct pageone_mref *src)
{
    struct po_range *sr = container_of(src->range, struct po_range, r);
    struct domain *sd = sr->d;
    gfn_t sgfn = _gfn(src->idx);
    int rc;

    if ( sd->is_dying )
        return -EBUSY;

    /* Below the low watermark every merge is a copy the host may lack. */
    if ( mem_below_low() )
    {
        arch_fetch_and_add(&po_pressure_skips, 1);
        return -EBUSY;
    }

    if ( dst->range )
    {
        /* A candidate partner: it becomes the shared frame. */
        struct po_range *dr = container_of(dst->range, struct po_range, r);
        struct arch_pageone_frame *f;

        if ( dr->d->is_dying )
            return -EBUSY;
        f = xmalloc(struct arch_pageone_frame);
        if ( !f )
            return -ENOMEM;
        rc = arch_pageone_merge_new(dr->d, _gfn(dst->idx), sd, sgfn, f);
        if ( rc )
        {
            xfree(f);
            return rc;
        }
        dst->frame = (uintptr_t)f;
        arch_fetch_and_add(&sr->pd->merged, 1);
        return 0;
    }

    if ( dst->frame == PAGEONE_FRAME_ZERO )
    {
        rc = arch_pageone_merge_zero(sd, sgfn);
        if ( !rc )
            arch_fetch_and_add(&sr->pd->zero_merged, 1);
        return rc;
    }

    rc = arch_pageone_merge((const void *)(uintptr_t)dst->frame, sd, sgfn);
    if ( !rc )
        arch_fetch_and_add(&sr->pd->merged, 1);

    return rc;
}

static void cf_check po_frame_put(void *ctx, uint64_t frame)
{
    struct arch_pageone_frame *f = (void *)(uintptr_t)frame;

    if ( frame == PAGEONE_FRAME_ZERO || frame == PAGEONE_FRAME_NONE )
        return;
    arch_pageone_frame_put(f);
    xfree(f);
}

static void cf_check po_rcu_read_lock(void *ctx)
{
    rcu_read_lock(&po_rcu);
}

static void cf_check po_rcu_read_unlock(void *ctx)
{
    rcu_read_unlock(&po_rcu);
}

static void cf_check po_rcu_cb(struct rcu_head *h)
{
    struct pageone_rcu_head *ph =
        container_of((void *)h, struct pageone_rcu_head, port_priv);

    ph->fn(ph);
}

static void cf_check po_call_rcu(void *ctx, struct pageone_rcu_head *head)
{
    BUILD_BUG_ON(sizeof(struct rcu_head) > sizeof(head->port_priv));
    call_rcu((struct rcu_head *)head->port_priv, po_rcu_cb);
}

static const struct pageone_ops po_ops = {
    .zalloc = po_zalloc,
    .free = po_free,
    .cpu_id = po_cpu_id,
    .should_stop = po_should_stop,
    .map = po_map,
    .unmap = po_unmap,
    .merge = po_merge,
    .frame_put = po_frame_put,
    .rcu_read_lock = po_rcu_read_lock,
    .rcu_read_unlock = po_rcu_read_unlock,
    .call_rcu = po_call_rcu,
};

/* ---- domains --------------------------------------------------------- */

static struct pageone_group *po_group_get(unsigned int id)
{
    unsigned int i, free = PO_MAX_GROUPS;

    ASSERT(LOCKING_po_lock);

    for ( i = 0; i < PO_MAX_GROUPS; i++ )
    {
        if ( po_groups[i].used && po_groups[i].id == id )
            return &po_groups[i].g;
        if ( !po_groups[i].used && free == PO_MAX_GROUPS )
            free = i;
    }
    if ( free == PO_MAX_GROUPS )
        return NULL;

    /* Groups live as long as Xen (no allocation: leak checks stay exact). */
    pageone_group_init(&po_groups[free].g, id);
    po_groups[free].id = id;
    po_groups[free].used = true;

    return &po_groups[free].g;
}

static void cf_check po_range_release(struct pageone_range *r)
{
    struct po_range *pr = container_of(r, struct po_range, r);

    vfree(r->pages);
    xfree(pr);
}

static struct pageone_domain *po_domain_get(struct domain *d)
{
    struct pageone_domain *pd = d->pageone;

    ASSERT(LOCKING_po_lock);

    if ( pd || d->is_dying )
        return pd;

    pd = xzalloc(struct pageone_domain);
    if ( !pd )
        return NULL;
    pd->d = d;
    pd->dedup = po_default_dedup;
    pd->group = po_default_group;
    d->pageone = pd;

    return pd;
}

static void po_range_detach(struct pageone_domain *pd)
{
    struct po_range *pr = pd->cur;

    ASSERT(LOCKING_po_lock);

    if ( !pr )
        return;

    write_atomic(&pd->cur, NULL);
    po_meta_bytes -= pr->meta_bytes;
    po_nr_domains--;
    /* Drops every entry; po_range_release() after a grace period. */
    pageone_range_remove(&po_engine, &pr->r);
}

static int po_range_attach(struct pageone_domain *pd)
{
    struct domain *d = pd->d;
    struct po_range *pr;
    unsigned long nr;
    int rc;

    ASSERT(LOCKING_po_lock);

    if ( pd->cur || pd->unsupported || !pd->dedup || d->is_dying )
        return 0;

    /* RAM below the first hole: gfns up to the domain's allocation. */
    nr = min_t(unsigned long, arch_pageone_nr_gfns(d), d->max_pages);
    if ( !nr )
        return 0;

    rc = arch_pageone_enable(d);
    if ( rc )
    {
        pd->unsupported = true;
        return rc;
    }

    pr = xzalloc(struct po_range);
    if ( !pr )
        return -ENOMEM;
    pr->meta_bytes = nr * sizeof(struct pageone_page);
    pr->r.pages = vzalloc(pr->meta_bytes);
    if ( !pr->r.pages )
    {
        xfree(pr);
        return -ENOMEM;
    }
    if ( pd->group )
        pr->r.group = po_group_get(pd->group);
    else
    {
        pageone_group_init(&pr->own, PO_OWN_GROUP | d->domain_id);
        pr->r.group = &pr->own;
    }
    pr->r.nr = nr;
    pr->r.priv = pr;
    pr->r.release = po_range_release;
    pr->pd = pd;
    pr->d = d;

    rc = pr->r.group ? pageone_range_add(&po_engine, &pr->r) : -ENOSPC;
    if ( rc )
    {
        vfree(pr->r.pages);
        xfree(pr);
        return rc;
    }
    po_meta_bytes += pr->meta_bytes;
    po_nr_domains++;
    write_atomic(&pd->cur, pr);
    pageone_kick(&po_engine);

    return 0;
}

static bool po_candidate_domain(const struct domain *d)
{
    return !d->is_dying && d->creation_finished && !is_control_domain(d) &&
           arch_pageone_capable(d);
}

/* Timer: attach new domains with dedup on. */
static void po_attach_new(void)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct pageone_domain *pd = d->pageone;

        if ( (pd && (pd->cur || pd->unsupported || !pd->dedup)) ||
             !po_candidate_domain(d) )
            continue;

        spin_lock(&po_lock);
        pd = po_domain_get(d);
        if ( pd )
            po_range_attach(pd);
        spin_unlock(&po_lock);
    }
    rcu_read_unlock(&domlist_read_lock);
}

static void cf_check po_pd_free(struct rcu_head *h)
{
    xfree(container_of(h, struct pageone_domain, rcu));
}

void pageone_domain_detach(struct domain *d)
{
    struct pageone_domain *pd;

    if ( !po_enabled )
        return;

    spin_lock(&po_lock);
    pd = d->pageone;
    if ( pd )
    {
        po_range_detach(pd);
        write_atomic(&d->pageone, NULL);
        call_rcu(&pd->rcu, po_pd_free);
    }
    spin_unlock(&po_lock);
}

void pageone_unshared(struct domain *d, unsigned long gfn)
{
    struct pageone_domain *pd;
    struct po_range *pr;

    rcu_read_lock(&po_rcu);
    pd = read_atomic(&d->pageone);
    if ( pd )
    {
        arch_fetch_and_add(&pd->cow_breaks, 1);
        pr = read_atomic(&pd->cur);
        if ( pr && gfn < pr->r.nr )
            pageone_cow_break(&po_engine, &pr->r, gfn);
    }
    rcu_read_unlock(&po_rcu);
}

/* ---- scanning -------------------------------------------------------- */

bool pageone_idle_scan(void)
{
    s_time_t t;
    bool more;

    /* Below the low watermark: no merging, so no point in hashing. */
    if ( !po_enabled || !po_run || mem_below_low() )
        return false;

    t = NOW();
    this_cpu(po_deadline) = 0;
    more = pageone_scan(&po_engine, PO_IDLE_BUDGET);
    arch_fetch_and_add(&po_idle_ns, NOW() - t);

    return more;
}

static void cf_check po_timer_fn(void *unused)
{
    s_time_t now = NOW();

    po_attach_new();

    if ( now - po_last_kick >= MILLISECS(po_period_ms) )
    {
        po_last_kick = now;
        pageone_kick(&po_engine);
    }

    if ( po_run && po_budget && !mem_below_low() )
    {
        s_time_t dl = now + PO_TICK_NS * po_budget / 100;

        this_cpu(po_deadline) = dl;
        while ( NOW() < dl && pageone_scan(&po_engine, ~0U) )
            ;
        this_cpu(po_deadline) = 0;
        arch_fetch_and_add(&po_timer_ns, NOW() - now);
    }

    set_timer(&po_timer, NOW() + PO_TICK_NS);
}

/* ---- stats ----------------------------------------------------------- */

static void po_stats_fill(struct xen_pageone_stats *o,
                          struct pageone_group *g)
{
    struct pageone_stats s;

    pageone_stats_read(&po_engine, g, &s);
#define PO_STAT_COPY(n, kind, type, unit, desc) o->n = s.v[PAGEONE_STAT_##n];
    XEN_PAGEONE_STATS(PO_STAT_COPY)
#undef PO_STAT_COPY
}

static void po_info_fill(struct xen_pageone_info *info)
{
    struct pageone_stats s;

    memset(info, 0, sizeof(*info));
    info->version = XEN_PAGEONE_INTERFACE_VERSION;
    info->flags = (po_enabled ? XEN_PAGEONE_F_ENABLED : 0) |
                  (po_enabled && po_run ? XEN_PAGEONE_F_RUNNING : 0);
    info->budget_pct = po_budget;
    info->period_ms = po_period_ms;
    info->default_group = po_default_group;
    if ( !po_enabled )
        return;
    info->nr_domains = po_nr_domains;
    pageone_stats_read(&po_engine, NULL, &s);
    info->full_scans = s.full_scans;
    info->idle_ns = po_idle_ns;
    info->timer_ns = po_timer_ns;
    info->meta_bytes = po_meta_bytes;
    info->sharing_saved = arch_pageone_saved();
    po_stats_fill(&info->stats, NULL);
}

/* pd->cur is stable under po_lock. */
static void po_domain_fill(struct pageone_domain *pd,
                           struct xen_pageone_domain *o)
{
    struct po_range *pr = pd->cur;
    struct domain *d = pd->d;
    unsigned long i;

    ASSERT(LOCKING_po_lock);

    o->flags = (pd->dedup ? XEN_PAGEONE_D_DEDUP : 0) |
               (pr ? XEN_PAGEONE_D_ATTACHED : 0);
    o->group = pd->group;
    o->scanned = pd->scanned;
    o->merged = pd->merged;
    o->zero_merged = pd->zero_merged;
    o->cow_breaks = pd->cow_breaks;
    o->shr_pages = atomic_read(&d->shr_pages);
    o->tot_pages = domain_tot_pages(d);
    if ( !pr )
        return;

    o->nr_pages = pr->r.nr;
    o->meta_bytes = pr->meta_bytes;
    for ( i = 0; i < pr->r.nr; i++ )
    {
        switch ( pageone_page_state(&pr->r.pages[i], NULL) )
        {
        case PAGEONE_PS_SHARED:
            o->pages_shared++;
            break;
        case PAGEONE_PS_ZERO:
            o->zero_pages++;
            break;
        case PAGEONE_PS_CANDIDATE:
            o->candidates++;
            break;
        default:
            break;
        }
    }
    po_stats_fill(&o->group_stats, pr->r.group);
}

static int po_domain_op(unsigned int cmd, struct xen_pageone_domain *o)
{
    struct pageone_domain *pd;
    struct domain *d;
    int rc = 0;

    d = rcu_lock_domain_by_id(o->domid);
    if ( !d )
        return -ESRCH;

    if ( xsm_pageone_op(XSM_PRIV, d, cmd) )
    {
        rcu_unlock_domain(d);
        return -EPERM;
    }

    if ( o->pad || (cmd == XEN_PAGEONE_OP_domain_set &&
                    ((o->mask & ~(XEN_PAGEONE_DSET_DEDUP |
                                  XEN_PAGEONE_DSET_GROUP)) ||
                     ((o->mask & XEN_PAGEONE_DSET_GROUP) &&
                      o->group >= PO_OWN_GROUP))) )
    {
        rcu_unlock_domain(d);
        return -EINVAL;
    }

    spin_lock(&po_lock);
    pd = po_domain_get(d);
    if ( !pd )
    {
        rc = d->is_dying ? -EBUSY : -ENOMEM;
        goto out;
    }

    if ( cmd == XEN_PAGEONE_OP_domain_set )
    {
        bool dedup = pd->dedup;
        unsigned int group = pd->group;

        if ( o->mask & XEN_PAGEONE_DSET_DEDUP )
            dedup = o->flags & XEN_PAGEONE_D_DEDUP;
        if ( o->mask & XEN_PAGEONE_DSET_GROUP )
            group = o->group;
        if ( group && !po_group_get(group) )
        {
            rc = -ENOSPC;
            goto out;
        }
        if ( dedup != pd->dedup || group != pd->group )
        {
            /*
             * Start over with the new policy.  Pages merged so far stay
             * merged until written (copy-on-write keeps them consistent).
             */
            po_range_detach(pd);
            pd->dedup = dedup;
            pd->group = group;
            if ( po_candidate_domain(d) )
                po_range_attach(pd);
        }
    }

    memset(&o->nr_pages, 0,
           sizeof(*o) - offsetof(struct xen_pageone_domain, nr_pages));
    po_domain_fill(pd, o);

 out:
    spin_unlock(&po_lock);
    rcu_unlock_domain(d);
    return rc;
}

static int po_set(const struct xen_pageone_set *s)
{
    if ( (s->mask & ~(XEN_PAGEONE_SET_RUN | XEN_PAGEONE_SET_BUDGET |
                      XEN_PAGEONE_SET_PERIOD | XEN_PAGEONE_SET_GROUP)) ||
         s->pad ||
         ((s->mask & XEN_PAGEONE_SET_RUN) && s->run > 1) ||
         ((s->mask & XEN_PAGEONE_SET_BUDGET) && s->budget_pct > 100) ||
         ((s->mask & XEN_PAGEONE_SET_PERIOD) &&
          (s->period_ms < 100 || s->period_ms > 3600000)) ||
         ((s->mask & XEN_PAGEONE_SET_GROUP) &&
          s->default_group >= PO_OWN_GROUP) )
        return -EINVAL;

    if ( s->mask & XEN_PAGEONE_SET_BUDGET )
        write_atomic(&po_budget, s->budget_pct);
    if ( s->mask & XEN_PAGEONE_SET_PERIOD )
        write_atomic(&po_period_ms, s->period_ms);
    if ( s->mask & XEN_PAGEONE_SET_GROUP )
        write_atomic(&po_default_group, s->default_group);
    if ( s->mask & XEN_PAGEONE_SET_RUN )
    {
        write_atomic(&po_run, s->run);
        if ( s->run )
            pageone_kick(&po_engine);
    }

    return 0;
}

/* ---- hypercall ------------------------------------------------------- */

long do_pageone_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    int rc;

    /* A domain's state is checked against that domain (po_domain_op()). */
    if ( cmd != XEN_PAGEONE_OP_domain_get &&
         cmd != XEN_PAGEONE_OP_domain_set &&
         xsm_pageone_op(XSM_PRIV, NULL, cmd) )
        return -EPERM;

    if ( cmd == XEN_PAGEONE_OP_info )
    {
        struct xen_pageone_info info;

        po_info_fill(&info);
        return copy_to_guest(arg, &info, 1) ? -EFAULT : 0;
    }

    if ( !po_enabled )
        return -EOPNOTSUPP;

    switch ( cmd )
    {
    case XEN_PAGEONE_OP_set:
    {
        struct xen_pageone_set s;

        if ( copy_from_guest(&s, arg, 1) )
            return -EFAULT;
        rc = po_set(&s);
        break;
    }

    case XEN_PAGEONE_OP_domain_get:
    case XEN_PAGEONE_OP_domain_set:
    {
        struct xen_pageone_domain o;

        if ( copy_from_guest(&o, arg, 1) )
            return -EFAULT;
        rc = po_domain_op(cmd, &o);
        if ( !rc && copy_to_guest(arg, &o, 1) )
            rc = -EFAULT;
        break;
    }

    case XEN_PAGEONE_OP_audit:
        rc = pageone_audit_op(arg);
        break;

    default:
        rc = -EINVAL;
        break;
    }

    return rc;
}

/* ---- keyhandler and init ---------------------------------------------- */

/* The table's kinds, in the order of the dump's lines (a line each). */
enum { PO_KIND_counter, PO_KIND_gauge, PO_NR_KINDS };
/* printk formats by the table's type column. */
#define PO_FMT_uint64_t PRIu64
#define PO_FMT_int64_t  PRId64

static void po_dump_stats(const char *who, const struct xen_pageone_stats *s)
{
    unsigned int kind;

    for ( kind = 0; kind < PO_NR_KINDS; kind++ )
    {
        const char *sep = ":";

        printk("%s", who);
#define PO_DUMP(n, k, type, unit, desc)                                      \
        if ( PO_KIND_##k == kind )                                           \
        {                                                                    \
            printk("%s " #n " %" PO_FMT_##type " " unit, sep, s->n);         \
            sep = ",";                                                       \
        }
        XEN_PAGEONE_STATS(PO_DUMP)
#undef PO_DUMP
        printk("\n");
    }
}

static void cf_check po_dump(unsigned char key)
{
    struct xen_pageone_info info;
    struct domain *d;

    po_info_fill(&info);
    printk("PageONE: %s, %s, budget %u%%, period %u ms, default group %u, "
           "%u domains, %lu full scans, idle %lu ms, timer %lu ms, "
           "metadata %lu KiB, mem_sharing saved %lu, merges skipped "
           "below the low watermark %lu\n",
           po_enabled ? "enabled" : "disabled",
           po_run ? "running" : "stopped", info.budget_pct, info.period_ms,
           info.default_group, info.nr_domains, info.full_scans,
           info.idle_ns / MILLISECS(1), info.timer_ns / MILLISECS(1),
           info.meta_bytes >> 10, info.sharing_saved,
           read_atomic(&po_pressure_skips));
    if ( !po_enabled )
        return;
    po_dump_stats("PageONE global", &info.stats);

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct xen_pageone_domain o = {};

        if ( !d->pageone )
            continue;
        spin_lock(&po_lock);
        if ( d->pageone )
            po_domain_fill(d->pageone, &o);
        spin_unlock(&po_lock);
        printk("PageONE %pd: dedup %d attached %d group %u pages %lu "
               "scanned %lu merged %lu zero-merged %lu cow %lu shared %lu "
               "zero %lu candidates %lu shr_pages %lu tot_pages %lu\n",
               d, !!(o.flags & XEN_PAGEONE_D_DEDUP),
               !!(o.flags & XEN_PAGEONE_D_ATTACHED), o.group, o.nr_pages,
               o.scanned, o.merged, o.zero_merged, o.cow_breaks,
               o.pages_shared, o.zero_pages, o.candidates, o.shr_pages,
               o.tot_pages);
    }
    rcu_read_unlock(&domlist_read_lock);
    pageone_census(po_nr_domains);
}

static int __init cf_check pageone_init_xen(void)
{
    int rc;

    register_keyhandler('j', po_dump, "dump PageONE (dedup) stats", 1);

    if ( !opt_pageone )
    {
        printk(XENLOG_INFO "PageONE: disabled on the command line\n");
        return 0;
    }

    rc = pageone_init(&po_engine, &po_ops, NULL, nr_cpu_ids, 0,
                      get_random() | ((uint64_t)get_random() << 32));
    if ( rc )
    {
        printk(XENLOG_ERR "PageONE: engine init failed: %d\n", rc);
        return 0;
    }
    po_enabled = true;

    init_timer(&po_timer, po_timer_fn, NULL, 0);
    set_timer(&po_timer, NOW() + PO_TICK_NS);

    printk(XENLOG_INFO "PageONE: enabled, %s, budget %u%%, period %u ms, "
           "default group %u\n", po_run ? "running" : "stopped", po_budget,
           po_period_ms, po_default_group);

    return 0;
}
__initcall(pageone_init_xen);

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
