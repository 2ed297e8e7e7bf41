/*
 * dvm-memtest: guest-side memory workload with data verification.
 *
 *   dvm-memtest [-r ROUNDS] [-s SEED] MIB
 *
 * Each round maps MIB MiB of anonymous memory, writes a pattern derived
 * from (seed, round, page index) into every 4 KiB page, reads it all back
 * and unmaps it.  Prints one line per round and a summary:
 *
 *   DVM-MEMTEST round=R mib=M checksum=HEX mismatches=N
 *   DVM-MEMTEST result=pass|fail rounds=R mismatches=N
 *
 * Exit status 0 only if every word read back is the word written.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dvm-pattern.h"

#define PAGE_SIZE 4096UL
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(uint64_t))

static void usage(void)
{
    fprintf(stderr, "usage: dvm-memtest [-r ROUNDS] [-s SEED] MIB\n");
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned long rounds = 1, mib, r;
    uint64_t seed = 1, total_bad = 0;
    int opt;

    while ( (opt = getopt(argc, argv, "r:s:")) != -1 )
    {
        switch ( opt )
        {
        case 'r': rounds = strtoul(optarg, NULL, 0); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        default: usage();
        }
    }
    if ( optind != argc - 1 )
        usage();
    mib = strtoul(argv[optind], NULL, 0);
    if ( !mib || !rounds )
        usage();

    for ( r = 0; r < rounds; r++ )
    {
        size_t len = mib << 20, pages = len / PAGE_SIZE, p, w;
        uint64_t *mem, sum = 0, bad = 0;

        mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if ( mem == MAP_FAILED )
        {
            fprintf(stderr, "dvm-memtest: mmap %lu MiB: %s\n", mib,
                    strerror(errno));
            return 1;
        }
        for ( p = 0; p < pages; p++ )
        {
            uint64_t base = mix(seed ^ mix((uint64_t)r << 40 ^ p));

            for ( w = 0; w < WORDS_PER_PAGE; w++ )
                mem[p * WORDS_PER_PAGE + w] = base + w;
        }
        for ( p = 0; p < pages; p++ )
        {
            uint64_t base = mix(seed ^ mix((uint64_t)r << 40 ^ p));

            for ( w = 0; w < WORDS_PER_PAGE; w++ )
            {
                uint64_t v = mem[p * WORDS_PER_PAGE + w];

                if ( v != base + w )
                    bad++;
                sum = mix(sum ^ v);
            }
        }
        munmap(mem, len);
        printf("DVM-MEMTEST round=%lu mib=%lu checksum=%016" PRIx64
               " mismatches=%" PRIu64 "\n", r, mib, sum, bad);
        fflush(stdout);
        total_bad += bad;
    }
    printf("DVM-MEMTEST result=%s rounds=%lu mismatches=%" PRIu64 "\n",
           total_bad ? "fail" : "pass", rounds, total_bad);
    return total_bad ? 1 : 0;
}
