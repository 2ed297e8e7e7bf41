/* SPDX-License-Identifier: MIT */
/*
 * pageone_bench.c - PageONE engine vs Linux KSM on the same memory images.
 *
 * N images ("guests") of guest-like pages with a known duplicate structure:
 *   every 8th page zero; 70% of each image common to all images (N copies);
 *   10% in groups of 4 equal pages inside an image; the rest unique.
 * Datasets: "guest" (random page bodies, compares exit early) and "prefix"
 * (each page starts with a random-length zero run, 0..256 B, ~128 B mean,
 * which defeats early-exit memcmp in KSM's tree walks).
 *
 * PageONE: the core runs in user space with the native port (merge =
 * recorded + re-verified by memcmp, no remap); all images in one share
 * group, as KSM merges anything in the process.  Converged = engine idle
 * (a full pass changed nothing).  KSM: mmap + MADV_MERGEABLE, ksmd at
 * pages_to_scan high, sleep 0, use_zero_pages 1; converged = pages_sharing
 * + ksm_zero_pages reach the known number of saveable pages.  Per-core
 * rate = image pages / (seconds * threads); KSM runs one ksmd thread.
 *
 * usage: pageone_bench [-s MiB] [-n images] [-t 1,2] [-d guest|prefix|both]
 *                      [-K] (skip KSM) [-T ksm timeout s]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "../native/po_native.h"
#include "../tests/po_test.h"

#define PS PAGEONE_PAGE_SIZE
#define KSM "/sys/kernel/mm/ksm/"

static unsigned long size_mib = 1024, nr_images = 4;
static double ksm_timeout = 90;
static long ksm_base_sharing = -1, ksm_base_zero;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- images ---------------------------------------------------------- */

static uint64_t page_seed(unsigned long i, unsigned long j, unsigned long pi)
{
    if ( j % 8 == 7 )
        return 0;
    if ( j < pi * 70 / 100 )
        return 1 + j;
    if ( j < pi * 80 / 100 )
        return 1000000000ULL + i * pi + j / 4;
    return 3000000000ULL + i * pi + j;
}

