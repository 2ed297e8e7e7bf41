// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPR (Per Page Recycler) for KVM: the host side of the protocol in
 * docs/ppr-abi.md of the Dynamic VM tree.
 *
 * A guest registers an array with one state byte per guest page through
 * MSR XEN_PPR_KVM_MSR and marks the pages its allocator frees.  A kthread
 * per VM, in the VM's cgroups, scans the array with the portable core
 * (ppr_core.c) and gives the memory of pages that stayed free for a whole
 * pass back to the host: the page is dropped from the VMM's mapping of
 * guest memory, and the next access, by a vCPU or by the VMM itself,
 * faults in a zeroed page.
 *
 * A batch of claimed pages, in the core's terms:
 *  unmap    records the gfn and marks it busy: a vCPU faulting on it
 *           waits in kvm_faultin_pfn() until the batch is over;
 *  flush    turns, per run of contiguous addresses, the VMM's PTEs into
 *           migration entries (migrate_vma_setup()): the VMM's own
 *           accesses to those pages now wait in its page fault handler,
 *           and the MMU notifier has zapped the SPTEs and flushed the
 *           vCPUs' TLBs.  A page that cannot be taken (extra references,
 *           pins, a huge page that does not split) goes back to FREE;
 *  confirm  is the core's cmpxchg RECLAIMING -> RECLAIMED;
 *  free     turns the migration entry into an empty PTE (zap_page_range())
 *           and migrate_vma_finalize() drops the last reference;
 *  restore  lets migrate_vma_finalize() put the old PTE back.
 * So from the flush to the decision neither the guest nor the VMM can
 * reach the page: a write made after the guest re-allocated it (a disk
 * read into a fresh page, say) either lands in the page we keep, or
 * waits and then faults into the new zero page.  Never in the old page
 * once it is being freed.
 *
 * Locking, outermost first: reg_lock (registration), scan_lock (a scan
 * step, the pass schedule, the counters), kvm->srcu, the VMM's mmap_lock
 * (read, from flush to finalize), then mm's own locks and kvm->mmu_lock
 * in the MMU notifier.  The fault path only takes RCU.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": ppr: " fmt

#include <linux/bitmap.h>
#include <linux/bsearch.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/userfaultfd_k.h>
#include <linux/vmalloc.h>

#include "kvm_ppr.h"
#include "../../../../virt/kvm/kvm_mm.h"

/* Pages per batch: one migrate_vma_setup() per run within it. */
#define PPR_BATCH		64
#define PPR_BUDGET_MIN		64U
#define PPR_BUDGET_MAX		(1U << 24)
#define PPR_FEATURES		(XEN_PPR_F_AGING | XEN_PPR_F_ZERO_REFAULT | \
				 XEN_PPR_F_POLICY)

/* Off: new registrations are refused (the interface stays visible). */
static bool __read_mostly ppr_enable = true;
module_param_named(ppr, ppr_enable, bool, 0644);
/* Defaults given to VMs created afterwards. */
static bool ppr_reclaim_default = true;
module_param_named(ppr_reclaim, ppr_reclaim_default, bool, 0644);
static unsigned int ppr_period_ms = 5000;
module_param_named(ppr_period_ms, ppr_period_ms, uint, 0644);
static unsigned int ppr_budget = 4096;
module_param_named(ppr_budget, ppr_budget, uint, 0644);
/* Largest array, in 4 KiB frames: 65536 cover 1 TiB of guest. */
static unsigned int ppr_max_frames = 65536;
module_param_named(ppr_max_frames, ppr_max_frames, uint, 0644);

unsigned int kvm_ppr_offset __read_mostly;

enum {
	PPR_PAGE_CLAIMED,	/* recorded by unmap */
	PPR_PAGE_MIGRATING,	/* VMM's PTE is a migration entry */
	PPR_PAGE_EMPTY,		/* no page behind it (hole, zero page) */
	PPR_PAGE_FAILED,	/* not taken, still mapped */
	PPR_PAGE_REFUSED,	/* not taken, put back to FREE by us */
	PPR_PAGE_ZAP,		/* confirmed: drop it */
};

/* Why a claimed page was refused (the "ppr" debugfs file). */
enum {
	PPR_WHY_SLOT,		/* not in a writable RAM memslot, or dirty logging */
	PPR_WHY_ARRAY,		/* a frame of the array */
	PPR_WHY_VMA,		/* not private anonymous memory of the VMM */
	PPR_WHY_PAGE,		/* not taken: references, pins, locked, huge */
	PPR_WHY_NR,
};

struct kvm_ppr_page {
	u64 gfn;
	unsigned long hva;
	u8 state;
	u8 why;
};

struct kvm_ppr_run {
	struct migrate_vma mig;
	unsigned int first, nr;
};

/* One registration of an array. */
struct kvm_ppr_reg {
	struct kvm_ppr *ppr;
	struct ppr_array arr;
	struct ppr_hv hv;
	u64 batch[PPR_BATCH];

