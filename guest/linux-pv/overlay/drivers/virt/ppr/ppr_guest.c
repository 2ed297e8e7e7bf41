// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPR (Per Page Recycler) guest driver, the part shared by every
 * hypervisor (its transport is ppr_xen.c or ppr_kvm.c).
 *
 * The guest keeps one state byte per page frame in an array registered
 * with the hypervisor (docs/ppr-abi.md in the Dynamic VM tree).
 * arch_free_page() marks freed pages FREE and arch_alloc_page() marks
 * allocated pages INUSE (one xchg per page, ppr_core.c), so that the
 * hypervisor can take back the memory of pages that stay free for a scan
 * period.  A page the hypervisor reclaimed reads as zeroes on its next
 * touch.
 *
 * At boot the array is registered (all INUSE), the hooks are switched on
 * and the buddy free lists are swept once, so memory freed before the
 * driver started is covered too.  The array is unregistered on suspend
 * and registered again on resume, and unregistered on shutdown, reboot
 * and kexec: the next kernel owns the array's frames and registers its
 * own.  "ppr=off" on the command line keeps the driver off (A/B runs with
 * the same kernel).
 */

#define pr_fmt(fmt) "ppr: " fmt

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscore_ops.h>
#include <linux/vmalloc.h>

#include "ppr_guest.h"

/* The array's frames are the ABI's 4 KiB frames. */
static_assert(PAGE_SIZE == XEN_PPR_ENTRIES_PER_FRAME);

/* On once the array is registered at boot; never switched off again. */
static DEFINE_STATIC_KEY_FALSE_RO(ppr_active);

const struct ppr_transport *ppr_tp __ro_after_init;
struct ppr_array ppr_arr __ro_after_init;
xen_pfn_t *ppr_frames __ro_after_init;
unsigned int ppr_nr_frames __ro_after_init;
struct xen_ppr_query ppr_query_info __ro_after_init;

DEFINE_MUTEX(ppr_lock);
bool ppr_registered;

static bool ppr_param_off __initdata;
static const char *ppr_off_reason = "no-hypervisor";
static long ppr_boot_rc;
static unsigned long ppr_swept_pages;
static bool ppr_resume_register;
static unsigned long ppr_resume_failures;
static unsigned long ppr_resume_rearmed;

/* Counters of the hooks, per cpu and updated with this_cpu ops. */
struct ppr_cpu_stats {
	u64 free_calls;
	u64 freed;
	u64 double_free;
	u64 free_raced;
	u64 free_reclaimed;
	u64 alloc_calls;
	u64 alloced;
	u64 alloc_reclaimed;
	u64 alloc_raced;
	u64 alloc_inuse;
	u64 invalid;
	u64 out_of_range;
};

static DEFINE_PER_CPU(struct ppr_cpu_stats, ppr_stats);

static int __init ppr_setup(char *s)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "off"))
		ppr_param_off = true;
	else if (!strcmp(s, "on"))
		ppr_param_off = false;
	else
		return -EINVAL;
	return 0;
}
early_param("ppr", ppr_setup);

static void ppr_count(const struct ppr_guest_counts *c)
{
	if (c->double_free)
		this_cpu_add(ppr_stats.double_free, c->double_free);
	if (c->free_raced)
		this_cpu_add(ppr_stats.free_raced, c->free_raced);
	if (c->free_reclaimed)
		this_cpu_add(ppr_stats.free_reclaimed, c->free_reclaimed);
	if (c->alloc_reclaimed)
		this_cpu_add(ppr_stats.alloc_reclaimed, c->alloc_reclaimed);
	if (c->alloc_raced)
		this_cpu_add(ppr_stats.alloc_raced, c->alloc_raced);
	if (c->alloc_inuse)
		this_cpu_add(ppr_stats.alloc_inuse, c->alloc_inuse);
	if (c->invalid)
		this_cpu_add(ppr_stats.invalid, c->invalid);
}

/*
 * A block that straddles the end of the array (memory above what the
 * array covers, e.g. hot-added) is marked page by page up to the end:
 * every covered page must be marked INUSE before it is used.
 */
