// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPR on Xen: hostile-guest test interface (CONFIG_PPR_GUEST_HOSTILE).
 *
 * What is left here needs kernel context: the driver's own array and
 * pages, the scanner running over them, frames only the kernel knows.
 * Misuse of the ABI that any caller can commit (bad sizes, flags,
 * handles, duplicate or non-RAM frames, re-registration, unknown sub-ops,
 * foreign domains) is tested from guest user space by the XTF-style
 * tests in tests/osstest/xtf of the Dynamic VM tree.
 *
 * Write a command to /sys/kernel/debug/ppr/hostile, read the result back
 * (one "DVM-PPR-HOSTILE test=... key=value" line per test or case):
 *
 *   garbage N      write N undefined or RECLAIMING state bytes at random
 *                  entries (never FREE, AGED or RECLAIMED: safe for the
 *                  guest)
 *   lie N MS       allocate N pages, fill them, mark them FREE while still
 *                  holding them, sleep MS ms, touch each without marking,
 *                  mark it INUSE and check it against the old state
 *                  (intact unless Xen reclaimed it, then all zero),
 *                  verify a rewrite, free them
 *   bogus          unregister, try to register Xen's own pages in the
 *                  guest's physical space (shared info, grant table),
 *                  register the real array again
 *   flap N         unregister + register N times (run while the guest
 *                  churns memory: unregister while Xen scans)
 *   huge N MS      unregister, try arrays far larger than the guest, then
 *                  register the largest one the hypervisor accepts (the
 *                  entries past RAM FREE), lie about N pages in it for
 *                  MS ms as "lie" does, check them, register the real
 *                  array again
 *   ioread N       fill N fresh, unzeroed pages that Xen reclaimed
 *                  (so without a frame) with rep insb from an unclaimed
 *                  I/O port (Xen emulates the writes: all ones); count
 *                  the pages that do not read back all ones
 *   unregister     unregister the array
 *   register       register the array again
 *
 * This is a test tool: it lets root make the hypervisor's life hard.
 */

#define pr_fmt(fmt) "ppr: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <xen/grant_table.h>
#include <xen/xen.h>
#include <xen/interface/xen.h>
#include <xen/page.h>
#include <xen/xen-ops.h>
#include <asm/xen/hypercall.h>

#include "../ppr/ppr_guest.h"

/* Through the driver's transport: Xen's hypercall or KVM's MSR. */
static long HYPERVISOR_ppr_op(unsigned int cmd, void *arg)
{
	return ppr_tp->op(cmd, arg);
}

#define RESULT_SIZE	4096

static char ppr_result[RESULT_SIZE];
static size_t ppr_result_len;
static u64 ppr_rnd;

static __printf(1, 2) void result(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	ppr_result_len += vscnprintf(ppr_result + ppr_result_len,
				     RESULT_SIZE - ppr_result_len, fmt, args);
	va_end(args);
}

static u64 rnd(void)
{
	/* xorshift64: reproducible enough, no dependency on the RNG API. */
	if (!ppr_rnd)
		ppr_rnd = ktime_get_ns() | 1;
	ppr_rnd ^= ppr_rnd << 13;
	ppr_rnd ^= ppr_rnd >> 7;
	ppr_rnd ^= ppr_rnd << 17;
	return ppr_rnd;
}

static void hostile_garbage(unsigned long n)
{
	unsigned long i, was_free = 0;

	for (i = 0; i < n; i++) {
		u64 pfn = rnd() % ppr_arr.nr_entries;
		/*
		 * RECLAIMING or undefined: 3, 5..255.  Not RECLAIMED either:
		 * resume turns RECLAIMED entries into FREE ones.
		 */
		u8 v = rnd() % 252, old;

		v = v ? v + 4 : XEN_PPR_RECLAIMING;

		old = xchg(&ppr_arr.state[pfn], v);
		if (old == XEN_PPR_FREE || old == XEN_PPR_AGED)
			was_free++;
	}
	result("DVM-PPR-HOSTILE test=garbage writes=%lu over_free=%lu\n",
	       n, was_free);
}

static u64 lie_word(unsigned long pfn, unsigned int w, unsigned int round)
{
	return ((u64)pfn << 32 | w) ^ (0x9e3779b97f4a7c15ULL * (round + 1));
}