	unsigned int nr_frames;
	struct page **pages;		/* the array's frames, pinned */
	u64 *sorted;			/* their gfns, sorted */
	unsigned long *busy;		/* gfns of the batch in flight */
	unsigned long *reclaimed;	/* dropped, not refaulted yet */

	/* The batch in flight (scan_lock). */
	struct kvm_ppr_page page[PPR_BATCH];
	unsigned int nr, next;
	struct kvm_ppr_run run[PPR_BATCH];
	unsigned int nr_runs;
	unsigned long src[PPR_BATCH], dst[PPR_BATCH];
	bool mm_locked;

	/* What the core counted differently (see kvm_ppr_reg_counters()). */
	u64 refused_refs, refused_late, empty_late, not_freed;
	u64 why[PPR_WHY_NR];
	atomic64_t refaulted, fault_waits;
};

/* ---------------------------------------------------------------- batch */

static bool kvm_ppr_vma_ok(struct vm_area_struct *vma)
{
	/*
	 * Private anonymous memory only: dropping a page of a shared or file
	 * mapping frees nothing; locked memory is meant to stay; a userfault
	 * range (postcopy migration) would take a hole for a missing page.
	 */
	return vma && vma_is_anonymous(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_LOCKED | VM_HUGETLB |
				  VM_PFNMAP | VM_IO)) &&
	       !userfaultfd_armed(vma);
}

