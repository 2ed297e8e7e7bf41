/* SPDX-License-Identifier: MIT */
/*
 * pageone_core.c - PageONE page-deduplication engine, portable core.
 *
 * Design notes: docs/pageone-design.md.  In short:
 *
 *  - a hash trie: a root array of 2^root_bits slots, then 16-way inner
 *    nodes, indexed by successive bits of the key (content hash mixed with
 *    the share group's salt).  A slot holds nothing, one entry, a
 *    collision node (immutable array of entries with an identical key) or
 *    an inner node.  Every change is one compare-and-exchange on one slot;
 *    inner nodes are not removed while any range is attached, so a key's
 *    slot only moves downwards (expansion), which is itself a CAS of the
 *    slot; when the last range is removed, the emptied trie gives its
 *    inner nodes back (tree_reset);
 *  - candidate entries point at a guest page, stable entries own a shared
 *    frame and count their sharers;
 *  - a guest page is processed only under its per-page try-lock; a busy
 *    page is skipped, never waited for;
 *  - memory leaves the trie by CAS and is freed after a grace period of
 *    the port's RCU.
 */
#include "pageone_core.h"

#define PF_BUSY         0x1u
#define PF_SEEN         0x2u
#define PF_COW          0x4u
#define PF_STATE_SHIFT  3
#define PF_STATE_MASK   (0x3u << PF_STATE_SHIFT)

#define TAG_MASK        ((uintptr_t)3)
#define TAG_ENTRY       ((uintptr_t)0)
#define TAG_INNER       ((uintptr_t)1)
#define TAG_COLL        ((uintptr_t)2)

#define FANOUT_BITS     4
#define FANOUT          (1u << FANOUT_BITS)

#define KIND_CANDIDATE  1u
#define KIND_STABLE     2u
#define ENTRY_MAGIC     0x9a6e0e11u
#define ENTRY_DEAD      0xdeadbeefu

typedef uint64_t __attribute__((__may_alias__)) word_t;

struct pageone_entry {
    uint64_t key;
    uint64_t hash;
    struct pageone_group *group;
    uint32_t kind;
    uint32_t magic;
    /* candidate */
    struct pageone_range *range;
    unsigned long idx;
    /* stable */
    uint64_t frame;
    uint64_t sharers;
    struct pageone_rcu_head rcu;
};

struct pageone_inner {
    uintptr_t slot[FANOUT];
    struct pageone_rcu_head rcu;        /* tree_reset() */
};

struct pageone_coll {
    struct pageone_rcu_head rcu;
    unsigned int nr;
    struct pageone_entry *e[];
};

/* ---- small helpers --------------------------------------------------- */

static inline uint64_t add64(uint64_t *p, uint64_t d)
{
    uint64_t o, n;

    do {
        o = pageone_read_once(*p);
        n = o + d;
    } while ( pageone_cmpxchg(p, o, n) != o );

    return n;
}

static inline uint64_t rotl64(uint64_t x, unsigned int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t fmix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd1b54a32d192ed03ULL;
    x ^= x >> 29;
    x *= 0xaef17502108ef2d9ULL;
    x ^= x >> 32;
    return x;
}

static inline struct pageone_pcpu *this_pcpu(struct pageone *e)
{
    unsigned int cpu = e->ops->cpu_id(e->ctx);

    return &e->pcpu[cpu < e->nr_cpus ? cpu : 0];
}

static void stat_add(struct pageone *e, struct pageone_group *g,
                     enum pageone_stat i, int64_t d)
{
    struct pageone_pcpu *pc = this_pcpu(e);

    pageone_write_once(pc->stat[i], pc->stat[i] + d);
    if ( g )
        add64((uint64_t *)&g->stat[i], (uint64_t)d);
}

static inline void note_activity(struct pageone *e)
{
    add64(&e->activity, 1);
}

/* ---- hashing and compare --------------------------------------------- */

/*
 * Four independent multiply-xorshift lanes over 8-byte words (one 64-bit
 * multiply per word), folded through a 64-bit finaliser.  Not
 * cryptographic: a match is always confirmed by a full compare; the seed
 * keeps a guest from aiming collisions at one trie slot.
 */
#define H_K0    0x9e3779b97f4a7c15ULL
#define H_K1    0xc6a4a7935bd1e995ULL
#define H_K2    0xe7037ed1a0b428dbULL
#define H_K3    0x8ebc6af09c88c6e3ULL

uint64_t pageone_hash_page(uint64_t seed, const void *va, bool *is_zero)
{
    const word_t *w = va;
    uint64_t a = seed ^ H_K0, b = seed ^ H_K1, c = seed ^ H_K2;
    uint64_t d = seed ^ H_K3, z = 0, h;
    unsigned int i;

    for ( i = 0; i < PAGEONE_PAGE_SIZE / 8; i += 4 )
    {
        uint64_t w0 = w[i], w1 = w[i + 1], w2 = w[i + 2], w3 = w[i + 3];

        z |= w0 | w1 | w2 | w3;
        a = (a ^ w0) * H_K1;
        b = (b ^ w1) * H_K2;
        c = (c ^ w2) * H_K3;
        d = (d ^ w3) * H_K0;
        a ^= a >> 29;
        b ^= b >> 31;
        c ^= c >> 27;
        d ^= d >> 33;
    }

    h = fmix64(seed ^ a);
    h = fmix64(h ^ rotl64(b, 17));
    h = fmix64(h ^ rotl64(c, 37));
    h = fmix64(h ^ rotl64(d, 51));

    if ( is_zero )
        *is_zero = !z;

    return h;
}

