/* SPDX-License-Identifier: MIT */
/*
 * test_stress.c - PageONE multi-threaded stress test.
 *
 * T scanner threads run pageone_scan() concurrently over 4 ranges in 2
 * share groups while a mutator thread rewrites pages (with COW breaks for
 * merged ones, both the locked and the posted variant) and now and then
 * removes and re-adds a whole range.  Then the mutator stops, the engine
 * converges, and the result is checked against an offline duplicate count:
 * every zero page on the zero frame, every duplicate class of a group on
 * exactly one frame holding its content, every singleton a candidate, no
 * merge of unequal content, no leaked or early-freed frame (run it under
 * ASan/TSan for use-after-free).
 *
 * usage: test_stress [threads] [seconds] [collide]
 *   collide: the hash is cut to 10 bits, so full compares decide.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "../native/po_native.h"
#include "po_test.h"

#define PS              PAGEONE_PAGE_SIZE
#define NR_RANGES       4
#define NR_PATTERNS     200

static struct po_native n;
static struct pageone_group grp[2];
static struct po_nrange rng[NR_RANGES];
static uint64_t *pat[NR_RANGES];
static unsigned long pages_per_range = 1024;
static int phase;                       /* 0 run, 1 drain, 2 stop */
static unsigned int nr_threads = 4;
static uint64_t unique_id = 1000000;
static uint64_t mutations, churns;

static unsigned int zrun(uint64_t k)
{
    return (k * 37) % 257;
}

static uint64_t pick_pattern(uint64_t *s)
{
    uint64_t r = po_rng(s) % 100;

    if ( r < 15 )
        return 0;
    if ( r < 75 )
        return 1 + po_rng(s) % NR_PATTERNS;
    return unique_id++;
}

static uint64_t cut_hook(void *ctx, uint64_t h, const void *va)
{
    (void)ctx;
    (void)va;
    return h & 0x3ff;
}

static void *scanner(void *arg)
{
    unsigned int i = 0;

    po_native_cpu = (uintptr_t)arg;
    while ( __atomic_load_n(&phase, __ATOMIC_ACQUIRE) < 2 )
    {
        if ( !pageone_scan(&n.eng, 64) )
        {
            if ( __atomic_load_n(&phase, __ATOMIC_ACQUIRE) == 0 &&
                 !(++i % 4) )
                pageone_kick(&n.eng);   /* continuous mode in phase 0 */
            sched_yield();
        }
    }
    return NULL;
}

static void mutate_one(uint64_t *s)
{
    unsigned int ri = po_rng(s) % NR_RANGES;
    unsigned long idx = po_rng(s) % pages_per_range;
    struct po_nrange *r = &rng[ri];
    struct pageone_page *p = &r->r.pages[idx];
    bool locked_cow = po_rng(s) & 1;
    uint64_t f, k = pick_pattern(s);

    pageone_page_lock(p);
    f = r->frame_of[idx];
    r->frame_of[idx] = 0;
    if ( f && locked_cow )
        pageone_cow_break_locked(&n.eng, &r->r, idx);
    po_fill(r->base + idx * PS, k, zrun(k));
    pat[ri][idx] = k;
    pageone_page_unlock(&n.eng, &r->r, idx);
    if ( f && !locked_cow )
        pageone_cow_break(&n.eng, &r->r, idx);
    mutations++;
}

static void churn(void)
{
    struct po_nrange *r = &rng[3];
    unsigned long i;

    pageone_range_remove(&n.eng, &r->r);
    while ( !r->released )
    {
        po_native_poll(&n);
        sched_yield();
    }
    r->released = 0;
    for ( i = 0; i < pages_per_range; i++ )
        r->frame_of[i] = 0;
    pageone_range_add(&n.eng, &r->r);
    churns++;
}