static int kvm_ppr_cmp_gfn(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static enum ppr_unmap_result kvm_ppr_op_unmap(void *priv, uint64_t gfn)
{
	struct kvm_ppr_reg *reg = priv;
	struct kvm_memory_slot *slot = gfn_to_memslot(reg->ppr->kvm, gfn);
	struct kvm_ppr_page *p;

	/* During dirty logging (migration) nothing is reclaimed. */
	if (!kvm_is_visible_memslot(slot) ||
	    (slot->flags & (KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES))) {
		reg->why[PPR_WHY_SLOT]++;
		return PPR_UNMAP_REFUSED;
	}
	if (bsearch(&gfn, reg->sorted, reg->nr_frames, sizeof(u64),
		    kvm_ppr_cmp_gfn)) {
		reg->refused_refs++;
		reg->why[PPR_WHY_ARRAY]++;
		return PPR_UNMAP_REFUSED;
	}
	if (WARN_ON_ONCE(reg->nr >= PPR_BATCH))
		return PPR_UNMAP_REFUSED;

	p = &reg->page[reg->nr++];
	p->gfn = gfn;
	p->hva = __gfn_to_hva_memslot(slot, gfn);
	p->state = PPR_PAGE_CLAIMED;
	set_bit(gfn, reg->busy);
	return PPR_UNMAP_OK;
}

/* Take the VMM's pages [first, end) of the batch, one VMA. */
static void kvm_ppr_collect(struct kvm_ppr_reg *reg,
			    struct vm_area_struct *vma, unsigned int first,
			    unsigned int end)
{
	struct kvm_ppr_run *run = &reg->run[reg->nr_runs];
	unsigned int i;

	run->first = first;
	run->nr = end - first;
	run->mig = (struct migrate_vma) {
		.vma = vma,
		.start = reg->page[first].hva,
		.end = reg->page[first].hva + ((unsigned long)run->nr << PAGE_SHIFT),
		.src = &reg->src[first],
		.dst = &reg->dst[first],
		.pgmap_owner = reg,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	if (migrate_vma_setup(&run->mig)) {
		for (i = first; i < end; i++) {
			reg->page[i].state = PPR_PAGE_FAILED;
			reg->page[i].why = PPR_WHY_PAGE;
		}
		return;
	}
	reg->nr_runs++;

	for (i = first; i < end; i++) {
		unsigned long s = i - first < run->mig.npages ? reg->src[i] : 0;

		if (!(s & MIGRATE_PFN_MIGRATE)) {
			reg->page[i].state = PPR_PAGE_FAILED;
			reg->page[i].why = PPR_WHY_PAGE;
		} else if (migrate_pfn_to_page(s))
			reg->page[i].state = PPR_PAGE_MIGRATING;
		else
			reg->page[i].state = PPR_PAGE_EMPTY;
	}
}

static void kvm_ppr_op_flush(void *priv)
{
	struct kvm_ppr_reg *reg = priv;
	struct mm_struct *mm = reg->ppr->kvm->mm;
	unsigned int i, j;

	/* Held until the batch is finished: see kvm_ppr_finish(). */
	mmap_read_lock(mm);
	reg->mm_locked = true;
	reg->nr_runs = 0;

	for (i = 0; i < reg->nr; i = j) {
		struct vm_area_struct *vma = vma_lookup(mm, reg->page[i].hva);
		unsigned long next = reg->page[i].hva + PAGE_SIZE;

		j = i + 1;
		if (!kvm_ppr_vma_ok(vma)) {
			reg->page[i].state = PPR_PAGE_FAILED;
			reg->page[i].why = PPR_WHY_VMA;
			continue;
		}
		while (j < reg->nr && reg->page[j].hva == next &&
		       next < vma->vm_end) {
			next += PAGE_SIZE;
			j++;
		}
		kvm_ppr_collect(reg, vma, i, j);
	}

	/*
	 * A page we could not take is still mapped: make the confirm fail
	 * (RECLAIMING -> FREE is the hypervisor's "unmap refused").  If the
	 * cmpxchg fails the guest re-allocated it, and the core restores it.
	 */
	for (i = 0; i < reg->nr; i++) {
		struct kvm_ppr_page *p = &reg->page[i];

		if (p->state != PPR_PAGE_FAILED)
			continue;
		if (ppr_cmpxchg8(&reg->arr.state[p->gfn], XEN_PPR_RECLAIMING,
				 XEN_PPR_FREE) == XEN_PPR_RECLAIMING) {
			p->state = PPR_PAGE_REFUSED;
			reg->why[p->why]++;
			if (p->why == PPR_WHY_PAGE)
				reg->refused_refs++;
		}
	}
}

/*
 * Drop the confirmed pages, put the others back, wake the vCPUs waiting.
 * mmap_lock was held since the flush: a vCPU blocked in GUP on one of our
 * migration entries holds it for read too, and must not queue behind a
 * writer we would wait for.
 */
static void kvm_ppr_finish(struct kvm_ppr_reg *reg)
{
	struct kvm_ppr *ppr = reg->ppr;
	unsigned int r, i, j;

	for (r = 0; r < reg->nr_runs; r++) {
		struct kvm_ppr_run *run = &reg->run[r];
		unsigned int end = run->first + run->nr;

		for (i = run->first; i < end; i = j) {
			j = i + 1;
			if (reg->page[i].state != PPR_PAGE_ZAP)
				continue;
			while (j < end && reg->page[j].state == PPR_PAGE_ZAP)
				j++;
			zap_page_range(run->mig.vma, reg->page[i].hva,
				       (unsigned long)(j - i) << PAGE_SHIFT);
		}
		migrate_vma_finalize(&run->mig);
	}
	if (reg->mm_locked)
		mmap_read_unlock(ppr->kvm->mm);
	reg->mm_locked = false;

	for (i = 0; i < reg->nr; i++) {
		struct kvm_ppr_page *p = &reg->page[i];

		if (p->state == PPR_PAGE_ZAP)
			set_bit(p->gfn, reg->reclaimed);
		/* Release: a waiter that sees busy clear sees reclaimed. */
		clear_bit_unlock(p->gfn, reg->busy);
	}
	reg->nr = reg->next = reg->nr_runs = 0;
	wake_up_all(&ppr->fault_wq);
}

/* The core finishes the pages of a batch in the order unmap saw them. */
static struct kvm_ppr_page *kvm_ppr_take(struct kvm_ppr_reg *reg, u64 gfn)
{
	struct kvm_ppr_page *p;

	if (WARN_ON_ONCE(reg->next >= reg->nr))
		return NULL;
	p = &reg->page[reg->next++];
	WARN_ON_ONCE(p->gfn != gfn);
	return p;
}

static void kvm_ppr_op_free_frame(void *priv, uint64_t gfn)
{
	struct kvm_ppr_reg *reg = priv;
	struct kvm_ppr_page *p = kvm_ppr_take(reg, gfn);

	if (!p)
		return;
	if (p->state == PPR_PAGE_MIGRATING)
		p->state = PPR_PAGE_ZAP;
	else if (p->state == PPR_PAGE_EMPTY)
		reg->empty_late++;
	else
		/* The guest wrote RECLAIMING over our FREE: its own loss. */
		reg->not_freed++;
	if (reg->next == reg->nr)
		kvm_ppr_finish(reg);
}

static void kvm_ppr_op_restore(void *priv, uint64_t gfn)
{
	struct kvm_ppr_reg *reg = priv;
	struct kvm_ppr_page *p = kvm_ppr_take(reg, gfn);

	if (!p)
		return;
	if (p->state == PPR_PAGE_REFUSED)
		reg->refused_late++;
	if (reg->next == reg->nr)
		kvm_ppr_finish(reg);
}

static const struct ppr_hv_ops kvm_ppr_ops = {
	.unmap = kvm_ppr_op_unmap,
	.flush = kvm_ppr_op_flush,
	.free_frame = kvm_ppr_op_free_frame,
	.restore = kvm_ppr_op_restore,
};

/* ---------------------------------------------------------------- stats */

/*
 * reg's counters as the ABI defines them (scan_lock held).  The core
 * took a page we put back to FREE at the flush for a restore, and a page
 * without memory behind it for a freed frame.
 */
static void kvm_ppr_reg_counters(struct kvm_ppr_reg *reg,
				 struct ppr_counters *c)
{
	*c = reg->hv.counters;
	c->refused += reg->refused_late;
	c->restored -= reg->refused_late;
	c->already_empty += reg->empty_late;
	c->frames_returned -= reg->empty_late + reg->not_freed;
	c->refused_refs = reg->refused_refs;
	c->refaulted = atomic64_read(&reg->refaulted);
	c->fault_waits = atomic64_read(&reg->fault_waits);
	c->sync_returned = 0;
}

/* Add s's counters to t; with live, s's gauges replace t's. */
#define KVM_PPR_ADD_counter(name, live)	(t->name += s->name)
#define KVM_PPR_ADD_gauge(name, live)	(t->name = live ? s->name : 0)
#define KVM_PPR_ADD_(name, kind, owner, unit, desc)			       \
	KVM_PPR_ADD_##kind(name, live);

static void kvm_ppr_counters_add(struct ppr_counters *t,
				 const struct ppr_counters *s, bool live)
{
	XEN_PPR_STATS(KVM_PPR_ADD_)
}

static struct kvm_ppr_reg *kvm_ppr_reg_locked(struct kvm_ppr *ppr)
{
	return rcu_dereference_protected(ppr->reg,
					 lockdep_is_held(&ppr->scan_lock) ||
					 lockdep_is_held(&ppr->reg_lock));
}

/* Since the VM was created, as the ABI has them (scan_lock held). */
static void kvm_ppr_vm_stats(struct kvm_ppr *ppr, struct xen_ppr_stats *s)
{
	struct kvm_ppr_reg *reg = kvm_ppr_reg_locked(ppr);
	struct ppr_counters t = ppr->total;

	if (reg) {
		struct ppr_counters r;

		kvm_ppr_reg_counters(reg, &r);
		kvm_ppr_counters_add(&t, &r, true);
	}
	ppr_counters_export(&t, reg ? reg->arr.nr_entries : 0, s);
}

unsigned int kvm_arch_vm_stats_ext(struct kvm *kvm, u64 *val,
				   unsigned int max)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	unsigned int n = min_t(unsigned int, max, KVM_PPR_STATS_NR);
	struct xen_ppr_stats s;

	mutex_lock(&ppr->scan_lock);
	kvm_ppr_vm_stats(ppr, &s);
	mutex_unlock(&ppr->scan_lock);
	memcpy(val, (u8 *)&s + KVM_PPR_STATS_FIRST, n * sizeof(u64));
	return n;
}

/* ---------------------------------------------------------------- fault */

static bool kvm_ppr_busy(struct kvm_ppr *ppr, gfn_t gfn)
{
	struct kvm_ppr_reg *reg;
	bool busy;

	rcu_read_lock();
	reg = rcu_dereference(ppr->reg);
	busy = reg && gfn < reg->arr.nr_entries &&
	       test_bit_acquire(gfn, reg->busy);
	rcu_read_unlock();
	return busy;
}

bool __kvm_ppr_fault(struct kvm *kvm, gfn_t gfn)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	struct kvm_ppr_reg *reg;

	rcu_read_lock();
	reg = rcu_dereference(ppr->reg);
	if (!reg || gfn >= reg->arr.nr_entries)
		goto out;

	/*
	 * The batch decides between the page we hold and a fresh one: wait
	 * for it here rather than in GUP on its migration entry, killable
	 * and without the VMM's mmap_lock.
	 */
	if (test_bit(gfn, reg->busy)) {
		atomic64_inc(&reg->fault_waits);
		rcu_read_unlock();
		if (wait_event_killable(ppr->fault_wq, !kvm_ppr_busy(ppr, gfn)))
			return true;
		rcu_read_lock();
		reg = rcu_dereference(ppr->reg);
		if (!reg || gfn >= reg->arr.nr_entries)
			goto out;
	}

	/*
	 * Its page was dropped: this access gets a zeroed one (the VMM's
	 * fault handler fills it in).  A guest touching it without marking
	 * it first gets the ABI's RECLAIMED -> INUSE fix-up.
	 */
	if (test_bit(gfn, reg->reclaimed) &&
	    test_and_clear_bit(gfn, reg->reclaimed)) {
		atomic64_inc(&reg->refaulted);
		ppr_hv_refault(&reg->arr, gfn);
	}
out:
	rcu_read_unlock();
	return false;
}