static void lie_fill(struct page *page, unsigned int round)
{
	u64 *p = page_address(page);
	unsigned int w;

	for (w = 0; w < PAGE_SIZE / 8; w++)
		p[w] = lie_word(page_to_pfn(page), w, round);
}

/* 0: intact, 1: all zero, 2: anything else. */
static int lie_check(struct page *page, unsigned int round)
{
	const u64 *p = page_address(page);
	bool intact = true, zero = true;
	unsigned int w;

	for (w = 0; w < PAGE_SIZE / 8; w++) {
		u64 v = READ_ONCE(p[w]);

		if (v != lie_word(page_to_pfn(page), w, round))
			intact = false;
		if (v)
			zero = false;
	}
	return intact ? 0 : zero ? 1 : 2;
}

/*
 * Expected contents after the lie, by the state our xchg to INUSE found:
 * FREE, AGED or RECLAIMING (Xen restores it): intact; RECLAIMED: zero;
 * INUSE (our unmarked touch refaulted and Xen fixed the entry up): zero,
 * and so was the first word we touched.
 */
static bool lie_ok(u8 old, int contents, u64 word0)
{
	switch (old) {
	case XEN_PPR_FREE:
	case XEN_PPR_AGED:
	case XEN_PPR_RECLAIMING:
		return contents == 0;
	case XEN_PPR_RECLAIMED:
		return contents == 1;
	case XEN_PPR_INUSE:
		return contents == 1 && !word0;
	default:
		return true;	/* a concurrent "garbage" test wrote it */
	}
}

static void hostile_lie(unsigned long n, unsigned long ms)
{
	unsigned long i, got, res[3] = { 0 }, old[XEN_PPR_NR_STATES + 1] = { 0 };
	unsigned long corrupt = 0, bad = 0;
	struct page **pages;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		result("DVM-PPR-HOSTILE test=lie error=nomem\n");
		return;
	}
	for (got = 0; got < n; got++) {
		pages[got] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!pages[got] || page_to_pfn(pages[got]) >= ppr_arr.nr_entries)
			break;
		lie_fill(pages[got], 0);
	}

	/* The lie: FREE while we still own and will read the pages. */
	for (i = 0; i < got; i++)
		xchg(&ppr_arr.state[page_to_pfn(pages[i])], XEN_PPR_FREE);
	msleep(ms);

	for (i = 0; i < got; i++) {
		u64 word0 = READ_ONCE(*(u64 *)page_address(pages[i]));
		u8 o = xchg(&ppr_arr.state[page_to_pfn(pages[i])],
			    XEN_PPR_INUSE);
		int c = lie_check(pages[i], 0);

		res[c]++;
		old[min_t(u8, o, XEN_PPR_NR_STATES)]++;
		if (!lie_ok(o, c, word0))
			corrupt++;
		lie_fill(pages[i], 1);
	}
	for (i = 0; i < got; i++) {
		if (lie_check(pages[i], 1))
			bad++;
		__free_page(pages[i]);
	}
	if (got < n && pages[got])
		__free_page(pages[got]);
	kvfree(pages);

	result("DVM-PPR-HOSTILE test=lie pages=%lu ms=%lu intact=%lu zeroed=%lu other=%lu corrupt=%lu old_inuse=%lu old_free=%lu old_aged=%lu old_reclaiming=%lu old_reclaimed=%lu rewrite_bad=%lu\n",
	       got, ms, res[0], res[1], res[2], corrupt, old[XEN_PPR_INUSE],
	       old[XEN_PPR_FREE], old[XEN_PPR_AGED], old[XEN_PPR_RECLAIMING],
	       old[XEN_PPR_RECLAIMED], bad);
}

/* Raw registration of anything; an accepted one is undone at once. */
static long try_register(xen_pfn_t *frames, u32 nr_frames, u64 nr_entries,
			 u32 flags)
{
	struct xen_ppr_register reg = {
		.nr_frames = nr_frames,
		.flags = flags,
		.nr_entries = nr_entries,
	};
	struct xen_ppr_unregister unreg = { 0 };
	long rc;

	set_xen_guest_handle(reg.frame_list, frames);
	rc = HYPERVISOR_ppr_op(XEN_PPROP_register, &reg);
	if (!rc)
		HYPERVISOR_ppr_op(XEN_PPROP_unregister, &unreg);
	return rc;
}