static void *mutator(void *arg)
{
    uint64_t s = 4242;
    unsigned long i = 0;

    po_native_cpu = (uintptr_t)arg;
    while ( !__atomic_load_n(&phase, __ATOMIC_ACQUIRE) )
    {
        mutate_one(&s);
        if ( !(++i % 2000) )
            churn();
        if ( !(i % 64) )
        {
            po_native_poll(&n);
            sched_yield();
        }
    }
    return NULL;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* offline: count pages per (group, pattern) */
static unsigned long count_of(unsigned int g, uint64_t k)
{
    unsigned long c = 0, i;
    unsigned int ri;

    for ( ri = 0; ri < NR_RANGES; ri++ )
        if ( ri % 2 == g )
            for ( i = 0; i < pages_per_range; i++ )
                c += pat[ri][i] == k;
    return c;
}

/* All workers joined: run every CPU's deferred frees. */
static void quiesce_all(void)
{
    unsigned int i, k;

    for ( i = 0; i < nr_threads + 2; i++ )
    {
        po_native_cpu = i;
        for ( k = 0; k < 4; k++ )
            po_native_poll(&n);
    }
    po_native_cpu = nr_threads + 1;
}

static void verify(void)
{
    struct pageone_stats s[2], gs;
    unsigned int ri, g;
    unsigned long i, bad_state = 0, bad_frame = 0, bad_content = 0;
    long exp_frames[2] = { 0, 0 }, exp_shared[2] = { 0, 0 };
    long exp_cand[2] = { 0, 0 }, exp_zero = 0, lone = 0;
    unsigned long *cnt[NR_RANGES];

    for ( ri = 0; ri < NR_RANGES; ri++ )
    {
        cnt[ri] = calloc(pages_per_range, sizeof(**cnt));
        for ( i = 0; i < pages_per_range; i++ )
            cnt[ri][i] = count_of(ri % 2, pat[ri][i]);
    }

    for ( ri = 0; ri < NR_RANGES; ri++ )
    {
        struct po_nrange *r = &rng[ri];

        g = ri % 2;
        for ( i = 0; i < pages_per_range; i++ )
        {
            uint64_t k = pat[ri][i], f = r->frame_of[i];
            const struct pageone_entry *x;
            enum pageone_pstate ps = pageone_page_state(&r->r.pages[i], &x);
            unsigned int rj;
            unsigned long j;
            bool first = true;

            if ( !k )
            {
                exp_zero++;
                bad_state += ps != PAGEONE_PS_ZERO ||
                             f != PAGEONE_FRAME_ZERO;
                continue;
            }
            if ( cnt[ri][i] == 1 && ps == PAGEONE_PS_SHARED && f )
            {
                /*
                 * A page whose partners all broke COW stays on its frame
                 * (as KSM keeps a stable page with one mapping): legal
                 * iff it is that frame's only sharer.  Saves nothing.
                 */
                bad_state += pageone_entry_sharers(x) != 1;
                exp_frames[g]++;
                exp_shared[g]++;
                lone++;
                continue;
            }
            if ( cnt[ri][i] == 1 )
            {
                exp_cand[g]++;
                bad_state += ps != PAGEONE_PS_CANDIDATE || f;
                continue;
            }
            exp_shared[g]++;
            bad_state += ps != PAGEONE_PS_SHARED || !f;
            if ( !f )
                continue;
            if ( memcmp(po_frame_data(f), r->base + i * PS, PS) )
                bad_content++;
            /* first member of its class counts the frame */
            for ( rj = 0; rj <= ri && first; rj++ )
                for ( j = 0; rj % 2 == g && j < pages_per_range; j++ )
                {
                    if ( rj == ri && j == i )
                        break;
                    if ( pat[rj][j] == k )
                    {
                        first = false;
                        if ( rng[rj].frame_of[j] != f )
                            bad_frame++;
                        break;
                    }
                }
            exp_frames[g] += first;
        }
    }

    CHECK(!bad_state, "%lu pages in the wrong state", bad_state);
    CHECK(!bad_frame, "%lu pages on a second frame of their class",
          bad_frame);
    CHECK(!bad_content, "%lu frames differ from their pages", bad_content);
    CHECK(n.bad_merges == 0, "%llu merges of unequal content",
          (unsigned long long)n.bad_merges);
    for ( g = 0; g < 2; g++ )
    {
        pageone_stats_read(&n.eng, &grp[g], &s[g]);
        CHECK(s[g].v[PAGEONE_STAT_shared_frames] == exp_frames[g],
              "group %u frames %lld expected %ld", g,
              (long long)s[g].v[PAGEONE_STAT_shared_frames], exp_frames[g]);
        CHECK(s[g].v[PAGEONE_STAT_pages_shared] == exp_shared[g],
              "group %u shared %lld expected %ld", g,
              (long long)s[g].v[PAGEONE_STAT_pages_shared], exp_shared[g]);
        CHECK(s[g].v[PAGEONE_STAT_candidates] == exp_cand[g],
              "group %u candidates %lld expected %ld", g,
              (long long)s[g].v[PAGEONE_STAT_candidates], exp_cand[g]);
    }
    pageone_stats_read(&n.eng, NULL, &gs);
    CHECK(gs.v[PAGEONE_STAT_zero_pages] == exp_zero,
          "zero pages %lld expected %ld",
          (long long)gs.v[PAGEONE_STAT_zero_pages], exp_zero);
    /* lone pages on their own frame save nothing */
    CHECK(gs.v[PAGEONE_STAT_frames_saved] ==
          exp_shared[0] + exp_shared[1] - exp_frames[0] - exp_frames[1] +
          exp_zero, "frames saved %lld",
          (long long)gs.v[PAGEONE_STAT_frames_saved]);
    CHECK(n.frames_alive == (uint64_t)(exp_frames[0] + exp_frames[1]),
          "port holds %llu frames", (unsigned long long)n.frames_alive);
    CHECK(pageone_tree_count(&n.eng) ==
          (unsigned long)(exp_frames[0] + exp_frames[1] + exp_cand[0] +
                          exp_cand[1]), "tree holds %lu entries",
          pageone_tree_count(&n.eng));
    printf("offline: %ld+%ld frames, %ld+%ld shared pages, %ld+%ld "
           "candidates, %ld zero pages, %ld lone sharers\n", exp_frames[0],
           exp_frames[1], exp_shared[0], exp_shared[1], exp_cand[0],
           exp_cand[1], exp_zero, lone);
    printf("engine : merged %lld zero-merged %lld cow %lld collisions %lld "
           "busy %lld full scans %llu saved %lld\n",
           (long long)gs.v[PAGEONE_STAT_merged],
           (long long)gs.v[PAGEONE_STAT_zero_merged],
           (long long)gs.v[PAGEONE_STAT_cow_breaks],
           (long long)gs.v[PAGEONE_STAT_collisions],
           (long long)gs.v[PAGEONE_STAT_busy],
           (unsigned long long)gs.full_scans,
           (long long)gs.v[PAGEONE_STAT_frames_saved]);
    for ( ri = 0; ri < NR_RANGES; ri++ )
        free(cnt[ri]);
}

int main(int argc, char **argv)
{
    pthread_t th[64], mt;
    double secs = 1.0, t0;
    bool collide = false;
    unsigned int i, ri;
    uint64_t s = 1, allocs;
    unsigned long j;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if ( argc > 1 )
        nr_threads = atoi(argv[1]);
    if ( argc > 2 )
        secs = atof(argv[2]);
    if ( argc > 3 )
        collide = atoi(argv[3]);
    if ( !nr_threads || nr_threads > 64 )
        nr_threads = 4;

    po_native_cpu = nr_threads + 1;
    if ( po_native_init(&n, nr_threads + 2, 8, true) )
    {
        printf("Test result: FAILURE: engine init failed\n");
        return 1;
    }
    allocs = n.allocs_alive;            /* root and per-cpu state */
    if ( collide )
        n.hash_hook = cut_hook;
    pageone_group_init(&grp[0], 1);
    pageone_group_init(&grp[1], 2);
    for ( ri = 0; ri < NR_RANGES; ri++ )
    {
        po_nrange_init(&rng[ri], &grp[ri % 2], pages_per_range, NULL);
        pat[ri] = calloc(pages_per_range, sizeof(**pat));
        for ( j = 0; j < pages_per_range; j++ )
        {
            pat[ri][j] = pick_pattern(&s);
            po_fill(rng[ri].base + j * PS, pat[ri][j], zrun(pat[ri][j]));
        }
        pageone_range_add(&n.eng, &rng[ri].r);
    }

    printf("stress: %u scanners, %.1f s, %lu pages, collide %d\n",
           nr_threads, secs, pages_per_range * NR_RANGES, collide);
    for ( i = 0; i < nr_threads; i++ )
        pthread_create(&th[i], NULL, scanner, (void *)(uintptr_t)i);
    pthread_create(&mt, NULL, mutator, (void *)(uintptr_t)nr_threads);

    usleep(secs * 1e6);
    __atomic_store_n(&phase, 1, __ATOMIC_RELEASE);
    pthread_join(mt, NULL);
    pageone_kick(&n.eng);

    /* drain: wait until the engine stays idle */
    t0 = now();
    for ( ;; )
    {
        unsigned int k;

        for ( k = 0; k < 20 && __atomic_load_n(&n.eng.idle,
                                                 __ATOMIC_ACQUIRE); k++ )
            usleep(1000);
        if ( k == 20 || now() - t0 > 60 )
            break;
        usleep(2000);
    }
    __atomic_store_n(&phase, 2, __ATOMIC_RELEASE);
    for ( i = 0; i < nr_threads; i++ )
        pthread_join(th[i], NULL);
    CHECK(now() - t0 <= 60, "engine did not converge");
    printf("mutations %llu, range churns %llu, drain %.2f s\n",
           (unsigned long long)mutations, (unsigned long long)churns,
           now() - t0);

    quiesce_all();
    verify();
    if ( collide )
    {
        struct pageone_stats gs;

        /* The cut hash must have been in use (the tests' build). */
        pageone_stats_read(&n.eng, NULL, &gs);
        CHECK(gs.v[PAGEONE_STAT_collisions] > 0,
              "no collision was compared away");
    }

    for ( ri = 0; ri < NR_RANGES; ri++ )
        pageone_range_remove(&n.eng, &rng[ri].r);
    quiesce_all();
    CHECK(n.allocs_alive == allocs, "%llu blocks kept after the last range "
          "went (%llu at init)", (unsigned long long)n.allocs_alive,
          (unsigned long long)allocs);
    po_native_fini(&n);
    CHECK(n.frames_alive == 0, "%llu frames leaked",
          (unsigned long long)n.frames_alive);
    for ( ri = 0; ri < NR_RANGES; ri++ )
    {
        CHECK(rng[ri].released, "range %u released", ri);
        po_nrange_fini(&rng[ri]);
        free(pat[ri]);
    }
    return po_result("pageone stress");
}
