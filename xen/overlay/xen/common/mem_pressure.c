/* SPDX-License-Identifier: GPL-2.0-only */
/******************************************************************************
 * common/mem_pressure.c
 *
 * Memory pressure (Dynamic VM): the free heap's watermarks and the wait
 * list of vCPUs that need a frame the heap does not have.  See
 * xen/mem_pressure.h for the levels and docs/memory-pressure.md for the
 * design.
 *
 * The watermarks are enforced in alloc_heap_pages(): below min, an
 * allocation for a domain is refused unless it carries MEMF_reserve,
 * which only copy-on-write breaks and PPR refaults do.  The reserve thus
 * lets merged and reclaimed pages of running guests be written while
 * everything that would grow a guest (populate_physmap, domain creation)
 * fails.  Should breaks and refaults use up the reserve as well, the
 * vCPU is paused here and woken, oldest first, when free_heap_pages()
 * gives frames back; a timer re-checks and re-kicks reclaim meanwhile.
 *
 * A refault that fails because the domain is at its max_pages (it grew
 * new memory elsewhere since PPR took the page) is no shortage: no
 * reclaim is kicked for it, the console says so once, and the vCPU is
 * re-checked once a second until the domain has room (the toolstack
 * raises max_pages, or the guest gives memory back), or is destroyed.
 *
 * Locking: mem_wait_lock protects the list and the vCPUs' wait fields;
 * it is taken before a vCPU's scheduler lock (vcpu_pause_nosync()) and
 * never with the heap lock held.
 */

#include <xen/errno.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/mem_pressure.h>
#include <xen/mm.h>
#include <xen/pageone.h>
#include <xen/param.h>
#include <xen/ppr.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <public/ppr.h>

/* Re-check of waiters: memory waits, and waits on max_pages. */
#define MEM_WAIT_POLL_NS        MILLISECS(10)
#define MEM_WAIT_LIMIT_POLL_NS  SECONDS(1)

struct mem_wmark __read_mostly mem_wmark;

/* Counted under the heap lock by mem_wmark_admit(). */
unsigned long mem_pressure_refused, mem_pressure_reserve_used;

static DEFINE_SPINLOCK(mem_wait_lock);
static LIST_HEAD(mem_waiters);
static unsigned int mem_nr_waiting;
static uint64_t mem_waits[MEM_WAIT_NR];
static uint64_t mem_wait_ns, mem_wait_max_ns;
static struct timer mem_wait_timer;
static void cf_check mem_wake_fn(void *unused);
static DECLARE_TASKLET(mem_wake_tasklet, mem_wake_fn, NULL);

/* wmark=min=<size>,low=<size>,high=<size> (0: the default for the host) */
static unsigned long __initdata opt_wmark[3];

static int __init cf_check parse_wmark(const char *s)
{
    static const char *const names[] = { "min=", "low=", "high=" };
    const char *ss;
    unsigned int i;
    int rc = 0;

    do {
        ss = strchr(s, ',');
        if ( !ss )
            ss = strchr(s, '\0');

        for ( i = 0; i < ARRAY_SIZE(names); i++ )
            if ( !strncmp(s, names[i], strlen(names[i])) )
                break;
        if ( i < ARRAY_SIZE(names) )
        {
            const char *e;
            unsigned long long sz =
                parse_size_and_unit(s + strlen(names[i]), &e);

            if ( e != ss )
                rc = -EINVAL;
            else
                opt_wmark[i] = sz >> PAGE_SHIFT;
        }
        else
            rc = -EINVAL;

        s = ss + 1;
    } while ( *ss );

    return rc;
}
custom_param("wmark", parse_wmark);

static void mem_wait_end(struct vcpu *v, s_time_t now)
{
    s_time_t t = now - v->mem_wait_since;

    ASSERT(spin_is_locked(&mem_wait_lock));
    list_del(&v->mem_wait_list);
    v->mem_waiting = false;
    mem_nr_waiting--;
    mem_wait_ns += t;
    if ( t > mem_wait_max_ns )
        mem_wait_max_ns = t;
}

/*
 * Wake the waiters whose frame can be had now: memory waiters oldest
 * first, one per free page; limit waiters whose domain has room again.
 */
