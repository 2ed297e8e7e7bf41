/* SPDX-License-Identifier: MIT */
/*
 * dvm-fxrstor: FXRSTOR in a loop, pinned to one CPU, for a number of
 * seconds, then print "fxrstor=<count>".  test-amd64-fork-boot's
 * world-switch step runs it on the CPU beside a guest whose vCPU exits
 * all the time: an emulator that lets an FPU state load on one CPU write
 * another CPU's state (QEMU's IGNNE# handling, qemu/patches) corrupts
 * that guest's world switches.
 *
 *   dvm-fxrstor CPU SECS
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned char area[512] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
    unsigned long n = 0;
    unsigned int i;
    cpu_set_t set;
    time_t end;

    if ( argc != 3 )
    {
        fprintf(stderr, "usage: dvm-fxrstor CPU SECS\n");
        return 2;
    }
    CPU_ZERO(&set);
    CPU_SET(atoi(argv[1]), &set);
    if ( sched_setaffinity(0, sizeof(set), &set) )
    {
        perror("dvm-fxrstor: sched_setaffinity");
        return 1;
    }

    /* A valid image to load: this process's own FPU state. */
    asm volatile ( "fxsave %0" : "=m" (area) );
    end = time(NULL) + atoi(argv[2]);
    while ( time(NULL) < end )
    {
        for ( i = 0; i < 10000; i++ )
            asm volatile ( "fxrstor %0" :: "m" (area) );
        n += i;
    }
    printf("fxrstor=%lu\n", n);

    return 0;
}
