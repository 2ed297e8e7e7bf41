/* SPDX-License-Identifier: MIT */
/*
 * ppr_bench - cycles per PPR operation, against a plain byte store/load
 * baseline measured in the same run, and against a packed 2-bit-per-page
 * encoding (the alternative to one byte per page).  Not a test.
 *
 * Each figure is the best of REPS runs over an array of N entries (cold
 * enough not to fit in L2: 4 MiB of bytes, i.e. a 16 GiB guest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

#include "ppr_core.h"

#define N       (4UL << 20)
#define REPS    7

static uint8_t *st;
static uint64_t *packed;            /* 32 entries per 64-bit word */
static struct ppr_array arr;
static volatile uint64_t sink;

static uint64_t now(void)
{
#ifdef HAVE_TSC
    return __rdtsc();
#else
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
#endif
}

/* ---- callbacks that do nothing: measure the core only ---- */
static enum ppr_unmap_result b_unmap(void *p, uint64_t g)
{
    (void)p; (void)g;
    return PPR_UNMAP_OK;
}
static void b_flush(void *p) { (void)p; }
static void b_page(void *p, uint64_t g) { (void)p; (void)g; }
static const struct ppr_hv_ops ops = {
    .unmap = b_unmap, .flush = b_flush,
    .free_frame = b_page, .restore = b_page,
};
static uint64_t batch[64];

/* ---- packed 2-bit alternative: CAS loop, returns old state ---- */
static unsigned int packed_xchg(uint64_t i, unsigned int v)
{
    uint64_t *w = &packed[i / 32], old, new;
    unsigned int sh = (i % 32) * 2;

    old = __atomic_load_n(w, __ATOMIC_RELAXED);
    do
        new = (old & ~(3ULL << sh)) | ((uint64_t)v << sh);
    while ( !__atomic_compare_exchange_n(w, &old, new, true,
                                         __ATOMIC_SEQ_CST,
                                         __ATOMIC_RELAXED) );
    return (old >> sh) & 3;
}

/* Packed scan of an idle array: one load per 32 entries, skip zeroes. */
static uint64_t packed_scan_idle(void)
{
    uint64_t i, n = 0;

    for ( i = 0; i < N / 32; i++ )
        if ( __atomic_load_n(&packed[i], __ATOMIC_RELAXED) )
            n++;
    return n;
}

/* Packed scan that ages every FREE entry (all free): CAS per entry. */
static uint64_t packed_scan_free(void)
{
    uint64_t i, n = 0;

    for ( i = 0; i < N; i++ )
    {
        uint64_t *w = &packed[i / 32];
        unsigned int sh = (i % 32) * 2;
        uint64_t old = __atomic_load_n(w, __ATOMIC_RELAXED);

        if ( ((old >> sh) & 3) == XEN_PPR_FREE &&
             __atomic_compare_exchange_n(w, &old,
                 (old & ~(3ULL << sh)) | ((uint64_t)XEN_PPR_AGED << sh),
                 false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED) )
            n++;
    }
    return n;
}

enum {
    B_STORE, B_LOAD, B_FREE0, B_FREE9, B_ALLOC0, B_ALLOC9,
    B_SCAN_IDLE, B_SCAN_FREE, B_SCAN_CLAIM,
    B_PK_FREE0, B_PK_ALLOC0, B_PK_SCAN_IDLE, B_PK_SCAN_FREE, NR_B
};

static const char *const names[NR_B] = {
    "baseline: plain byte store",
    "baseline: plain byte load",
    "mark-free   order 0 (xchg)",
    "mark-free   order 9, per page",
    "mark-alloc  order 0 (xchg)",
    "mark-alloc  order 9, per page",
    "scan, idle array (all INUSE)",
    "scan, all-FREE array (aging)",
    "scan, all-AGED (claim+confirm)",
    "packed2: mark-free order 0",
    "packed2: mark-alloc order 0",
    "packed2: scan idle (64b words)",
    "packed2: scan all-FREE (aging)",
};

