/*
 * dvm-pageone: guest side of the PageONE jobs.  Fills MiB of anonymous
 * memory with pages derived from a seed (the same seed gives the same
 * pages in every guest, every page of a guest differs from the others),
 * prints a checksum, then obeys commands read from the console, one per
 * line, answering each with a marker:
 *
 *   verify          DVM-PO-VERIFY n=<cmd#> result=pass|fail bad=<pages>
 *   write K SEED    rewrite pages [0, K) from SEED; DVM-PO-WROTE n=...
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
#include <time.h>

#include "dvm-pattern.h"

#define PAGE 4096UL

static uint64_t *mem;
static unsigned long npages;
static uint64_t *seeds;     /* seed each page was last written with */

static void fill_page(unsigned long i, uint64_t seed)
{
    uint64_t *p = mem + i * (PAGE / 8), x = mix(seed * 1000003 + i + 1);
    unsigned long w;

    for ( w = 0; w < PAGE / 8; w++ )
    {
        x = mix(x + w);
        p[w] = x;
    }
    seeds[i] = seed;
}

static unsigned long verify(void)
{
    unsigned long i, w, bad = 0;

    for ( i = 0; i < npages; i++ )
    {
        uint64_t *p = mem + i * (PAGE / 8), x = mix(seeds[i] * 1000003 + i + 1);

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
