/* xl-ppr unit tests: what every test file shares. */
#ifndef XL_PPR_TEST_CHECK_H
#define XL_PPR_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int failures, checks;

#define CHECK(cond, ...)                                                 \
    do {                                                                 \
        checks++;                                                        \
        if ( !(cond) )                                                   \
        {                                                                \
            failures++;                                                  \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
            printf(__VA_ARGS__);                                         \
            printf("\n");                                                \
        }                                                                \
    } while ( 0 )

/* What CALL writes to FILE *f, into the malloc'ed string OUT. */
#define CAPTURE(out, call)                                               \
    do {                                                                 \
        size_t len_;                                                     \
        FILE *f = open_memstream(&(out), &len_);                         \
        call;                                                            \
        fclose(f);                                                       \
    } while ( 0 )

/* The summary line and the exit status of a test program. */
static inline int check_done(const char *what)
{
    printf("%s: %s (%d checks, %d failed)\n",
           failures ? "FAILURE" : "SUCCESS", what, checks, failures);
    return failures ? 1 : 0;
}

/* A config file at PATH with TEXT; 0 or -1. */
static inline int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if ( !f )
        return -1;
    fputs(text, f);
    return fclose(f);
}

#endif /* XL_PPR_TEST_CHECK_H */
