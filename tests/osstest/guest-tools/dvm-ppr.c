/*
 * dvm-ppr: guest-side workloads for the PPR osstest jobs.
 *
 *   dvm-ppr stats [-t TAG]
 *   dvm-ppr reclaim [-m MIB] [-k KEEP_MIB] [-H HOLD_S] [-w WAIT_S] [-s SEED]
 *                   [-d DISK -D DISK_MIB]
 *   dvm-ppr churn [-p PROCS] [-m MIB] [-t SECS] [-s SEED]
 *   dvm-ppr frag [-m MIB] [-H HOLD_S] [-w WAIT_S] [-s SEED]
 *   dvm-ppr hold [-m MIB] [-t SECS] [-s SEED]
 *   dvm-ppr bench [-m MIB] [-t SECS]
 *   dvm-ppr burst [-m PEAK_MIB] [-H HOLD_S] [-w PERIOD_S] [-t SECS] [-s SEED]
 *
 * stats:   one line with every counter of /sys/kernel/debug/ppr/stats:
 *            DVM-PPR-STATS tag=TAG key=value ...
 * reclaim: fill KEEP_MIB (kept) and MIB (to free) of anonymous memory,
 *          hold HOLD_S seconds, free MIB, wait WAIT_S seconds, map MIB
 *          again: it must read as zeroes, take a new pattern, and the kept
 *          memory must still hold its pattern.
 *            DVM-PPR-ALLOCATED mib=M keep_mib=K
 *            DVM-PPR-FREED mib=M pages=P
 *            DVM-PPR-WAIT t=S array_reclaimed=N hv_frames_returned=N
 *            DVM-PPR-WAITED secs=W
 *            DVM-PPR-RECLAIM result=pass|fail mib=M nonzero=N mismatches=N
 *          With -d, the first DISK_MIB of the MIB are written to the
 *          block device DISK with O_DIRECT before the hold (a device model
 *          reads them from guest memory), and read back with O_DIRECT
 *          into the fresh mapping after the wait (it writes them into
 *          pages that were just reclaimed and refaulted): they must come
 *          back as written.
 *            DVM-PPR-DISK op=write|read mib=D ms=T mismatches=N
 * churn:   PROCS processes map random sizes up to MIB, write a pattern,
 *          sometimes sleep, verify, drop and re-touch part of it (must
 *          read zero), write/read/unlink a tmpfs file, unmap; for SECS.
 *            DVM-PPR-CHURN result=pass|fail procs=P secs=T iterations=I
 *                          pages=N mismatches=N
 * frag:    map and fill MIB, hold, MADV_DONTNEED every other 4 KiB page,
 *          wait, then the kept pages must hold their data and the dropped
 *          ones read zero.  Without CONFIG_ADVISE_SYSCALLS (ENOSYS) the
 *          pages are unmapped one by one instead, and only the kept ones
 *          are checked.
 *            DVM-PPR-FRAG-ALLOCATED mib=M pages=P
 *            DVM-PPR-FRAG-FREED pages=N mib=M how=madvise|munmap
 *            DVM-PPR-FRAG result=pass|fail freed_pages=N kept_mismatch=N
 *                         freed_nonzero=N
 * hold:    fill MIB and keep it, free as much again, then check the kept
 *          memory every second for SECS (e.g. across xl save/restore),
 *          then map MIB fresh (zeroes) and check once more.
 *            DVM-PPR-HOLD-START mib=M secs=T
 *            DVM-PPR-HOLD-CHECK t=S mismatches=N   (every 10 s, or on error)
 *            DVM-PPR-HOLD result=pass|fail checks=N nonzero=N mismatches=N
 * bench:   for SECS seconds, rounds of: map MIB (no populate), write one
 *          word per page (a fault and a page allocation each), unmap
 *          (the pages go back to the allocator); the cost per page of
 *          each round, in ns (for PPR on vs off: the free/alloc hooks and,
 *          with Xen reclaiming meanwhile, refaults).
 *            DVM-PPR-BENCH result=done mib=M rounds=R pages=P
 *                          median_ns=N mean_ns=N min_ns=N max_ns=N
 * burst:   a bursty tenant (the density benchmark): once every PERIOD_S
 *          seconds, at a phase drawn from SEED, map and fill PEAK_MIB,
 *          hold it HOLD_S seconds, check it and unmap it; idle in between.
 *          For SECS seconds (0: for ever).  A line per burst:
 *            DVM-PPR-BURST n=N ms=FILL_MS mismatches=N
 *          and at the end DVM-PPR-BURST result=pass|fail bursts=N
 *          mismatches=N.
 *
 * Exit status 0 only if no data mismatch was seen.
 */

