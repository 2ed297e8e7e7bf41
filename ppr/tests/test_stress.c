/* SPDX-License-Identifier: MIT */
/*
 * Multi-threaded stress test of the PPR core.
 *
 * Guest threads allocate, write patterns, verify and free pages through the
 * state array; scanner threads run ppr_hv_scan() over disjoint slices.  The
 * "machine" is simulated: a frame pool, a p2m (RAM / reclaiming / empty
 * entries), a software TLB per guest thread that is only dropped by a flush
 * barrier (an IPI-like handshake), and a fault path that waits for the
 * batch on a reclaiming entry or populates a zeroed frame on an empty one.
 *
 * Checked: no lost write (pattern checksums on every verify and at the
 * end), reclaimed pages read as zero, no frame freed twice, freed while
 * mapped or while cached in a TLB, frame conservation, and the core's
 * counters against the guests' view.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ppr_core.h"

#define NR_GUESTS       3
#define NR_SCANNERS     2
#define PAGES_PER_GUEST 1024
#define NPAGES          (NR_GUESTS * PAGES_PER_GUEST)
#define NFRAMES         (NPAGES + 64)
#define PAGE_WORDS      16
#define CHUNK           8           /* pages allocated/freed together */
#define TLB_SIZE        64
#define BATCH           16
#define GRANTED(gfn)    ((gfn) % 97 == 5)   /* unmap refuses these */
#define POISON          0xdeadbeefU

/* p2m entry: type in bits 24+, frame number below. */
#define P_EMPTY         0U
#define P_RAM           1U
#define P_RECL          2U
#define PTE(t, f)       (((t) << 24) | (f))
#define PTE_T(e)        ((e) >> 24)
#define PTE_F(e)        ((e) & 0xffffffU)

#define LD(p)           __atomic_load_n(p, __ATOMIC_SEQ_CST)
#define ST(p, v)        __atomic_store_n(p, v, __ATOMIC_SEQ_CST)
#define LDR(p)          __atomic_load_n(p, __ATOMIC_RELAXED)
#define STR(p, v)       __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define ADD(p, v)       __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST)

static uint8_t state[NPAGES];
static struct ppr_array arr;
static uint32_t p2m[NPAGES];
static uint32_t frames[NFRAMES][PAGE_WORDS];
static int32_t owner[NFRAMES];          /* gfn, or -1 when in the pool */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t pool[NFRAMES];
static unsigned int pool_nr;

static uint64_t flush_gen;
static int stop;
static unsigned long violations;

struct guest {
    unsigned int id;
    uint64_t tlb[TLB_SIZE];             /* (gfn + 1) << 32 | frame, 0 */
    uint64_t acked;                     /* last flush generation seen */
    int done;
    uint64_t seen_gen;
    uint32_t seed[PAGES_PER_GUEST];     /* expected pattern seed */
    uint8_t allocated[PAGES_PER_GUEST / CHUNK];
    uint64_t rng;
    unsigned long ops, refaults, waits, zero_checked, kept_checked;
    struct ppr_guest_counts c;
};

static struct guest guests[NR_GUESTS];