static void ppr_mark_partial(unsigned long pfn, unsigned int order, bool free,
			     struct ppr_guest_counts *c)
{
	unsigned long end = pfn + (1UL << order);

	this_cpu_inc(ppr_stats.out_of_range);
	for (; pfn < end && pfn < ppr_arr.nr_entries; pfn++) {
		if (free)
			ppr_mark_free(&ppr_arr, pfn, 0, c);
		else
			ppr_mark_alloc(&ppr_arr, pfn, 0, NULL, c);
	}
}

static void ppr_free_range(unsigned long pfn, unsigned int order,
			   struct ppr_guest_counts *c)
{
	if (unlikely(ppr_mark_free(&ppr_arr, pfn, order, c) < 0))
		ppr_mark_partial(pfn, order, true, c);
}

static void ppr_page_free(struct page *page, unsigned int order)
{
	struct ppr_guest_counts c = { 0 };

	ppr_free_range(page_to_pfn(page), order, &c);
	this_cpu_inc(ppr_stats.free_calls);
	this_cpu_add(ppr_stats.freed, c.freed);
	ppr_count(&c);
}

static void ppr_page_alloc(struct page *page, unsigned int order)
{
	struct ppr_guest_counts c = { 0 };
	unsigned long pfn = page_to_pfn(page);

	if (unlikely(ppr_mark_alloc(&ppr_arr, pfn, order, NULL, &c) < 0))
		ppr_mark_partial(pfn, order, false, &c);
	this_cpu_inc(ppr_stats.alloc_calls);
	this_cpu_add(ppr_stats.alloced, c.alloced);
	ppr_count(&c);
}

u64 ppr_count_alloc_reclaimed(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(&ppr_stats, cpu)->alloc_reclaimed;
	return n;
}

/* Called by free_pages_prepare() after the last access to the pages. */
void arch_free_page(struct page *page, int order)
{
	if (static_branch_unlikely(&ppr_active))
		ppr_page_free(page, order);
}

/* Called by post_alloc_hook() before the first access to the pages. */
void arch_alloc_page(struct page *page, int order)
{
	if (static_branch_unlikely(&ppr_active))
		ppr_page_alloc(page, order);
}

long ppr_register(void)
{
	struct xen_ppr_register reg = {
		.nr_frames = ppr_nr_frames,
		.flags = 0,
		.nr_entries = ppr_arr.nr_entries,
	};
	long rc;

	set_xen_guest_handle(reg.frame_list, ppr_frames);
	rc = ppr_tp->op(XEN_PPROP_register, &reg);
	if (!rc)
		ppr_registered = true;
	return rc;
}

long ppr_unregister(void)
{
	struct xen_ppr_unregister unreg = { 0 };
	long rc;

	rc = ppr_tp->op(XEN_PPROP_unregister, &unreg);
	if (!rc || rc == -ENOENT)
		ppr_registered = false;
	return rc;
}

/*
 * Mark every page in the buddy free lists FREE.  Runs once, after the
 * hooks were switched on: a page on a free list under zone->lock is free,
 * and whoever takes it off later goes through arch_alloc_page().
 */
static unsigned long __init ppr_sweep_free_lists(void)
{
	struct ppr_guest_counts c = { 0 };
	unsigned long flags, swept = 0;
	unsigned int order, mt;
	struct zone *zone;
	struct page *page;

	for_each_populated_zone(zone) {
		spin_lock_irqsave(&zone->lock, flags);
		for (order = 0; order < MAX_ORDER; order++) {
			struct free_area *area = &zone->free_area[order];

			for (mt = 0; mt < MIGRATE_TYPES; mt++) {
				list_for_each_entry(page, &area->free_list[mt],
						    buddy_list) {
					ppr_free_range(page_to_pfn(page), order,
						       &c);
					swept += 1UL << order;
				}
			}
		}
		spin_unlock_irqrestore(&zone->lock, flags);
		cond_resched();
	}
	return swept;
}

