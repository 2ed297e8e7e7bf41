/*
 * dvm-pageone: guest side of the PageONE and overcommit jobs.  Fills MiB of anonymous
 * memory with pages derived from a seed (the same seed gives the same
 * pages in every guest, every page of a guest differs from the others),
 * prints a checksum, then obeys commands read from the console, one per
 * line, answering each with a marker:
 *
 *   verify          DVM-PO-VERIFY n=<cmd#> result=pass|fail bad=<pages>
 *   write K SEED    rewrite pages [0, K) from SEED; DVM-PO-WROTE n=...
 *   alloc MIB SEED  map MIB more (fresh pages, which PageONE may have
 *                   merged into the zero frame), fill them from SEED,
 *                   verified with the rest from then on; DVM-PO-ALLOCED
 *   bgalloc MIB SEED
 *                   as alloc, in a child process (the commands go on
 *                   meanwhile), which then checks its MIB and exits;
 *                   DVM-PO-BGALLOC n=... result=pass|fail bad=<pages>
 *   churn MIB SEED  map MIB, fill it, unmap it: the guest frees those pages
 *                   (PPR reclaims them); DVM-PO-CHURNED n=...
 *   ioread N        the test kernel fills N fresh pages by emulated string
 *                   I/O (debugfs ppr/hostile "ioread"); DVM-PO-IOREAD n=...
 *                   followed by the kernel's result line
 *   spin SECONDS    busy loop; DVM-PO-SPUN n=...
 *   quit            exit 0
 *
 * Usage: dvm-pageone MIB SEED
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dvm-pattern.h"

#define PAGE 4096UL

static uint64_t *mem;
static unsigned long npages;
static uint64_t *seeds;     /* seed each page was last written with */

/* The pages alloc added: a second region, page i of it is npages + i. */
static uint64_t *xmem;
static unsigned long xpages;
static uint64_t *xseeds;

static uint64_t *page_of(unsigned long i)
{
    return i < npages ? mem + i * (PAGE / 8)
                      : xmem + (i - npages) * (PAGE / 8);
}

static uint64_t *seed_of(unsigned long i)
{
    return i < npages ? &seeds[i] : &xseeds[i - npages];
}

static void fill_page(unsigned long i, uint64_t seed)
{
    uint64_t *p = page_of(i), x = mix(seed * 1000003 + i + 1);
    unsigned long w;

    for ( w = 0; w < PAGE / 8; w++ )
    {
        x = mix(x + w);
        p[w] = x;
    }
    *seed_of(i) = seed;
}

static unsigned long verify(void)
{
    unsigned long i, w, bad = 0;

    for ( i = 0; i < npages + xpages; i++ )
    {
        uint64_t *p = page_of(i), x = mix(*seed_of(i) * 1000003 + i + 1);

        for ( w = 0; w < PAGE / 8; w++ )
        {
            x = mix(x + w);
            if ( p[w] != x )
            {
                bad++;
                break;
            }
        }
    }
    return bad;
}

/* Map, fill and unmap mib MiB: freed pages with data in them. */
static unsigned long churn(unsigned long mib, uint64_t seed)
{
    size_t len = mib << 20;
    uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned long i;

    if ( p == MAP_FAILED )
        return 0;
    for ( i = 0; i < len / 8; i++ )
        p[i] = mix(seed + i);
    munmap(p, len);
    return len / PAGE;
}

#define HOSTILE "/sys/kernel/debug/ppr/hostile"

