/* SPDX-License-Identifier: MIT */
/*
 * mock_xen.c - the hypervisor side for the host tests: the ppr_op
 * hypercall as docs/ppr-abi.md specifies it, a p2m, and a scanner thread
 * that runs the PPR core's ppr_hv_scan() over the registered array, as
 * Xen's tasklet does, concurrently with the driver.
 *
 * The hypercall decodes its argument from the raw bytes at the ABI's
 * offsets, not through the driver's structure definitions, and maps the
 * array from the frame list it was given: a wrong layout or a wrong frame
 * list gives Xen a different array than the driver's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "mock.h"
#include "xen_errno.h"

#define SCAN_BUDGET             4096U
#define SCAN_SLEEP_US           100U
#define WAIT_TIMEOUT_MS         20000U
#define POISON                  0xdd    /* a frame Xen gave to another */

static uint64_t rd(const void *base, size_t off, size_t size)
{
    uint64_t v = 0;

    memcpy(&v, (const uint8_t *)base + off, size);
    return v;
}

static void sleep_us(unsigned int us)
{
    struct timespec ts = { 0, (long)us * 1000 };

    nanosleep(&ts, NULL);
}

/* --------------------------------------------------------- p2m and core */

static enum ppr_unmap_result hv_unmap(void *priv, uint64_t gfn)
{
    struct wppr_os *os = priv;

    /* Xen refuses array frames, whatever their state byte says. */
    if ( os->owner[gfn] == MOCK_DRV_ARRAY )
    {
        mock_violation(os, "an array frame (pfn %#llx) was marked FREE",
                       (unsigned long long)gfn);
        return PPR_UNMAP_REFUSED;
    }
    if ( os->owner[gfn] != MOCK_DRV_CHUNK )
        mock_violation(os, "Xen claimed pfn %#llx, which the driver does "
                       "not hold (owner %u)", (unsigned long long)gfn,
                       os->owner[gfn]);
    if ( os->p2m[gfn] == MOCK_P2M_EMPTY )
        return PPR_UNMAP_EMPTY;
    os->p2m[gfn] = MOCK_P2M_RECLAIMING;
    return PPR_UNMAP_OK;
}

static void hv_flush(void *priv)
{
    (void)priv;
}

static void hv_free_frame(void *priv, uint64_t gfn)
{
    struct wppr_os *os = priv;

    os->p2m[gfn] = MOCK_P2M_EMPTY;
    memset(os->phys + gfn * MOCK_PAGE_SIZE, POISON, MOCK_PAGE_SIZE);
    os->frames_returned++;
}

static void hv_restore(void *priv, uint64_t gfn)
{
    struct wppr_os *os = priv;

    os->p2m[gfn] = MOCK_P2M_RAM;
}

static const struct ppr_hv_ops hv_ops = {
    .unmap = hv_unmap,
    .flush = hv_flush,
    .free_frame = hv_free_frame,
    .restore = hv_restore,
};

/* p2m_lock held. */
static void populate(struct wppr_os *os, uint64_t pfn)
{
    memset(os->phys + pfn * MOCK_PAGE_SIZE, 0, MOCK_PAGE_SIZE);
    os->p2m[pfn] = MOCK_P2M_RAM;
}

void mock_xen_touch(struct wppr_os *os, uint64_t pfn)
{
    uint64_t tag;
    unsigned int i;

    pthread_mutex_lock(&os->p2m_lock);
    if ( os->p2m[pfn] == MOCK_P2M_EMPTY )
    {
        /* Refault: a zeroed frame, and the ABI's fix-up. */
        populate(os, pfn);
        os->refaults++;
        if ( os->registered )
            ppr_hv_refault(&os->hv_arr, pfn);
    }
    /* The whole page, so that any other write to it shows. */
    tag = pfn << 20 | (++os->tag_gen & 0xfffff);
    for ( i = 0; i < MOCK_PAGE_SIZE; i += sizeof(tag) )
        memcpy(os->phys + pfn * MOCK_PAGE_SIZE + i, &tag, sizeof(tag));
    os->tag[pfn] = tag;
    pthread_mutex_unlock(&os->p2m_lock);
}