static void *__init ppr_alloc_array(size_t size)
{
	void *p = NULL;

	if (get_order(size) < MAX_ORDER)
		p = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO |
				      __GFP_NOWARN);
	if (!p)
		p = vzalloc(size);
	return p;
}

static void __init ppr_free_array(void *p, size_t size)
{
	if (is_vmalloc_addr(p))
		vfree(p);
	else
		free_pages_exact(p, size);
}

static xen_pfn_t __init ppr_array_gfn(const void *p)
{
	struct page *page = is_vmalloc_addr(p) ? vmalloc_to_page(p) :
						 virt_to_page(p);

	return ppr_tp->page_frame(page);
}

static int __init ppr_setup_array(void)
{
	u64 nr_entries = max_pfn;
	unsigned int i;
	size_t size;
	u8 *state;

	nr_entries = min_t(u64, nr_entries, ppr_query_info.max_entries);
	nr_entries = min_t(u64, nr_entries, (u64)ppr_query_info.max_frames *
					    XEN_PPR_ENTRIES_PER_FRAME);
	if (!nr_entries)
		return -E2BIG;
	ppr_nr_frames = DIV_ROUND_UP(nr_entries, XEN_PPR_ENTRIES_PER_FRAME);
	size = (size_t)ppr_nr_frames * PAGE_SIZE;

	state = ppr_alloc_array(size);
	ppr_frames = kcalloc(ppr_nr_frames, sizeof(*ppr_frames), GFP_KERNEL);
	if (!state || !ppr_frames) {
		if (state)
			ppr_free_array(state, size);
		kfree(ppr_frames);
		ppr_frames = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < ppr_nr_frames; i++)
		ppr_frames[i] = ppr_array_gfn(state + (size_t)i * PAGE_SIZE);

	return ppr_array_init(&ppr_arr, state, nr_entries);
}

/*
 * After a restore the pages Xen had reclaimed are populated again (the
 * save stream read them as zeroes), but their entries still say RECLAIMED,
 * which Xen never claims.  A RECLAIMED entry always belongs to a free page
 * (every allocation marks INUSE first), so hand them back as FREE.  After a
 * cancelled suspend Xen just finds them empty again.  Runs with the other
 * CPUs stopped.
 */
static unsigned long ppr_rearm_reclaimed(void)
{
	unsigned long n = 0;
	u64 i;

	for (i = 0; i < ppr_arr.nr_entries; i++) {
		u8 *s = &ppr_arr.state[i];

		if (READ_ONCE(*s) == XEN_PPR_RECLAIMED &&
		    cmpxchg(s, XEN_PPR_RECLAIMED, XEN_PPR_FREE) ==
		    XEN_PPR_RECLAIMED)
			n++;
	}
	return n;
}

static int ppr_syscore_suspend(void)
{
	/* Let Xen finish its batch before the domain is saved. */
	ppr_resume_register = ppr_registered;
	if (ppr_registered)
		ppr_unregister();
	return 0;
}

static void ppr_syscore_resume(void)
{
	long rc;

	if (!ppr_resume_register)
		return;
	ppr_resume_register = false;
	ppr_resume_rearmed += ppr_rearm_reclaimed();
	rc = ppr_register();
	if (rc) {
		ppr_resume_failures++;
		pr_warn("registration after resume failed (%ld)\n", rc);
	}
}

/*
 * Power off, reboot and kexec: the hypervisor must stop writing the
 * array and reclaiming by its entries before the next kernel reuses the
 * frames.  A reboot notifier, not a syscore shutdown hook: kernel_kexec()
 * runs the reboot notifiers (kernel_restart_prepare()) but not
 * syscore_shutdown().  Other CPUs and tasks still run here; pages they
 * free from now on are only marked in memory that is ours again.  Pages
 * already reclaimed stay so and read as zeroes, which is all a new kernel
 * expects of memory it did not load.
 */
static int ppr_reboot(struct notifier_block *nb, unsigned long action,
		      void *cmd)
{
	mutex_lock(&ppr_lock);
	if (ppr_registered && ppr_unregister())
		pr_warn("unregistration at shutdown failed\n");
	mutex_unlock(&ppr_lock);
	return NOTIFY_DONE;
}