/* ----------------------------------------------------------- scanning */

static void kvm_ppr_kick(struct kvm_ppr *ppr)
{
	WRITE_ONCE(ppr->kick, true);
	wake_up(&ppr->thread_wq);
}

/* One step of at most budget entries (scan_lock held); true: more due. */
static bool kvm_ppr_step(struct kvm_ppr *ppr)
{
	struct kvm_ppr_reg *reg = kvm_ppr_reg_locked(ppr);
	struct kvm *kvm = ppr->kvm;
	ktime_t now = ktime_get();
	bool more;
	int idx;

	if (!reg || !READ_ONCE(ppr->reclaim))
		return false;
	if (!ppr->in_pass) {
		if (ktime_before(now, ppr->next_pass))
			return false;
		ppr->in_pass = true;
		ppr->pass_start = now;
		ppr->pass_aged = reg->hv.counters.aged;
	}

	/* The VMM is exiting: nothing left to give back. */
	if (!mmget_not_zero(kvm->mm)) {
		ppr->in_pass = false;
		ppr->next_pass = ktime_add_ms(now, ppr->period_ms);
		return false;
	}
	idx = srcu_read_lock(&kvm->srcu);
	more = ppr_hv_scan(&reg->hv, READ_ONCE(ppr->budget));
	srcu_read_unlock(&kvm->srcu, idx);
	mmput_async(kvm->mm);
	reg->hv.counters.scan_ns += ktime_to_ns(ktime_sub(ktime_get(), now));

	if (!more) {
		u64 gap = (u64)ppr->period_ms * NSEC_PER_MSEC;

		/*
		 * The pages this pass aged are claimed by the next one, half
		 * a period later: a page freed just behind a pass is back
		 * within 1.5 periods plus a pass, not 2.
		 */
		if (reg->hv.counters.aged != ppr->pass_aged)
			gap /= 2;
		ppr->in_pass = false;
		ppr->next_pass = ktime_add_ns(ppr->pass_start, gap);
	}
	return more;
}

