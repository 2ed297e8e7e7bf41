/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPR (Per Page Recycler) guest driver: internal interface between the
 * shared part (ppr_guest.c), the hypervisor transports (ppr_xen.c,
 * ppr_kvm.c) and the hostile-guest test file
 * (drivers/virt/ppr_hostile/ppr_hostile.c, test kernels only).
 */
#ifndef _PPR_GUEST_H
#define _PPR_GUEST_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "ppr_core.h"

struct dentry;
struct page;

/*
 * How the driver reaches the hypervisor's PPR interface.  Every
 * operation takes a XEN_PPROP_* sub-op and its argument as abi/ppr.h
 * defines them (guest handles are kernel pointers); the transport
 * carries them to the hypervisor and returns its answer (0 or -errno).
 */
struct ppr_transport {
	const char *name;
	long (*op)(unsigned int cmd, void *arg);
	/* The frame number the hypervisor knows a page of RAM by. */
	xen_pfn_t (*page_frame)(struct page *page);
};

/* NULL unless the kernel runs on that hypervisor. */
#ifdef CONFIG_XEN_PVHVM
const struct ppr_transport *ppr_xen_probe(void);
#else
static inline const struct ppr_transport *ppr_xen_probe(void)
{
	return NULL;
}
#endif
#ifdef CONFIG_KVM_GUEST
const struct ppr_transport *ppr_kvm_probe(void);
#else
static inline const struct ppr_transport *ppr_kvm_probe(void)
{
	return NULL;
}
#endif

/* The transport found at boot (NULL: no hypervisor with PPR). */
extern const struct ppr_transport *ppr_tp;

/* Set up once at boot, never changed afterwards. */
extern struct ppr_array ppr_arr;
extern xen_pfn_t *ppr_frames;
extern unsigned int ppr_nr_frames;
extern struct xen_ppr_query ppr_query_info;

/* Serialises registration changes from debugfs. */
extern struct mutex ppr_lock;
/* True while the hypervisor holds our array (written under ppr_lock). */
extern bool ppr_registered;

/* Allocations that found their page RECLAIMED, on every CPU so far. */
u64 ppr_count_alloc_reclaimed(void);

/* Register / unregister ppr_arr; caller holds ppr_lock. */
long ppr_register(void);
long ppr_unregister(void);

#ifdef CONFIG_PPR_GUEST_HOSTILE
void ppr_hostile_init(struct dentry *dir);
#else
static inline void ppr_hostile_init(struct dentry *dir) { }
#endif

#endif /* _PPR_GUEST_H */
