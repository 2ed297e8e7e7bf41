/* SPDX-License-Identifier: MIT */
/*
 * po_epoch.h - epoch-based RCU of the native PageONE port (tests,
 * benchmark): the native platform's rcu_read_lock/unlock and call_rcu,
 * as Xen's RCU is the Xen port's.
 *
 * A global epoch; per CPU a word (epoch << 1) | active, published with a
 * full barrier when the outermost read-side section starts (sections
 * nest) and cleared when it ends.  The global epoch advances when every
 * active CPU has observed it; an object retired in epoch e is freed once
 * the global epoch reaches e + 2 (three limbo buckets per CPU).  CPUs
 * outside a section are inactive and never hold reclamation up.
 */
#ifndef PO_EPOCH_H
#define PO_EPOCH_H

#include "../pageone_core.h"

struct po_epoch_cpu {
    uint64_t state;                     /* (epoch << 1) | active */
    unsigned int nest;
    struct pageone_rcu_head *limbo[3];
    uint64_t limbo_epoch[3];
    char pad[64];
};

struct po_epoch {
    uint64_t epoch;
    unsigned int nr_cpus;
    struct po_epoch_cpu *cpu;
};

/* cpu: the caller's CPU number; numbers >= nr_cpus share CPU 0's state. */
int po_epoch_init(struct po_epoch *ep, unsigned int nr_cpus);
/* Single-threaded: runs every pending callback, then frees the state. */
void po_epoch_fini(struct po_epoch *ep);
void po_epoch_enter(struct po_epoch *ep, unsigned int cpu);
/* Leaving the outermost section also polls. */
void po_epoch_exit(struct po_epoch *ep, unsigned int cpu);
/* head->fn(head) runs two epochs later. */
void po_epoch_retire(struct po_epoch *ep, unsigned int cpu,
                     struct pageone_rcu_head *head);
/*
 * Advance the epoch if every active CPU has observed it, then (outside a
 * section) run this CPU's callbacks whose grace period has passed.
 */
void po_epoch_poll(struct po_epoch *ep, unsigned int cpu);

#endif
