/* SPDX-License-Identifier: MIT */
/*
 * dvm-latency: how long dom0 waits for Xen while another domain keeps it
 * busy.  Issues the cheapest hypercall there is (xen_version
 * XENVER_version) in a loop until SIGTERM, SIGINT or SECONDS have
 * passed, and prints one line:
 *
 *   DVM-LATENCY calls=<n> max_us=<m> avg_us=<a> over_10ms=<k> secs=<s>
 *
 * A call's time includes dom0's vCPU waiting for a physical CPU, so the
 * figure bounds what a domain sees, not Xen's own path alone.
 *
 *   dvm-latency [SECONDS]      (default 600)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/version.h>

#include "privcmd.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    struct privcmd_hypercall h = {
        .op = __HYPERVISOR_xen_version,
        .arg = { XENVER_version, 0 },
    };
    unsigned long secs = argc > 1 ? strtoul(argv[1], NULL, 0) : 600;
    const struct timespec ms = { .tv_nsec = 1000000 };
    uint64_t t0, end, n = 0, sum = 0, max = 0, over = 0, wake = 0;
    int fd = open("/dev/xen/privcmd", O_RDWR);

    if ( argc > 2 || !secs )
    {
        fprintf(stderr, "usage: dvm-latency [SECONDS]\n");
        return 2;
    }
    if ( fd < 0 )
    {
        perror("dvm-latency: /dev/xen/privcmd");
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    t0 = now_us();
    end = t0 + (uint64_t)secs * 1000000;
    while ( !stop )
    {
        uint64_t a = now_us(), d;

        if ( a >= end )
            break;
        if ( ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0 )
        {
            fprintf(stderr, "dvm-latency: xen_version: %s\n", strerror(errno));
            return 1;
        }
        d = now_us() - a;
        n++;
        sum += d;
        if ( d > max )
            max = d;
        if ( d > 10000 )
            over++;

        a = now_us();
        nanosleep(&ms, NULL);
        d = now_us() - a;
        if ( d > 1000 && d - 1000 > wake )
            wake = d - 1000;
    }
    printf("DVM-LATENCY calls=%llu max_us=%llu avg_us=%llu over_10ms=%llu "
           "max_wake_us=%llu secs=%llu\n",
           (unsigned long long)n, (unsigned long long)max,
           (unsigned long long)(n ? sum / n : 0), (unsigned long long)over,
           (unsigned long long)wake,
           (unsigned long long)((now_us() - t0) / 1000000));

    return n ? 0 : 1;
}