static struct notifier_block ppr_reboot_nb = {
	.notifier_call = ppr_reboot,
};

static struct syscore_ops ppr_syscore_ops = {
	.suspend = ppr_syscore_suspend,
	.resume = ppr_syscore_resume,
};

static int __init ppr_init(void)
{
	u32 major = XEN_PPR_VERSION_MAJOR(XEN_PPR_INTERFACE_VERSION);
	long rc;

	ppr_tp = ppr_xen_probe();
	if (!ppr_tp)
		ppr_tp = ppr_kvm_probe();
	if (!ppr_tp)
		return 0;

	if (ppr_param_off) {
		ppr_off_reason = "cmdline";
		pr_info("off (ppr=off)\n");
		return 0;
	}
	if (page_poisoning_enabled() || want_init_on_free()) {
		ppr_off_reason = "page-poisoning";
		pr_warn("off: page poisoning or init_on_free is enabled\n");
		return 0;
	}

	rc = ppr_tp->op(XEN_PPROP_query, &ppr_query_info);
	if (rc) {
		ppr_boot_rc = rc;
		ppr_off_reason = "no-hypervisor-support";
		pr_info("off: hypervisor does not offer PPR (%ld)\n", rc);
		return 0;
	}
	if (XEN_PPR_VERSION_MAJOR(ppr_query_info.version) != major) {
		ppr_off_reason = "version";
		pr_warn("off: hypervisor interface version %#x, need major %u\n",
			ppr_query_info.version, major);
		return 0;
	}

	rc = ppr_setup_array();
	if (!rc) {
		rc = ppr_register();
		if (rc) {
			ppr_free_array(ppr_arr.state,
				       (size_t)ppr_nr_frames * PAGE_SIZE);
			kfree(ppr_frames);
			ppr_frames = NULL;
			ppr_arr.state = NULL;
			ppr_arr.nr_entries = 0;
			ppr_nr_frames = 0;
		}
	}
	if (rc) {
		ppr_boot_rc = rc;
		ppr_off_reason = "register-failed";
		pr_warn("off: registration failed (%ld)\n", rc);
		return 0;
	}

	/*
	 * Hooks on first, then push the per-cpu lists back to the buddy lists
	 * and sweep those: every free page is either swept or freed through
	 * the hook from now on.
	 */
	static_branch_enable(&ppr_active);
	drain_all_pages(NULL);
	ppr_swept_pages = ppr_sweep_free_lists();
	register_syscore_ops(&ppr_syscore_ops);
	register_reboot_notifier(&ppr_reboot_nb);
	ppr_off_reason = NULL;

	pr_info("on (%s): %llu pages in %u frames, %lu free pages marked, interface %#x features %#x\n",
		ppr_tp->name, ppr_arr.nr_entries, ppr_nr_frames,
		ppr_swept_pages, ppr_query_info.version,
		ppr_query_info.features);
	return 0;
}
subsys_initcall(ppr_init);

/* ------------------------------------------------------------- debugfs */

static void ppr_show_array(struct seq_file *m)
{
	static const char * const names[XEN_PPR_NR_STATES] = {
		"inuse", "free", "aged", "reclaiming", "reclaimed",
	};
	u64 count[XEN_PPR_NR_STATES + 1] = { 0 };
	u64 i;
	int s;

	for (i = 0; i < ppr_arr.nr_entries; i++) {
		u8 v = READ_ONCE(ppr_arr.state[i]);

		count[v < XEN_PPR_NR_STATES ? v : XEN_PPR_NR_STATES]++;
		if (!(i & 0xfffff))
			cond_resched();
	}
	for (s = 0; s < XEN_PPR_NR_STATES; s++)
		seq_printf(m, "array_%s %llu\n", names[s], count[s]);
	seq_printf(m, "array_invalid %llu\n", count[XEN_PPR_NR_STATES]);
}