#define _GNU_SOURCE             /* O_DIRECT */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dvm-pattern.h"

#define PAGE_SIZE 4096UL
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(uint64_t))
#define STATS_FILE "/sys/kernel/debug/ppr/stats"

static void usage(void)
{
    fprintf(stderr,
            "usage: dvm-ppr stats [-t TAG]\n"
            "       dvm-ppr reclaim [-m MIB] [-k KEEP_MIB] [-H HOLD_S] "
            "[-w WAIT_S] [-s SEED] [-d DISK -D DISK_MIB]\n"
            "       dvm-ppr churn [-p PROCS] [-m MIB] [-t SECS] [-s SEED]\n"
            "       dvm-ppr frag [-m MIB] [-H HOLD_S] [-w WAIT_S] "
            "[-s SEED]\n"
            "       dvm-ppr hold [-m MIB] [-t SECS] [-s SEED]\n"
            "       dvm-ppr bench [-m MIB] [-t SECS]\n"
            "       dvm-ppr burst [-m PEAK_MIB] [-H HOLD_S] [-w PERIOD_S] "
            "[-t SECS] [-s SEED]\n");
    exit(2);
}

static void *map_anon(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

    if ( p == MAP_FAILED )
    {
        fprintf(stderr, "dvm-ppr: mmap %zu bytes: %s\n", len,
                strerror(errno));
        exit(1);
    }
    return p;
}

/* Page p of a region tagged tag gets words base + w, base from the tag. */
static uint64_t page_base(uint64_t seed, uint64_t tag, uint64_t p)
{
    return mix(seed ^ mix(tag << 40 ^ p));
}

static void fill(uint64_t *mem, size_t pages, uint64_t seed, uint64_t tag)
{
    size_t p, w;

    for ( p = 0; p < pages; p++ )
    {
        uint64_t base = page_base(seed, tag, p);

        for ( w = 0; w < WORDS_PER_PAGE; w++ )
            mem[p * WORDS_PER_PAGE + w] = base + w;
    }
}

/* Number of words in page p that do not hold the pattern. */
static uint64_t check_page(const uint64_t *mem, size_t p, uint64_t seed,
                           uint64_t tag)
{
    uint64_t base = page_base(seed, tag, p), bad = 0;
    size_t w;

    for ( w = 0; w < WORDS_PER_PAGE; w++ )
        if ( mem[p * WORDS_PER_PAGE + w] != base + w )
            bad++;
    return bad;
}

static uint64_t check(const uint64_t *mem, size_t pages, uint64_t seed,
                      uint64_t tag)
{
    uint64_t bad = 0;
    size_t p;

    for ( p = 0; p < pages; p++ )
        bad += check_page(mem, p, seed, tag);
    return bad;
}

static uint64_t nonzero_page(const uint64_t *mem, size_t p)
{
    uint64_t bad = 0;
    size_t w;

    for ( w = 0; w < WORDS_PER_PAGE; w++ )
        if ( mem[p * WORDS_PER_PAGE + w] )
            bad++;
    return bad;
}

/* ------------------------------------------------------------- stats */

struct kv {
    char key[48];
    char val[32];
};

static struct kv stats[128];
static unsigned int nr_stats;

