/* SPDX-License-Identifier: MIT */
/* po_native.c - user-space port of the PageONE core. */
#include <stdlib.h>
#include <string.h>
#include "po_native.h"

__thread unsigned int po_native_cpu;

static unsigned char po_zero_page[PAGEONE_PAGE_SIZE]
    __attribute__((aligned(64)));

static void *n_zalloc(void *ctx, unsigned long size)
{
    struct po_native *n = ctx;
    void *p = calloc(1, size);

    if ( p )
        __atomic_fetch_add(&n->allocs_alive, 1, __ATOMIC_RELAXED);
    return p;
}

static void n_free(void *ctx, void *p)
{
    struct po_native *n = ctx;

    if ( p )
        __atomic_fetch_sub(&n->allocs_alive, 1, __ATOMIC_RELAXED);
    free(p);
}

static unsigned int n_cpu_id(void *ctx)
{
    (void)ctx;
    return po_native_cpu;
}

static bool n_should_stop(void *ctx)
{
    struct po_native *n = ctx;

    return n->stop;
}

const unsigned char *po_frame_data(uint64_t frame)
{
    if ( frame == PAGEONE_FRAME_ZERO )
        return po_zero_page;
    return ((struct po_frame *)(uintptr_t)frame)->data;
}

static const unsigned char *page_va(const struct pageone_mref *m)
{
    const struct po_nrange *nr = (const struct po_nrange *)m->range;

    if ( !m->range )
        return po_frame_data(m->frame);
    return nr->base + m->idx * PAGEONE_PAGE_SIZE;
}

static const void *n_map(void *ctx, const struct pageone_mref *m)
{
    (void)ctx;
    return page_va(m);
}

static void n_unmap(void *ctx, const struct pageone_mref *m, const void *va)
{
    (void)ctx;
    (void)m;
    (void)va;
}

static int n_merge(void *ctx, struct pageone_mref *dst,
                   const struct pageone_mref *src)
{
    struct po_native *n = ctx;
    struct po_nrange *snr = (struct po_nrange *)src->range;
    const unsigned char *sva = page_va(src), *dva = page_va(dst);
    uint64_t f;

    if ( n->verify && memcmp(sva, dva, PAGEONE_PAGE_SIZE) )
    {
        __atomic_fetch_add(&n->bad_merges, 1, __ATOMIC_RELAXED);
        return -1;
    }
    if ( __atomic_load_n(&n->fail_merges, __ATOMIC_RELAXED) )
    {
        __atomic_fetch_sub(&n->fail_merges, 1, __ATOMIC_RELAXED);
        return -1;
    }

    if ( dst->frame == PAGEONE_FRAME_NONE )
    {
        struct po_nrange *dnr = (struct po_nrange *)dst->range;
        struct po_frame *fr = malloc(sizeof(*fr));

        if ( !fr )
            return -1;
        fr->mem = NULL;
        fr->data = dva;
        if ( n->copy_frames )
        {
            if ( posix_memalign(&fr->mem, 64, PAGEONE_PAGE_SIZE) )
            {
                free(fr);
                return -1;
            }
            memcpy(fr->mem, dva, PAGEONE_PAGE_SIZE);
            fr->data = fr->mem;
        }
        dst->frame = (uintptr_t)fr;
        dnr->frame_of[dst->idx] = dst->frame;
        __atomic_fetch_add(&n->frames_alive, 1, __ATOMIC_RELAXED);
    }
    f = dst->frame;
    snr->frame_of[src->idx] = f;
    __atomic_fetch_add(&n->merges, 1, __ATOMIC_RELAXED);
    return 0;
}

static void n_frame_put(void *ctx, uint64_t frame)
{
    struct po_native *n = ctx;
    struct po_frame *fr = (struct po_frame *)(uintptr_t)frame;

    free(fr->mem);
    free(fr);
    __atomic_fetch_sub(&n->frames_alive, 1, __ATOMIC_RELAXED);
}

static void n_rcu_read_lock(void *ctx)
{
    struct po_native *n = ctx;

    po_epoch_enter(&n->ep, po_native_cpu);
}

static void n_rcu_read_unlock(void *ctx)
{
    struct po_native *n = ctx;

    po_epoch_exit(&n->ep, po_native_cpu);
}

static void n_call_rcu(void *ctx, struct pageone_rcu_head *head)
{
    struct po_native *n = ctx;

    po_epoch_retire(&n->ep, po_native_cpu, head);
}

void po_native_poll(struct po_native *n)
{
    po_epoch_poll(&n->ep, po_native_cpu);
}

#ifdef PAGEONE_TEST_HASH
/* pageone_page_hash() of the tests' build (pageone_platform.h). */
uint64_t po_native_hash(void *ctx, uint64_t seed, const void *va,
                        bool *is_zero)
{
    struct po_native *n = ctx;
    uint64_t h = pageone_hash_page(seed, va, is_zero);

    return n->hash_hook ? n->hash_hook(ctx, h, va) : h;
}
#endif

int po_native_init(struct po_native *n, unsigned int nr_cpus,
                   unsigned int root_bits, bool copy_frames)
{
    memset(n, 0, sizeof(*n));
    n->copy_frames = copy_frames;
    n->verify = true;
    n->ops.zalloc = n_zalloc;
    n->ops.free = n_free;
    n->ops.cpu_id = n_cpu_id;
    n->ops.should_stop = n_should_stop;
    n->ops.map = n_map;
    n->ops.unmap = n_unmap;
    n->ops.merge = n_merge;
    n->ops.frame_put = n_frame_put;
    n->ops.rcu_read_lock = n_rcu_read_lock;
    n->ops.rcu_read_unlock = n_rcu_read_unlock;
    n->ops.call_rcu = n_call_rcu;
    if ( po_epoch_init(&n->ep, nr_cpus) )
        return -1;
    if ( pageone_init(&n->eng, &n->ops, n, nr_cpus, root_bits,
                      0x5eed0f9a6e0e0001ULL) )
    {
        po_epoch_fini(&n->ep);
        return -1;
    }
    return 0;
}

void po_native_fini(struct po_native *n)
{
    po_epoch_fini(&n->ep);
    pageone_destroy(&n->eng);
}

static void n_release(struct pageone_range *r)
{
    ((struct po_nrange *)r)->released = 1;
}

int po_nrange_init(struct po_nrange *nr, struct pageone_group *g,
                   unsigned long pages, unsigned char *base)
{
    memset(nr, 0, sizeof(*nr));
    nr->r.group = g;
    nr->r.nr = pages;
    nr->r.release = n_release;
    nr->r.pages = calloc(pages, sizeof(*nr->r.pages));
    nr->frame_of = calloc(pages, sizeof(*nr->frame_of));
    if ( !base && posix_memalign((void **)&base, PAGEONE_PAGE_SIZE,
                                 pages * PAGEONE_PAGE_SIZE) == 0 )
        memset(base, 0, pages * PAGEONE_PAGE_SIZE);
    nr->base = base;
    return nr->r.pages && nr->frame_of && nr->base ? 0 : -1;
}

void po_nrange_fini(struct po_nrange *nr)
{
    free(nr->r.pages);
    free(nr->frame_of);
    free(nr->base);
    nr->base = NULL;
}