/* The test kernel's ioread, its result line copied into out. */
static int ioread(unsigned long n, char *out, size_t len)
{
    FILE *f = fopen(HOSTILE, "w");

    if ( !f )
    {
        mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
        f = fopen(HOSTILE, "w");
    }
    if ( !f || fprintf(f, "ioread %lu\n", n) < 0 || fclose(f) )
        return -1;
    f = fopen(HOSTILE, "r");
    if ( !f || !fgets(out, len, f) )
        return -1;
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long i, mib, n = 0;
    uint64_t seed, sum = 0;
    char line[128];

    if ( argc != 3 )
    {
        fprintf(stderr, "usage: dvm-pageone MIB SEED\n");
        return 2;
    }
    mib = strtoul(argv[1], NULL, 0);
    seed = strtoull(argv[2], NULL, 0);
    npages = mib * (1024 * 1024 / PAGE);
    mem = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    seeds = calloc(npages, sizeof(*seeds));
    if ( mem == MAP_FAILED || !seeds )
    {
        perror("dvm-pageone");
        return 1;
    }
    for ( i = 0; i < npages; i++ )
    {
        fill_page(i, seed);
        sum += mem[i * (PAGE / 8)];
    }
    printf("DVM-PO-FILLED pages=%lu seed=%llu sum=%016llx\n", npages,
           (unsigned long long)seed, (unsigned long long)sum);
    fflush(stdout);

    while ( fgets(line, sizeof(line), stdin) )
    {
        unsigned long k, s;
        unsigned long long sd;

        n++;
        if ( !strncmp(line, "verify", 6) )
        {
            unsigned long bad = verify();

            printf("DVM-PO-VERIFY n=%lu result=%s bad=%lu\n", n,
                   bad ? "fail" : "pass", bad);
        }
        else if ( sscanf(line, "write %lu %llu", &k, &sd) == 2 )
        {
            for ( i = 0; i < k && i < npages; i++ )
                fill_page(i, sd);
            printf("DVM-PO-WROTE n=%lu pages=%lu seed=%llu\n", n, i, sd);
        }
        else if ( sscanf(line, "alloc %lu %llu", &k, &sd) == 2 && !xmem )
        {
            xpages = k * (1024 * 1024 / PAGE);
            xmem = mmap(NULL, xpages * PAGE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            xseeds = calloc(xpages, sizeof(*xseeds));
            if ( xmem == MAP_FAILED || !xseeds )
            {
                perror("dvm-pageone: alloc");
                return 1;
            }
            for ( i = 0; i < xpages; i++ )
                fill_page(npages + i, sd);
            printf("DVM-PO-ALLOCED n=%lu pages=%lu seed=%llu\n", n, xpages,
                   sd);
        }
        else if ( sscanf(line, "bgalloc %lu %llu", &k, &sd) == 2 )
        {
            pid_t pid;

            fflush(stdout);
            pid = fork();
            if ( pid == 0 )
            {
                /* Only its own pages: the parent's are the parent's. */
                unsigned long own = k * (1024 * 1024 / PAGE), bad;

                xmem = mmap(NULL, own * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                xseeds = calloc(own, sizeof(*xseeds));
                if ( xmem == MAP_FAILED || !xseeds )
                    _exit(1);
                npages = 0;
                xpages = own;
                for ( i = 0; i < own; i++ )
                    fill_page(i, sd);
                bad = verify();
                printf("DVM-PO-BGALLOC n=%lu result=%s bad=%lu pages=%lu\n",
                       n, bad ? "fail" : "pass", bad, own);
                fflush(stdout);
                _exit(bad != 0);
            }
            if ( pid < 0 )
                printf("DVM-PO-BGALLOC n=%lu result=fail error=fork\n", n);
        }
        else if ( sscanf(line, "churn %lu %llu", &k, &sd) == 2 )
            printf("DVM-PO-CHURNED n=%lu pages=%lu\n", n, churn(k, sd));
        else if ( sscanf(line, "ioread %lu", &k) == 1 )
        {
            char res[256];

            if ( ioread(k, res, sizeof(res)) )
                printf("DVM-PO-IOREAD n=%lu error=no-test-interface\n", n);
            else
                printf("DVM-PO-IOREAD n=%lu %s\n", n, res);
        }
        else if ( sscanf(line, "spin %lu", &s) == 1 )
        {
            time_t end = time(NULL) + s;
            volatile unsigned long x = 0;

            while ( time(NULL) < end )
                x++;
            printf("DVM-PO-SPUN n=%lu\n", n);
        }
        else if ( !strncmp(line, "quit", 4) )
            return 0;
        else
            n--;
        fflush(stdout);
    }
    return 0;
}