/* Only mount things inside the test guest (dvm.run= on its cmdline). */
static int in_dvm_guest(void)
{
    char buf[1024] = "";
    FILE *f = fopen("/proc/cmdline", "r");

    if ( !f )
        return 0;
    if ( !fgets(buf, sizeof(buf), f) )
        buf[0] = '\0';
    fclose(f);
    return strstr(buf, "dvm.run=") != NULL;
}

static int read_stats(void)
{
    char line[128];
    FILE *f;

    nr_stats = 0;
    f = fopen(STATS_FILE, "r");
    if ( !f && in_dvm_guest() )
    {
        /* The guest init does not mount debugfs. */
        mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
        f = fopen(STATS_FILE, "r");
    }
    if ( !f )
        return -1;
    while ( nr_stats < sizeof(stats) / sizeof(stats[0]) &&
            fgets(line, sizeof(line), f) )
    {
        struct kv *kv = &stats[nr_stats];

        if ( sscanf(line, "%47s %31s", kv->key, kv->val) == 2 )
            nr_stats++;
    }
    fclose(f);
    return 0;
}

static const char *stat_str(const char *key)
{
    unsigned int i;

    for ( i = 0; i < nr_stats; i++ )
        if ( !strcmp(stats[i].key, key) )
            return stats[i].val;
    return "-";
}

static void print_stats(const char *tag)
{
    unsigned int i;

    if ( read_stats() )
    {
        printf("DVM-PPR-STATS tag=%s error=no-stats-file\n", tag);
        fflush(stdout);
        return;
    }
    printf("DVM-PPR-STATS tag=%s", tag);
    for ( i = 0; i < nr_stats; i++ )
        printf(" %s=%s", stats[i].key, stats[i].val);
    printf("\n");
    fflush(stdout);
}

/* Wait secs seconds, printing progress every 5 seconds. */
static void wait_progress(unsigned long secs)
{
    unsigned long t;

    for ( t = 1; t <= secs; t++ )
    {
        sleep(1);
        if ( t % 5 && t != secs )
            continue;
        read_stats();
        printf("DVM-PPR-WAIT t=%lu array_free=%s array_aged=%s "
               "array_reclaimed=%s hv_frames_returned=%s "
               "hv_refaulted=%s\n", t, stat_str("array_free"),
               stat_str("array_aged"), stat_str("array_reclaimed"),
               stat_str("hv_frames_returned"), stat_str("hv_refaulted"));
        fflush(stdout);
    }
    printf("DVM-PPR-WAITED secs=%lu\n", secs);
    fflush(stdout);
}

/* ----------------------------------------------------------- reclaim */

/*
 * Write (out) or read len bytes at the start of disk, from or into mem,
 * with O_DIRECT: the device's DMA goes straight to or from these pages.
 * Returns the ms taken.
 */
