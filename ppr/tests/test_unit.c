/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of every PPR state transition and of bad input.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "ppr_core.h"

/* ABI layout (x86_64): any change here is an ABI break. */
_Static_assert(sizeof(struct xen_ppr_query) == 24, "query");
_Static_assert(sizeof(struct xen_ppr_register) == 24, "register");
_Static_assert(__builtin_offsetof(struct xen_ppr_register, nr_entries) == 16,
               "register.nr_entries");
_Static_assert(sizeof(struct xen_ppr_unregister) == 8, "unregister");
_Static_assert(sizeof(struct xen_ppr_get_stats) == 24, "get_stats");
_Static_assert(__builtin_offsetof(struct xen_ppr_get_stats, stats) == 16,
               "get_stats.stats");
_Static_assert(sizeof(struct xen_ppr_stats) == 21 * 8, "stats");
_Static_assert(sizeof(struct xen_ppr_policy) == 24, "policy");
_Static_assert(__HYPERVISOR_ppr_op == 62 && XEN_PPROP_query == 0 &&
               XEN_PPROP_register == 1 && XEN_PPROP_unregister == 2 &&
               XEN_PPROP_get_stats == 3, "op numbers");
_Static_assert(XEN_PPR_INUSE == 0 && XEN_PPR_FREE == 1 &&
               XEN_PPR_AGED == 2 && XEN_PPR_RECLAIMING == 3 &&
               XEN_PPR_RECLAIMED == 4 && XEN_PPR_NR_STATES == 5, "states");

static unsigned int nr_checks, nr_failed;

#define CHECK(c) do {                                                   \
    nr_checks++;                                                        \
    if ( !(c) )                                                         \
    {                                                                   \
        nr_failed++;                                                    \
        printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);             \
    }                                                                   \
} while ( 0 )

#define N 64

/* ---- recording fake p2m ---- */
enum { P_RAM, P_RECLAIMING, P_EMPTY };

struct fake {
    struct ppr_array *arr;
    int p2m[N];
    unsigned int unmaps, flushes, frees, restores;
    int refuse[N], empty[N];
    /* Hook run inside unmap() to model a guest racing with the batch. */
    void (*race)(struct fake *f, uint64_t gfn);
    char log[256];
};

static void logc(struct fake *f, char c)
{
    size_t l = strlen(f->log);

    if ( l + 1 < sizeof(f->log) )
        f->log[l] = c;
}

static enum ppr_unmap_result f_unmap(void *p, uint64_t gfn)
{
    struct fake *f = p;

    f->unmaps++;
    logc(f, 'u');
    if ( f->race )
        f->race(f, gfn);
    if ( f->refuse[gfn] )
        return PPR_UNMAP_REFUSED;
    if ( f->empty[gfn] || f->p2m[gfn] == P_EMPTY )
        return PPR_UNMAP_EMPTY;
    CHECK(f->p2m[gfn] == P_RAM);
    f->p2m[gfn] = P_RECLAIMING;
    return PPR_UNMAP_OK;
}

static void f_flush(void *p)
{
    struct fake *f = p;

    f->flushes++;
    logc(f, 'F');
}

static void f_free(void *p, uint64_t gfn)
{
    struct fake *f = p;

    f->frees++;
    logc(f, 'x');
    CHECK(f->p2m[gfn] == P_RECLAIMING);
    f->p2m[gfn] = P_EMPTY;
}

static void f_restore(void *p, uint64_t gfn)
{
    struct fake *f = p;

    f->restores++;
    logc(f, 'r');
    CHECK(f->p2m[gfn] == P_RECLAIMING);
    f->p2m[gfn] = P_RAM;
}

static const struct ppr_hv_ops ops = {
    .unmap = f_unmap, .flush = f_flush,
    .free_frame = f_free, .restore = f_restore,
};

static uint8_t st[N] __attribute__((aligned(8)));
static struct ppr_array arr;
static struct fake fk;
static struct ppr_hv hv;
static uint64_t batch[4];

static void setup(void)
{
    memset(st, 0, sizeof(st));
    memset(&fk, 0, sizeof(fk));
    CHECK(ppr_array_init(&arr, st, N) == 0);
    fk.arr = &arr;
    CHECK(ppr_hv_init(&hv, &arr, 0, N, batch, 4, &ops, &fk) == 0);
}

