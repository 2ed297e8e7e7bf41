/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common/pageone/private.h - between the PageONE glue (pageone.c) and its
 * test interfaces (pageone_audit.c, built with CONFIG_DVM_TESTING only).
 */
#ifndef __COMMON_PAGEONE_PRIVATE_H__
#define __COMMON_PAGEONE_PRIVATE_H__

#include <xen/types.h>
#include <xen/errno.h>
#include <asm/atomic.h>
#include <public/xen.h>

#ifdef CONFIG_DVM_TESTING

/* Engine heap blocks alive: back to the boot count once no domain is in. */
extern atomic_t pageone_blocks;

static inline void pageone_count_block(const void *p, int delta)
{
    if ( p )
        atomic_add(delta, &pageone_blocks);
}

/* XEN_PAGEONE_OP_audit: an independent count of duplicate pages. */
long pageone_audit_op(XEN_GUEST_HANDLE_PARAM(void) arg);

/*
 * Keyhandler 'j': what should be gone once no domain is deduplicated
 * (dying domains, dom_cow frames, engine blocks).
 */
void pageone_census(unsigned int nr_domains);

#else /* !CONFIG_DVM_TESTING */

static inline void pageone_count_block(const void *p, int delta) {}

static inline long pageone_audit_op(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return -EOPNOTSUPP;
}

static inline void pageone_census(unsigned int nr_domains) {}

#endif /* CONFIG_DVM_TESTING */

#endif /* __COMMON_PAGEONE_PRIVATE_H__ */