static unsigned long disk_io(const char *disk, void *mem, size_t len,
                             int out)
{
    struct timespec t0, t1;
    size_t done = 0;
    int fd = open(disk, (out ? O_WRONLY : O_RDONLY) | O_DIRECT);

    if ( fd < 0 )
    {
        fprintf(stderr, "dvm-ppr: open %s: %s\n", disk, strerror(errno));
        exit(1);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ( done < len )
    {
        size_t n = len - done < (1UL << 20) ? len - done : 1UL << 20;
        ssize_t r = out ? pwrite(fd, (char *)mem + done, n, done)
                        : pread(fd, (char *)mem + done, n, done);

        if ( r <= 0 )
        {
            fprintf(stderr, "dvm-ppr: %s %s at %zu: %s\n",
                    out ? "write" : "read", disk, done,
                    r ? strerror(errno) : "end of device");
            exit(1);
        }
        done += r;
    }
    if ( out && fsync(fd) )
    {
        fprintf(stderr, "dvm-ppr: fsync %s: %s\n", disk, strerror(errno));
        exit(1);
    }
    close(fd);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    return (t1.tv_sec - t0.tv_sec) * 1000 +
           (t1.tv_nsec - t0.tv_nsec) / 1000000;
}

static int do_reclaim(unsigned long mib, unsigned long keep_mib,
                      unsigned long hold, unsigned long wait, uint64_t seed,
                      const char *disk, unsigned long disk_mib)
{
    size_t dlen = disk_mib << 20, dpages = dlen / PAGE_SIZE;
    unsigned long ms;
    uint64_t dbad = 0;
    size_t len = mib << 20, pages = len / PAGE_SIZE;
    size_t klen = keep_mib << 20, kpages = klen / PAGE_SIZE, p;
    uint64_t *keep = NULL, *mem, nonzero = 0, bad = 0, kbad = 0;

    print_stats("reclaim-start");
    if ( kpages )
    {
        keep = map_anon(klen);
        fill(keep, kpages, seed, 1);
    }
    mem = map_anon(len);
    fill(mem, pages, seed, 2);
    bad += check(mem, pages, seed, 2);
    printf("DVM-PPR-ALLOCATED mib=%lu keep_mib=%lu mismatches=%" PRIu64 "\n",
           mib, keep_mib, bad);
    fflush(stdout);
    if ( disk )
    {
        ms = disk_io(disk, mem, dlen, 1);
        printf("DVM-PPR-DISK op=write mib=%lu ms=%lu mismatches=0\n",
               disk_mib, ms);
    }
    sleep(hold);

    munmap(mem, len);
    printf("DVM-PPR-FREED mib=%lu pages=%zu\n", mib, pages);
    fflush(stdout);
    print_stats("reclaim-freed");
    wait_progress(wait);
    print_stats("reclaim-waited");

    /* Fresh anonymous memory reads zero: the kernel zeroed it. */
    mem = map_anon(len);
    for ( p = 0; p < pages; p++ )
        nonzero += nonzero_page(mem, p);
    if ( disk )
    {
        ms = disk_io(disk, mem, dlen, 0);
        dbad = check(mem, dpages, seed, 2);
        printf("DVM-PPR-DISK op=read mib=%lu ms=%lu mismatches=%" PRIu64
               "\n", disk_mib, ms, dbad);
        bad += dbad;
    }
    fill(mem, pages, seed, 3);
    bad += check(mem, pages, seed, 3);
    if ( keep )
        kbad = check(keep, kpages, seed, 1);
    munmap(mem, len);
    if ( keep )
        munmap(keep, klen);
    print_stats("reclaim-end");

    printf("DVM-PPR-RECLAIM result=%s mib=%lu keep_mib=%lu nonzero=%" PRIu64
           " mismatches=%" PRIu64 " keep_mismatches=%" PRIu64 "\n",
           nonzero || bad || kbad ? "fail" : "pass", mib, keep_mib, nonzero,
           bad, kbad);
    return nonzero || bad || kbad ? 1 : 0;
}

/* ------------------------------------------------------------- churn */

struct churn_result {
    uint64_t iterations, pages, mismatches;
};

static uint64_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return mix(*s);
}

static uint64_t churn_file(unsigned int id, uint64_t seed, uint64_t tag)
{
    static uint64_t buf[64 * WORDS_PER_PAGE];
    size_t pages = sizeof(buf) / PAGE_SIZE;
    char path[64];
    uint64_t bad;
    int fd;

    snprintf(path, sizeof(path), "/tmp/dvm-ppr-churn.%u", id);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if ( fd < 0 )
        return 0;
    fill(buf, pages, seed, tag);
    if ( write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) )
    {
        close(fd);
        unlink(path);
        return 0;   /* tmpfs full: not a data error */
    }
    memset(buf, 0, sizeof(buf));
    if ( pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf) )
        bad = 1;
    else
        bad = check(buf, pages, seed, tag);
    close(fd);
    unlink(path);
    return bad;
}