bool pageone_page_equal(const void *va, const void *vb)
{
    const word_t *x = va, *y = vb;
    unsigned int i;

    for ( i = 0; i < PAGEONE_PAGE_SIZE / 8; i += 8 )
    {
        uint64_t d = (x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) |
                     (x[i + 2] ^ y[i + 2]) | (x[i + 3] ^ y[i + 3]) |
                     (x[i + 4] ^ y[i + 4]) | (x[i + 5] ^ y[i + 5]) |
                     (x[i + 6] ^ y[i + 6]) | (x[i + 7] ^ y[i + 7]);

        if ( d )
            return false;
    }

    return true;
}

/* ---- RCU (the port's) ------------------------------------------------ */

void pageone_enter(struct pageone *e)
{
    e->ops->rcu_read_lock(e->ctx);
}

void pageone_exit(struct pageone *e)
{
    e->ops->rcu_read_unlock(e->ctx);
}

static void retire(struct pageone *e, struct pageone_rcu_head *h,
                   void (*fn)(struct pageone_rcu_head *))
{
    h->fn = fn;
    h->eng = e;
    e->ops->call_rcu(e->ctx, h);
}

static void free_entry_cb(struct pageone_rcu_head *h)
{
    struct pageone_entry *x = (void *)((char *)h -
                                       __builtin_offsetof(struct pageone_entry,
                                                          rcu));
    struct pageone *e = h->eng;

    if ( x->kind == KIND_STABLE )
        e->ops->frame_put(e->ctx, x->frame);
    x->magic = ENTRY_DEAD;
    e->ops->free(e->ctx, x);
}

static void free_coll_cb(struct pageone_rcu_head *h)
{
    struct pageone *e = h->eng;

    /* rcu is the first member */
    e->ops->free(e->ctx, h);
}

/* ---- the trie -------------------------------------------------------- */

static inline void *untag(uintptr_t v)
{
    return (void *)(v & ~TAG_MASK);
}

static inline uint64_t group_key(const struct pageone_group *g, uint64_t h)
{
    return h ^ g->key_salt;
}

static inline uint64_t value_key(uintptr_t v)
{
    if ( (v & TAG_MASK) == TAG_COLL )
        return ((struct pageone_coll *)untag(v))->e[0]->key;
    return ((struct pageone_entry *)untag(v))->key;
}

/*
 * Walk to the slot where key lives.  Returns the slot's value (never an
 * inner node), its address and the shift that indexed it.
 */
static uintptr_t find_slot(struct pageone *e, uint64_t key,
                           uintptr_t **slotp, unsigned int *shiftp)
{
    unsigned int shift = 64 - e->root_bits;
    uintptr_t *slot = &e->root[key >> shift];
    uintptr_t v;

    for ( ;; )
    {
        v = pageone_read_once(*slot);
        if ( (v & TAG_MASK) != TAG_INNER )
            break;
        shift -= FANOUT_BITS;
        slot = &((struct pageone_inner *)untag(v))->slot[(key >> shift) &
                                                       (FANOUT - 1)];
    }

    *slotp = slot;
    *shiftp = shift;
    return v;
}

static unsigned int value_entries(uintptr_t v, struct pageone_entry ***arr,
                                  struct pageone_entry **one)
{
    *arr = NULL;
    if ( !v )
        return 0;
    if ( (v & TAG_MASK) == TAG_COLL )
    {
        struct pageone_coll *c = untag(v);

        *arr = c->e;
        return c->nr;
    }
    *one = untag(v);
    *arr = one;
    return 1;
}

static struct pageone_coll *coll_alloc(struct pageone *e, unsigned int nr)
{
    struct pageone_coll *c;

    c = e->ops->zalloc(e->ctx, sizeof(*c) + nr * sizeof(c->e[0]));
    if ( c )
        c->nr = nr;
    return c;
}

/*
 * Try to add x to the slot holding v.  Returns 1 on success, 0 if the
 * caller must walk again (slot changed or was expanded), -1 on ENOMEM.
 */