/* Run one full pass (until the cursor wraps) with a given budget. */
static void pass_budget(unsigned int budget)
{
    unsigned int guard = 0;

    while ( ppr_hv_scan(&hv, budget) && ++guard < 1000 )
        ;
}

static void pass(void)
{
    pass_budget(7);
}

static void test_init(void)
{
    struct ppr_array a;
    struct ppr_hv h;
    struct ppr_hv_ops bad = ops;

    CHECK(ppr_array_init(NULL, st, N) == -PPR_EINVAL);
    CHECK(ppr_array_init(&a, NULL, N) == -PPR_EINVAL);
    CHECK(ppr_array_init(&a, st, 0) == -PPR_EINVAL);
    CHECK(ppr_array_init(&a, st, N) == 0);
    CHECK(ppr_hv_init(&h, &a, 0, N, NULL, 4, &ops, NULL) == -PPR_EINVAL);
    CHECK(ppr_hv_init(&h, &a, 0, N, batch, 0, &ops, NULL) == -PPR_EINVAL);
    CHECK(ppr_hv_init(&h, &a, 0, N, batch, 4, NULL, NULL) == -PPR_EINVAL);
    bad.flush = NULL;
    CHECK(ppr_hv_init(&h, &a, 0, N, batch, 4, &bad, NULL) == -PPR_EINVAL);
    CHECK(ppr_hv_init(&h, &a, 8, 8, batch, 4, &ops, NULL) == -PPR_ERANGE);
    CHECK(ppr_hv_init(&h, &a, 0, N + 1, batch, 4, &ops, NULL) ==
          -PPR_ERANGE);
    CHECK(ppr_hv_init(&h, &a, 8, 16, batch, 4, &ops, NULL) == 0);
    CHECK(h.counters.passes == 0 && h.counters.scanned == 0 &&
          h.counters.free_last_pass == 0);
}

/* The export fills size and nr_entries, then each counter in its place. */
static void test_export(void)
{
    struct ppr_counters c;
    struct xen_ppr_stats s;
    uint64_t v = 100;

    CHECK(sizeof(c) + 2 * sizeof(uint64_t) == sizeof(s));
#define SET_(name, kind, owner, unit, desc) c.name = v++;
    XEN_PPR_STATS(SET_)
#undef SET_
    memset(&s, 0xa5, sizeof(s));
    ppr_counters_export(&c, N, &s);
    CHECK(s.size == sizeof(s));
    CHECK(s.nr_entries == N);
    v = 100;
#define CHECK_(name, kind, owner, unit, desc) CHECK(s.name == v++);
    XEN_PPR_STATS(CHECK_)
#undef CHECK_
    CHECK(s.passes == 100 && s.free_last_pass == v - 1);
}

static void test_bad_ranges(void)
{
    uint8_t before[N];

    setup();
    memcpy(before, st, N);
    CHECK(ppr_mark_free(&arr, 0, PPR_MAX_ORDER + 1, NULL) == -PPR_EINVAL);
    CHECK(ppr_mark_alloc(&arr, 0, 200, NULL, NULL) == -PPR_EINVAL);
    CHECK(ppr_mark_free(NULL, 0, 0, NULL) == -PPR_EINVAL);
    CHECK(ppr_mark_free(&arr, N, 0, NULL) == -PPR_ERANGE);
    CHECK(ppr_mark_alloc(&arr, N, 0, NULL, NULL) == -PPR_ERANGE);
    CHECK(ppr_mark_free(&arr, N - 1, 1, NULL) == -PPR_ERANGE);
    CHECK(ppr_mark_free(&arr, 60, 3, NULL) == -PPR_ERANGE);
    CHECK(ppr_mark_free(&arr, UINT64_MAX, 0, NULL) == -PPR_ERANGE);
    CHECK(ppr_mark_free(&arr, UINT64_MAX - 1, 1, NULL) == -PPR_ERANGE);
    CHECK(ppr_mark_alloc(&arr, 0, 7, NULL, NULL) == -PPR_ERANGE);
    CHECK(memcmp(before, st, N) == 0);      /* nothing written on error */
    CHECK(ppr_mark_free(&arr, 0, 6, NULL) == 0); /* whole array */
    CHECK(ppr_mark_free(&arr, N - 1, 0, NULL) == 1);
    CHECK(!ppr_hv_refault(&arr, N));
    CHECK(!ppr_hv_refault(NULL, 0));
}