/* The byte the driver's array holds for pfn (through the direct map). */
uint8_t mock_xen_state(struct wppr_os *os, uint64_t pfn)
{
    const struct wppr_os_mem *a = os->array_mem;
    uint64_t frame;

    if ( !a || pfn >= a->nr * XEN_PPR_ENTRIES_PER_FRAME )
        return XEN_PPR_INUSE;
    frame = a->pfns[pfn / XEN_PPR_ENTRIES_PER_FRAME];
    return __atomic_load_n(os->phys + frame * MOCK_PAGE_SIZE +
                           pfn % XEN_PPR_ENTRIES_PER_FRAME, __ATOMIC_RELAXED);
}

/*
 * The page as the system last wrote it, or zero (a frame the save stream
 * populated)?  p2m_lock held, frame mapped.
 */
bool mock_xen_page_intact(struct wppr_os *os, uint64_t pfn)
{
    const uint8_t *p = os->phys + pfn * MOCK_PAGE_SIZE;
    uint64_t first, v;
    unsigned int i;

    memcpy(&first, p, sizeof(first));
    if ( first != os->tag[pfn] && first != 0 )
        return false;
    for ( i = sizeof(v); i < MOCK_PAGE_SIZE; i += sizeof(v) )
    {
        memcpy(&v, p + i, sizeof(v));
        if ( v != first )
            return false;
    }
    return true;
}

uint64_t mock_xen_count_p2m(struct wppr_os *os, enum mock_p2m t)
{
    uint64_t pfn, n = 0;

    pthread_mutex_lock(&os->p2m_lock);
    for ( pfn = 0; pfn < os->pfn_end; pfn++ )
        if ( os->owner[pfn] != MOCK_HOLE && os->p2m[pfn] == t )
            n++;
    pthread_mutex_unlock(&os->p2m_lock);
    return n;
}

/* ------------------------------------------------------------- ppr_op */

static int64_t op_query(struct wppr_os *os, void *arg)
{
    struct xen_ppr_query *q = arg;

    q->version = os->xf.version ? os->xf.version : XEN_PPR_INTERFACE_VERSION;
    q->features = XEN_PPR_F_AGING | XEN_PPR_F_ZERO_REFAULT | XEN_PPR_F_POLICY;
    q->max_entries = os->xf.limits_set ? os->xf.max_entries : 1ULL << 25;
    q->max_frames = os->xf.limits_set ? os->xf.max_frames : 8192;
    q->stats_size = sizeof(struct xen_ppr_stats);
    if ( os->xf.query_rc == -XEN_EOPNOTSUPP )
        q->features = 0;
    return os->xf.query_rc;
}

/* p2m_lock held; waits for no scan step (the scanner holds it too). */
static void drop_registration(struct wppr_os *os)
{
    os->passes += os->hv.counters.passes;
    munmap(os->hv_view, (size_t)os->reg_nr_frames * MOCK_PAGE_SIZE);
    free(os->reg_frames);
    os->reg_frames = NULL;
    os->hv_view = NULL;
    os->registered = false;
}

