/* SPDX-License-Identifier: MIT */
/*
 * po_native.h - user-space port of the PageONE core (tests, benchmark).
 *
 * Guest pages are plain memory; a "merge" is recorded in the range's
 * frame_of[] array (what a p2m entry would point at) instead of remapping.
 * Frames are either private copies (copy_frames: content stays immutable
 * even if the page is later written, as after a COW break) or aliases of
 * the first page (benchmark: the images never change).  RCU is the
 * epoch scheme of po_epoch.c.
 */
#ifndef PO_NATIVE_H
#define PO_NATIVE_H

#include "../pageone_core.h"
#include "po_epoch.h"

struct po_native {
    struct pageone eng;
    struct pageone_ops ops;
    struct po_epoch ep;
    bool copy_frames;           /* frames are private copies */
    bool verify;                /* merge re-compares (as a real port must) */
    volatile int stop;          /* should_stop() answer */
    /*
     * Test builds (PAGEONE_TEST_HASH): rewrites each page's hash, to force
     * collisions.
     */
    uint64_t (*hash_hook)(void *ctx, uint64_t hash, const void *va);
    /* counters, atomic */
    uint64_t merges;
    uint64_t bad_merges;        /* merge called on unequal content */
    uint64_t frames_alive;
    uint64_t allocs_alive;      /* zalloc'ed blocks not yet freed */
    uint64_t fail_merges;       /* test: make the next N merges fail */
};

struct po_nrange {
    struct pageone_range r;     /* first member */
    unsigned char *base;        /* nr * PAGEONE_PAGE_SIZE bytes */
    uint64_t *frame_of;         /* 0, PAGEONE_FRAME_ZERO or a frame */
    int released;
};

struct po_frame {
    const unsigned char *data;
    void *mem;
};

extern __thread unsigned int po_native_cpu;

int po_native_init(struct po_native *n, unsigned int nr_cpus,
                   unsigned int root_bits, bool copy_frames);
/* Runs every pending RCU callback, then destroys the engine. */
void po_native_fini(struct po_native *n);
/* RCU housekeeping for the calling CPU (po_native_cpu). */
void po_native_poll(struct po_native *n);
/* Pages are zeroed; base may be NULL (allocated here, 4 KiB aligned). */
int po_nrange_init(struct po_nrange *nr, struct pageone_group *g,
                   unsigned long pages, unsigned char *base);
void po_nrange_fini(struct po_nrange *nr);
const unsigned char *po_frame_data(uint64_t frame);

#endif
