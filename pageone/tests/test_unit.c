/* SPDX-License-Identifier: MIT */
/*
 * test_unit.c - PageONE core unit tests: hash, trie insert/lookup/delete,
 * the candidate rule, forced hash collisions (full compare must matter),
 * share-group isolation, zero pages, COW breaks, failing merges, range
 * removal.  Single-threaded.
 */
#include "../native/po_native.h"
#include "po_test.h"

#define PS PAGEONE_PAGE_SIZE

static struct pageone_stats st(struct pageone *e, struct pageone_group *g)
{
    struct pageone_stats s;

    pageone_stats_read(e, g, &s);
    return s;
}

#define S(e, g, x) (st(e, g).v[PAGEONE_STAT_##x])

static void quiesce(struct po_native *n)
{
    unsigned int i;

    for ( i = 0; i < 8; i++ )
        po_native_poll(n);
}

/* Run until the engine finishes the current pass. */
static void run_pass(struct pageone *e)
{
    uint64_t fs = st(e, NULL).full_scans;
    unsigned int n = 0;

    while ( st(e, NULL).full_scans == fs && n++ < 1000000 )
        if ( !pageone_scan(e, 1) )
            break;
}

static unsigned int run_idle(struct pageone *e)
{
    unsigned int n = 0;

    while ( pageone_scan(e, 256) && n < 100000 )
        n++;
    return n;
}

static void test_hash(void)
{
    static unsigned char a[PS], b[PS];
    uint64_t h, h2;
    bool z;
    unsigned int i, same = 0;

    po_fill(a, 77, 100);
    memcpy(b, a, PS);
    h = pageone_hash_page(1, a, &z);
    CHECK(!z, "random page is not zero");
    CHECK(h == pageone_hash_page(1, b, NULL), "equal pages, equal hash");
    CHECK(pageone_page_equal(a, b), "copy equal");
    CHECK(h != pageone_hash_page(2, a, NULL), "seed matters");
    for ( i = 0; i < PS * 8; i += 97 )
    {
        b[i / 8] ^= 1u << (i % 8);
        if ( pageone_hash_page(1, b, NULL) == h )
            same++;
        CHECK(!pageone_page_equal(a, b), "bit %u flip seen by compare", i);
        b[i / 8] ^= 1u << (i % 8);
    }
    b[PS - 1] ^= 0x80;
    CHECK(!pageone_page_equal(a, b), "last byte");
    CHECK(pageone_hash_page(1, b, NULL) != h, "last byte hash");
    CHECK(same == 0, "%u single-bit flips kept the hash", same);

    memset(a, 0, PS);
    h2 = pageone_hash_page(1, a, &z);
    CHECK(z, "zero page detected");
    a[PS - 1] = 1;
    pageone_hash_page(1, a, &z);
    CHECK(!z, "last byte set is not zero");
    (void)h2;
}

struct lk {
    unsigned long idx;
    unsigned int seen;
};

static bool lk_fn(struct pageone_entry *x, void *arg)
{
    struct lk *l = arg;
    const struct pageone_entry *y = x;

    (void)y;
    l->seen++;
    return false;
}