static int slot_add(struct pageone *e, uintptr_t *slot, uintptr_t v,
                    unsigned int shift, struct pageone_entry *x)
{
    struct pageone_coll *c = NULL;
    uintptr_t nv;

    if ( !v )
        nv = (uintptr_t)x;
    else if ( value_key(v) == x->key )
    {
        struct pageone_entry **arr, *one;
        unsigned int i, nr = value_entries(v, &arr, &one);

        c = coll_alloc(e, nr + 1);
        if ( !c )
            return -1;
        for ( i = 0; i < nr; i++ )
            c->e[i] = arr[i];
        c->e[nr] = x;
        nv = (uintptr_t)c | TAG_COLL;
    }
    else
    {
        /* Different key: push v one level down, then walk again. */
        struct pageone_inner *n = e->ops->zalloc(e->ctx, sizeof(*n));

        if ( !n )
            return -1;
        n->slot[(value_key(v) >> (shift - FANOUT_BITS)) & (FANOUT - 1)] = v;
        if ( pageone_cmpxchg(slot, v, (uintptr_t)n | TAG_INNER) != v )
            e->ops->free(e->ctx, n);
        return 0;
    }

    if ( pageone_cmpxchg(slot, v, nv) != v )
    {
        e->ops->free(e->ctx, c);
        return 0;
    }
    if ( (v & TAG_MASK) == TAG_COLL )
        retire(e, &((struct pageone_coll *)untag(v))->rcu, free_coll_cb);
    return 1;
}

/* Replace x by y (NULL: delete).  Returns false if x is not in the trie. */
static bool tree_update(struct pageone *e, struct pageone_entry *x,
                        struct pageone_entry *y)
{
    for ( ;; )
    {
        uintptr_t *slot, v, nv;
        unsigned int shift, i, j, nr;
        struct pageone_entry **arr, *one;
        struct pageone_coll *c = NULL;

        v = find_slot(e, x->key, &slot, &shift);
        nr = value_entries(v, &arr, &one);
        for ( i = 0; i < nr && arr[i] != x; i++ )
            ;
        if ( i == nr )
            return false;

        if ( nr == 1 )
            nv = (uintptr_t)y;
        else if ( nr == 2 && !y )
            nv = (uintptr_t)arr[1 - i];
        else
        {
            c = coll_alloc(e, y ? nr : nr - 1);
            if ( !c )
            {
                pageone_cpu_relax();
                continue;
            }
            for ( i = 0, j = 0; i < nr; i++ )
            {
                if ( arr[i] != x )
                    c->e[j++] = arr[i];
                else if ( y )
                    c->e[j++] = y;
            }
            nv = (uintptr_t)c | TAG_COLL;
        }

        if ( pageone_cmpxchg(slot, v, nv) == v )
        {
            if ( (v & TAG_MASK) == TAG_COLL )
                retire(e, &((struct pageone_coll *)untag(v))->rcu,
                       free_coll_cb);
            return true;
        }
        e->ops->free(e->ctx, c);
    }
}

static struct pageone_entry *entry_alloc(struct pageone *e,
                                         struct pageone_group *g,
                                         uint64_t hash, uint32_t kind)
{
    struct pageone_entry *x = e->ops->zalloc(e->ctx, sizeof(*x));

    if ( !x )
        return NULL;
    x->key = group_key(g, hash);
    x->hash = hash;
    x->group = g;
    x->kind = kind;
    x->magic = ENTRY_MAGIC;
    return x;
}

struct pageone_entry *pageone_tree_insert_candidate(struct pageone *e,
    struct pageone_group *g, uint64_t hash, struct pageone_range *r,
    unsigned long idx)
{
    struct pageone_entry *x = entry_alloc(e, g, hash, KIND_CANDIDATE);
    int rc;

    if ( !x )
        return NULL;
    x->range = r;
    x->idx = idx;
    do {
        uintptr_t *slot, v;
        unsigned int shift;

        v = find_slot(e, x->key, &slot, &shift);
        rc = slot_add(e, slot, v, shift, x);
    } while ( rc == 0 );

    if ( rc < 0 )
    {
        e->ops->free(e->ctx, x);
        return NULL;
    }
    stat_add(e, g, PAGEONE_STAT_candidates, 1);
    return x;
}

struct pageone_entry *pageone_tree_lookup(struct pageone *e,
    struct pageone_group *g, uint64_t hash,
    bool (*fn)(struct pageone_entry *x, void *arg), void *arg)
{
    uintptr_t *slot, v;
    unsigned int shift, i, nr;
    struct pageone_entry **arr, *one;

    v = find_slot(e, group_key(g, hash), &slot, &shift);
    nr = value_entries(v, &arr, &one);
    for ( i = 0; i < nr; i++ )
    {
        struct pageone_entry *x = arr[i];

        if ( x->group == g && x->hash == hash && (!fn || fn(x, arg)) )
            return x;
    }
    return NULL;
}

bool pageone_tree_delete(struct pageone *e, struct pageone_entry *x)
{
    if ( !tree_update(e, x, NULL) )
        return false;
    stat_add(e, x->group, x->kind == KIND_STABLE ?
             PAGEONE_STAT_shared_frames : PAGEONE_STAT_candidates, -1);
    retire(e, &x->rcu, free_entry_cb);
    return true;
}

bool pageone_entry_is_stable(const struct pageone_entry *x)
{
    return x->kind == KIND_STABLE;
}

unsigned long pageone_entry_sharers(const struct pageone_entry *x)
{
    return pageone_read_once(x->sharers);
}