struct bogus_stats {
	unsigned int cases, refused, accepted, exact;
};

static void bogus_case(struct bogus_stats *bs, const char *name, long rc,
		       long expect)
{
	bs->cases++;
	if (rc)
		bs->refused++;
	else
		bs->accepted++;
	if (rc == expect)
		bs->exact++;
	result("DVM-PPR-HOSTILE test=bogus case=%s rc=%ld expect=%ld ok=%d\n",
	       name, rc, expect, rc != 0);
}

/*
 * Frames Xen put in the guest's physical space for its own use: RAM by
 * address, but not the guest's to give.  Only the kernel knows where
 * they are.
 */
static void hostile_bogus(void)
{
	struct bogus_stats bs = { 0 };
	bool was = ppr_registered;
	xen_pfn_t f;
	long rc;

	if (was) {
		rc = ppr_unregister();
		if (rc) {
			result("DVM-PPR-HOSTILE test=bogus error=unregister rc=%ld\n",
			       rc);
			return;
		}
	}

	if (xen_domain()) {
		f = PFN_DOWN(__pa(HYPERVISOR_shared_info));
		bogus_case(&bs, "shared-info", try_register(&f, 1, 1, 0),
			   -EPERM);
	}
	if (xen_domain() && xen_auto_xlat_grant_frames.count) {
		f = xen_auto_xlat_grant_frames.pfn[0];
		bogus_case(&bs, "grant-table", try_register(&f, 1, 1, 0),
			   -EPERM);
	}

	rc = was ? ppr_register() : 0;
	result("DVM-PPR-HOSTILE test=bogus cases=%u refused=%u accepted=%u exact=%u reregister_rc=%ld\n",
	       bs.cases, bs.refused, bs.accepted, bs.exact, rc);
}

static void hostile_flap(unsigned long n)
{
	unsigned long i, unreg_fail = 0, reg_fail = 0;
	long rc = 0;

	for (i = 0; i < n; i++) {
		if (ppr_unregister())
			unreg_fail++;
		udelay(rnd() % 1000);
		rc = ppr_register();
		if (rc)
			reg_fail++;
		if (!(i & 15))
			cond_resched();
	}
	result("DVM-PPR-HOSTILE test=flap n=%lu unreg_fail=%lu reg_fail=%lu registered=%d last_rc=%ld\n",
	       n, unreg_fail, reg_fail, ppr_registered, rc);
}

/* A registration the hypervisor must refuse on its sizes alone. */
static void huge_case(struct bogus_stats *bs, const char *name, u32 nr_frames,
		      u64 nr_entries, long expect)
{
	xen_pfn_t f = ppr_frames[0];

	bogus_case(bs, name, try_register(&f, nr_frames, nr_entries, 0),
		   expect);
}