static void test_guest_free(void)
{
    struct ppr_guest_counts c = { 0 };

    setup();
    CHECK(ppr_mark_free(&arr, 8, 3, &c) == 0);
    for ( unsigned int i = 0; i < N; i++ )
        CHECK(st[i] == (i >= 8 && i < 16 ? XEN_PPR_FREE : XEN_PPR_INUSE));
    CHECK(c.freed == 8);

    /* Old FREE / AGED: double free, stays FREE. */
    st[9] = XEN_PPR_AGED;
    CHECK(ppr_mark_free(&arr, 8, 1, &c) == 2);
    CHECK(c.double_free == 2 && st[8] == XEN_PPR_FREE && st[9] ==
          XEN_PPR_FREE);

    /* Old RECLAIMED: kept RECLAIMED (no frame), with and without counts. */
    st[20] = XEN_PPR_RECLAIMED;
    st[21] = XEN_PPR_RECLAIMED;
    CHECK(ppr_mark_free(&arr, 20, 0, &c) == 1);
    CHECK(ppr_mark_free(&arr, 21, 0, NULL) == 1);
    CHECK(st[20] == XEN_PPR_RECLAIMED && st[21] == XEN_PPR_RECLAIMED);
    CHECK(c.free_reclaimed == 1);

    /* Old RECLAIMING: becomes FREE, the hypervisor's confirm will fail. */
    st[22] = XEN_PPR_RECLAIMING;
    CHECK(ppr_mark_free(&arr, 22, 0, &c) == 1);
    CHECK(st[22] == XEN_PPR_FREE && c.free_raced == 1);

    /* Garbage: becomes FREE, counted. */
    st[23] = 0xa5;
    CHECK(ppr_mark_free(&arr, 23, 0, &c) == 1);
    CHECK(st[23] == XEN_PPR_FREE && c.invalid == 1);
}

static void test_guest_alloc(void)
{
    struct ppr_guest_counts c = { 0 };
    uint8_t old[8];

    setup();
    st[0] = XEN_PPR_INUSE;
    st[1] = XEN_PPR_FREE;
    st[2] = XEN_PPR_AGED;
    st[3] = XEN_PPR_RECLAIMING;
    st[4] = XEN_PPR_RECLAIMED;
    st[5] = XEN_PPR_RECLAIMED;
    st[6] = 0xff;
    st[7] = XEN_PPR_NR_STATES;
    CHECK(ppr_mark_alloc(&arr, 0, 3, old, &c) == 2);
    for ( unsigned int i = 0; i < 8; i++ )
        CHECK(st[i] == XEN_PPR_INUSE);
    CHECK(old[0] == XEN_PPR_INUSE && old[1] == XEN_PPR_FREE &&
          old[2] == XEN_PPR_AGED && old[3] == XEN_PPR_RECLAIMING &&
          old[4] == XEN_PPR_RECLAIMED && old[6] == 0xff);
    CHECK(c.alloced == 8 && c.alloc_reclaimed == 2 && c.alloc_raced == 1 &&
          c.alloc_inuse == 1 && c.invalid == 2);
    CHECK(ppr_mark_alloc(&arr, 0, 0, NULL, NULL) == 0);
}