static unsigned long count_value(uintptr_t v)
{
    unsigned long n = 0;
    unsigned int i;

    if ( !v )
        return 0;
    switch ( v & TAG_MASK )
    {
    case TAG_ENTRY:
        return 1;
    case TAG_COLL:
        return ((struct pageone_coll *)untag(v))->nr;
    default:
    {
        struct pageone_inner *in = untag(v);

        for ( i = 0; i < FANOUT; i++ )
            n += count_value(pageone_read_once(in->slot[i]));
        return n;
    }
    }
}

unsigned long pageone_tree_count(struct pageone *e)
{
    unsigned long i, n = 0;

    for ( i = 0; i < (1UL << e->root_bits); i++ )
        n += count_value(pageone_read_once(e->root[i]));
    return n;
}

/* ---- stable entries -------------------------------------------------- */

static bool stable_get(struct pageone_entry *s)
{
    uint64_t n;

    do {
        n = pageone_read_once(s->sharers);
        if ( !n )
            return false;
    } while ( pageone_cmpxchg(&s->sharers, n, n + 1) != n );

    return true;
}

static void stable_put(struct pageone *e, struct pageone_entry *s)
{
    uint64_t n;

    do {
        n = pageone_read_once(s->sharers);
    } while ( pageone_cmpxchg(&s->sharers, n, n - 1) != n );

    if ( n == 1 )
        pageone_tree_delete(e, s);
}

/* ---- per-page lock and state ----------------------------------------- */

static inline unsigned int pstate(uint32_t f)
{
    return (f & PF_STATE_MASK) >> PF_STATE_SHIFT;
}

enum pageone_pstate pageone_page_state(const struct pageone_page *p,
                                       const struct pageone_entry **entry)
{
    uint32_t f = pageone_read_once(p->flags);

    if ( entry )
        *entry = p->entry;
    return pstate(f);
}

/* Lock held: change state and SEEN bits (COW may be set concurrently). */
static void set_pstate(struct pageone_page *p, unsigned int st, bool seen)
{
    uint32_t o, n;

    do {
        o = pageone_read_once(p->flags);
        n = (o & ~(PF_STATE_MASK | PF_SEEN)) | (st << PF_STATE_SHIFT) |
            (seen ? PF_SEEN : 0);
    } while ( pageone_cmpxchg(&p->flags, o, n) != o );
}

bool pageone_page_trylock(struct pageone_page *p)
{
    uint32_t f = pageone_read_once(p->flags);

    return !(f & PF_BUSY) && pageone_cmpxchg(&p->flags, f, f | PF_BUSY) == f;
}

void pageone_page_lock(struct pageone_page *p)
{
    while ( !pageone_page_trylock(p) )
        pageone_cpu_relax();
}

/* Lock held: drop whatever the page has in the engine. */
static void page_drop(struct pageone *e, struct pageone_range *r,
                      struct pageone_page *p)
{
    struct pageone_entry *x = p->entry;
    struct pageone_group *g = r->group;

    switch ( pstate(pageone_read_once(p->flags)) )
    {
    case PAGEONE_PS_CANDIDATE:
        pageone_tree_delete(e, x);
        break;
    case PAGEONE_PS_SHARED:
        stat_add(e, g, PAGEONE_STAT_pages_shared, -1);
        stable_put(e, x);
        break;
    case PAGEONE_PS_ZERO:
        stat_add(e, g, PAGEONE_STAT_zero_pages, -1);
        break;
    }
    p->entry = NULL;
    set_pstate(p, PAGEONE_PS_NONE, false);
}

void pageone_cow_break_locked(struct pageone *e, struct pageone_range *r,
                              unsigned long idx)
{
    struct pageone_page *p = &r->pages[idx];

    pageone_enter(e);
    stat_add(e, r->group, PAGEONE_STAT_cow_breaks, 1);
    page_drop(e, r, p);
    pageone_exit(e);
    note_activity(e);
    pageone_write_once(e->idle, 0);
}

void pageone_page_unlock(struct pageone *e, struct pageone_range *r,
                         unsigned long idx)
{
    struct pageone_page *p = &r->pages[idx];

    for ( ;; )
    {
        uint32_t f = pageone_read_once(p->flags);

        if ( f & PF_COW )
        {
            /* A COW break was posted while we held the lock: run it. */
            if ( pageone_cmpxchg(&p->flags, f, f & ~PF_COW) == f )
                pageone_cow_break_locked(e, r, idx);
            continue;
        }
        if ( pageone_cmpxchg(&p->flags, f, f & ~PF_BUSY) == f )
            return;
    }
}

void pageone_cow_break(struct pageone *e, struct pageone_range *r,
                       unsigned long idx)
{
    struct pageone_page *p = &r->pages[idx];

    for ( ;; )
    {
        uint32_t f = pageone_read_once(p->flags);

        if ( !(f & PF_BUSY) )
        {
            if ( pageone_cmpxchg(&p->flags, f, f | PF_BUSY) == f )
            {
                pageone_cow_break_locked(e, r, idx);
                pageone_page_unlock(e, r, idx);
                return;
            }
        }
        else if ( pageone_cmpxchg(&p->flags, f, f | PF_COW) == f )
            return;     /* the lock holder runs it in pageone_page_unlock */
    }
}