static void prepare(int b)
{
    switch ( b )
    {
    case B_FREE0: case B_FREE9: case B_SCAN_IDLE:
        memset(st, XEN_PPR_INUSE, N);
        break;
    case B_ALLOC0: case B_ALLOC9: case B_SCAN_FREE:
        memset(st, XEN_PPR_FREE, N);
        break;
    case B_SCAN_CLAIM:
        memset(st, XEN_PPR_AGED, N);
        break;
    case B_PK_FREE0: case B_PK_SCAN_IDLE:
        memset(packed, 0, N / 4);
        break;
    case B_PK_ALLOC0: case B_PK_SCAN_FREE:
        memset(packed, 0x55, N / 4);   /* 01 = FREE in every slot */
        break;
    }
}

static void run(int b)
{
    uint64_t i, acc = 0;
    struct ppr_hv hv;

    switch ( b )
    {
    case B_STORE:
        for ( i = 0; i < N; i++ )
            __atomic_store_n(&st[i], (uint8_t)i, __ATOMIC_RELAXED);
        break;
    case B_LOAD:
        for ( i = 0; i < N; i++ )
            acc += __atomic_load_n(&st[i], __ATOMIC_RELAXED);
        break;
    case B_FREE0:
        for ( i = 0; i < N; i++ )
            acc += ppr_mark_free(&arr, i, 0, NULL);
        break;
    case B_FREE9:
        for ( i = 0; i < N; i += 512 )
            acc += ppr_mark_free(&arr, i, 9, NULL);
        break;
    case B_ALLOC0:
        for ( i = 0; i < N; i++ )
            acc += ppr_mark_alloc(&arr, i, 0, NULL, NULL);
        break;
    case B_ALLOC9:
        for ( i = 0; i < N; i += 512 )
            acc += ppr_mark_alloc(&arr, i, 9, NULL, NULL);
        break;
    case B_SCAN_IDLE: case B_SCAN_FREE: case B_SCAN_CLAIM:
        ppr_hv_init(&hv, &arr, 0, N, batch, 64, &ops, NULL);
        while ( ppr_hv_scan(&hv, 4096) )
            ;
        acc = hv.counters.aged + hv.counters.reclaimed;
        break;
    case B_PK_FREE0:
        for ( i = 0; i < N; i++ )
            acc += packed_xchg(i, XEN_PPR_FREE);
        break;
    case B_PK_ALLOC0:
        for ( i = 0; i < N; i++ )
            acc += packed_xchg(i, XEN_PPR_INUSE);
        break;
    case B_PK_SCAN_IDLE:
        acc = packed_scan_idle();
        break;
    case B_PK_SCAN_FREE:
        acc = packed_scan_free();
        break;
    }
    sink += acc;
}

int main(void)
{
    double cyc[NR_B];
    int b, r;

    st = aligned_alloc(4096, N);
    packed = aligned_alloc(4096, N / 4);
    if ( !st || !packed || ppr_array_init(&arr, st, N) )
        return 1;
    memset(st, 0, N);

    for ( b = 0; b < NR_B; b++ )
    {
        uint64_t best = ~0ULL;

        for ( r = 0; r < REPS; r++ )
        {
            uint64_t t0, t1;

            prepare(b);
            t0 = now();
            run(b);
            t1 = now();
            if ( t1 - t0 < best )
                best = t1 - t0;
        }
        cyc[b] = (double)best / N;
    }

    printf("ppr_bench: %lu entries (%lu MiB byte array, %lu KiB packed), "
           "best of %d, %s per entry\n", N, N >> 20, N / 4 >> 10, REPS,
#ifdef HAVE_TSC
           "TSC cycles"
#else
           "ns"
#endif
           );
    printf("%-34s %9s %9s %9s\n", "operation", "per-entry", "x store",
           "x load");
    for ( b = 0; b < NR_B; b++ )
        printf("%-34s %9.2f %9.2f %9.2f\n", names[b], cyc[b],
               cyc[b] / cyc[B_STORE], cyc[b] / cyc[B_LOAD]);
    return 0;
}
