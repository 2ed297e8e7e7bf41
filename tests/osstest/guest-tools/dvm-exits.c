/* SPDX-License-Identifier: MIT */
/*
 * dvm-exits: CPUID in a loop for a number of seconds, then print
 * "DVM-EXITS cpuid=<count>".  Xen intercepts every CPUID of an HVM
 * guest, so each one is a #VMEXIT and a VMRUN: test-amd64-fork-boot's
 * world-switch step runs it while dom0 loads FPU state on the other CPU.
 *
 *   dvm-exits SECS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    unsigned int i, a, b, c, d;
    unsigned long n = 0;
    time_t end;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: dvm-exits SECS\n");
        return 2;
    }
    end = time(NULL) + atoi(argv[1]);
    while ( time(NULL) < end )
    {
        for ( i = 0; i < 1000; i++ )
        {
            a = 0;
            c = 0;
            asm volatile ( "cpuid"
                           : "+a" (a), "=b" (b), "+c" (c), "=d" (d) );
        }
        n += i;
    }
    printf("DVM-EXITS cpuid=%lu\n", n);

    return 0;
}