/* How long the thread may sleep, in jiffies. */
static long kvm_ppr_sleep(struct kvm_ppr *ppr)
{
	long t = MAX_SCHEDULE_TIMEOUT;
	s64 ns;

	mutex_lock(&ppr->scan_lock);
	if (kvm_ppr_reg_locked(ppr) && READ_ONCE(ppr->reclaim)) {
		ns = ktime_to_ns(ktime_sub(ppr->next_pass, ktime_get()));
		t = ppr->in_pass || ns <= 0 ? 0 : nsecs_to_jiffies(ns) + 1;
	}
	mutex_unlock(&ppr->scan_lock);
	return t;
}

static int kvm_ppr_thread(struct kvm *kvm, uintptr_t data)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	bool more;

	while (!kthread_should_stop()) {
		long t = kvm_ppr_sleep(ppr);

		if (t)
			wait_event_interruptible_timeout(ppr->thread_wq,
					READ_ONCE(ppr->kick) ||
					kthread_should_stop(), t);
		WRITE_ONCE(ppr->kick, false);

		/* The lock is dropped between steps: unregistering gets in. */
		do {
			mutex_lock(&ppr->scan_lock);
			more = kvm_ppr_step(ppr);
			mutex_unlock(&ppr->scan_lock);
			cond_resched();
		} while (more && !kthread_should_stop());
	}
	return 0;
}

/* --------------------------------------------------------- registration */

static void kvm_ppr_free_reg(struct kvm_ppr_reg *reg)
{
	if (!reg)
		return;
	if (reg->arr.state)
		vunmap(reg->arr.state);
	kvfree(reg->busy);
	kvfree(reg->reclaimed);
	kvfree(reg->sorted);
	kvfree(reg->pages);
	kvfree(reg);
}

/*
 * The largest array this VM may register, in frames: one covering its
 * writable RAM (the guest covers up to its max_pfn).  The host's memory
 * for a registration and the work of a pass grow with the array, not
 * with what the VM really has.
 */
static unsigned int kvm_ppr_max_frames(struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	gfn_t end = 0;
	int bkt;

	kvm_for_each_memslot(slot, bkt, kvm_memslots(kvm))
		if (kvm_is_visible_memslot(slot) &&
		    !(slot->flags & KVM_MEM_READONLY))
			end = max(end, slot->base_gfn + slot->npages);
	return min_t(u64, READ_ONCE(ppr_max_frames),
		     DIV_ROUND_UP_ULL(end, XEN_PPR_ENTRIES_PER_FRAME));
}

/* Pin the array's frames: RAM of the VM, writable, in a user memslot. */
static long kvm_ppr_pin(struct kvm *kvm, const u64 *gfns, unsigned int n,
			struct page **pages, unsigned int *pinned)
{
	long rc = 0;

	mmap_read_lock(kvm->mm);
	for (*pinned = 0; *pinned < n; (*pinned)++) {
		struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfns[*pinned]);
		long got;

		if (!kvm_is_visible_memslot(slot) ||
		    (slot->flags & KVM_MEM_READONLY)) {
			rc = -EPERM;
			break;
		}
		got = pin_user_pages_remote(kvm->mm,
				__gfn_to_hva_memslot(slot, gfns[*pinned]), 1,
				FOLL_WRITE | FOLL_LONGTERM,
				&pages[*pinned], NULL, NULL);
		if (got != 1) {
			rc = got == -ENOMEM ? -ENOMEM : -EPERM;
			break;
		}
	}
	mmap_read_unlock(kvm->mm);
	return rc;
}