static void churn_child(unsigned int id, unsigned long mib, time_t end,
                        uint64_t seed, int fd)
{
    struct churn_result r = { 0, 0, 0 };
    uint64_t s = seed ^ mix(id + 1);

    while ( time(NULL) < end )
    {
        size_t pages = 1 + rng(&s) % ((mib << 20) / PAGE_SIZE);
        size_t len = pages * PAGE_SIZE, first, n, p;
        uint64_t tag = r.iterations << 8 | id, *mem, is = rng(&s);

        mem = map_anon(len);
        fill(mem, pages, is, tag);
        /* Sometimes hold the data across a few scan periods. */
        if ( rng(&s) % 4 == 0 )
            sleep(rng(&s) % 4);
        r.mismatches += check(mem, pages, is, tag);

        /* Drop part of it: it must come back as zeroes, then refill. */
        first = rng(&s) % pages;
        n = 1 + rng(&s) % (pages - first);
        if ( madvise((char *)mem + first * PAGE_SIZE, n * PAGE_SIZE,
                     MADV_DONTNEED) == 0 )
        {
            for ( p = first; p < first + n; p++ )
                r.mismatches += nonzero_page(mem, p);
            fill(mem, pages, is, tag + 1);
            r.mismatches += check(mem, pages, is, tag + 1);
        }
        munmap(mem, len);

        r.mismatches += churn_file(id, is, tag);
        r.pages += pages;
        r.iterations++;
    }
    if ( write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r) )
        exit(1);
    exit(0);
}

static int do_churn(unsigned int procs, unsigned long mib, unsigned long secs,
                    uint64_t seed)
{
    struct churn_result total = { 0, 0, 0 }, r;
    time_t end = time(NULL) + secs;
    unsigned int i, lost = 0;
    int fds[2];

    if ( pipe(fds) )
        return 1;
    print_stats("churn-start");
    printf("DVM-PPR-CHURN-START procs=%u mib=%lu secs=%lu\n", procs, mib,
           secs);
    fflush(stdout);
    for ( i = 0; i < procs; i++ )
    {
        pid_t pid = fork();

        if ( pid == 0 )
        {
            close(fds[0]);
            churn_child(i, mib, end, seed, fds[1]);
        }
        if ( pid < 0 )
        {
            fprintf(stderr, "dvm-ppr: fork: %s\n", strerror(errno));
            lost++;
        }
    }
    close(fds[1]);
    for ( i = 0; i < procs - lost; i++ )
    {
        if ( read(fds[0], &r, sizeof(r)) != (ssize_t)sizeof(r) )
        {
            lost++;     /* a child died (OOM?) without reporting */
            continue;
        }
        total.iterations += r.iterations;
        total.pages += r.pages;
        total.mismatches += r.mismatches;
    }
    while ( wait(NULL) > 0 )
        ;
    print_stats("churn-end");
    printf("DVM-PPR-CHURN result=%s procs=%u secs=%lu iterations=%" PRIu64
           " pages=%" PRIu64 " mismatches=%" PRIu64 " lost=%u\n",
           total.mismatches || lost ? "fail" : "pass", procs, secs,
           total.iterations, total.pages, total.mismatches, lost);
    return total.mismatches || lost ? 1 : 0;
}

/* -------------------------------------------------------------- frag */