static void test_tree(void)
{
    struct po_native n;
    struct pageone_group g, g2;
    struct po_nrange r;
    struct pageone_entry **ent;
    uint64_t seed = 99, *hs;
    unsigned long i, N = 5000, miss = 0, found = 0;
    struct lk l;

    CHECK(po_native_init(&n, 1, 4, true) == 0, "init");
    pageone_group_init(&g, 1);
    pageone_group_init(&g2, 2);
    po_nrange_init(&r, &g, 1, NULL);
    ent = calloc(N, sizeof(*ent));
    hs = calloc(N, sizeof(*hs));

    pageone_enter(&n.eng);
    for ( i = 0; i < N; i++ )
    {
        hs[i] = po_rng(&seed);
        ent[i] = pageone_tree_insert_candidate(&n.eng, &g, hs[i], &r.r, i);
    }
    for ( i = 0; i < N; i++ )
        if ( pageone_tree_lookup(&n.eng, &g, hs[i], NULL, NULL) != ent[i] )
            miss++;
    CHECK(!miss, "%lu lookups missed", miss);
    CHECK(!pageone_tree_lookup(&n.eng, &g, 12345, NULL, NULL), "absent");
    CHECK(!pageone_tree_lookup(&n.eng, &g2, hs[0], NULL, NULL),
          "other group does not see it");
    CHECK(pageone_tree_count(&n.eng) == N, "count %lu",
          pageone_tree_count(&n.eng));
    for ( i = 0; i < N; i += 2 )
        CHECK(pageone_tree_delete(&n.eng, ent[i]), "delete %lu", i);
    CHECK(!pageone_tree_delete(&n.eng, ent[0]), "double delete refused");
    for ( i = 0; i < N; i++ )
        if ( pageone_tree_lookup(&n.eng, &g, hs[i], NULL, NULL) )
            found++;
    CHECK(found == N / 2, "found %lu after deleting half", found);
    CHECK(pageone_tree_count(&n.eng) == N / 2, "count after delete");
    CHECK(S(&n.eng, &g, candidates) == (int64_t)(N / 2), "gauge");

    /* identical keys: collision nodes */
    for ( i = 0; i < 6; i++ )
        ent[i * 2] = pageone_tree_insert_candidate(&n.eng, &g, 7, &r.r, i);
    l.seen = 0;
    pageone_tree_lookup(&n.eng, &g, 7, lk_fn, &l);
    CHECK(l.seen == 6, "6 same-hash entries, saw %u", l.seen);
    CHECK(pageone_tree_delete(&n.eng, ent[4]), "delete from coll");
    CHECK(pageone_tree_delete(&n.eng, ent[0]), "delete from coll");
    l.seen = 0;
    pageone_tree_lookup(&n.eng, &g, 7, lk_fn, &l);
    CHECK(l.seen == 4, "4 left, saw %u", l.seen);
    CHECK(pageone_tree_delete(&n.eng, ent[2]), "x");
    CHECK(pageone_tree_delete(&n.eng, ent[6]), "x");
    CHECK(pageone_tree_delete(&n.eng, ent[8]), "x");
    l.seen = 0;
    pageone_tree_lookup(&n.eng, &g, 7, lk_fn, &l);
    CHECK(l.seen == 1, "1 left, saw %u", l.seen);
    pageone_exit(&n.eng);
    quiesce(&n);

    po_native_fini(&n);
    po_nrange_fini(&r);
    free(ent);
    free(hs);
}

/*
 * Layout of 64 pages: 0-3 pattern 7, 4-6 zero, 7-9 pattern 8, 10-63
 * unique.  Optionally every hash collides.
 */
static void fill_basic(struct po_nrange *r)
{
    unsigned int i;

    for ( i = 0; i < 64; i++ )
    {
        unsigned int k = i < 4 ? 7 : i < 7 ? 0 : i < 10 ? 8 : 100 + i;

        po_fill(r->base + i * PS, k, (k * 13) % 301);
    }
}

static uint64_t const_hook(void *ctx, uint64_t h, const void *va)
{
    (void)ctx;
    (void)h;
    (void)va;
    return 42;
}