static long kvm_ppr_register(struct kvm *kvm, const struct xen_ppr_register *r)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	u64 gpa = (u64)(uintptr_t)r->frame_list;
	unsigned int i, n = r->nr_frames, pinned = 0;
	struct kvm_ppr_reg *reg = NULL;
	u64 *gfns = NULL;
	long rc;

	/* Written so that no nr_entries overflows. */
	if (r->flags || !r->nr_entries ||
	    r->nr_entries / XEN_PPR_ENTRIES_PER_FRAME +
	    !!(r->nr_entries % XEN_PPR_ENTRIES_PER_FRAME) != n)
		return -EINVAL;
	if (n > kvm_ppr_max_frames(kvm))
		return -E2BIG;

	mutex_lock(&ppr->reg_lock);
	rc = -EEXIST;
	if (kvm_ppr_reg_locked(ppr))
		goto out;

	rc = -ENOMEM;
	reg = kvzalloc(sizeof(*reg), GFP_KERNEL_ACCOUNT);
	gfns = kvmalloc_array(n, sizeof(*gfns), GFP_KERNEL_ACCOUNT);
	if (!reg || !gfns)
		goto out;
	reg->ppr = ppr;
	reg->sorted = kvmalloc_array(n, sizeof(u64), GFP_KERNEL_ACCOUNT);
	reg->pages = kvcalloc(n, sizeof(*reg->pages), GFP_KERNEL_ACCOUNT);
	reg->busy = kvcalloc(BITS_TO_LONGS(r->nr_entries), sizeof(long),
			     GFP_KERNEL_ACCOUNT);
	reg->reclaimed = kvcalloc(BITS_TO_LONGS(r->nr_entries), sizeof(long),
				  GFP_KERNEL_ACCOUNT);
	if (!reg->sorted || !reg->pages || !reg->busy || !reg->reclaimed)
		goto out;

	rc = -EFAULT;
	if (kvm_read_guest(kvm, gpa, gfns, n * sizeof(*gfns)))
		goto out;

	memcpy(reg->sorted, gfns, n * sizeof(*gfns));
	sort(reg->sorted, n, sizeof(u64), kvm_ppr_cmp_gfn, NULL);
	rc = -EINVAL;
	for (i = 1; i < n; i++)
		if (reg->sorted[i] == reg->sorted[i - 1])
			goto out;

	rc = kvm_ppr_pin(kvm, gfns, n, reg->pages, &pinned);
	if (rc)
		goto out;
	reg->nr_frames = n;

	rc = -ENOMEM;
	reg->arr.state = vmap(reg->pages, n, VM_MAP, PAGE_KERNEL);
	if (!reg->arr.state)
		goto out;
	rc = -EINVAL;
	if (ppr_array_init(&reg->arr, reg->arr.state, r->nr_entries) ||
	    ppr_hv_init(&reg->hv, &reg->arr, 0, r->nr_entries, reg->batch,
			PPR_BATCH, &kvm_ppr_ops, reg))
		goto out;

	if (!ppr->thread) {
		rc = kvm_vm_create_worker_thread(kvm, kvm_ppr_thread, 0,
						 "kvm-ppr", &ppr->thread);
		if (rc)
			goto out;
		kthread_unpark(ppr->thread);
	}

	mutex_lock(&ppr->scan_lock);
	ppr->in_pass = false;
	ppr->next_pass = ktime_get();
	rcu_assign_pointer(ppr->reg, reg);
	mutex_unlock(&ppr->scan_lock);
	mutex_unlock(&ppr->reg_lock);
	kvfree(gfns);
	kvm_ppr_kick(ppr);
	return 0;

out:
	mutex_unlock(&ppr->reg_lock);
	if (pinned)
		unpin_user_pages(reg->pages, pinned);
	kvm_ppr_free_reg(reg);
	kvfree(gfns);
	return rc;
}

/* reg_lock held. */
static long kvm_ppr_unregister_locked(struct kvm_ppr *ppr)
{
	struct kvm_ppr_reg *reg = kvm_ppr_reg_locked(ppr);
	struct ppr_counters c;
	unsigned int i;

	if (!reg)
		return -ENOENT;

	/* Waits for the step in flight: steps leave nothing RECLAIMING. */
	mutex_lock(&ppr->scan_lock);
	RCU_INIT_POINTER(ppr->reg, NULL);
	ppr->in_pass = false;
	mutex_unlock(&ppr->scan_lock);

	/* No fault path looks at reg any more, nor counts into it. */
	synchronize_rcu();
	wake_up_all(&ppr->fault_wq);

	mutex_lock(&ppr->scan_lock);
	kvm_ppr_reg_counters(reg, &c);
	kvm_ppr_counters_add(&ppr->total, &c, false);
	for (i = 0; i < PPR_WHY_NR; i++)
		ppr->why[i] += reg->why[i];
	mutex_unlock(&ppr->scan_lock);

	/* Reclaimed pages stay dropped: they refault as zero pages. */
	unpin_user_pages_dirty_lock(reg->pages, reg->nr_frames, true);
	kvm_ppr_free_reg(reg);
	return 0;
}

void kvm_ppr_reset(struct kvm *kvm)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);

	if (!rcu_access_pointer(ppr->reg))
		return;
	mutex_lock(&ppr->reg_lock);
	if (!kvm_ppr_unregister_locked(ppr))
		ppr->resets++;
	mutex_unlock(&ppr->reg_lock);
}

/* ------------------------------------------------------------------ MSR */

