/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen PPR (Per Page Recycler) guest driver: internal interface between
 * the driver (ppr_linux.c) and its hostile-guest test file (ppr_hostile.c).
 */
#ifndef _XEN_PPR_LINUX_H
#define _XEN_PPR_LINUX_H

#include <linux/mutex.h>
#include <linux/types.h>

#include <asm/xen/hypercall.h>

#include "ppr_core.h"

static inline long HYPERVISOR_ppr_op(unsigned int cmd, void *arg)
{
	return _hypercall2(long, ppr_op, cmd, arg);
}

struct dentry;

/* Set up once at boot, never changed afterwards. */
extern struct ppr_array ppr_arr;
extern xen_pfn_t *ppr_frames;
extern unsigned int ppr_nr_frames;
extern struct xen_ppr_query ppr_query_info;

/* Serialises registration changes from debugfs. */
extern struct mutex ppr_lock;
/* True while Xen holds our array (written under ppr_lock). */
extern bool ppr_registered;

/* Register / unregister ppr_arr; caller holds ppr_lock. */
long ppr_register(void);
long ppr_unregister(void);

#ifdef CONFIG_XEN_PPR_HOSTILE
void ppr_hostile_init(struct dentry *dir);
#else
static inline void ppr_hostile_init(struct dentry *dir) { }
#endif

#endif /* _XEN_PPR_LINUX_H */