/* ---- matching and merging -------------------------------------------- */

enum { PLACE_NONE, PLACE_MERGED, PLACE_INSERTED, PLACE_SKIP };

static bool merge_stable(struct pageone *e, struct pageone_range *r,
                         unsigned long idx, const void *va,
                         struct pageone_entry *s, int *res)
{
    struct pageone_mref dst = { NULL, 0, s->frame };
    struct pageone_mref src = { r, idx, PAGEONE_FRAME_NONE };
    struct pageone_page *p = &r->pages[idx];
    const void *fva;
    bool eq;

    /* The frame lives until s is freed, a grace period after removal. */
    fva = e->ops->map(e->ctx, &dst);
    if ( !fva )
        return false;
    eq = pageone_page_equal(va, fva);
    e->ops->unmap(e->ctx, &dst, fva);
    if ( !eq )
    {
        stat_add(e, r->group, PAGEONE_STAT_collisions, 1);
        return false;
    }
    if ( !stable_get(s) )
        return false;                   /* dying: try the others */

    if ( e->ops->merge(e->ctx, &dst, &src) )
    {
        stat_add(e, r->group, PAGEONE_STAT_merge_failed, 1);
        stable_put(e, s);
        *res = PLACE_SKIP;
        return true;
    }
    p->entry = s;
    set_pstate(p, PAGEONE_PS_SHARED, true);
    stat_add(e, r->group, PAGEONE_STAT_merged, 1);
    stat_add(e, r->group, PAGEONE_STAT_pages_shared, 1);
    note_activity(e);
    *res = PLACE_MERGED;
    return true;
}

static bool merge_candidate(struct pageone *e, struct pageone_range *r,
                            unsigned long idx, const void *va,
                            struct pageone_entry *x, int *res)
{
    struct pageone_range *qr = x->range;
    struct pageone_page *q = &qr->pages[x->idx];
    struct pageone_page *p = &r->pages[idx];
    struct pageone_mref dst = { qr, x->idx, PAGEONE_FRAME_NONE };
    struct pageone_mref src = { r, idx, PAGEONE_FRAME_NONE };
    struct pageone_entry *s;
    const void *qva;
    bool eq;

    if ( qr == r && x->idx == idx )
        return false;
    if ( !pageone_page_trylock(q) )
    {
        /* Never wait: try again next pass. */
        stat_add(e, r->group, PAGEONE_STAT_busy, 1);
        note_activity(e);
        *res = PLACE_SKIP;
        return true;
    }
    if ( pageone_read_once(qr->dying) || q->entry != x ||
         pstate(pageone_read_once(q->flags)) != PAGEONE_PS_CANDIDATE )
        goto skip;                      /* x is on its way out */

    qva = e->ops->map(e->ctx, &dst);
    if ( !qva )
        goto skip;
    eq = pageone_page_equal(va, qva);
    e->ops->unmap(e->ctx, &dst, qva);
    if ( !eq )
    {
        stat_add(e, r->group, PAGEONE_STAT_collisions, 1);
        goto skip;
    }

    s = entry_alloc(e, x->group, x->hash, KIND_STABLE);
    if ( !s )
        goto skip;
    if ( e->ops->merge(e->ctx, &dst, &src) )
    {
        e->ops->free(e->ctx, s);
        stat_add(e, r->group, PAGEONE_STAT_merge_failed, 1);
        pageone_page_unlock(e, qr, x->idx);
        *res = PLACE_SKIP;
        return true;
    }
    s->frame = dst.frame;
    s->sharers = 2;
    /* Linearisation point of the new shared frame: x -> s in its slot. */
    tree_update(e, x, s);
    stat_add(e, x->group, PAGEONE_STAT_candidates, -1);
    stat_add(e, x->group, PAGEONE_STAT_shared_frames, 1);
    retire(e, &x->rcu, free_entry_cb);

    q->entry = s;
    set_pstate(q, PAGEONE_PS_SHARED, true);
    stat_add(e, qr->group, PAGEONE_STAT_pages_shared, 1);
    pageone_page_unlock(e, qr, x->idx);

    p->entry = s;
    set_pstate(p, PAGEONE_PS_SHARED, true);
    stat_add(e, r->group, PAGEONE_STAT_merged, 1);
    stat_add(e, r->group, PAGEONE_STAT_pages_shared, 1);
    note_activity(e);
    *res = PLACE_MERGED;
    return true;

 skip:
    pageone_page_unlock(e, qr, x->idx);
    return false;
}

/*
 * Page (r, idx) is locked, unchanged since the last pass, not zero.  Merge
 * it with an equal page of its group (stable entries first), or else, if
 * it has no candidate entry yet (self == NULL), insert one.  The insert
 * CAS is against the very slot value whose entries were all compared, so
 * two entries with equal content never coexist in a slot (modulo content
 * changing under us, which the next pass sees as a hash change).
 */
static int place_page(struct pageone *e, struct pageone_range *r,
                      unsigned long idx, const void *va, uint64_t h,
                      struct pageone_entry *self)
{
    struct pageone_group *g = r->group;
    struct pageone_entry *cand = NULL;
    uint64_t key = group_key(g, h);
    int res = PLACE_NONE;