/* The hypervisor's counters of our registration, "hv_<field> <value>". */
static void ppr_show_hv(struct seq_file *m)
{
	struct xen_ppr_stats st = { 0 };
	struct xen_ppr_get_stats gs = {
		.domid = DOMID_SELF,
		.size = sizeof(st),
	};
	long rc;

	set_xen_guest_handle(gs.stats, &st);
	rc = ppr_tp->op(XEN_PPROP_get_stats, &gs);
	seq_printf(m, "hv_rc %ld\n", rc);
	if (rc)
		return;
	/* Fields an older hypervisor did not fill in are left out. */
#define PPR_SHOW(n, kind, owner, unit, desc)				\
	if (offsetofend(struct xen_ppr_stats, n) <= st.size)		\
		seq_printf(m, "hv_" #n " %llu\n", (unsigned long long)st.n);
	XEN_PPR_STATS(PPR_SHOW)
#undef PPR_SHOW
}

static int ppr_stats_show(struct seq_file *m, void *unused)
{
	struct ppr_cpu_stats sum = { 0 };
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct ppr_cpu_stats *c = per_cpu_ptr(&ppr_stats, cpu);

		sum.free_calls += c->free_calls;
		sum.freed += c->freed;
		sum.double_free += c->double_free;
		sum.free_raced += c->free_raced;
		sum.free_reclaimed += c->free_reclaimed;
		sum.alloc_calls += c->alloc_calls;
		sum.alloced += c->alloced;
		sum.alloc_reclaimed += c->alloc_reclaimed;
		sum.alloc_raced += c->alloc_raced;
		sum.alloc_inuse += c->alloc_inuse;
		sum.invalid += c->invalid;
		sum.out_of_range += c->out_of_range;
	}

	mutex_lock(&ppr_lock);
	seq_printf(m, "active %d\n", static_key_enabled(&ppr_active));
	seq_printf(m, "registered %d\n", ppr_registered);
	seq_printf(m, "off_reason %s\n", ppr_off_reason ? ppr_off_reason : "-");
	seq_printf(m, "transport %s\n", ppr_tp->name);
	seq_printf(m, "boot_rc %ld\n", ppr_boot_rc);
	seq_printf(m, "interface %#x\n", ppr_query_info.version);
	seq_printf(m, "features %#x\n", ppr_query_info.features);
	seq_printf(m, "nr_entries %llu\n", ppr_arr.nr_entries);
	seq_printf(m, "nr_frames %u\n", ppr_nr_frames);
	seq_printf(m, "swept_pages %lu\n", ppr_swept_pages);
	seq_printf(m, "resume_failures %lu\n", ppr_resume_failures);
	seq_printf(m, "resume_rearmed %lu\n", ppr_resume_rearmed);
	seq_printf(m, "free_calls %llu\n", sum.free_calls);
	seq_printf(m, "freed_pages %llu\n", sum.freed);
	seq_printf(m, "double_free %llu\n", sum.double_free);
	seq_printf(m, "free_raced %llu\n", sum.free_raced);
	seq_printf(m, "free_reclaimed %llu\n", sum.free_reclaimed);
	seq_printf(m, "alloc_calls %llu\n", sum.alloc_calls);
	seq_printf(m, "alloced_pages %llu\n", sum.alloced);
	seq_printf(m, "alloc_reclaimed %llu\n", sum.alloc_reclaimed);
	seq_printf(m, "alloc_raced %llu\n", sum.alloc_raced);
	seq_printf(m, "alloc_inuse %llu\n", sum.alloc_inuse);
	seq_printf(m, "invalid %llu\n", sum.invalid);
	seq_printf(m, "out_of_range %llu\n", sum.out_of_range);
	if (ppr_arr.state) {
		ppr_show_array(m);
		ppr_show_hv(m);
	}
	mutex_unlock(&ppr_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ppr_stats);

static int __init ppr_debugfs_init(void)
{
	struct dentry *dir;

	if (!ppr_tp)
		return 0;
	dir = debugfs_create_dir("ppr", NULL);
	debugfs_create_file("stats", 0444, dir, NULL, &ppr_stats_fops);
	if (ppr_arr.state)
		ppr_hostile_init(dir);
	return 0;
}
late_initcall(ppr_debugfs_init);