static long kvm_ppr_get_stats(struct kvm *kvm, struct xen_ppr_get_stats *gs)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	struct kvm_ppr_reg *reg;
	struct xen_ppr_stats s;
	u64 len;

	if (gs->pad[0] || gs->pad[1] || gs->pad[2] || gs->size < 16)
		return -EINVAL;
	/* A guest only sees its own counters, since it registered. */
	if (gs->domid != DOMID_SELF)
		return -EPERM;

	mutex_lock(&ppr->scan_lock);
	reg = kvm_ppr_reg_locked(ppr);
	if (reg) {
		struct ppr_counters c;

		kvm_ppr_reg_counters(reg, &c);
		ppr_counters_export(&c, reg->arr.nr_entries, &s);
	}
	mutex_unlock(&ppr->scan_lock);
	if (!reg)
		return -ENOENT;

	len = min_t(u64, gs->size, sizeof(s));
	s.size = len;
	if (kvm_write_guest(kvm, (u64)(uintptr_t)gs->stats, &s, len))
		return -EFAULT;
	return 0;
}

static long kvm_ppr_get_policy(struct kvm *kvm, struct xen_ppr_policy *p)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);

	if (p->pad)
		return -EINVAL;
	if (p->domid != DOMID_SELF)
		return -EPERM;
	p->flags = READ_ONCE(ppr->reclaim) ? XEN_PPR_POLICY_RECLAIM : 0;
	p->period_ms = READ_ONCE(ppr->period_ms);
	p->min_age_ms = 0;
	p->reserve_mib = 0;
	return 0;
}

static long kvm_ppr_cmd(struct kvm *kvm, struct xen_ppr_kvm_cmd *c)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	bool on = READ_ONCE(ppr_enable);
	unsigned int max;
	long rc;

	switch (c->cmd) {
	case XEN_PPROP_query:
		max = kvm_ppr_max_frames(kvm);
		c->u.query = (struct xen_ppr_query) {
			.version = XEN_PPR_INTERFACE_VERSION,
			.features = on ? PPR_FEATURES : 0,
			.max_entries = (u64)max * XEN_PPR_ENTRIES_PER_FRAME,
			.max_frames = max,
			.stats_size = sizeof(struct xen_ppr_stats),
		};
		return on ? 0 : -EOPNOTSUPP;
	case XEN_PPROP_register:
		return on ? kvm_ppr_register(kvm, &c->u.reg) : -EOPNOTSUPP;
	case XEN_PPROP_unregister:
		if (c->u.unreg.flags || c->u.unreg.pad)
			return -EINVAL;
		mutex_lock(&ppr->reg_lock);
		rc = kvm_ppr_unregister_locked(ppr);
		mutex_unlock(&ppr->reg_lock);
		return rc;
	case XEN_PPROP_get_stats:
		return kvm_ppr_get_stats(kvm, &c->u.get_stats);
	case XEN_PPROP_get_policy:
		return kvm_ppr_get_policy(kvm, &c->u.policy);
	case XEN_PPROP_set_policy:
		/* The host's: debugfs, module parameters (docs/kvm-port.md). */
		return -EPERM;
	default:
		return -EINVAL;
	}
}

int kvm_ppr_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	u64 features = READ_ONCE(ppr_enable) ? PPR_FEATURES : 0;

	msr->data = features << 32 | XEN_PPR_INTERFACE_VERSION;
	return 0;
}

int kvm_ppr_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	struct kvm *kvm = vcpu->kvm;
	struct xen_ppr_kvm_cmd c;

	/* Commands come from the guest; a VMM restoring MSRs writes 0. */
	if (msr->host_initiated)
		return msr->data ? 1 : 0;
	if ((msr->data & 7) || kvm_read_guest(kvm, msr->data, &c, sizeof(c)))
		return 1;
	c.ret = kvm_ppr_cmd(kvm, &c);
	return kvm_write_guest(kvm, msr->data, &c, sizeof(c)) ? 1 : 0;
}

/* ------------------------------------------------------------ lifecycle */

/* The per-VM state goes after the vendor's VM structure. */
void kvm_ppr_setup(void)
{
	kvm_ppr_offset = ALIGN(kvm_x86_ops.vm_size, L1_CACHE_BYTES);
	kvm_x86_ops.vm_size = kvm_ppr_offset + sizeof(struct kvm_ppr);
}

void kvm_ppr_init_vm(struct kvm *kvm)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);

	BUILD_BUG_ON(ARRAY_SIZE(ppr->why) != PPR_WHY_NR);
	ppr->kvm = kvm;
	mutex_init(&ppr->reg_lock);
	mutex_init(&ppr->scan_lock);
	init_waitqueue_head(&ppr->fault_wq);
	init_waitqueue_head(&ppr->thread_wq);
	ppr->reclaim = READ_ONCE(ppr_reclaim_default);
	ppr->period_ms = clamp(READ_ONCE(ppr_period_ms), XEN_PPR_PERIOD_MIN_MS,
			       XEN_PPR_PERIOD_MAX_MS);
	ppr->budget = clamp(READ_ONCE(ppr_budget), PPR_BUDGET_MIN,
			    PPR_BUDGET_MAX);
}

void kvm_ppr_destroy_vm(struct kvm *kvm)
{
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);

	if (ppr->thread)
		kthread_stop(ppr->thread);
	ppr->thread = NULL;
	mutex_lock(&ppr->reg_lock);
	kvm_ppr_unregister_locked(ppr);
	mutex_unlock(&ppr->reg_lock);
}