    for ( ;; )
    {
        uintptr_t *slot, v;
        unsigned int shift, i, nr, pass;
        struct pageone_entry **arr, *one;
        int rc;

        v = find_slot(e, key, &slot, &shift);
        nr = value_entries(v, &arr, &one);
        for ( pass = 0; pass < 2; pass++ )
        {
            for ( i = 0; i < nr; i++ )
            {
                struct pageone_entry *x = arr[i];

                if ( x == self || x->group != g || x->hash != h )
                    continue;
                if ( pass == 0 && x->kind == KIND_STABLE &&
                     merge_stable(e, r, idx, va, x, &res) )
                    goto out;
                if ( pass == 1 && x->kind == KIND_CANDIDATE &&
                     merge_candidate(e, r, idx, va, x, &res) )
                    goto out;
            }
        }

        if ( self )
            goto out;                   /* already in the tree */

        if ( !cand )
        {
            cand = entry_alloc(e, g, h, KIND_CANDIDATE);
            if ( !cand )
                goto out;
            cand->range = r;
            cand->idx = idx;
        }
        rc = slot_add(e, slot, v, shift, cand);
        if ( rc < 0 )
            goto out;
        if ( rc > 0 )
        {
            r->pages[idx].entry = cand;
            set_pstate(&r->pages[idx], PAGEONE_PS_CANDIDATE, true);
            stat_add(e, g, PAGEONE_STAT_candidates, 1);
            note_activity(e);
            return PLACE_INSERTED;
        }
    }

 out:
    e->ops->free(e->ctx, cand);
    return res;
}

static void process_page(struct pageone *e, struct pageone_range *r,
                         unsigned long idx)
{
    struct pageone_page *p = &r->pages[idx];
    struct pageone_mref m = { r, idx, PAGEONE_FRAME_NONE };
    struct pageone_group *g = r->group;
    const void *va;
    unsigned int st;
    uint64_t h;
    bool zero;

    if ( !pageone_page_trylock(p) )
        return;
    if ( pageone_read_once(r->dying) )
        goto unlock;
    st = pstate(pageone_read_once(p->flags));
    if ( st == PAGEONE_PS_SHARED || st == PAGEONE_PS_ZERO )
        goto unlock;                    /* read-only: COW break tells us */

    va = e->ops->map(e->ctx, &m);
    if ( !va )
        goto unlock;
    h = pageone_page_hash(e->ctx, e->seed, va, &zero);
    stat_add(e, NULL, PAGEONE_STAT_hashed, 1);

    if ( st == PAGEONE_PS_CANDIDATE )
    {
        struct pageone_entry *self = p->entry;

        if ( self->hash == h && !zero )
        {
            /* Unchanged: a twin may have appeared (or been missed). */
            if ( place_page(e, r, idx, va, h, self) == PLACE_MERGED )
                pageone_tree_delete(e, self);
            goto unmap;
        }
        pageone_tree_delete(e, self);
        p->entry = NULL;
        set_pstate(p, PAGEONE_PS_NONE, true);
        note_activity(e);
        if ( self->hash != h )
        {
            p->hash = h;
            goto unmap;
        }
    }
    else if ( !(pageone_read_once(p->flags) & PF_SEEN) || p->hash != h )
    {
        /* Changed (or first sight) since the last pass: not a candidate. */
        p->hash = h;
        set_pstate(p, PAGEONE_PS_NONE, true);
        note_activity(e);
        goto unmap;
    }

    if ( zero )
    {
        struct pageone_mref z = { NULL, 0, PAGEONE_FRAME_ZERO };

        if ( e->ops->merge(e->ctx, &z, &m) )
            stat_add(e, g, PAGEONE_STAT_merge_failed, 1);
        else
        {
            p->entry = NULL;
            set_pstate(p, PAGEONE_PS_ZERO, true);
            stat_add(e, g, PAGEONE_STAT_zero_merged, 1);
            stat_add(e, g, PAGEONE_STAT_zero_pages, 1);
            note_activity(e);
        }
        goto unmap;
    }

    place_page(e, r, idx, va, h, NULL);

 unmap:
    e->ops->unmap(e->ctx, &m, va);
 unlock:
    pageone_page_unlock(e, r, idx);
}

/* ---- scanning -------------------------------------------------------- */

/* Claim up to PAGEONE_CHUNK pages of the current pass. */
static bool claim(struct pageone *e, struct pageone_range **rp,
                  unsigned long *start, unsigned long *nr, uint32_t *genp)
{
    for ( ;; )
    {
        uint64_t pos = pageone_read_once(e->pos), c, n;
        uint32_t gen = pos >> 32, slot = (uint32_t)pos;
        struct pageone_range *r;

        *genp = gen;
        if ( slot >= pageone_read_once(e->nr_slots) )
            return false;
        r = pageone_read_once(e->ranges[slot]);
        c = r ? pageone_read_once(r->cursor) : 0;
        if ( !r || pageone_read_once(r->dying) ||
             ((c >> 32) == gen && (uint32_t)c >= r->nr) )
        {
            pageone_cmpxchg(&e->pos, pos, pos + 1);
            continue;
        }
        if ( (c >> 32) != gen )
            n = (uint64_t)gen << 32;    /* first claim in this pass */
        else
            n = c;
        *start = (uint32_t)n;
        *nr = r->nr - *start;
        if ( *nr > PAGEONE_CHUNK )
            *nr = PAGEONE_CHUNK;
        if ( pageone_cmpxchg(&r->cursor, c, n + *nr) != c )
            continue;
        *rp = r;
        return true;
    }
}