static void test_scan(bool collide)
{
    struct po_native n;
    struct pageone_group g;
    struct po_nrange r;
    struct pageone *e = &n.eng;
    const char *t = collide ? "collide" : "plain";
    uint64_t allocs;

    po_native_init(&n, 1, 8, true);
    allocs = n.allocs_alive;            /* root and per-cpu state */
    if ( collide )
        n.hash_hook = const_hook;
    pageone_group_init(&g, 3);
    po_nrange_init(&r, &g, 64, NULL);
    fill_basic(&r);
    pageone_range_add(e, &r.r);

    run_pass(e);
    CHECK(S(e, &g, merged) == 0 && S(e, &g, candidates) == 0 &&
          S(e, &g, zero_pages) == 0, "%s: pass 1 only records hashes", t);
    CHECK(S(e, &g, scanned) == 64, "%s: scanned %lld", t,
          (long long)S(e, &g, scanned));

    /* page 9 changes between pass 1 and 2: not a candidate in pass 2 */
    po_fill(r.base + 9 * PS, 999, 0);
    run_pass(e);
    CHECK(S(e, &g, zero_pages) == 3, "%s: zero pages %lld", t,
          (long long)S(e, &g, zero_pages));
    CHECK(S(e, &g, shared_frames) == 2, "%s: frames %lld", t,
          (long long)S(e, &g, shared_frames));
    CHECK(S(e, &g, pages_shared) == 6, "%s: shared %lld", t,
          (long long)S(e, &g, pages_shared));
    /* (a constant hash cannot see page 9 change: only check plain) */
    CHECK(S(e, &g, candidates) == 54 + collide, "%s: candidates %lld", t,
          (long long)S(e, &g, candidates));
    CHECK(collide ||
          pageone_page_state(&r.r.pages[9], NULL) == PAGEONE_PS_NONE,
          "%s: changed page not a candidate", t);
    run_pass(e);
    CHECK(pageone_page_state(&r.r.pages[9], NULL) == PAGEONE_PS_CANDIDATE,
          "%s: candidate after two equal sightings", t);

    run_idle(e);
    CHECK(!pageone_scan(e, 64), "%s: idle after convergence", t);
    CHECK(S(e, &g, frames_saved) == 3 + 1 + 3, "%s: saved %lld", t,
          (long long)S(e, &g, frames_saved));
    CHECK(S(e, NULL, frames_saved) == 7, "%s: global saved", t);
    CHECK(n.bad_merges == 0, "%s: %llu merges of unequal pages", t,
          (unsigned long long)n.bad_merges);
    CHECK(r.frame_of[0] && r.frame_of[0] == r.frame_of[3] &&
          r.frame_of[7] == r.frame_of[8] && r.frame_of[0] != r.frame_of[7],
          "%s: frame map", t);
    CHECK(r.frame_of[4] == PAGEONE_FRAME_ZERO && !r.frame_of[9], "%s: z", t);
    if ( collide )
        CHECK(S(e, &g, collisions) > 0, "collisions were compared away");
    CHECK(pageone_tree_count(e) == 2 + 55, "%s: tree holds %lu", t,
          pageone_tree_count(e));

    pageone_kick(e);
    CHECK(pageone_scan(e, 1), "%s: kick wakes", t);
    run_idle(e);

    /* COW breaks */
    pageone_cow_break(e, &r.r, 0);
    CHECK(S(e, &g, cow_breaks) == 1 && S(e, &g, pages_shared) == 5,
          "%s: cow", t);
    CHECK(pageone_page_state(&r.r.pages[0], NULL) == PAGEONE_PS_NONE, "-");
    pageone_page_lock(&r.r.pages[1]);
    pageone_cow_break(e, &r.r, 1);
    CHECK(pageone_page_state(&r.r.pages[1], NULL) == PAGEONE_PS_SHARED,
          "%s: posted COW waits for the lock holder", t);
    pageone_page_unlock(e, &r.r, 1);
    CHECK(pageone_page_state(&r.r.pages[1], NULL) == PAGEONE_PS_NONE,
          "%s: posted COW ran at unlock", t);
    pageone_cow_break(e, &r.r, 2);
    pageone_cow_break(e, &r.r, 3);
    pageone_cow_break(e, &r.r, 4);
    CHECK(S(e, &g, shared_frames) == 1 && S(e, &g, zero_pages) == 2,
          "%s: last sharer gone", t);
    quiesce(&n);
    CHECK(n.frames_alive == 1, "%s: frame freed (%llu alive)", t,
          (unsigned long long)n.frames_alive);
    r.frame_of[0] = r.frame_of[1] = r.frame_of[2] = r.frame_of[3] = 0;
    run_idle(e);
    CHECK(S(e, &g, frames_saved) == 7 && n.frames_alive == 2,
          "%s: re-merged after COW", t);

    pageone_range_remove(e, &r.r);
    quiesce(&n);
    CHECK(r.released, "%s: range released", t);
    CHECK(S(e, &g, candidates) == 0 && S(e, &g, shared_frames) == 0 &&
          S(e, &g, pages_shared) == 0 && S(e, &g, zero_pages) == 0,
          "%s: gauges back to 0", t);
    CHECK(n.frames_alive == 0, "%s: frames leaked", t);
    CHECK(pageone_tree_count(e) == 0, "%s: tree empty", t);
    CHECK(n.allocs_alive == allocs,
          "%s: %llu blocks kept after the last range went (%llu at init)",
          t, (unsigned long long)n.allocs_alive, (unsigned long long)allocs);
    po_native_fini(&n);
    po_nrange_fini(&r);
}

