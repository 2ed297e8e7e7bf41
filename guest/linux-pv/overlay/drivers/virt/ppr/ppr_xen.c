// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPR guest driver: the Xen transport.  The sub-ops of abi/ppr.h are the
 * ppr_op hypercall, and a page's frame number is its gfn.  Only HVM and
 * PVH guests: a PV guest's pfns are not its gfns, and Xen scans gfns.
 */

#include <linux/mm.h>

#include <xen/xen.h>
#include <xen/page.h>
#include <asm/xen/hypercall.h>

#include "ppr_guest.h"

static long ppr_xen_op(unsigned int cmd, void *arg)
{
	return _hypercall2(long, ppr_op, cmd, arg);
}

static xen_pfn_t ppr_xen_page_frame(struct page *page)
{
	return xen_page_to_gfn(page);
}

static const struct ppr_transport ppr_xen_transport = {
	.name = "xen",
	.op = ppr_xen_op,
	.page_frame = ppr_xen_page_frame,
};

const struct ppr_transport *ppr_xen_probe(void)
{
	return xen_hvm_domain() ? &ppr_xen_transport : NULL;
}