static int64_t op_register(struct wppr_os *os, const void *arg)
{
    uint64_t list = rd(arg, 0, 8), nr_entries = rd(arg, 16, 8), i, j;
    uint32_t nr_frames = (uint32_t)rd(arg, 8, 4);
    uint32_t flags = (uint32_t)rd(arg, 12, 4);
    uint64_t max_entries = os->xf.limits_set ? os->xf.max_entries
                                             : 1ULL << 25;
    uint32_t max_frames = os->xf.limits_set ? os->xf.max_frames : 8192;
    const uint64_t *frames = (const uint64_t *)(uintptr_t)list;
    uint8_t *view;

    memcpy(os->reg_raw, arg, sizeof(os->reg_raw));
    if ( os->xf.register_rc && os->xf.register_rc_count )
    {
        if ( os->xf.register_rc_count > 0 )
            os->xf.register_rc_count--;
        return os->xf.register_rc;
    }

    /* In the ABI's order (section 2.3). */
    if ( flags || !nr_entries ||
         nr_frames != (nr_entries + XEN_PPR_ENTRIES_PER_FRAME - 1) /
                      XEN_PPR_ENTRIES_PER_FRAME )
        return -XEN_EINVAL;
    if ( nr_entries > max_entries || nr_frames > max_frames )
        return -XEN_E2BIG;
    if ( os->registered || os->xf.stale )
        return -XEN_EEXIST;
    if ( !frames )
        return -XEN_EFAULT;
    for ( i = 0; i < nr_frames; i++ )
        for ( j = 0; j < i; j++ )
            if ( frames[i] == frames[j] )
                return -XEN_EINVAL;
    for ( i = 0; i < nr_frames; i++ )
        if ( frames[i] >= os->pfn_end || os->owner[frames[i]] == MOCK_HOLE )
            return -XEN_EPERM;

    /* Map the frames, as Xen vmaps them: one contiguous array. */
    view = mmap(NULL, (size_t)nr_frames * MOCK_PAGE_SIZE, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( view == MAP_FAILED )
        return -XEN_ENOMEM;
    for ( i = 0; i < nr_frames; i++ )
        if ( mmap(view + i * MOCK_PAGE_SIZE, MOCK_PAGE_SIZE,
                  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, os->memfd,
                  (off_t)(frames[i] * MOCK_PAGE_SIZE)) == MAP_FAILED )
            abort();

    os->reg_frames = malloc(nr_frames * sizeof(*frames));
    if ( !os->reg_frames )
        abort();
    memcpy(os->reg_frames, frames, nr_frames * sizeof(*frames));
    os->reg_nr_frames = nr_frames;
    os->hv_view = view;
    os->reg_nonzero = 0;
    for ( i = 0; i < nr_entries; i++ )
        if ( __atomic_load_n(&view[i], __ATOMIC_RELAXED) != XEN_PPR_INUSE )
            os->reg_nonzero++;
    if ( ppr_array_init(&os->hv_arr, view, nr_entries) ||
         ppr_hv_init(&os->hv, &os->hv_arr, 0, nr_entries, os->hv_batch,
                     MOCK_BATCH, &hv_ops, os) )
        abort();
    os->registered = true;
    os->reg_count++;

    return 0;
}

static int64_t op_unregister(struct wppr_os *os, const void *arg)
{
    if ( rd(arg, 0, 4) || rd(arg, 4, 4) )
        return -XEN_EINVAL;
    if ( os->xf.unregister_rc )
        return os->xf.unregister_rc;
    if ( os->xf.stale )
    {
        os->xf.stale = false;
        return 0;
    }
    if ( !os->registered )
        return -XEN_ENOENT;
    drop_registration(os);
    return 0;
}

static int64_t op_get_stats(struct wppr_os *os, const void *arg)
{
    uint16_t domid = (uint16_t)rd(arg, 0, 2);
    uint64_t size = rd(arg, 8, 8), buf = rd(arg, 16, 8);
    struct xen_ppr_stats st;

    if ( rd(arg, 2, 6) )
        return -XEN_EINVAL;
    if ( domid != DOMID_SELF )
        return -XEN_EPERM;
    if ( os->xf.get_stats_rc )
        return os->xf.get_stats_rc;
    if ( !os->registered )
        return -XEN_ENOENT;
    if ( size < 16 )
        return -XEN_EINVAL;
    if ( !buf )
        return -XEN_EFAULT;

    ppr_counters_export(&os->hv.counters, os->hv_arr.nr_entries, &st);
    st.size = size < sizeof(st) ? size : sizeof(st);
    memcpy((void *)(uintptr_t)buf, &st, st.size);
    return 0;
}

int64_t wppr_os_hypercall2(struct wppr_os *os, enum wppr_insn insn,
                           uint64_t op, uint64_t a1, void *a2)
{
    int64_t rc;

    if ( insn != os->expect_insn )
    {
        mock_violation(os, "hypercall with instruction %u on a CPU that "
                       "needs %u", insn, os->expect_insn);
        return -XEN_ENOSYS;
    }
    if ( op != __HYPERVISOR_ppr_op )
    {
        mock_violation(os, "hypercall %llu is not ppr_op",
                       (unsigned long long)op);
        return -XEN_ENOSYS;
    }
    if ( !a2 )
        return -XEN_EFAULT;

    pthread_mutex_lock(&os->p2m_lock);
    if ( a1 < sizeof(os->calls) / sizeof(os->calls[0]) )
        os->calls[a1]++;
    switch ( a1 )
    {
    case XEN_PPROP_query:       rc = op_query(os, a2); break;
    case XEN_PPROP_register:    rc = op_register(os, a2); break;
    case XEN_PPROP_unregister:  rc = op_unregister(os, a2); break;
    case XEN_PPROP_get_stats:   rc = op_get_stats(os, a2); break;
    default:                    rc = -XEN_EINVAL; break;
    }
    pthread_mutex_unlock(&os->p2m_lock);

    return rc;
}

/* ------------------------------------------------------------- scanner */

static void *scanner_main(void *arg)
{
    struct wppr_os *os = arg;

    for ( ;; )
    {
        pthread_mutex_lock(&os->p2m_lock);
        if ( os->scanner_stop )
        {
            pthread_mutex_unlock(&os->p2m_lock);
            break;
        }
        /* The whole step under the lock: a touch waits for the batch. */
        if ( os->registered )
            ppr_hv_scan(&os->hv, SCAN_BUDGET);
        pthread_mutex_unlock(&os->p2m_lock);
        sleep_us(SCAN_SLEEP_US);
    }
    return NULL;
}

void mock_xen_start(struct wppr_os *os)
{
    if ( pthread_create(&os->scanner, NULL, scanner_main, os) )
        abort();
}

void mock_xen_stop(struct wppr_os *os)
{
    pthread_mutex_lock(&os->p2m_lock);
    os->scanner_stop = true;
    pthread_mutex_unlock(&os->p2m_lock);
    pthread_join(os->scanner, NULL);
    if ( os->registered )
        drop_registration(os);
}

static uint64_t passes(struct wppr_os *os)
{
    uint64_t n;

    pthread_mutex_lock(&os->p2m_lock);
    n = os->passes + (os->registered ? os->hv.counters.passes : 0);
    pthread_mutex_unlock(&os->p2m_lock);
    return n;
}

bool mock_xen_wait_passes(struct wppr_os *os, uint64_t n)
{
    uint64_t until = passes(os) + n;
    unsigned int ms;

    for ( ms = 0; ms < WAIT_TIMEOUT_MS * 10; ms++ )
    {
        if ( passes(os) >= until )
            return true;
        sleep_us(100);
    }
    mock_violation(os, "Xen did not complete %llu scan passes",
                   (unsigned long long)n);
    return false;
}

void mock_xen_new_domain(struct wppr_os *os)
{
    uint64_t pfn;

    pthread_mutex_lock(&os->p2m_lock);
    if ( os->registered )
        drop_registration(os);
    /* The save stream read every reclaimed page: they came back zero. */
    for ( pfn = 0; pfn < os->pfn_end; pfn++ )
        if ( os->owner[pfn] != MOCK_HOLE && os->p2m[pfn] == MOCK_P2M_EMPTY )
            populate(os, pfn);
    pthread_mutex_unlock(&os->p2m_lock);
}