static void fill_images(unsigned char *base, unsigned long pages,
                        bool prefix)
{
    unsigned long pi = pages / nr_images, p;

    for ( p = 0; p < pages; p++ )
    {
        uint64_t k = page_seed(p / pi, p % pi, pi), s = k ^ 0xabcdef;

        po_fill(base + p * PS, k, prefix ? po_rng(&s) % 257 : 0);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Pages that dedup can free: zero pages + (copies - 1) per class. */
static unsigned long expected_saved(unsigned long pages)
{
    unsigned long pi = pages / nr_images, p, saved = 0;
    uint64_t *k = malloc(pages * sizeof(*k));

    for ( p = 0; p < pages; p++ )
        k[p] = page_seed(p / pi, p % pi, pi);
    qsort(k, pages, sizeof(*k), cmp_u64);
    for ( p = 0; p < pages; p++ )
        saved += !k[p] || (p && k[p] == k[p - 1]);
    free(k);
    return saved;
}

/* ---- PageONE --------------------------------------------------------- */

static struct po_native n;

static void *po_thread(void *arg)
{
    po_native_cpu = (uintptr_t)arg;
    while ( pageone_scan(&n.eng, 1024) )
        ;
    return NULL;
}

struct result {
    double secs;
    unsigned long saved;
    int ok;                     /* 1 done, 0 timeout, -1 skipped */
    char why[96];
};

static struct result run_pageone(unsigned char *img, unsigned long pages,
                                 unsigned int threads)
{
    struct pageone_group g;
    struct po_nrange *r = calloc(nr_images, sizeof(*r));
    unsigned long pi = pages / nr_images, i;
    pthread_t th[64];
    struct pageone_stats s;
    struct result res = { 0, 0, 1, "" };
    double t0;

    po_native_cpu = 0;
    po_native_init(&n, threads, 16, false);
    pageone_group_init(&g, 1);
    for ( i = 0; i < nr_images; i++ )
    {
        struct pageone_page *pp = calloc(pi, sizeof(*pp));
        uint64_t *fo = calloc(pi, sizeof(*fo));

        r[i].r.group = &g;
        r[i].r.nr = pi;
        r[i].r.pages = pp;
        r[i].frame_of = fo;
        r[i].base = img + i * pi * PS;
    }

    t0 = now();
    for ( i = 0; i < nr_images; i++ )
        pageone_range_add(&n.eng, &r[i].r);
    for ( i = 0; i < threads; i++ )
        pthread_create(&th[i], NULL, po_thread, (void *)(uintptr_t)i);
    for ( i = 0; i < threads; i++ )
        pthread_join(th[i], NULL);
    res.secs = now() - t0;

    pageone_stats_read(&n.eng, NULL, &s);
    res.saved = s.v[PAGEONE_STAT_frames_saved];
    snprintf(res.why, sizeof(res.why), "%llu passes, %lld merges",
             (unsigned long long)s.full_scans,
             (long long)(s.v[PAGEONE_STAT_merged] +
                         s.v[PAGEONE_STAT_zero_merged]));
    if ( n.bad_merges )
        res.ok = 0;

    for ( i = 0; i < nr_images; i++ )
        pageone_range_remove(&n.eng, &r[i].r);
    for ( i = 0; i < threads; i++ )
    {
        po_native_cpu = i;
        po_native_poll(&n);
        po_native_poll(&n);
        po_native_poll(&n);
    }
    po_native_fini(&n);
    for ( i = 0; i < nr_images; i++ )
    {
        free(r[i].r.pages);
        free(r[i].frame_of);
    }
    free(r);
    return res;
}

/* ---- KSM ------------------------------------------------------------- */

static long ksm_read(const char *f)
{
    char path[128], buf[64];
    int fd;
    ssize_t l;

    snprintf(path, sizeof(path), KSM "%s", f);
    fd = open(path, O_RDONLY);
    if ( fd < 0 )
        return -1;
    l = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if ( l <= 0 )
        return -1;
    buf[l] = 0;
    return atol(buf);
}

static int ksm_write(const char *f, long v)
{
    char path[128], buf[64];
    int fd, l, rc;

    snprintf(path, sizeof(path), KSM "%s", f);
    fd = open(path, O_WRONLY);
    if ( fd < 0 )
        return -1;
    l = snprintf(buf, sizeof(buf), "%ld", v);
    rc = write(fd, buf, l) == l ? 0 : -1;
    close(fd);
    return rc;
}

static struct result run_ksm(unsigned long pages, bool prefix,
                             unsigned long expect)
{
    struct result res = { 0, 0, -1, "" };
    long old_run = ksm_read("run"), old_pts = ksm_read("pages_to_scan");
    long old_sleep = ksm_read("sleep_millisecs");
    long old_zero = ksm_read("use_zero_pages");
    long base_sharing, base_zero, scans0, zp;
    unsigned char *m;
    double t0, t;

    if ( old_run < 0 || old_pts < 0 || old_sleep < 0 )
    {
        snprintf(res.why, sizeof(res.why), "KSM not available");
        return res;
    }
    if ( ksm_write("pages_to_scan", old_pts) ||
         ksm_write("sleep_millisecs", old_sleep) )
    {
        snprintf(res.why, sizeof(res.why), "KSM not writable");
        return res;
    }
    m = mmap(NULL, pages * PS, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( m == MAP_FAILED )
    {
        snprintf(res.why, sizeof(res.why), "mmap: %s", strerror(errno));
        return res;
    }
    madvise(m, pages * PS, MADV_NOHUGEPAGE);
    fill_images(m, pages, prefix);

    /*
     * Counters of an earlier run drain lazily after its munmap: wait until
     * they are back at what they were before our first run.
     */
    if ( ksm_base_sharing < 0 )
    {
        ksm_base_sharing = ksm_read("pages_sharing");
        zp = ksm_read("ksm_zero_pages");
        ksm_base_zero = zp < 0 ? 0 : zp;
    }
    for ( t0 = now(); now() - t0 < 10; usleep(20000) )
    {
        zp = ksm_read("ksm_zero_pages");
        if ( ksm_read("pages_sharing") <= ksm_base_sharing &&
             (zp < 0 ? 0 : zp) <= ksm_base_zero )
            break;
    }
    base_sharing = ksm_base_sharing;
    base_zero = ksm_base_zero;
    ksm_write("use_zero_pages", 1);
    ksm_write("pages_to_scan", 1000000);
    ksm_write("sleep_millisecs", 0);
    scans0 = ksm_read("full_scans");
    if ( madvise(m, pages * PS, MADV_MERGEABLE) )
    {
        snprintf(res.why, sizeof(res.why), "MADV_MERGEABLE: %s",
                 strerror(errno));
        goto out;
    }
    t0 = now();
    ksm_write("run", 1);
    res.ok = 0;
    for ( ;; )
    {
        long sh = ksm_read("pages_sharing") - base_sharing, sv;

        zp = ksm_read("ksm_zero_pages");
        sv = sh + (zp < 0 ? 0 : zp - base_zero);
        res.saved = sv < 0 ? 0 : sv;
        t = now() - t0;
        if ( res.saved >= expect )
        {
            res.ok = 1;
            break;
        }
        if ( t > ksm_timeout )
            break;
        usleep(10000);
    }
    res.secs = now() - t0;
    snprintf(res.why, sizeof(res.why), "%ld full scans%s",
             ksm_read("full_scans") - scans0,
             res.ok ? "" : ", TIMEOUT (not converged)");
 out:
    munmap(m, pages * PS);
    ksm_write("run", old_run);
    ksm_write("pages_to_scan", old_pts);
    ksm_write("sleep_millisecs", old_sleep);
    if ( old_zero >= 0 )
        ksm_write("use_zero_pages", old_zero);
    return res;
}

/* ---- main ------------------------------------------------------------ */

static void row(const char *ds, const char *eng, unsigned int thr,
                unsigned long pages, unsigned long expect,
                const struct result *r, double ksm_pc)
{
    double pc;

    if ( r->ok < 0 )
    {
        printf("%-7s %-8s %3u  %s: SKIP\n", ds, eng, thr, r->why);
        return;
    }
    pc = pages / r->secs / thr;
    printf("%-7s %-8s %3u %9.2f %12.0f %12.0f %8.1f%% ", ds, eng, thr,
           r->secs, pages / r->secs, pc, 100.0 * r->saved / expect);
    if ( ksm_pc > 0 )
        printf("%9.2fx", pc / ksm_pc);
    else
        printf("%10s", "-");
    printf("  %s\n", r->why);
}

int main(int argc, char **argv)
{
    unsigned int thr[8] = { 1, 2 }, nthr = 2, i;
    int c, ds0 = 0, ds1 = 1, ksm = 1, fails = 0;
    char *tl;

    setvbuf(stdout, NULL, _IOLBF, 0);
    while ( (c = getopt(argc, argv, "s:n:t:d:KT:")) != -1 )
    {
        switch ( c )
        {
        case 's': size_mib = strtoul(optarg, NULL, 0); break;
        case 'n': nr_images = strtoul(optarg, NULL, 0); break;
        case 'T': ksm_timeout = atof(optarg); break;
        case 'K': ksm = 0; break;
        case 'd':
            ds0 = !strcmp(optarg, "prefix");
            ds1 = strcmp(optarg, "guest") ? 1 : 0;
            break;
        case 't':
            for ( nthr = 0, tl = strtok(optarg, ","); tl && nthr < 8;
                  tl = strtok(NULL, ",") )
                thr[nthr++] = atoi(tl);
            break;
        default:
            fprintf(stderr, "usage: %s [-s MiB] [-n images] [-t 1,2] "
                    "[-d guest|prefix|both] [-K] [-T secs]\n", argv[0]);
            return 2;
        }
    }

    for ( c = ds0; c <= ds1; c++ )
    {
        bool prefix = c;
        const char *ds = prefix ? "prefix" : "guest";
        unsigned long pages = size_mib * 256 / nr_images * nr_images;
        unsigned long expect = expected_saved(pages);
        struct result kr = { 0, 0, -1, "skipped (-K)" }, pr;
        double ksm_pc = 0;
        unsigned char *img;

        printf("\n# dataset %s: %lu MiB, %lu images x %lu pages, "
               "%lu saveable pages (%.1f%%)\n", ds, pages / 256, nr_images,
               pages / nr_images, expect, 100.0 * expect / pages);
        printf("%-7s %-8s %3s %9s %12s %12s %9s %10s\n", "data", "engine",
               "thr", "seconds", "pages/s", "pages/s/core", "saved",
               "vs KSM/core");
        if ( ksm )
            kr = run_ksm(pages, prefix, expect);
        if ( kr.ok > 0 )
            ksm_pc = pages / kr.secs;
        row(ds, "KSM", 1, pages, expect, &kr, 0);

        img = aligned_alloc(PS, pages * PS);
        fill_images(img, pages, prefix);
        for ( i = 0; i < nthr; i++ )
        {
            pr = run_pageone(img, pages, thr[i]);
            row(ds, "PageONE", thr[i], pages, expect, &pr, ksm_pc);
            if ( pr.saved != expect || pr.ok != 1 )
            {
                printf("PageONE saved %lu, expected %lu\n", pr.saved,
                       expect);
                fails++;
            }
        }
        free(img);
    }
    printf("\nTest result: %s\n", fails ? "FAILURE" : "SUCCESS");
    return fails ? 1 : 0;
}
