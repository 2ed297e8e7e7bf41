// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPR guest driver: the KVM transport.  The host's PPR engine is one
 * paravirtual MSR in KVM's range: reading it returns the interface
 * version and features, writing it the guest-physical address of a
 * command block holding one sub-op of abi/ppr.h, which the host runs
 * before the write retires.  A KVM without the engine (Debian's stock
 * modules) has no such MSR: the read raises #GP, and the driver stays
 * off.  Guest handles in the arguments travel as guest-physical
 * addresses; a page's frame number is its pfn.
 */

#include <linux/io.h>
#include <linux/kvm_para.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/msr.h>

#include "ppr_guest.h"

/*
 * The KVM transport of the ABI (docs/kvm-port.md), proposed for
 * abi/ppr.h; kvm/overlay/arch/x86/kvm/ppr.h holds the host's copy.
 */
#ifndef XEN_PPR_KVM_MSR
#define XEN_PPR_KVM_MSR			0x4b564df0U
#define XEN_PPR_KVM_GPA_INVALID		(~0ULL)
struct xen_ppr_kvm_cmd {
	uint32_t cmd;
	int32_t ret;
	union {
		struct xen_ppr_query query;
		struct xen_ppr_register reg;
		struct xen_ppr_unregister unreg;
		struct xen_ppr_get_stats get_stats;
		struct xen_ppr_policy policy;
		uint64_t pad[7];
	} u;
};
#endif

/*
 * One command at a time: the block, and a bounce buffer for the stats
 * the host writes (callers pass stack memory, which is vmalloc'd: its
 * guest-physical pages need not follow each other), in one page.
 */
static struct {
	struct xen_ppr_kvm_cmd cmd;
	struct xen_ppr_stats stats;
} ppr_kvm_page __aligned(PAGE_SIZE);
static_assert(sizeof(ppr_kvm_page) <= PAGE_SIZE);

/* Taken with interrupts off: syscore shutdown and resume call us too. */
static DEFINE_SPINLOCK(ppr_kvm_lock);

static u64 ppr_kvm_gpa(const void *p)
{
	return __pa(p);
}

/*
 * The host only reads a frame list, from its guest-physical address on:
 * exact for the driver's own (kcalloc'd, contiguous) and for a short one
 * on the stack within a page.  Nothing is copied here, so a list shorter
 * than its nr_frames (the hostile tests' too-big cases) is never read
 * past its end by the guest; the host checks the sizes first.
 */
static u64 ppr_kvm_frames_gpa(const xen_pfn_t *frames)
{
	if (!frames)
		return XEN_PPR_KVM_GPA_INVALID;
	if (virt_addr_valid(frames))
		return ppr_kvm_gpa(frames);
	if (is_vmalloc_addr(frames))
		return page_to_phys(vmalloc_to_page(frames)) +
		       offset_in_page(frames);
	return XEN_PPR_KVM_GPA_INVALID;
}

static long ppr_kvm_op(unsigned int cmd, void *arg)
{
	struct xen_ppr_kvm_cmd *c = &ppr_kvm_page.cmd;
	struct xen_ppr_stats *stats = NULL;
	unsigned long flags;
	u64 stats_len = 0;
	size_t len;
	u64 v;
	long rc;

	switch (cmd) {
	case XEN_PPROP_query:
		len = sizeof(struct xen_ppr_query);
		break;
	case XEN_PPROP_register:
		len = sizeof(struct xen_ppr_register);
		break;
	case XEN_PPROP_unregister:
		len = sizeof(struct xen_ppr_unregister);
		break;
	case XEN_PPROP_get_stats:
		len = sizeof(struct xen_ppr_get_stats);
		break;
	case XEN_PPROP_get_policy:
	case XEN_PPROP_set_policy:
		len = sizeof(struct xen_ppr_policy);
		break;
	default:
		len = 0;
		break;
	}
	/* As Xen's copy from an unmapped handle. */
	if (len && !arg)
		return -EFAULT;

	/* No MSR (stock KVM): #GP.  A version of 0: ignore_msrs is on. */
	if (rdmsrl_safe(XEN_PPR_KVM_MSR, &v) || !(u32)v)
		return -ENOSYS;

	spin_lock_irqsave(&ppr_kvm_lock, flags);
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->ret = -EINVAL;
	if (len)
		memcpy(&c->u, arg, len);
	if (cmd == XEN_PPROP_register) {
		struct xen_ppr_register *reg = arg;

		c->u.reg.frame_list = (void *)(uintptr_t)
			ppr_kvm_frames_gpa(reg->frame_list);
	} else if (cmd == XEN_PPROP_get_stats) {
		struct xen_ppr_get_stats *gs = arg;

		stats = gs->stats;
		if (stats) {
			stats_len = min_t(u64, gs->size,
					  sizeof(ppr_kvm_page.stats));
			c->u.get_stats.size = stats_len;
			c->u.get_stats.stats = (void *)(uintptr_t)
				ppr_kvm_gpa(&ppr_kvm_page.stats);
		} else {
			c->u.get_stats.stats = (void *)(uintptr_t)
				XEN_PPR_KVM_GPA_INVALID;
		}
	}

	if (wrmsrl_safe(XEN_PPR_KVM_MSR, ppr_kvm_gpa(c))) {
		rc = -EFAULT;
	} else {
		rc = c->ret;
		if (cmd == XEN_PPROP_query || cmd == XEN_PPROP_get_policy)
			memcpy(arg, &c->u, len);
		if (cmd == XEN_PPROP_get_stats && !rc && stats)
			memcpy(stats, &ppr_kvm_page.stats,
			       min_t(u64, ppr_kvm_page.stats.size,
				     stats_len));
	}
	spin_unlock_irqrestore(&ppr_kvm_lock, flags);
	return rc;
}

static xen_pfn_t ppr_kvm_page_frame(struct page *page)
{
	return page_to_pfn(page);
}

static const struct ppr_transport ppr_kvm_transport = {
	.name = "kvm",
	.op = ppr_kvm_op,
	.page_frame = ppr_kvm_page_frame,
};

const struct ppr_transport *ppr_kvm_probe(void)
{
	return kvm_para_available() ? &ppr_kvm_transport : NULL;
}