static void cf_check mem_wake_fn(void *unused)
{
    unsigned long free = heap_free_pages();
    struct vcpu *v, *tmp, *wake[16];
    unsigned int n = 0, i;
    bool more, need_pages = false, limits = false;
    s_time_t now = NOW();

    spin_lock(&mem_wait_lock);
    list_for_each_entry_safe ( v, tmp, &mem_waiters, mem_wait_list )
    {
        if ( n == ARRAY_SIZE(wake) )
            break;
        if ( v->mem_wait_why == MEM_WAIT_LIMIT )
        {
            if ( domain_tot_pages(v->domain) >= v->domain->max_pages )
            {
                limits = true;
                continue;
            }
        }
        else if ( !free )
        {
            need_pages = true;
            continue;
        }
        else
            free--;

        mem_wait_end(v, now);
        wake[n++] = v;
    }
    more = n == ARRAY_SIZE(wake);
    spin_unlock(&mem_wait_lock);

    for ( i = 0; i < n; i++ )
        vcpu_unpause(wake[i]);

    if ( more )
        tasklet_schedule(&mem_wake_tasklet);
    else if ( need_pages )
    {
        /* Still short: reclaim once more, and look again soon. */
        ppr_kick();
        set_timer(&mem_wait_timer, now + MEM_WAIT_POLL_NS);
    }
    else if ( limits )
        set_timer(&mem_wait_timer, now + MEM_WAIT_LIMIT_POLL_NS);
}

static void cf_check mem_wait_timer_fn(void *unused)
{
    tasklet_schedule(&mem_wake_tasklet);
}

void mem_wait(struct vcpu *v, enum mem_wait_reason why, unsigned long gfn)
{
    bool limit = why == MEM_WAIT_LIMIT;

    ASSERT(v == current);
    ASSERT(why < MEM_WAIT_NR);

    spin_lock(&mem_wait_lock);
    if ( v->mem_waiting || v->domain->is_dying )
    {
        spin_unlock(&mem_wait_lock);
        return;
    }
    v->mem_waiting = true;
    v->mem_wait_why = why;
    v->mem_wait_since = NOW();
    list_add_tail(&v->mem_wait_list, &mem_waiters);
    mem_nr_waiting++;
    mem_waits[why]++;
    /* Descheduled before it re-enters the guest, as mem paging does. */
    vcpu_pause_nosync(v);
    spin_unlock(&mem_wait_lock);

    if ( why != MEM_WAIT_COW )
        ppr_note_wait(v->domain);

    if ( limit )
    {
        if ( !test_and_set_bool(v->domain->mem_wait_limit_told) )
            printk(XENLOG_WARNING "%pd is at max_pages (%u) and touches gfn "
                   "%#lx that PPR reclaimed: its vCPUs wait until it has "
                   "room (xl mem-max) or gives memory back\n",
                   v->domain, v->domain->max_pages, gfn);
        set_timer(&mem_wait_timer, NOW() + MEM_WAIT_LIMIT_POLL_NS);
        return;
    }

    ppr_kick();
    /* A frame may have come back meanwhile: never sleep past it. */
    tasklet_schedule(&mem_wake_tasklet);
}

void mem_pressure_freed(void)
{
    if ( likely(!read_atomic(&mem_nr_waiting)) )
        return;

    tasklet_schedule(&mem_wake_tasklet);
}

void mem_pressure_note(unsigned long avail)
{
    if ( likely(avail >= read_atomic(&mem_wmark.high)) )
        return;

    /* Below high PPR scans sooner; below low it reclaims at once. */
    ppr_pressure(avail < read_atomic(&mem_wmark.low));
}

bool mem_idle_work(void)
{
    return ppr_idle_scan() || pageone_idle_scan();
}

void mem_wait_domain_kill(struct domain *d)
{
    struct vcpu *v;
    s_time_t now = NOW();

    for_each_vcpu ( d, v )
    {
        bool was;

        spin_lock(&mem_wait_lock);
        was = v->mem_waiting;
        if ( was )
            mem_wait_end(v, now);
        spin_unlock(&mem_wait_lock);
        if ( was )
            vcpu_unpause(v);
    }
}

void mem_pressure_get(struct xen_mem_pressure *p)
{
    unsigned int i;

    p->min_pages = read_atomic(&mem_wmark.min);
    p->low_pages = read_atomic(&mem_wmark.low);
    p->high_pages = read_atomic(&mem_wmark.high);
    p->free_pages = heap_free_pages();
    p->refused = read_atomic(&mem_pressure_refused);
    p->reserve_used = read_atomic(&mem_pressure_reserve_used);

    spin_lock(&mem_wait_lock);
    p->waiting = mem_nr_waiting;
    BUILD_BUG_ON(ARRAY_SIZE(p->waits) != MEM_WAIT_NR);
    for ( i = 0; i < MEM_WAIT_NR; i++ )
        p->waits[i] = mem_waits[i];
    p->wait_ns = mem_wait_ns;
    p->wait_max_ns = mem_wait_max_ns;
    spin_unlock(&mem_wait_lock);
}

