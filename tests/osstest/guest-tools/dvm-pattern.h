/*
 * dvm-pattern.h - the data patterns of the Dynamic VM guest workloads.
 *
 * mix() is a 64-bit finaliser (MurmurHash3's fmix64 constants): every
 * word a workload writes is mix() of its seed, page and position, so a
 * lost write, a stale page or a page of zeroes is detected word by word.
 */
#ifndef DVM_PATTERN_H
#define DVM_PATTERN_H

#include <stdint.h>

static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif /* DVM_PATTERN_H */