static void hostile_huge(unsigned long n, unsigned long ms)
{
	struct xen_ppr_stats st = { 0 };
	struct xen_ppr_get_stats gs = {
		.domid = DOMID_SELF,
		.size = sizeof(st),
	};
	struct xen_ppr_unregister unreg = { 0 };
	struct xen_ppr_register reg = { 0 };
	struct bogus_stats bs = { 0 };
	unsigned long i, got = 0, res[3] = { 0 }, old[XEN_PPR_NR_STATES + 1] = { 0 };
	unsigned long corrupt = 0;
	struct page **pages = NULL, **data = NULL;
	xen_pfn_t *frames = NULL;
	u32 nf = ppr_query_info.max_frames;
	u64 ne = (u64)nf * XEN_PPR_ENTRIES_PER_FRAME;
	long rc = -ENOMEM, unreg_rc = 0, rereg_rc;
	u8 *state = NULL;

	if (ppr_registered && ppr_unregister()) {
		result("DVM-PPR-HOSTILE test=huge error=unregister\n");
		return;
	}

	/* Sizes only: refused before a frame is looked at. */
	huge_case(&bs, "max-plus-one", nf + 1, ne + 1, -E2BIG);
	huge_case(&bs, "u32-frames", U32_MAX,
		  (u64)U32_MAX * XEN_PPR_ENTRIES_PER_FRAME, -E2BIG);
	huge_case(&bs, "u64-entries", 1, U64_MAX, -EINVAL);

	/* The largest array accepted: the guest's own, fresh frames. */
	pages = kvcalloc(nf, sizeof(*pages), GFP_KERNEL);
	frames = kvcalloc(nf, sizeof(*frames), GFP_KERNEL);
	data = kvcalloc(n, sizeof(*data), GFP_KERNEL);
	if (!pages || !frames || !data)
		goto out;
	for (i = 0; i < nf; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		if (!pages[i])
			goto out;
		frames[i] = ppr_tp->page_frame(pages[i]);
	}
	state = vmap(pages, nf, VM_MAP, PAGE_KERNEL);
	if (!state)
		goto out;
	/* Past the guest's RAM: FREE, for the hypervisor to refuse. */
	for (i = max_pfn; i < ne; i++)
		state[i] = XEN_PPR_FREE;
	for (got = 0; got < n; got++) {
		data[got] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!data[got])
			break;
		if (page_to_pfn(data[got]) >= ne) {
			__free_page(data[got]);
			break;
		}
		lie_fill(data[got], 0);
	}
	reg.nr_frames = nf;
	reg.nr_entries = ne;
	set_xen_guest_handle(reg.frame_list, frames);
	rc = HYPERVISOR_ppr_op(XEN_PPROP_register, &reg);
	if (rc)
		goto out;
	for (i = 0; i < got; i++)
		xchg(&state[page_to_pfn(data[i])], XEN_PPR_FREE);
	msleep(ms);
	for (i = 0; i < got; i++) {
		u64 word0 = READ_ONCE(*(u64 *)page_address(data[i]));
		u8 o = xchg(&state[page_to_pfn(data[i])], XEN_PPR_INUSE);
		int c = lie_check(data[i], 0);

		res[c]++;
		old[min_t(u8, o, XEN_PPR_NR_STATES)]++;
		if (!lie_ok(o, c, word0))
			corrupt++;
	}
	set_xen_guest_handle(gs.stats, &st);
	HYPERVISOR_ppr_op(XEN_PPROP_get_stats, &gs);
	unreg_rc = HYPERVISOR_ppr_op(XEN_PPROP_unregister, &unreg);

out:
	for (i = 0; i < got; i++)
		__free_page(data[i]);
	if (state)
		vunmap(state);
	for (i = 0; pages && i < nf && pages[i]; i++)
		__free_page(pages[i]);
	kvfree(data);
	kvfree(frames);
	kvfree(pages);
	rereg_rc = ppr_register();
	result("DVM-PPR-HOSTILE test=huge frames=%u entries=%llu max_pfn=%lu rc=%ld pages=%lu intact=%lu zeroed=%lu other=%lu corrupt=%lu claimed=%llu refused=%llu reclaimed=%llu unreg_rc=%ld cases=%u accepted=%u reregister_rc=%ld\n",
	       nf, ne, max_pfn, rc, got, res[0], res[1], res[2], corrupt,
	       st.claimed, st.refused, st.reclaimed, unreg_rc, bs.cases,
	       bs.accepted, rereg_rc);
}

/*
 * ioread N: N pages fresh from the page allocator, not zeroed, whose
 * frames Xen reclaimed, so that each is still without one; each is filled
 * by `rep insb` from a port no device claims, which Xen emulates (all
 * ones).  The emulator writes into the page itself: it must refault it,
 * and wait for a frame when there is none, so every byte arrives.
 *
 * Which free pages the allocator hands out first is its business, so the
 * pages are picked: an allocation that found its page RECLAIMED bumps the
 * driver's count (another CPU's allocation may bump it too: such a page
 * is kept by mistake, which only makes the I/O need fewer frames).  The
 * others are held until the search ends, up to 8 N of them and never the
 * guest's last 16 MiB.
 */
#define HOSTILE_IO_PORT		0x1234
#define HOSTILE_IO_RESERVE	(16UL << (20 - PAGE_SHIFT))

