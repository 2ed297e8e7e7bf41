/* SPDX-License-Identifier: MIT */
/* po_epoch.c - epoch-based RCU of the native PageONE port. */
#include <stdlib.h>
#include "po_epoch.h"

/* The limbo lists are linked through the port's room in the head. */
static struct pageone_rcu_head **next_of(struct pageone_rcu_head *h)
{
    return (struct pageone_rcu_head **)&h->port_priv[0];
}

static struct po_epoch_cpu *cpu_of(struct po_epoch *ep, unsigned int cpu)
{
    return &ep->cpu[cpu < ep->nr_cpus ? cpu : 0];
}

static void run_list(struct pageone_rcu_head *h)
{
    while ( h )
    {
        struct pageone_rcu_head *n = *next_of(h);

        h->fn(h);
        h = n;
    }
}

int po_epoch_init(struct po_epoch *ep, unsigned int nr_cpus)
{
    ep->epoch = 3;
    ep->nr_cpus = nr_cpus;
    ep->cpu = calloc(nr_cpus, sizeof(*ep->cpu));

    return ep->cpu ? 0 : -1;
}

void po_epoch_fini(struct po_epoch *ep)
{
    unsigned int i, b;

    for ( i = 0; ep->cpu && i < ep->nr_cpus; i++ )
        for ( b = 0; b < 3; b++ )
        {
            run_list(ep->cpu[i].limbo[b]);
            ep->cpu[i].limbo[b] = NULL;
        }
    free(ep->cpu);
    ep->cpu = NULL;
}

void po_epoch_enter(struct po_epoch *ep, unsigned int cpu)
{
    struct po_epoch_cpu *pc = cpu_of(ep, cpu);

    if ( pc->nest++ == 0 )
    {
        uint64_t g = pageone_read_once(ep->epoch);

        pageone_write_once(pc->state, (g << 1) | 1);
        pageone_smp_mb();
    }
}

void po_epoch_exit(struct po_epoch *ep, unsigned int cpu)
{
    struct po_epoch_cpu *pc = cpu_of(ep, cpu);

    if ( --pc->nest == 0 )
    {
        pageone_smp_mb();
        pageone_write_once(pc->state, 0);
        po_epoch_poll(ep, cpu);
    }
}

void po_epoch_retire(struct po_epoch *ep, unsigned int cpu,
                     struct pageone_rcu_head *h)
{
    struct po_epoch_cpu *pc;
    uint64_t g;
    unsigned int b;

    pageone_smp_mb();                   /* unlink before reading epoch */
    pc = cpu_of(ep, cpu);
    g = pageone_read_once(ep->epoch);
    b = g % 3;
    if ( pc->limbo_epoch[b] != g )
    {
        /* Bucket holds epoch <= g - 3: two grace periods have passed. */
        struct pageone_rcu_head *old = pc->limbo[b];

        pc->limbo[b] = NULL;
        pc->limbo_epoch[b] = g;
        run_list(old);
    }
    *next_of(h) = pc->limbo[b];
    pc->limbo[b] = h;
}

void po_epoch_poll(struct po_epoch *ep, unsigned int cpu)
{
    struct po_epoch_cpu *pc;
    uint64_t g;
    unsigned int i;

    g = pageone_read_once(ep->epoch);
    for ( i = 0; i < ep->nr_cpus; i++ )
    {
        uint64_t s = pageone_read_once(ep->cpu[i].state);

        if ( (s & 1) && (s >> 1) != g )
            break;
    }
    if ( i == ep->nr_cpus )
        pageone_cmpxchg(&ep->epoch, g, g + 1);

    pc = cpu_of(ep, cpu);
    if ( pc->nest )
        return;
    g = pageone_read_once(ep->epoch);
    for ( i = 0; i < 3; i++ )
    {
        if ( pc->limbo[i] && pc->limbo_epoch[i] + 2 <= g )
        {
            struct pageone_rcu_head *old = pc->limbo[i];

            pc->limbo[i] = NULL;
            run_list(old);
        }
    }
}