static int do_frag(unsigned long mib, unsigned long hold, unsigned long wait,
                   uint64_t seed)
{
    size_t len = mib << 20, pages = len / PAGE_SIZE, p, freed = 0;
    uint64_t *mem, kept_bad = 0, freed_bad = 0;
    int unmapped = 0;

    print_stats("frag-start");
    mem = map_anon(len);
    fill(mem, pages, seed, 4);
    printf("DVM-PPR-FRAG-ALLOCATED mib=%lu pages=%zu\n", mib, pages);
    fflush(stdout);
    sleep(hold);

    /*
     * Every other page goes back to the page allocator (no THP here).
     * Without CONFIG_ADVISE_SYSCALLS unmap the pages instead.
     */
    for ( p = 0; p < pages; p += 2 )
    {
        char *a = (char *)mem + p * PAGE_SIZE;

        if ( !unmapped && madvise(a, PAGE_SIZE, MADV_DONTNEED) == 0 )
        {
            freed++;
            continue;
        }
        unmapped = 1;
        if ( munmap(a, PAGE_SIZE) == 0 )
            freed++;
    }
    printf("DVM-PPR-FRAG-FREED pages=%zu mib=%lu how=%s\n", freed,
           (unsigned long)(freed * PAGE_SIZE >> 20),
           unmapped ? "munmap" : "madvise");
    fflush(stdout);
    print_stats("frag-freed");
    wait_progress(wait);
    print_stats("frag-waited");

    for ( p = 0; p < pages; p++ )
    {
        if ( p % 2 )
            kept_bad += check_page(mem, p, seed, 4);
        else if ( !unmapped )
            freed_bad += nonzero_page(mem, p);
    }
    munmap(mem, len);
    printf("DVM-PPR-FRAG result=%s freed_pages=%zu kept_mismatch=%" PRIu64
           " freed_nonzero=%" PRIu64 "\n",
           kept_bad || freed_bad ? "fail" : "pass", freed, kept_bad,
           freed_bad);
    return kept_bad || freed_bad ? 1 : 0;
}