static void end_pass(struct pageone *e, uint32_t gen)
{
    uint64_t pos = pageone_read_once(e->pos), a;

    if ( (uint32_t)(pos >> 32) != gen ||
         (uint32_t)pos < pageone_read_once(e->nr_slots) )
        return;
    if ( pageone_cmpxchg(&e->pos, pos, (uint64_t)(gen + 1) << 32) != pos )
        return;

    add64(&e->full_scans, 1);
    do {
        a = pageone_read_once(e->activity);
    } while ( pageone_cmpxchg(&e->activity, a, 0) != a );
    if ( !a )
    {
        /* Quiet pass: sleep until kicked. */
        pageone_write_once(e->idle, 1);
        pageone_smp_mb();
        if ( pageone_read_once(e->activity) )
            pageone_write_once(e->idle, 0);
    }
}

bool pageone_scan(struct pageone *e, unsigned int budget)
{
    unsigned int done = 0;

    if ( pageone_read_once(e->idle) )
        return false;

    pageone_enter(e);
    while ( done < budget && !e->ops->should_stop(e->ctx) )
    {
        struct pageone_range *r;
        unsigned long start, nr, i;
        uint32_t gen;

        add64(&e->inflight, 1);
        if ( !claim(e, &r, &start, &nr, &gen) )
        {
            /*
             * End of the pass: the last CPU out closes it.  Return either
             * way, so that a caller sees pass boundaries.
             */
            if ( add64(&e->inflight, -1ULL) == 0 )
                end_pass(e, gen);
            break;
        }
        for ( i = start; i < start + nr; i++ )
            process_page(e, r, i);
        stat_add(e, r->group, PAGEONE_STAT_scanned, nr);
        add64(&e->inflight, -1ULL);
        done += nr;
    }
    pageone_exit(e);

    return !pageone_read_once(e->idle);
}

void pageone_kick(struct pageone *e)
{
    note_activity(e);
    pageone_write_once(e->idle, 0);
}

/* ---- setup ----------------------------------------------------------- */

void pageone_group_init(struct pageone_group *g, uint32_t id)
{
    unsigned int i;

    g->id = id;
    g->key_salt = fmix64(((uint64_t)id + 1) * H_K0);
    for ( i = 0; i < PAGEONE_NR_STATS; i++ )
        g->stat[i] = 0;
}

int pageone_init(struct pageone *e, const struct pageone_ops *ops, void *ctx,
                 unsigned int nr_cpus, unsigned int root_bits, uint64_t seed)
{
    unsigned int i;

    if ( !root_bits )
        root_bits = 16;
    if ( root_bits < 4 || root_bits > 24 || root_bits % FANOUT_BITS ||
         !nr_cpus || !ops->zalloc || !ops->free || !ops->cpu_id ||
         !ops->should_stop || !ops->map || !ops->unmap || !ops->merge ||
         !ops->frame_put || !ops->rcu_read_lock || !ops->rcu_read_unlock ||
         !ops->call_rcu )
        return -1;

    e->ops = ops;
    e->ctx = ctx;
    e->seed = seed;
    e->nr_cpus = nr_cpus;
    e->root_bits = root_bits;
    e->pos = 0;
    e->inflight = 0;
    e->activity = 0;
    e->idle = 1;
    e->nr_slots = 0;
    e->full_scans = 0;
    for ( i = 0; i < PAGEONE_MAX_RANGES; i++ )
        e->ranges[i] = NULL;

    e->root = ops->zalloc(ctx, sizeof(*e->root) << root_bits);
    e->pcpu = ops->zalloc(ctx, sizeof(*e->pcpu) * nr_cpus);
    if ( !e->root || !e->pcpu )
    {
        ops->free(ctx, e->root);
        ops->free(ctx, e->pcpu);
        return -1;
    }
    return 0;
}

static void destroy_entry(struct pageone *e, struct pageone_entry *x)
{
    x->rcu.eng = e;
    free_entry_cb(&x->rcu);
}

static void destroy_value(struct pageone *e, uintptr_t v)
{
    unsigned int i;

    if ( !v )
        return;
    switch ( v & TAG_MASK )
    {
    case TAG_ENTRY:
        destroy_entry(e, untag(v));
        break;
    case TAG_COLL:
    {
        struct pageone_coll *c = untag(v);

        for ( i = 0; i < c->nr; i++ )
            destroy_entry(e, c->e[i]);
        e->ops->free(e->ctx, c);
        break;
    }
    default:
        for ( i = 0; i < FANOUT; i++ )
            destroy_value(e, ((struct pageone_inner *)untag(v))->slot[i]);
        e->ops->free(e->ctx, untag(v));
    }
}