static void violation(const char *what, uint64_t gfn, uint64_t x)
{
    if ( ADD(&violations, 1) < 10 )
        fprintf(stderr, "VIOLATION: %s gfn %lu (%lu)\n", what,
                (unsigned long)gfn, (unsigned long)x);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint32_t pattern(uint64_t gfn, uint32_t seed, unsigned int w)
{
    uint32_t x = (uint32_t)gfn * 2654435761U ^ seed * 40503U ^ w * 97U;

    return x | 1;                       /* never zero */
}

/* ---------------------------------------------------------- frame pool */

static uint32_t pool_alloc(uint64_t gfn)
{
    uint32_t f;
    unsigned int w;

    pthread_mutex_lock(&pool_lock);
    if ( !pool_nr )
    {
        pthread_mutex_unlock(&pool_lock);
        violation("frame pool exhausted (leak)", gfn, 0);
        exit(2);
    }
    f = pool[--pool_nr];
    pthread_mutex_unlock(&pool_lock);

    if ( LD(&owner[f]) != -1 )
        violation("allocated frame not free", gfn, f);
    ST(&owner[f], (int32_t)gfn);
    for ( w = 0; w < PAGE_WORDS; w++ )
        STR(&frames[f][w], 0);          /* scrub */
    return f;
}

static void pool_free(uint32_t f, uint64_t gfn)
{
    unsigned int w;

    if ( LD(&owner[f]) != (int32_t)gfn )
    {
        violation("frame freed twice / by wrong gfn", gfn, f);
        return;
    }
    for ( w = 0; w < PAGE_WORDS; w++ )
        STR(&frames[f][w], POISON);
    ST(&owner[f], -1);
    pthread_mutex_lock(&pool_lock);
    pool[pool_nr++] = f;
    pthread_mutex_unlock(&pool_lock);
}

/* ------------------------------------------------- TLB and flush "IPI" */

static void tlb_poll(struct guest *g)
{
    uint64_t gen = LD(&flush_gen);
    unsigned int i;

    if ( gen == g->seen_gen )
        return;
    for ( i = 0; i < TLB_SIZE; i++ )
        ST(&g->tlb[i], 0);
    g->seen_gen = gen;
    ST(&g->acked, gen);
}

static void flush_all(void)
{
    uint64_t gen = ADD(&flush_gen, 1) + 1;
    unsigned int i;

    for ( i = 0; i < NR_GUESTS; i++ )
        while ( LD(&guests[i].acked) < gen && !LD(&guests[i].done) )
            sched_yield();
}

static bool frame_in_any_tlb(uint32_t f)
{
    unsigned int i, j;

    for ( i = 0; i < NR_GUESTS; i++ )
        for ( j = 0; j < TLB_SIZE; j++ )
        {
            uint64_t e = LD(&guests[i].tlb[j]);

            if ( e && (uint32_t)e == f )
                return true;
        }
    return false;
}

/* ------------------------------------------------ hypervisor callbacks */

static enum ppr_unmap_result h_unmap(void *priv, uint64_t gfn)
{
    uint32_t e = LD(&p2m[gfn]);

    (void)priv;
    if ( GRANTED(gfn) )
        return PPR_UNMAP_REFUSED;
    if ( PTE_T(e) == P_EMPTY )
        return PPR_UNMAP_EMPTY;
    if ( PTE_T(e) != P_RAM )
    {
        violation("unmap of non-RAM entry", gfn, e);
        return PPR_UNMAP_REFUSED;
    }
    /* Only the fault path changes entries, and only EMPTY ones. */
    if ( !__atomic_compare_exchange_n(&p2m[gfn], &e,
                                      PTE(P_RECL, PTE_F(e)), false,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
        violation("p2m changed under unmap", gfn, e);
    return PPR_UNMAP_OK;
}

static void h_flush(void *priv)
{
    (void)priv;
    flush_all();
}

static void h_free(void *priv, uint64_t gfn)
{
    uint32_t e = LD(&p2m[gfn]);

    (void)priv;
    if ( PTE_T(e) != P_RECL )
    {
        violation("free of a frame that is mapped/empty", gfn, e);
        return;
    }
    if ( frame_in_any_tlb(PTE_F(e)) )
        violation("frame freed while cached in a TLB", gfn, PTE_F(e));
    ST(&p2m[gfn], PTE(P_EMPTY, 0));
    pool_free(PTE_F(e), gfn);
}

static void h_restore(void *priv, uint64_t gfn)
{
    uint32_t e = LD(&p2m[gfn]);

    (void)priv;
    if ( PTE_T(e) != P_RECL )
    {
        violation("restore of an entry not reclaiming", gfn, e);
        return;
    }
    ST(&p2m[gfn], PTE(P_RAM, PTE_F(e)));
}

static const struct ppr_hv_ops hv_ops = {
    .unmap = h_unmap, .flush = h_flush,
    .free_frame = h_free, .restore = h_restore,
};

/* ----------------------------------------------------- guest accesses */

static uint32_t access_page(struct guest *g, uint64_t gfn, unsigned int w,
                            bool write, uint32_t val)
{
    for ( ;; )
    {
        uint64_t *t = &g->tlb[gfn % TLB_SIZE];
        uint64_t te;
        uint32_t e, f;

        tlb_poll(g);
        te = LD(t);
        if ( te && (te >> 32) == gfn + 1 )
        {
            f = (uint32_t)te;
            if ( write )
            {
                STR(&frames[f][w], val);
                return val;
            }
            return LDR(&frames[f][w]);
        }

        /* TLB miss: page walk. */
        e = LD(&p2m[gfn]);
        switch ( PTE_T(e) )
        {
        case P_RAM:
            ST(t, ((gfn + 1) << 32) | PTE_F(e));
            break;

        case P_RECL:
            /* Fault: wait in the "hypervisor" for the batch to end. */
            g->waits++;
            while ( PTE_T(LD(&p2m[gfn])) == P_RECL )
            {
                tlb_poll(g);
                sched_yield();
            }
            break;

        default:
            /* Fault on an empty entry: populate a zeroed frame. */
            f = pool_alloc(gfn);
            if ( __atomic_compare_exchange_n(&p2m[gfn], &e, PTE(P_RAM, f),
                                             false, __ATOMIC_SEQ_CST,
                                             __ATOMIC_SEQ_CST) )
            {
                g->refaults++;
                ppr_hv_refault(&arr, gfn);
            }
            else
                pool_free(f, gfn);
            break;
        }
    }
}

static void verify_page(struct guest *g, uint64_t gfn, uint32_t seed,
                        const char *what)
{
    unsigned int w;

    for ( w = 0; w < PAGE_WORDS; w++ )
    {
        uint32_t v = access_page(g, gfn, w, false, 0);
        uint32_t x = seed ? pattern(gfn, seed, w) : 0;

        if ( v != x )
        {
            violation(what, gfn, v);
            return;
        }
    }
}

static void write_page(struct guest *g, uint64_t gfn, uint32_t seed)
{
    unsigned int w;

    for ( w = 0; w < PAGE_WORDS; w++ )
        access_page(g, gfn, w, true, pattern(gfn, seed, w));
}

/* Split a chunk into random power-of-two runs. */
static unsigned int pick_order(struct guest *g)
{
    return rnd(&g->rng) % 4;            /* 0..3, CHUNK == 8 */
}

static void guest_free_chunk(struct guest *g, unsigned int c)
{
    uint64_t base = g->id * PAGES_PER_GUEST + c * CHUNK, i;
    unsigned int order = pick_order(g);

    for ( i = 0; i < CHUNK; i++ )
        verify_page(g, base + i, g->seed[c * CHUNK + i], "lost write");
    for ( i = 0; i < CHUNK; i += 1U << order )
        if ( ppr_mark_free(&arr, base + i, order, &g->c) != 0 )
            violation("free of a page not INUSE", base + i, 0);
    g->allocated[c] = 0;
}

static void guest_alloc_chunk(struct guest *g, unsigned int c)
{
    uint64_t base = g->id * PAGES_PER_GUEST + c * CHUNK, i;
    unsigned int order = pick_order(g);
    uint8_t old[CHUNK];

    for ( i = 0; i < CHUNK; i += 1U << order )
        if ( ppr_mark_alloc(&arr, base + i, order, &old[i], &g->c) < 0 )
            violation("mark_alloc failed", base + i, 0);

    for ( i = 0; i < CHUNK; i++ )
    {
        uint32_t *seed = &g->seed[c * CHUNK + i];

        switch ( old[i] )
        {
        case XEN_PPR_RECLAIMED:
            verify_page(g, base + i, 0, "reclaimed page not zero");
            g->zero_checked++;
            break;
        case XEN_PPR_FREE:
        case XEN_PPR_AGED:
        case XEN_PPR_RECLAIMING:
            verify_page(g, base + i, *seed, "freed page contents lost");
            g->kept_checked++;
            break;
        default:
            violation("alloc of a page not free", base + i, old[i]);
            break;
        }
        *seed = (uint32_t)rnd(&g->rng) | 1;
        write_page(g, base + i, *seed);
    }
    g->allocated[c] = 1;
}

static void *guest_thread(void *p)
{
    struct guest *g = p;
    unsigned int nc = PAGES_PER_GUEST / CHUNK, c;

    while ( !LD(&stop) )
    {
        c = rnd(&g->rng) % nc;
        if ( g->allocated[c] )
        {
            if ( rnd(&g->rng) % 4 == 0 )
            {
                /* Rewrite in place: more writes through cached TLBs. */
                uint64_t gfn = g->id * PAGES_PER_GUEST + c * CHUNK +
                               rnd(&g->rng) % CHUNK;
                uint32_t *seed = &g->seed[gfn % PAGES_PER_GUEST];

                verify_page(g, gfn, *seed, "lost write");
                *seed = (uint32_t)rnd(&g->rng) | 1;
                write_page(g, gfn, *seed);
            }
            else
                guest_free_chunk(g, c);
        }
        else
            guest_alloc_chunk(g, c);
        g->ops++;
    }

    ST(&g->done, 1);
    return NULL;
}

struct scanner {
    struct ppr_hv hv;
    uint64_t batch[BATCH];
};

static struct scanner scanners[NR_SCANNERS];

static void *scanner_thread(void *p)
{
    struct scanner *s = p;

    while ( !LD(&stop) )
        if ( !ppr_hv_scan(&s->hv, 256) )
            sched_yield();
    return NULL;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    pthread_t gt[NR_GUESTS], st[NR_SCANNERS];
    struct timespec ts;
    unsigned int i, c;
    uint64_t gfn;
    unsigned long ops = 0, refaults = 0, waits = 0, zchk = 0, kchk = 0;
    unsigned long raced = 0, alloc_recl = 0;
    struct ppr_counters tot = { 0 };
    bool ok;

    ppr_array_init(&arr, state, NPAGES);
    for ( gfn = 0; gfn < NPAGES; gfn++ )
    {
        p2m[gfn] = PTE(P_RAM, gfn);
        owner[gfn] = gfn;
    }
    for ( i = NPAGES; i < NFRAMES; i++ )
    {
        owner[i] = -1;
        pool[pool_nr++] = i;
    }

    /* Guests start with every page allocated and written. */
    for ( i = 0; i < NR_GUESTS; i++ )
    {
        struct guest *g = &guests[i];

        g->id = i;
        g->rng = 0x9e3779b97f4a7c15ULL * (i + 1);
        for ( c = 0; c < PAGES_PER_GUEST / CHUNK; c++ )
        {
            unsigned int k;

            for ( k = 0; k < CHUNK; k++ )
            {
                g->seed[c * CHUNK + k] = (uint32_t)rnd(&g->rng) | 1;
                write_page(g, i * PAGES_PER_GUEST + c * CHUNK + k,
                           g->seed[c * CHUNK + k]);
            }
            g->allocated[c] = 1;
        }
    }

    for ( i = 0; i < NR_SCANNERS; i++ )
        ppr_hv_init(&scanners[i].hv, &arr, i * NPAGES / NR_SCANNERS,
                    (i + 1) * NPAGES / NR_SCANNERS, scanners[i].batch,
                    BATCH, &hv_ops, NULL);

    for ( i = 0; i < NR_GUESTS; i++ )
        pthread_create(&gt[i], NULL, guest_thread, &guests[i]);
    for ( i = 0; i < NR_SCANNERS; i++ )
        pthread_create(&st[i], NULL, scanner_thread, &scanners[i]);

    ts.tv_sec = (time_t)secs;
    ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
    ST(&stop, 1);
    for ( i = 0; i < NR_GUESTS; i++ )
        pthread_join(gt[i], NULL);
    for ( i = 0; i < NR_SCANNERS; i++ )
        pthread_join(st[i], NULL);

    /* Final checksum of every allocated page, through a fresh TLB. */
    for ( i = 0; i < NR_GUESTS; i++ )
    {
        struct guest *g = &guests[i];

        memset(g->tlb, 0, sizeof(g->tlb));
        for ( c = 0; c < PAGES_PER_GUEST / CHUNK; c++ )
        {
            unsigned int k;

            if ( !g->allocated[c] )
                continue;
            for ( k = 0; k < CHUNK; k++ )
                verify_page(g, i * PAGES_PER_GUEST + c * CHUNK + k,
                            g->seed[c * CHUNK + k], "final checksum");
        }
        ops += g->ops;
        refaults += g->refaults;
        waits += g->waits;
        zchk += g->zero_checked;
        kchk += g->kept_checked;
        raced += g->c.alloc_raced;
        alloc_recl += g->c.alloc_reclaimed;
    }

    /* Frame conservation: every frame is in the pool or mapped once. */
    {
        static uint8_t seen[NFRAMES];
        unsigned long mapped = 0;

        for ( gfn = 0; gfn < NPAGES; gfn++ )
        {
            uint32_t e = p2m[gfn];

            if ( PTE_T(e) == P_RECL )
                violation("entry left reclaiming", gfn, e);
            if ( PTE_T(e) == P_EMPTY )
                continue;
            if ( seen[PTE_F(e)]++ )
                violation("frame mapped twice", gfn, PTE_F(e));
            mapped++;
        }
        for ( i = 0; i < pool_nr; i++ )
            if ( seen[pool[i]]++ )
                violation("pooled frame also mapped", 0, pool[i]);
        if ( mapped + pool_nr != NFRAMES )
            violation("frames leaked", 0, mapped + pool_nr);
    }

    for ( i = 0; i < NR_SCANNERS; i++ )
    {
        const struct ppr_counters *s = &scanners[i].hv.counters;

        tot.passes += s->passes;
        tot.claimed += s->claimed;
        tot.reclaimed += s->reclaimed;
        tot.restored += s->restored;
        tot.refused += s->refused;
        tot.already_empty += s->already_empty;
        tot.frames_returned += s->frames_returned;
        tot.flushes += s->flushes;
        tot.batches += s->batches;
    }

    /* The hypervisor's view must agree with the guests'. */
    if ( tot.restored != raced )
        violation("restored != guest-observed races", tot.restored, raced);
    if ( refaults != alloc_recl )
        violation("refaults != reclaimed pages re-allocated", refaults,
                  alloc_recl);
    if ( tot.claimed != tot.reclaimed + tot.restored + tot.refused )
        violation("claimed != reclaimed + restored + refused", 0,
                  tot.claimed);

    printf("ppr stress: %.1fs ops %lu passes %lu claimed %lu reclaimed %lu "
           "restored %lu refused %lu empty %lu freed %lu batches %lu "
           "refaults %lu fault-waits %lu zero-checked %lu kept-checked %lu "
           "violations %lu\n",
           secs, ops, (unsigned long)tot.passes,
           (unsigned long)tot.claimed, (unsigned long)tot.reclaimed,
           (unsigned long)tot.restored, (unsigned long)tot.refused,
           (unsigned long)tot.already_empty,
           (unsigned long)tot.frames_returned,
           (unsigned long)tot.batches, refaults, waits, zchk, kchk,
           violations);

    /* A run that never reclaimed or raced proves nothing. */
    ok = !violations && tot.reclaimed && zchk && kchk;
    if ( violations )
        printf("Test result: FAILURE: %lu violations\n", violations);
    else if ( !ok )
        printf("Test result: FAILURE: the run did not exercise reclaim\n");
    else
        printf("Test result: SUCCESS\n");
    return ok ? 0 : 1;
}
