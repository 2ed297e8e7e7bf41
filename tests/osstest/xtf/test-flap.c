/*
 * Registration changes from every vCPU at once (docs/ppr-abi.md 2.3): one
 * process per online CPU, pinned to it, registers an array on a frame of
 * its own and unregisters, in a loop, for dvm.flap_secs seconds (default
 * 5).  One registration holds at a time: register answers 0 or -EEXIST,
 * unregister 0 or -ENOENT, and anything else is a failure.  Afterwards
 * nothing is registered.
 *
 * ppr-hostile also runs it for long on a guest of two vCPUs and destroys
 * the guest meanwhile (guest workload flap): the domain dies in the middle
 * of registration changes on all its vCPUs.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

const char test_title[] = "PPR register/unregister from every vCPU";

#define MAX_CPUS 64

/*
 * Exit status of a flapper: 0, or 1 after an unexpected answer.  Its
 * array's frame is the parent's page (shared with the child until either
 * writes it), so that it stays allocated until the parent's last
 * unregister, whichever flapper's array Xen holds then.
 */
static int flapper(unsigned int cpu, xen_pfn_t gfn, unsigned long secs)
{
    unsigned long regs = 0, unregs = 0, busy = 0, none = 0;
    time_t end = time(NULL) + secs;
    cpu_set_t set;
    long rc;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if ( sched_setaffinity(0, sizeof(set), &set) )
        xtf_info("cpu %u: not pinned", cpu);

    while ( time(NULL) < end )
    {
        rc = xtf_ppr_register(&gfn, 1, XEN_PPR_ENTRIES_PER_FRAME, 0);
        if ( !rc )
            regs++;
        else if ( rc == -XEN_EEXIST )
            busy++;
        else
        {
            xtf_failure("cpu %u: register: %s", cpu, xtf_strerror(rc));
            return 1;
        }

        rc = xtf_ppr_unregister();
        if ( !rc )
            unregs++;
        else if ( rc == -XEN_ENOENT )
            none++;
        else
        {
            xtf_failure("cpu %u: unregister: %s", cpu, xtf_strerror(rc));
            return 1;
        }
    }
    xtf_info("cpu %u: %lu registered (%lu -EEXIST), %lu unregistered "
             "(%lu -ENOENT)", cpu, regs, busy, unregs, none);

    return regs ? 0 : 1;
}

void test_main(void)
{
    unsigned long secs = xtf_cmdline("flap_secs", 5);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    xen_pfn_t gfns[MAX_CPUS];
    pid_t pids[MAX_CPUS];
    struct xen_ppr_query q;
    unsigned int i;
    char *pages;
    int st;

    xtf_need_ppr(&q);
    xtf_need_unregistered();
    if ( n < 1 )
        n = 1;
    if ( n > MAX_CPUS )
        n = MAX_CPUS;
    xtf_info("%ld flappers for %lu s", n, secs);

    pages = xtf_pages(n);
    for ( i = 0; i < n; i++ )
        gfns[i] = xtf_gfn(pages + i * XTF_PAGE);
    for ( i = 0; i < n; i++ )
    {
        pids[i] = fork();
        if ( pids[i] < 0 )
            xtf_fatal("fork");
        if ( !pids[i] )
            _exit(flapper(i, gfns[i], secs));
    }
    for ( i = 0; i < n; i++ )
    {
        if ( waitpid(pids[i], &st, 0) != pids[i] )
            xtf_fatal("waitpid");
        if ( !WIFEXITED(st) || WEXITSTATUS(st) )
            xtf_failure("flapper %u failed (status %#x)", i, st);
    }

    /* A flapper that registered last may have left its array behind. */
    xtf_ppr_unregister();
    xtf_check_registration(0, "after the flappers");
}
