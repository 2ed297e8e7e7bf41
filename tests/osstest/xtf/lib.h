/*
 * Dynamic VM's XTF-style hypercall tests: the small library every test
 * links with.
 *
 * Modelled on the Xen Test Framework: a test is one file, test-<name>.c,
 * with a test_title and a test_main(); it records failures as it goes and
 * ends with exactly one result line,
 *
 *   xtf: <name>: SUCCESS
 *   xtf: <name>: SKIP: <why>         (a precondition is absent)
 *   xtf: <name>: FAILURE: <why>
 *
 * and the exit status 0, 77 or 1.  Other lines of a test start with "# ".
 *
 * The tests run in guest user space of a PVH domU and reach Xen through
 * /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), so what they see is what any
 * guest, root in it, can do to the hypervisor.  Hypercall numbers and
 * structures come from abi/ppr.h and abi/pageone.h, the error numbers
 * from Xen's public errno.h.
 */
#ifndef XTF_LIB_H
#define XTF_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ppr.h>
#include <pageone.h>
#include <xen/errno.h>

#define XTF_PAGE 4096UL

/* Provided by each test. */
extern const char test_title[];
void test_main(void);

/* ---- results ---- */

/* A check failed: say so now, keep going, the test ends in FAILURE. */
void xtf_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A precondition is absent: end the test now (FAILURE if one was seen). */
void xtf_skip(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* A failure after which the rest of the test means nothing: end now. */
void xtf_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* A line of information ("# <name>: ..."). */
void xtf_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "0", "-EPERM", or the number: how a hypercall's result is shown. */
const char *xtf_strerror(long rc);

/*
 * rc must be want; otherwise a failure "<what>: <rc>, expected <want>".
 * Returns whether it was.
 */
bool xtf_expect(long rc, long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- hypercalls ---- */

/* Any hypercall, raw arguments: 0 or positive, or -errno. */
long xtf_hypercall(unsigned long op, unsigned long a1, unsigned long a2);

static inline long xtf_ppr_op(unsigned long cmd, const void *arg)
{
    return xtf_hypercall(__HYPERVISOR_ppr_op, cmd, (unsigned long)arg);
}

static inline long xtf_pageone_op(unsigned long cmd, const void *arg)
{
    return xtf_hypercall(__HYPERVISOR_pageone_op, cmd, (unsigned long)arg);
}

/*
 * XEN_PPROP_query into q; skips the test when the hypervisor has no PPR
 * (-ENOSYS) or has it off (-EOPNOTSUPP).
 */
void xtf_need_ppr(struct xen_ppr_query *q);

/*
 * Skips the test unless nothing is registered for this domain (the guest
 * kernel's PPR driver holds the registration unless booted with ppr=off).
 */
void xtf_need_unregistered(void);

/* XEN_PPROP_register of frames; a success is undone at exit. */
long xtf_ppr_register(const xen_pfn_t *frames, uint32_t nr_frames,
                      uint64_t nr_entries, uint32_t flags);

/* XEN_PPROP_unregister with flags and pad as given. */
long xtf_ppr_unregister_raw(uint32_t flags, uint32_t pad);

static inline long xtf_ppr_unregister(void)
{
    return xtf_ppr_unregister_raw(0, 0);
}

/* XEN_PPROP_get_stats of domid, size bytes into stats. */
long xtf_ppr_get_stats(domid_t domid, uint64_t size, void *stats);

/*
 * The registration is what the test expects: none (nr_entries 0), or one
 * of nr_entries entries; a failure naming when otherwise.
 */
void xtf_check_registration(uint64_t nr_entries, const char *when);

/* ---- the guest ---- */

/* This domain's id, from xenstore ("domid"); skips when unreadable. */
domid_t xtf_own_domid(void);

/* dvm.<key>=<number> from the kernel command line, or def. */
unsigned long xtf_cmdline(const char *key, unsigned long def);

/* The highest pfn of the guest's RAM ("System RAM" in /proc/iomem). */
unsigned long xtf_ram_max_pfn(void);

/* n zeroed pages of our own, populated and locked (fatal on failure). */
void *xtf_pages(unsigned int n);

/*
 * The gfn behind our page p (from /proc/self/pagemap: in a PVH guest a
 * pfn is its gfn).
 */
xen_pfn_t xtf_gfn(const void *p);

/*
 * A page that is mapped and writable, followed by one that is not mapped
 * (PROT_NONE): returns the second, for buffers that fault at once or
 * half-way.
 */
void *xtf_hole(void);

/* A page filled with byte c, then made read-only. */
void *xtf_readonly(int c);

/* Whether the n bytes at p are all c (a buffer Xen must not touch). */
bool xtf_untouched(const void *p, size_t n, int c);

#endif /* XTF_LIB_H */