static void test_scan_reclaim(void)
{
    setup();
    ppr_mark_free(&arr, 8, 3, NULL);        /* 8 pages */
    ppr_mark_free(&arr, 40, 1, NULL);       /* 2 pages */

    pass();                                  /* first pass only ages */
    CHECK(hv.counters.passes == 1 && hv.counters.aged == 10);
    CHECK(fk.unmaps == 0 && fk.frees == 0);
    CHECK(st[8] == XEN_PPR_AGED && st[41] == XEN_PPR_AGED);

    /* An AGED page freed again goes back to FREE: no claim this pass. */
    ppr_mark_free(&arr, 41, 0, NULL);
    pass_budget(N);
    CHECK(hv.counters.claimed == 9 && fk.unmaps == 9 && fk.frees == 9);
    CHECK(hv.counters.reclaimed == 9 && hv.counters.frames_returned == 9);
    /* batch of 4: 4 + 4 + 1 pages, each batch: unmaps, 1 flush, frees */
    CHECK(fk.flushes == 3 && hv.counters.flushes == 3 &&
          hv.counters.batches == 3);
    CHECK(strncmp(fk.log, "uuuuFxxxxuuuuFxxxxuFx", 21) == 0);
    for ( unsigned int i = 8; i < 16; i++ )
        CHECK(st[i] == XEN_PPR_RECLAIMED && fk.p2m[i] == P_EMPTY);
    CHECK(st[41] == XEN_PPR_AGED && fk.p2m[41] == P_RAM);
    CHECK(st[0] == XEN_PPR_INUSE && fk.p2m[0] == P_RAM);

    /* Reclaimed pages are never touched again by the scanner. */
    pass();
    CHECK(fk.frees == 10);                  /* only page 41 */
    pass();
    CHECK(fk.frees == 10 && fk.unmaps == 10);

    /* Guest re-allocates: the hypervisor sees INUSE, refault fix-up. */
    CHECK(ppr_mark_alloc(&arr, 8, 3, NULL, NULL) == 8);
    CHECK(!ppr_hv_refault(&arr, 8));        /* already INUSE */
    st[9] = XEN_PPR_RECLAIMED;              /* touched without marking */
    CHECK(ppr_hv_refault(&arr, 9) && st[9] == XEN_PPR_INUSE);
}

static void test_budget_cursor(void)
{
    setup();
    CHECK(ppr_hv_scan(&hv, 0));             /* no budget: no progress */
    CHECK(hv.cursor == 0 && hv.counters.scanned == 0);
    CHECK(ppr_hv_scan(&hv, 10));
    CHECK(hv.cursor == 10 && hv.counters.scanned == 10);
    CHECK(ppr_hv_scan(&hv, N - 11));
    CHECK(hv.cursor == N - 1);
    CHECK(!ppr_hv_scan(&hv, 100));          /* wraps: pass complete */
    CHECK(hv.cursor == 0 && hv.counters.passes == 1 &&
          hv.counters.scanned == N);

    /* Slice scanner never looks outside [16, 32). */
    {
        struct ppr_hv h2;

        memset(st, XEN_PPR_AGED, N);
        CHECK(ppr_hv_init(&h2, &arr, 16, 32, batch, 4, &ops, &fk) == 0);
        CHECK(!ppr_hv_scan(&h2, 1000));
        for ( unsigned int i = 0; i < N; i++ )
            CHECK(st[i] == (i >= 16 && i < 32 ? XEN_PPR_RECLAIMED
                                              : XEN_PPR_AGED));
        CHECK(h2.counters.scanned == 16 && fk.frees == 16);
    }
}

static unsigned int nr_scribbles;

/* race hook: a hostile guest scribbles over the entry being claimed */
static void scribble(struct fake *f, uint64_t gfn)
{
    f->arr->state[gfn] = 0x5a;
    nr_scribbles++;
}

/* The 8-entries-at-once idle fast path must not skip anything. */
static void test_scan_fastpath(void)
{
    unsigned int budget, i, pos;
    struct ppr_hv h;

    for ( budget = 1; budget <= 17; budget++ )
        for ( pos = 0; pos < 16; pos++ )
        {
            setup();
            st[pos] = XEN_PPR_FREE;
            st[N - 1 - pos] = XEN_PPR_FREE;
            st[24 + pos % 8] = 0x80;
            CHECK(ppr_hv_init(&h, &arr, pos % 5, N - pos % 3, batch, 4,
                              &ops, &fk) == 0);
            while ( ppr_hv_scan(&h, budget) )
                ;
            CHECK(h.counters.scanned == h.end - h.start);
            CHECK(h.counters.invalid_seen == 1);
            CHECK(h.cursor == h.start && h.counters.passes == 1);
            for ( i = 0; i < N; i++ )
            {
                bool in = i >= h.start && i < h.end;

                if ( i == pos || i == N - 1 - pos )
                    CHECK(st[i] == (in ? XEN_PPR_AGED : XEN_PPR_FREE));
                else if ( i == 24 + pos % 8 )
                    CHECK(st[i] == 0x80);
                else
                    CHECK(st[i] == XEN_PPR_INUSE);
            }
        }
}