static void hostile_ioread(unsigned long n)
{
	unsigned long i, got = 0, tried, bad = 0, free = nr_free_pages();
	unsigned long limit = free > HOSTILE_IO_RESERVE ?
			      min(8 * n, free - HOSTILE_IO_RESERVE) : 0;
	struct page **pages, *page, *next;
	LIST_HEAD(spare);
	ktime_t t0;

	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		result("DVM-PPR-HOSTILE test=ioread error=nomem\n");
		return;
	}
	for (tried = 0; got < n && tried < limit; tried++) {
		u64 r0 = ppr_count_alloc_reclaimed();

		page = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
		if (!page)
			break;
		if (ppr_count_alloc_reclaimed() != r0)
			pages[got++] = page;
		else
			list_add(&page->lru, &spare);
		cond_resched();
	}
	list_for_each_entry_safe(page, next, &spare, lru)
		__free_page(page);

	t0 = ktime_get();
	for (i = 0; i < got; i++) {
		void *va = page_address(pages[i]);
		unsigned long cnt = PAGE_SIZE;
		const u64 *w = va;
		unsigned int k;

		asm volatile ("cld; rep insb"
			      : "+D" (va), "+c" (cnt)
			      : "d" (HOSTILE_IO_PORT)
			      : "memory");
		for (k = 0; k < PAGE_SIZE / 8; k++)
			if (READ_ONCE(w[k]) != ~0ULL) {
				bad++;
				break;
			}
		cond_resched();
	}
	result("DVM-PPR-HOSTILE test=ioread pages=%lu tried=%lu bad=%lu ms=%lld\n",
	       got, tried, bad, ktime_ms_delta(ktime_get(), t0));
	while (got)
		__free_page(pages[--got]);
	kvfree(pages);
}

/*
 * Commands whose cases moved to the XTF-style tests (pure ABI misuse:
 * re-registration, unknown sub-ops, bad arguments).  Still accepted and
 * answered with a line that says so, for the workload scripts that send
 * them (tests/osstest/guest/ppr-hostile.sh); drop a name here once no
 * script sends it.
 */
static bool hostile_retired(const char *cmd)
{
	return !strcmp(cmd, "reregister") || !strcmp(cmd, "badop");
}

static ssize_t hostile_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	unsigned long a = 0, b = 0;
	char buf[64], cmd[16];
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%15s %lu %lu", cmd, &a, &b);
	if (n < 1)
		return -EINVAL;

	mutex_lock(&ppr_lock);
	ppr_result_len = 0;
	if (!strcmp(cmd, "garbage") && n >= 2 && a) {
		hostile_garbage(a);
	} else if (!strcmp(cmd, "lie") && n >= 2 && a) {
		hostile_lie(a, n >= 3 ? b : 1000);
	} else if (hostile_retired(cmd)) {
		result("DVM-PPR-HOSTILE test=%s retired=1 see=tests/osstest/xtf\n",
		       cmd);
	} else if (!strcmp(cmd, "bogus")) {
		hostile_bogus();
	} else if (!strcmp(cmd, "flap") && n >= 2) {
		hostile_flap(a);
	} else if (!strcmp(cmd, "huge") && n >= 2) {
		hostile_huge(a, n >= 3 ? b : 1000);
	} else if (!strcmp(cmd, "ioread") && n >= 2 && a) {
		hostile_ioread(a);
	} else if (!strcmp(cmd, "unregister")) {
		result("DVM-PPR-HOSTILE test=unregister rc=%ld\n",
		       ppr_unregister());
	} else if (!strcmp(cmd, "register")) {
		result("DVM-PPR-HOSTILE test=register rc=%ld\n",
		       ppr_register());
	} else {
		mutex_unlock(&ppr_lock);
		return -EINVAL;
	}
	mutex_unlock(&ppr_lock);
	return len;
}

static ssize_t hostile_read(struct file *file, char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	ssize_t rc;

	mutex_lock(&ppr_lock);
	rc = simple_read_from_buffer(ubuf, len, ppos, ppr_result,
				     ppr_result_len);
	mutex_unlock(&ppr_lock);
	return rc;
}

static const struct file_operations hostile_fops = {
	.owner = THIS_MODULE,
	.write = hostile_write,
	.read = hostile_read,
	.llseek = default_llseek,
};

void ppr_hostile_init(struct dentry *dir)
{
	debugfs_create_file("hostile", 0600, dir, NULL, &hostile_fops);
}