/* -------------------------------------------------------------- debugfs */

#define KVM_PPR_NAME_(name, kind, owner, unit, desc) #name,

static int kvm_ppr_show(struct seq_file *m, void *unused)
{
	static const char * const names[] = { XEN_PPR_STATS(KVM_PPR_NAME_) };
	struct kvm_ppr *ppr = to_kvm_ppr(m->private);
	static const char * const why[PPR_WHY_NR] = {
		"slot", "array", "vma", "page",
	};
	struct xen_ppr_stats s;
	const u64 *v = &s.passes;
	struct kvm_ppr_reg *reg;
	u64 refused[PPR_WHY_NR];
	bool registered;
	unsigned int i;

	BUILD_BUG_ON(offsetof(struct xen_ppr_stats, passes) +
		     ARRAY_SIZE(names) * sizeof(u64) != sizeof(s));
	mutex_lock(&ppr->scan_lock);
	reg = kvm_ppr_reg_locked(ppr);
	registered = reg;
	kvm_ppr_vm_stats(ppr, &s);
	for (i = 0; i < PPR_WHY_NR; i++)
		refused[i] = ppr->why[i] + (reg ? reg->why[i] : 0);
	mutex_unlock(&ppr->scan_lock);

	seq_printf(m, "registered %d\n", registered);
	seq_printf(m, "reclaim %d\n", READ_ONCE(ppr->reclaim));
	seq_printf(m, "period_ms %u\n", READ_ONCE(ppr->period_ms));
	seq_printf(m, "budget %u\n", READ_ONCE(ppr->budget));
	seq_printf(m, "resets %lu\n", READ_ONCE(ppr->resets));
	seq_printf(m, "nr_entries %llu\n", s.nr_entries);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		seq_printf(m, "%s %llu\n", names[i], v[i]);
	for (i = 0; i < PPR_WHY_NR; i++)
		seq_printf(m, "refused_%s %llu\n", why[i], refused[i]);
	return 0;
}

static int kvm_ppr_open(struct inode *inode, struct file *file)
{
	struct kvm *kvm = inode->i_private;

	/* As the other per-VM files: the VM may be on its way out. */
	if (!kvm_get_kvm_safe(kvm))
		return -ENOENT;
	return single_open(file, kvm_ppr_show, kvm);
}

static int kvm_ppr_release(struct inode *inode, struct file *file)
{
	struct kvm *kvm = inode->i_private;

	single_release(inode, file);
	kvm_put_kvm(kvm);
	return 0;
}

/* "reclaim=0|1 period_ms=N budget=N", any of them. */
static ssize_t kvm_ppr_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct kvm *kvm = file_inode(file)->i_private;
	struct kvm_ppr *ppr = to_kvm_ppr(kvm);
	unsigned int period = READ_ONCE(ppr->period_ms);
	unsigned int budget = READ_ONCE(ppr->budget);
	bool reclaim = READ_ONCE(ppr->reclaim);
	char buf[128], *s, *tok;
	unsigned int v;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	s = strim(buf);
	while ((tok = strsep(&s, " \t\n"))) {
		if (!*tok)
			continue;
		if (!strncmp(tok, "reclaim=", 8)) {
			if (kstrtobool(tok + 8, &reclaim))
				return -EINVAL;
		} else if (!strncmp(tok, "period_ms=", 10)) {
			if (kstrtouint(tok + 10, 0, &v) ||
			    v < XEN_PPR_PERIOD_MIN_MS || v > XEN_PPR_PERIOD_MAX_MS)
				return -EINVAL;
			period = v;
		} else if (!strncmp(tok, "budget=", 7)) {
			if (kstrtouint(tok + 7, 0, &v) || v < PPR_BUDGET_MIN ||
			    v > PPR_BUDGET_MAX)
				return -EINVAL;
			budget = v;
		} else {
			return -EINVAL;
		}
	}

	mutex_lock(&ppr->reg_lock);
	mutex_lock(&ppr->scan_lock);
	/* A shorter period takes effect from now. */
	if (ktime_after(ppr->next_pass, ktime_add_ms(ppr->pass_start, period)))
		ppr->next_pass = ktime_add_ms(ppr->pass_start, period);
	WRITE_ONCE(ppr->period_ms, period);
	WRITE_ONCE(ppr->budget, budget);
	WRITE_ONCE(ppr->reclaim, reclaim);
	mutex_unlock(&ppr->scan_lock);
	mutex_unlock(&ppr->reg_lock);
	kvm_ppr_kick(ppr);
	return len;
}

static const struct file_operations kvm_ppr_fops = {
	.owner = THIS_MODULE,
	.open = kvm_ppr_open,
	.read = seq_read,
	.write = kvm_ppr_write,
	.llseek = seq_lseek,
	.release = kvm_ppr_release,
};

void kvm_ppr_debugfs(struct kvm *kvm)
{
	debugfs_create_file("ppr", 0644, kvm->debugfs_dentry, kvm,
			    &kvm_ppr_fops);
}
