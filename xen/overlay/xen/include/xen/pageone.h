/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/pageone.h - PageONE page deduplication (Dynamic VM): hooks called by
 * the rest of the hypervisor.  See common/pageone/pageone.c.
 */
#ifndef __XEN_PAGEONE_H__
#define __XEN_PAGEONE_H__

#include <xen/types.h>

struct domain;

#ifdef CONFIG_PAGEONE

/* Idle loop: scan a bounded chunk; true if there is more work. */
bool pageone_idle_scan(void);
/* Domain teardown (before its shared pages are relinquished). */
void pageone_domain_detach(struct domain *d);
/* mem_sharing: gfn of d was unshared (copy-on-write break). */
void pageone_unshared(struct domain *d, unsigned long gfn);

#else

static inline bool pageone_idle_scan(void)
{
    return false;
}

static inline void pageone_domain_detach(struct domain *d) {}
static inline void pageone_unshared(struct domain *d, unsigned long gfn) {}

#endif

#endif /* __XEN_PAGEONE_H__ */