static void test_groups(void)
{
    struct po_native n;
    struct pageone_group ga, gb;
    struct po_nrange ra, rb, rc;
    struct pageone *e = &n.eng;
    unsigned int i;

    po_native_init(&n, 1, 0, true);
    pageone_group_init(&ga, 10);
    pageone_group_init(&gb, 11);
    po_nrange_init(&ra, &ga, 4, NULL);
    po_nrange_init(&rb, &gb, 4, NULL);
    po_nrange_init(&rc, &ga, 4, NULL);
    for ( i = 0; i < 2; i++ )
    {
        po_fill(ra.base + i * PS, 5, 0);
        po_fill(rb.base + i * PS, 5, 0);
        po_fill(rc.base + i * PS, 5, 0);
    }
    po_fill(ra.base + 3 * PS, 6, 0);
    po_fill(rb.base + 3 * PS, 6, 0);
    po_fill(rc.base + 3 * PS, 66, 0);
    pageone_range_add(e, &ra.r);
    pageone_range_add(e, &rb.r);
    pageone_range_add(e, &rc.r);
    run_idle(e);

    CHECK(S(e, &ga, shared_frames) == 1 && S(e, &ga, pages_shared) == 4,
          "group A merged across its two ranges");
    CHECK(S(e, &gb, shared_frames) == 1 && S(e, &gb, pages_shared) == 2,
          "group B alone");
    CHECK(ra.frame_of[0] == rc.frame_of[1] && ra.frame_of[0] &&
          ra.frame_of[0] != rb.frame_of[0], "no cross-group frame");
    CHECK(!ra.frame_of[3] && !rb.frame_of[3], "pattern 6 not merged");
    CHECK(S(e, &ga, candidates) == 2 && S(e, &gb, candidates) == 1,
          "candidates per group");
    CHECK(ra.frame_of[2] == PAGEONE_FRAME_ZERO &&
          rb.frame_of[2] == PAGEONE_FRAME_ZERO &&
          S(e, NULL, zero_pages) == 3, "zero page is global");
    CHECK(S(e, NULL, frames_saved) == 3 + 1 + 3, "global saved %lld",
          (long long)S(e, NULL, frames_saved));
    CHECK(n.bad_merges == 0, "bad merges");

    pageone_range_remove(e, &ra.r);
    pageone_range_remove(e, &rb.r);
    pageone_range_remove(e, &rc.r);
    quiesce(&n);
    CHECK(n.frames_alive == 0, "frames leaked");
    po_native_fini(&n);
    po_nrange_fini(&ra);
    po_nrange_fini(&rb);
    po_nrange_fini(&rc);
}

static void test_merge_fail(void)
{
    struct po_native n;
    struct pageone_group g;
    struct po_nrange r;
    struct pageone *e = &n.eng;

    po_native_init(&n, 1, 0, true);
    pageone_group_init(&g, 1);
    po_nrange_init(&r, &g, 64, NULL);
    fill_basic(&r);
    n.fail_merges = 1u << 30;
    pageone_range_add(e, &r.r);
    CHECK(run_idle(e) < 1000, "failing merges must not keep it busy");
    CHECK(S(e, &g, merged) == 0 && S(e, &g, merge_failed) > 0,
          "no merge, failures counted");
    n.fail_merges = 0;
    pageone_kick(e);
    run_idle(e);
    CHECK(S(e, &g, frames_saved) == 3 + 2 + 3, "merged after recovery");
    pageone_range_remove(e, &r.r);
    quiesce(&n);
    po_native_fini(&n);
    po_nrange_fini(&r);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_hash();
    test_tree();
    test_scan(false);
    test_scan(true);
    test_groups();
    test_merge_fail();
    return po_result("pageone unit");
}