/* Single-threaded teardown; ranges should have been removed first. */
void pageone_destroy(struct pageone *e)
{
    unsigned long i;

    for ( i = 0; i < (1UL << e->root_bits); i++ )
        destroy_value(e, e->root[i]);
    e->ops->free(e->ctx, e->root);
    e->ops->free(e->ctx, e->pcpu);
    e->root = NULL;
    e->pcpu = NULL;
}

int pageone_range_add(struct pageone *e, struct pageone_range *r)
{
    unsigned int i;
    uint32_t n;

    if ( r->nr >= (1UL << 31) )
        return -1;
    r->cursor = 0xffffffffULL << 32;    /* no pass yet */
    r->dying = 0;
    for ( i = 0; i < PAGEONE_MAX_RANGES; i++ )
    {
        if ( pageone_cmpxchg(&e->ranges[i], (struct pageone_range *)NULL, r) ==
             NULL )
            break;
    }
    if ( i == PAGEONE_MAX_RANGES )
        return -1;
    r->slot = i;
    do {
        n = pageone_read_once(e->nr_slots);
    } while ( n <= i && pageone_cmpxchg(&e->nr_slots, n, i + 1) != n );
    pageone_kick(e);
    return 0;
}

/* A subtree unlinked by tree_reset(), a grace period later: no reader. */
static void free_inner(struct pageone *e, struct pageone_inner *n)
{
    unsigned int i;

    for ( i = 0; i < FANOUT; i++ )
        if ( (n->slot[i] & TAG_MASK) == TAG_INNER )
            free_inner(e, untag(n->slot[i]));
    e->ops->free(e->ctx, n);
}

static void free_inner_cb(struct pageone_rcu_head *h)
{
    free_inner(h->eng, (void *)((char *)h -
                                __builtin_offsetof(struct pageone_inner, rcu)));
}

/* True if no entry hangs below v (only empty or inner slots). */
static bool subtree_empty(uintptr_t v)
{
    unsigned int i;

    if ( (v & TAG_MASK) != TAG_INNER )
        return !v;
    for ( i = 0; i < FANOUT; i++ )
        if ( !subtree_empty(pageone_read_once(
                 ((struct pageone_inner *)untag(v))->slot[i])) )
            return false;
    return true;
}

/*
 * The last range is gone, so nothing inserts into or deletes from the trie
 * (ranges are added and removed by one thread at a time, and every trie
 * change is made for a page of a live range).  Give the inner nodes back:
 * unlink each empty subtree from the root and free it a grace period later
 * (a stats walk may still be in it).  The trie is back to its size at init.
 */
static void tree_reset(struct pageone *e)
{
    unsigned long i;

    for ( i = 0; i < (1UL << e->root_bits); i++ )
    {
        uintptr_t v = pageone_read_once(e->root[i]);

        if ( (v & TAG_MASK) != TAG_INNER || !subtree_empty(v) )
            continue;
        if ( pageone_cmpxchg(&e->root[i], v, (uintptr_t)0) == v )
            retire(e, &((struct pageone_inner *)untag(v))->rcu,
                   free_inner_cb);
    }
}

static void range_release_cb(struct pageone_rcu_head *h)
{
    struct pageone_range *r = (void *)((char *)h -
                                       __builtin_offsetof(struct pageone_range,
                                                          rcu));

    if ( r->release )
        r->release(r);
}

void pageone_range_remove(struct pageone *e, struct pageone_range *r)
{
    unsigned long i;

    pageone_write_once(r->dying, 1);
    pageone_smp_mb();
    pageone_write_once(e->ranges[r->slot], (struct pageone_range *)NULL);

    pageone_enter(e);
    for ( i = 0; i < r->nr; i++ )
    {
        struct pageone_page *p = &r->pages[i];

        pageone_page_lock(p);
        page_drop(e, r, p);
        pageone_page_unlock(e, r, i);
    }
    for ( i = 0; i < pageone_read_once(e->nr_slots); i++ )
        if ( pageone_read_once(e->ranges[i]) )
            break;
    if ( i == pageone_read_once(e->nr_slots) )
        tree_reset(e);
    pageone_exit(e);
    retire(e, &r->rcu, range_release_cb);
}

void pageone_stats_read(struct pageone *e, struct pageone_group *g,
                        struct pageone_stats *out)
{
    unsigned int i, c;

    for ( i = 0; i < PAGEONE_NR_STATS; i++ )
    {
        int64_t v = 0;

        if ( g )
            v = (int64_t)pageone_read_once(g->stat[i]);
        else
            for ( c = 0; c < e->nr_cpus; c++ )
                v += pageone_read_once(e->pcpu[c].stat[i]);
        out->v[i] = v;
    }
    out->full_scans = pageone_read_once(e->full_scans);
    out->v[PAGEONE_STAT_frames_saved] = out->v[PAGEONE_STAT_pages_shared] -
        out->v[PAGEONE_STAT_shared_frames] + out->v[PAGEONE_STAT_zero_pages];
}