/* -------------------------------------------------------------- hold */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int do_hold(unsigned long mib, unsigned long secs, uint64_t seed)
{
    size_t len = mib << 20, pages = len / PAGE_SIZE, p;
    uint64_t *keep, *mem, bad = 0, nonzero = 0;
    unsigned long t, checks = 0;

    print_stats("hold-start");
    keep = map_anon(len);
    fill(keep, pages, seed, 5);
    /*
     * Free as much again, so the domain has reclaimed pages.  Its content
     * is never read back; it is unique to this run, so that in a share
     * group (ppr-pageone) it is PPR's to reclaim, not PageONE's to merge.
     */
    mem = map_anon(len);
    fill(mem, pages, seed ^ now_ns(), 6);
    munmap(mem, len);
    printf("DVM-PPR-HOLD-START mib=%lu secs=%lu\n", mib, secs);
    fflush(stdout);
    for ( t = 1; t <= secs; t++ )
    {
        uint64_t b;

        sleep(1);
        b = check(keep, pages, seed, 5);
        bad += b;
        checks++;
        if ( b || !(t % 10) )
            printf("DVM-PPR-HOLD-CHECK t=%lu mismatches=%" PRIu64 "\n", t, b);
        fflush(stdout);
    }
    print_stats("hold-checked");
    /* Touch fresh memory: refaults of reclaimed pages. */
    mem = map_anon(len);
    for ( p = 0; p < pages; p++ )
        nonzero += nonzero_page(mem, p);
    fill(mem, pages, seed, 7);
    bad += check(mem, pages, seed, 7);
    munmap(mem, len);
    bad += check(keep, pages, seed, 5);
    munmap(keep, len);
    print_stats("hold-end");
    printf("DVM-PPR-HOLD result=%s mib=%lu secs=%lu checks=%lu nonzero=%" PRIu64
           " mismatches=%" PRIu64 "\n", bad || nonzero ? "fail" : "pass",
           mib, secs, checks, nonzero, bad);
    return bad || nonzero ? 1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

#define BENCH_MAX_ROUNDS 4096

static int do_bench(unsigned long mib, unsigned long secs)
{
    size_t len = mib << 20, pages = len / PAGE_SIZE, p;
    static uint64_t ns[BENCH_MAX_ROUNDS];
    uint64_t t_end = now_ns() + secs * 1000000000ULL, sum = 0;
    unsigned int r, n = 0;

    print_stats("bench-start");
    while ( n < BENCH_MAX_ROUNDS && now_ns() < t_end )
    {
        uint64_t t0 = now_ns();
        volatile uint64_t *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if ( mem == MAP_FAILED )
        {
            fprintf(stderr, "dvm-ppr: mmap %zu bytes: %s\n", len,
                    strerror(errno));
            return 1;
        }
        for ( p = 0; p < pages; p++ )
            mem[p * WORDS_PER_PAGE] = p;
        munmap((void *)mem, len);
        ns[n++] = (now_ns() - t0) / pages;
    }
    print_stats("bench-end");
    for ( r = 0; r < n; r++ )
        sum += ns[r];
    qsort(ns, n, sizeof(ns[0]), cmp_u64);
    printf("DVM-PPR-BENCH result=done mib=%lu rounds=%u pages=%" PRIu64
           " median_ns=%" PRIu64 " mean_ns=%" PRIu64 " min_ns=%" PRIu64
           " max_ns=%" PRIu64 "\n", mib, n, (uint64_t)pages * n,
           ns[n / 2], sum / n, ns[0], ns[n - 1]);
    return 0;
}

/* ------------------------------------------------------------- burst */

static int do_burst(unsigned long mib, unsigned long hold,
                    unsigned long period, unsigned long secs, uint64_t seed)
{
    size_t len = mib << 20, pages = len / PAGE_SIZE;
    uint64_t start = now_ns(), next, bad = 0, n;

    /* Tenants do not burst in step: each starts at its own phase. */
    next = start + mix(seed) % (period * 1000000000ULL);
    for ( n = 1; ; n++ )
    {
        uint64_t t0, b, *mem;

        while ( now_ns() < next )
            usleep(100000);
        t0 = now_ns();
        if ( secs && t0 - start >= secs * 1000000000ULL )
            break;
        mem = map_anon(len);
        fill(mem, pages, seed, n);
        printf("DVM-PPR-BURST n=%" PRIu64 " ms=%" PRIu64, n,
               (now_ns() - t0) / 1000000);
        sleep(hold);
        b = check(mem, pages, seed, n);
        munmap(mem, len);
        bad += b;
        printf(" mismatches=%" PRIu64 "\n", b);
        next += period * 1000000000ULL;
    }
    printf("DVM-PPR-BURST result=%s bursts=%" PRIu64 " mismatches=%" PRIu64
           "\n", bad ? "fail" : "pass", n - 1, bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    unsigned long mib = 64, keep = 16, hold = 5, wait = 30, secs = 60;
    unsigned int procs = 4;
    unsigned long disk_mib = 0;
    const char *cmd, *tag = "now", *disk = NULL;
    uint64_t seed = 1;
    int opt;

    if ( argc < 2 )
        usage();
    cmd = argv[1];
    optind = 2;
    while ( (opt = getopt(argc, argv, "m:k:H:w:s:p:t:d:D:")) != -1 )
    {
        switch ( opt )
        {
        case 'm': mib = strtoul(optarg, NULL, 0); break;
        case 'k': keep = strtoul(optarg, NULL, 0); break;
        case 'H': hold = strtoul(optarg, NULL, 0); break;
        case 'w': wait = strtoul(optarg, NULL, 0); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'p': procs = strtoul(optarg, NULL, 0); break;
        case 't': secs = strtoul(optarg, NULL, 0); tag = optarg; break;
        case 'd': disk = optarg; break;
        case 'D': disk_mib = strtoul(optarg, NULL, 0); break;
        default: usage();
        }
    }
    if ( optind != argc )
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);

    if ( !strcmp(cmd, "stats") )
    {
        print_stats(tag);
        return 0;
    }
    if ( !mib )
        usage();
    if ( !strcmp(cmd, "reclaim") )
        return !disk == !disk_mib && disk_mib <= mib ?
               do_reclaim(mib, keep, hold, wait, seed, disk, disk_mib) : 2;
    if ( !strcmp(cmd, "churn") )
        return procs ? do_churn(procs, mib, secs, seed) : 2;
    if ( !strcmp(cmd, "frag") )
        return do_frag(mib, hold, wait, seed);
    if ( !strcmp(cmd, "hold") )
        return do_hold(mib, secs, seed);
    if ( !strcmp(cmd, "bench") )
        return secs ? do_bench(mib, secs) : 2;
    if ( !strcmp(cmd, "burst") )
        return wait ? do_burst(mib, hold, wait, secs, seed) : 2;
    usage();
    return 2;
}
