/*
 * dvm-disk: disk reads into fresh guest pages, for the KVM PPR jobs.
 *
 *   dvm-disk mkimg FILE MIB SEED      (L1) write a disk image whose 4 KiB
 *                                     block b holds pattern(b, SEED)
 *   dvm-disk churn DEV SECS MIB SEED  (L2) for SECS seconds: map MIB of
 *                                     fresh anonymous memory, read random
 *                                     extents of DEV into it with O_DIRECT
 *                                     (the VMM writes straight into pages
 *                                     the guest just allocated, often ones
 *                                     PPR reclaimed), check, unmap; and
 *                                     buffered reads after dropping the
 *                                     page cache (fresh page cache pages)
 *
 * churn prints, at the end:
 *   DVM-DISK result=pass|fail rounds=N blocks=N direct=N cached=N
 *            mismatches=N errors=N
 * Exit status 0 only if every block read back its pattern.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLK 4096UL
#define WORDS (BLK / sizeof(uint64_t))

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t word(uint64_t blk, unsigned int w, uint64_t seed)
{
    return mix(seed ^ (blk << 12 | w)) | 1;
}

static void fill(uint64_t *p, uint64_t blk, uint64_t seed)
{
    unsigned int w;

    for ( w = 0; w < WORDS; w++ )
        p[w] = word(blk, w, seed);
}

static uint64_t check(const uint64_t *p, uint64_t blk, uint64_t seed)
{
    uint64_t bad = 0;
    unsigned int w;

    for ( w = 0; w < WORDS; w++ )
        if ( p[w] != word(blk, w, seed) )
            bad++;
    return bad;
}

static int mkimg(const char *path, unsigned long mib, uint64_t seed)
{
    uint64_t buf[WORDS], b, n = (mib << 20) / BLK;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if ( fd < 0 )
    {
        perror(path);
        return 1;
    }
    for ( b = 0; b < n; b++ )
    {
        fill(buf, b, seed);
        if ( write(fd, buf, BLK) != (ssize_t)BLK )
        {
            perror("write");
            return 1;
        }
    }
    return close(fd) ? 1 : 0;
}

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return mix(*s);
}

static void drop_caches(void)
{
    int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

    if ( fd >= 0 )
    {
        if ( write(fd, "3\n", 2) != 2 )
            perror("drop_caches");
        close(fd);
    }
}

static int churn(const char *dev, unsigned long secs, unsigned long mib,
                 uint64_t seed)
{
    uint64_t rounds = 0, blocks = 0, direct = 0, cached = 0, bad = 0;
    uint64_t errors = 0, s = seed ^ 0x5eed, nblk;
    size_t len = mib << 20, maxblk = len / BLK;
    time_t end = time(NULL) + secs;
    int dfd, cfd;
    off_t size;

    dfd = open(dev, O_RDONLY | O_DIRECT);
    cfd = open(dev, O_RDONLY);
    if ( dfd < 0 || cfd < 0 )
    {
        perror(dev);
        return 1;
    }
    size = lseek(cfd, 0, SEEK_END);
    nblk = size / BLK;
    if ( nblk < maxblk )
        maxblk = nblk;
    printf("DVM-DISK-START dev=%s blocks=%" PRIu64 " mib=%lu secs=%lu\n",
           dev, nblk, mib, secs);
    fflush(stdout);

    while ( time(NULL) < end )
    {
        size_t n = 1 + rnd(&s) % maxblk, i;
        uint64_t first = rnd(&s) % (nblk - n + 1);
        int use_direct = rounds % 2 == 0;
        int fd = use_direct ? dfd : cfd;
        uint64_t *mem;
        ssize_t got;

        /* Not populated: the read is the first write to these pages. */
        mem = mmap(NULL, n * BLK, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if ( mem == MAP_FAILED )
        {
            perror("mmap");
            return 1;
        }
        if ( !use_direct )
            drop_caches();
        got = pread(fd, mem, n * BLK, first * BLK);
        if ( got != (ssize_t)(n * BLK) )
        {
            errors++;
        }
        else
        {
            for ( i = 0; i < n; i++ )
                bad += check(mem + i * WORDS, first + i, seed);
            blocks += n;
            if ( use_direct )
                direct += n;
            else
                cached += n;
        }
        munmap(mem, n * BLK);
        rounds++;
        /* Leave the freed pages a scan period or two now and then. */
        if ( rnd(&s) % 8 == 0 )
            usleep(rnd(&s) % 500000);
    }
    printf("DVM-DISK result=%s rounds=%" PRIu64 " blocks=%" PRIu64
           " direct=%" PRIu64 " cached=%" PRIu64 " mismatches=%" PRIu64
           " errors=%" PRIu64 "\n", bad || errors ? "fail" : "pass",
           rounds, blocks, direct, cached, bad, errors);
    return bad || errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    if ( argc == 5 && !strcmp(argv[1], "mkimg") )
        return mkimg(argv[2], strtoul(argv[3], NULL, 0),
                     strtoull(argv[4], NULL, 0));
    if ( argc == 6 && !strcmp(argv[1], "churn") )
        return churn(argv[2], strtoul(argv[3], NULL, 0),
                     strtoul(argv[4], NULL, 0), strtoull(argv[5], NULL, 0));
    fprintf(stderr, "usage: dvm-disk mkimg FILE MIB SEED\n"
                    "       dvm-disk churn DEV SECS MIB SEED\n");
    return 2;
}
