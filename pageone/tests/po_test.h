/* SPDX-License-Identifier: MIT */
/* po_test.h - tiny XTF-style test helpers for the PageONE native tests. */
#ifndef PO_TEST_H
#define PO_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int po_fails, po_checks;

#define CHECK(cond, ...) do {                                             \
    po_checks++;                                                        \
    if ( !(cond) )                                                      \
    {                                                                   \
        po_fails++;                                                     \
        printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);          \
        printf(__VA_ARGS__);                                            \
        printf("\n");                                                   \
    }                                                                   \
} while ( 0 )

static inline int po_result(const char *name)
{
    printf("%s: %u checks, %u failed\n", name, po_checks, po_fails);
    if ( po_fails )
        printf("Test result: FAILURE: %u of %u checks failed\n", po_fails,
               po_checks);
    else
        printf("Test result: SUCCESS\n");
    return po_fails ? 1 : 0;
}

/* splitmix-style generator for test data */
static inline uint64_t po_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Fill a page from pattern k (0: zero page); zrun: leading zero bytes. */
static inline void po_fill(unsigned char *p, uint64_t k, unsigned int zrun)
{
    uint64_t s = k * 0x2545f4914f6cdd1dULL + 1;
    unsigned int i;

    if ( !k )
    {
        memset(p, 0, PAGEONE_PAGE_SIZE);
        return;
    }
    for ( i = 0; i < PAGEONE_PAGE_SIZE; i += 8 )
    {
        uint64_t v = po_rng(&s);

        memcpy(p + i, &v, 8);
    }
    if ( zrun >= PAGEONE_PAGE_SIZE )
        zrun = PAGEONE_PAGE_SIZE - 1;
    memset(p, 0, zrun);
    p[PAGEONE_PAGE_SIZE - 1] |= 1;      /* never all-zero */
}

#endif