static void test_hostile_values(void)
{
    uint8_t v;
    unsigned int i, p;

    /* Every byte value the hypervisor does not own or act upon. */
    for ( v = XEN_PPR_RECLAIMING; ; v++ )
    {
        setup();
        memset(st, v, N);
        for ( p = 0; p < 4; p++ )
            pass();
        for ( i = 0; i < N; i++ )
            CHECK(st[i] == v);
        CHECK(fk.unmaps == 0 && fk.frees == 0 && fk.flushes == 0);
        CHECK(hv.counters.invalid_seen == (v >= XEN_PPR_NR_STATES ? 4 * N : 0));
        CHECK(ppr_state_valid(v) == (v < XEN_PPR_NR_STATES));
        if ( v == 0xff )
            break;
    }

    /* Garbage written between claim and confirm: restored, never freed. */
    setup();
    memset(st, XEN_PPR_AGED, 4);
    fk.race = scribble;
    nr_scribbles = 0;
    pass();
    CHECK(nr_scribbles == 4 && fk.restores == 4 && fk.frees == 0);
    for ( i = 0; i < 4; i++ )
        CHECK(st[i] == 0x5a && fk.p2m[i] == P_RAM);
}

static void race_alloc(struct fake *f, uint64_t gfn)
{
    if ( gfn % 2 == 0 )
        CHECK(ppr_mark_alloc(f->arr, gfn, 0, NULL, NULL) == 0);
}

static void race_free(struct fake *f, uint64_t gfn)
{
    CHECK(ppr_mark_free(f->arr, gfn, 0, NULL) == 1);  /* double free */
}

static void test_races(void)
{
    unsigned int i;

    /* Guest allocates while the page is RECLAIMING: restore, not free. */
    setup();
    memset(st, XEN_PPR_AGED, 8);
    fk.race = race_alloc;
    pass();
    CHECK(fk.unmaps == 8 && fk.restores == 4 && fk.frees == 4);
    CHECK(hv.counters.restored == 4 && hv.counters.reclaimed == 4);
    for ( i = 0; i < 8; i++ )
    {
        CHECK(st[i] == (i % 2 ? XEN_PPR_RECLAIMED : XEN_PPR_INUSE));
        CHECK(fk.p2m[i] == (i % 2 ? P_EMPTY : P_RAM));
    }

    /* Double free while RECLAIMING: restored, stays FREE. */
    setup();
    memset(st, XEN_PPR_AGED, 4);
    fk.race = race_free;
    pass();
    CHECK(fk.restores == 4 && fk.frees == 0);
    for ( i = 0; i < 4; i++ )
        CHECK(st[i] == XEN_PPR_FREE && fk.p2m[i] == P_RAM);

    /* Unmap refused (granted frame...): back to FREE, no flush. */
    setup();
    memset(st, XEN_PPR_AGED, 4);
    fk.refuse[1] = 1;
    fk.refuse[2] = 1;
    pass();
    CHECK(hv.counters.refused == 2 && fk.frees == 2 && fk.restores == 0);
    CHECK(st[1] == XEN_PPR_FREE && st[2] == XEN_PPR_FREE);
    CHECK(fk.p2m[1] == P_RAM && fk.p2m[2] == P_RAM);
    CHECK(st[0] == XEN_PPR_RECLAIMED && st[3] == XEN_PPR_RECLAIMED);

    /* Nothing behind the gfn: confirmed without flush or free. */
    setup();
    memset(st, XEN_PPR_AGED, 4);
    for ( i = 0; i < 4; i++ )
        fk.empty[i] = 1;
    pass();
    CHECK(hv.counters.already_empty == 4 && hv.counters.reclaimed == 4);
    CHECK(fk.flushes == 0 && fk.frees == 0 && hv.counters.frames_returned == 0);
    for ( i = 0; i < 4; i++ )
        CHECK(st[i] == XEN_PPR_RECLAIMED);
}

int main(void)
{
    test_init();
    test_export();
    test_bad_ranges();
    test_guest_free();
    test_guest_alloc();
    test_scan_reclaim();
    test_budget_cursor();
    test_scan_fastpath();
    test_hostile_values();
    test_races();

    printf("ppr unit: %u checks, %u failed\n", nr_checks, nr_failed);
    if ( nr_failed )
        printf("Test result: FAILURE: %u of %u checks failed\n", nr_failed,
               nr_checks);
    else
        printf("Test result: SUCCESS\n");
    return nr_failed ? 1 : 0;
}