int mem_pressure_set(const struct xen_mem_pressure *p)
{
    if ( p->min_pages > p->low_pages || p->low_pages > p->high_pages ||
         p->high_pages > total_pages )
        return -EINVAL;

    /* Readers take each value on its own: order them as they grow. */
    if ( p->high_pages >= read_atomic(&mem_wmark.high) )
    {
        write_atomic(&mem_wmark.high, p->high_pages);
        write_atomic(&mem_wmark.low, p->low_pages);
        write_atomic(&mem_wmark.min, p->min_pages);
    }
    else
    {
        write_atomic(&mem_wmark.min, p->min_pages);
        write_atomic(&mem_wmark.low, p->low_pages);
        write_atomic(&mem_wmark.high, p->high_pages);
    }

    /* Lower watermarks can let waiters go. */
    mem_pressure_freed();

    return 0;
}

void mem_pressure_dump(void)
{
    struct xen_mem_pressure p;
    const struct vcpu *v;
    s_time_t now = NOW();
    unsigned int shown = 0;

    mem_pressure_get(&p);
    printk("Memory pressure: free %"PRIu64" pages, watermarks min %"PRIu64
           " low %"PRIu64" high %"PRIu64", %"PRIu64" vCPU(s) waiting; waits "
           "cow %"PRIu64" refault %"PRIu64" limit %"PRIu64", %"PRIu64
           "us in all, longest %"PRIu64"us; refused %"PRIu64", reserve "
           "used %"PRIu64"\n", p.free_pages, p.min_pages, p.low_pages,
           p.high_pages, p.waiting, p.waits[XEN_MEMW_COW],
           p.waits[XEN_MEMW_REFAULT], p.waits[XEN_MEMW_LIMIT],
           p.wait_ns / 1000, p.wait_max_ns / 1000, p.refused,
           p.reserve_used);
    /* What Xen's own heap users hold: growth a leak check must not count. */
    printk("Xen heap: xmalloc pool %lu pages\n", xmalloc_pool_pages());

    spin_lock(&mem_wait_lock);
    list_for_each_entry ( v, &mem_waiters, mem_wait_list )
        if ( shown++ < 16 )
            printk("  %pv waits (%s) for %"PRI_stime"ms\n", v,
                   v->mem_wait_why == MEM_WAIT_COW ? "cow" :
                   v->mem_wait_why == MEM_WAIT_REFAULT ? "refault" : "limit",
                   (now - v->mem_wait_since) / MILLISECS(1));
    spin_unlock(&mem_wait_lock);
}

static unsigned long __init isqrt(unsigned long x)
{
    unsigned long r = 0, b = 1UL << (BITS_PER_LONG - 2);

    while ( b > x )
        b >>= 2;
    for ( ; b; b >>= 2 )
    {
        if ( x >= r + b )
        {
            x -= r + b;
            r = (r >> 1) + b;
        }
        else
            r >>= 1;
    }

    return r;
}

static int __init cf_check mem_pressure_init(void)
{
    /* Linux's min_free_kbytes: 4 * sqrt(memory in KiB), 1..64 MiB. */
    unsigned long kib = total_pages << (PAGE_SHIFT - 10);
    unsigned long min = (4 * isqrt(kib)) >> (PAGE_SHIFT - 10);

    min = max(min, 1UL << (20 - PAGE_SHIFT));
    min = min(min, 64UL << (20 - PAGE_SHIFT));

    mem_wmark.min = opt_wmark[0] ?: min;
    mem_wmark.low = opt_wmark[1] ?: max(2 * mem_wmark.min, mem_wmark.min);
    mem_wmark.high = opt_wmark[2] ?: max(3 * mem_wmark.min, mem_wmark.low);
    if ( mem_wmark.low < mem_wmark.min || mem_wmark.high < mem_wmark.low )
    {
        printk(XENLOG_WARNING "wmark: min <= low <= high wanted; using "
               "the defaults\n");
        mem_wmark.min = min;
        mem_wmark.low = 2 * min;
        mem_wmark.high = 3 * min;
    }

    init_timer(&mem_wait_timer, mem_wait_timer_fn, NULL, 0);

    printk(XENLOG_INFO "Memory pressure watermarks: min %lu low %lu high "
           "%lu pages\n", mem_wmark.min, mem_wmark.low, mem_wmark.high);

    return 0;
}
__initcall(mem_pressure_init);

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
