/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPR (Per Page Recycler) in KVM: the interface of ppr/kvm_ppr.c to the
 * rest of KVM.  docs/kvm-port.md in the Dynamic VM tree explains it.
 */
#ifndef __ARCH_X86_KVM_PPR_KVM_PPR_H
#define __ARCH_X86_KVM_PPR_KVM_PPR_H

#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#define PPR_PLATFORM_HEADER "ppr_kvm_platform.h"
#include "ppr_core.h"

/*
 * The KVM transport of the ABI, proposed for abi/ppr.h; the guest's
 * copy is drivers/virt/ppr/ppr_kvm.c.  rdmsr returns the interface
 * version (bits 0-31) and features (32-63); wrmsr takes the
 * guest-physical address of a struct xen_ppr_kvm_cmd, runs its sub-op
 * and writes ret and the sub-op's OUT fields back.  Guest handles in the
 * arguments hold guest-physical addresses.
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

struct kvm_ppr_reg;

/*
 * Per-VM state, from VM creation to destruction.  It is not a member of
 * struct kvm (whose layout belongs to the kernel's headers): it follows
 * the vendor's VM structure in the same allocation (kvm_ppr_setup()).
 */
struct kvm_ppr {
	struct kvm *kvm;
	/* Registration changes, policy writes. */
	struct mutex reg_lock;
	/* Held by a scan step; unregistering waits for the one in flight. */
	struct mutex scan_lock;
	/* The registration, for the fault path (RCU) and the scanner. */
	struct kvm_ppr_reg __rcu *reg;
	/* vCPUs whose gfn is in a batch in flight. */
	wait_queue_head_t fault_wq;

	struct task_struct *thread;
	wait_queue_head_t thread_wq;
	bool kick;

	/* Policy: survives unregistration (reg_lock; read racily). */
	bool reclaim;
	unsigned int period_ms;
	unsigned int budget;

	/* Pass schedule (scan_lock). */
	bool in_pass;
	ktime_t pass_start, next_pass;
	u64 pass_aged;

	/* Counters of finished registrations (scan_lock). */
	struct ppr_counters total;
	u64 why[4];
	/* Registrations a guest reset ended. */
	unsigned long resets;
};

extern unsigned int kvm_ppr_offset;

static inline struct kvm_ppr *to_kvm_ppr(struct kvm *kvm)
{
	return (void *)kvm + kvm_ppr_offset;
}

void kvm_ppr_setup(void);
void kvm_ppr_init_vm(struct kvm *kvm);
void kvm_ppr_destroy_vm(struct kvm *kvm);
void kvm_ppr_debugfs(struct kvm *kvm);
int kvm_ppr_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr);
int kvm_ppr_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr);
void kvm_ppr_reset(struct kvm *kvm);
bool __kvm_ppr_fault(struct kvm *kvm, gfn_t gfn);

/*
 * From kvm_faultin_pfn(): wait while gfn is in a reclaim batch, count a
 * refault of a reclaimed gfn.  True: a fatal signal came, retry the fault.
 */
static inline bool kvm_ppr_fault(struct kvm *kvm, gfn_t gfn)
{
	if (likely(!rcu_access_pointer(to_kvm_ppr(kvm)->reg)))
		return false;
	return __kvm_ppr_fault(kvm, gfn);
}

/* A vCPU left paging from outside the guest (the VMM reset it). */
static inline void kvm_ppr_paging_off(struct kvm_vcpu *vcpu,
				      unsigned long old_cr0,
				      unsigned long new_cr0)
{
	if ((old_cr0 & X86_CR0_PG) && !(new_cr0 & X86_CR0_PG))
		kvm_ppr_reset(vcpu->kvm);
}

/*
 * Binary stats past struct kvm_vm_stat (kvm_vm_stats_desc[]): the fields
 * of struct xen_ppr_stats from nr_entries on (abi/ppr.h's list), the
 * counters summed over the VM's registrations.
 */
#define KVM_PPR_STATS_FIRST	offsetof(struct xen_ppr_stats, nr_entries)
#define KVM_PPR_STATS_NR	((sizeof(struct xen_ppr_stats) -	       \
				  KVM_PPR_STATS_FIRST) / sizeof(u64))

#define KVM_PPR_STAT(field, type)					       \
	{								       \
		{							       \
			STATS_DESC_COMMON(type, KVM_STATS_UNIT_NONE,	       \
					  KVM_STATS_BASE_POW10, 0, 1, 0),      \
			.offset = sizeof(struct kvm_vm_stat) +		       \
				  offsetof(struct xen_ppr_stats, field) -      \
				  KVM_PPR_STATS_FIRST			       \
		},							       \
		.name = "ppr_" #field,					       \
	}
#define KVM_PPR_TYPE_counter	KVM_STATS_TYPE_CUMULATIVE
#define KVM_PPR_TYPE_gauge	KVM_STATS_TYPE_INSTANT
#define KVM_PPR_STAT_(name, kind, owner, unit, desc)			       \
	KVM_PPR_STAT(name, KVM_PPR_TYPE_##kind),

#define KVM_PPR_VM_STATS_DESC()						       \
	KVM_PPR_STAT(nr_entries, KVM_STATS_TYPE_INSTANT),		       \
	XEN_PPR_STATS(KVM_PPR_STAT_)

#endif /* __ARCH_X86_KVM_PPR_KVM_PPR_H */
