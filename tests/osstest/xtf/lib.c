/*
 * Dynamic VM's XTF-style hypercall tests: results, hypercalls through
 * privcmd, and the few facts about the guest the tests need (lib.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib.h"

#include <xen/version.h>
#include <xen/io/xs_wire.h>
#include <xen/sys/privcmd.h>

static const char *test_name = "?";
static int privcmd_fd = -1;
static unsigned int nr_failures;
static char first_failure[200];

/* A registration of ours that exit must undo (Xen would keep the frame). */
static volatile sig_atomic_t registered;

/* Prepared at start: a signal handler may only write(). */
static char signal_line[128];

/* ---- results ---- */

static void vline(const char *what, const char *fmt, va_list ap)
{
    printf("# %s: %s", test_name, what);
    vprintf(fmt, ap);
    putchar('\n');
}

void xtf_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vline("", fmt, ap);
    va_end(ap);
}

void xtf_failure(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if ( !nr_failures++ )
        vsnprintf(first_failure, sizeof(first_failure), fmt, ap);
    va_end(ap);

    va_start(ap, fmt);
    vline("FAIL: ", fmt, ap);
    va_end(ap);
}

static void unregister_ours(void)
{
    struct xen_ppr_unregister u = { 0 };

    if ( registered && !xtf_ppr_op(XEN_PPROP_unregister, &u) )
        registered = 0;
}

/* The one result line, and the exit status XTF's runner would expect. */
static void __attribute__((noreturn)) finish(const char *skip_why)
{
    unregister_ours();
    if ( nr_failures > 1 )
        printf("xtf: %s: FAILURE: %s (and %u more)\n", test_name,
               first_failure, nr_failures - 1);
    else if ( nr_failures )
        printf("xtf: %s: FAILURE: %s\n", test_name, first_failure);
    else if ( skip_why )
        printf("xtf: %s: SKIP: %s\n", test_name, skip_why);
    else
        printf("xtf: %s: SUCCESS\n", test_name);
    fflush(stdout);
    exit(nr_failures ? 1 : skip_why ? 77 : 0);
}

void xtf_skip(const char *fmt, ...)
{
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    finish(why);
}

void xtf_fatal(const char *fmt, ...)
{
    char why[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    xtf_failure("%s", why);
    finish(NULL);
}

const char *xtf_strerror(long rc)
{
    static const struct {
        int val;
        const char *name;
    } names[] = {
#define XEN_ERRNO(name, value) { value, "-" #name },
#include <xen/errno.h>
    };
    static char buf[32];
    unsigned int i;

    if ( !rc )
        return "0";
    for ( i = 0; rc < 0 && i < sizeof(names) / sizeof(names[0]); i++ )
        if ( names[i].val == -rc )
            return names[i].name;
    snprintf(buf, sizeof(buf), "%ld", rc);
    return buf;
}

bool xtf_expect(long rc, long want, const char *fmt, ...)
{
    char what[160], got[32];
    va_list ap;

    if ( rc == want )
        return true;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(got, sizeof(got), "%s", xtf_strerror(rc));
    xtf_failure("%s: %s, expected %s", what, got, xtf_strerror(want));
    return false;
}

/* ---- hypercalls ---- */

long xtf_hypercall(unsigned long op, unsigned long a1, unsigned long a2)
{
    privcmd_hypercall_t h = { .op = op, .arg = { a1, a2 } };
    int rc = ioctl(privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return rc < 0 ? -errno : rc;
}

void xtf_need_ppr(struct xen_ppr_query *q)
{
    long rc;

    memset(q, 0, sizeof(*q));
    rc = xtf_ppr_op(XEN_PPROP_query, q);
    if ( rc == -XEN_ENOSYS )
        xtf_skip("the hypervisor has no ppr_op (-ENOSYS)");
    if ( rc == -XEN_EOPNOTSUPP )
        xtf_skip("PPR is off for this domain (-EOPNOTSUPP, version %#x)",
                 q->version);
    if ( rc )
        xtf_fatal("XEN_PPROP_query: %s", xtf_strerror(rc));
}

long xtf_ppr_get_stats(domid_t domid, uint64_t size, void *stats)
{
    struct xen_ppr_get_stats gs = { .domid = domid, .size = size };

    set_xen_guest_handle(gs.stats, stats);
    return xtf_ppr_op(XEN_PPROP_get_stats, &gs);
}

void xtf_need_unregistered(void)
{
    struct xen_ppr_stats s;
    long rc = xtf_ppr_get_stats(DOMID_SELF, 16, &s);

    if ( !rc )
        xtf_skip("this domain has an array registered already (the guest "
                 "kernel's PPR driver? boot it with ppr=off)");
    if ( rc != -XEN_ENOENT )
        xtf_fatal("get_stats(DOMID_SELF): %s", xtf_strerror(rc));
}

long xtf_ppr_register(const xen_pfn_t *frames, uint32_t nr_frames,
                      uint64_t nr_entries, uint32_t flags)
{
    struct xen_ppr_register r = {
        .nr_frames = nr_frames,
        .flags = flags,
        .nr_entries = nr_entries,
    };
    long rc;

    set_xen_guest_handle(r.frame_list, (xen_pfn_t *)frames);
    rc = xtf_ppr_op(XEN_PPROP_register, &r);
    if ( !rc )
        registered = 1;
    return rc;
}

long xtf_ppr_unregister_raw(uint32_t flags, uint32_t pad)
{
    struct xen_ppr_unregister u = { .flags = flags, .pad = pad };
    long rc = xtf_ppr_op(XEN_PPROP_unregister, &u);

    if ( !rc )
        registered = 0;
    return rc;
}

void xtf_check_registration(uint64_t nr_entries, const char *when)
{
    struct xen_ppr_stats s = { 0 };
    long rc = xtf_ppr_get_stats(DOMID_SELF, 16, &s);

    if ( !nr_entries )
        xtf_expect(rc, -XEN_ENOENT, "%s: get_stats(DOMID_SELF)", when);
    else if ( xtf_expect(rc, 0, "%s: get_stats(DOMID_SELF)", when) &&
              s.nr_entries != nr_entries )
        xtf_failure("%s: %llu entries registered, expected %llu", when,
                    (unsigned long long)s.nr_entries,
                    (unsigned long long)nr_entries);
}

/* ---- the guest ---- */

static bool read_all(int fd, void *p, size_t n)
{
    size_t got = 0;

    while ( got < n )
    {
        ssize_t r = read(fd, (char *)p + got, n - got);

        if ( r <= 0 )
            return false;
        got += r;
    }

    return true;
}

domid_t xtf_own_domid(void)
{
    static const char path[] = "domid";
    static int domid = -1;
    struct xsd_sockmsg m = { .type = XS_READ, .req_id = 1,
                             .len = sizeof(path) };
    char msg[sizeof(m) + sizeof(path)], val[16], *end;
    long v;
    int fd;

    if ( domid >= 0 )
        return domid;

    /* A relative path: xenstored reads it under this domain's home. */
    fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
    if ( fd < 0 )
        xtf_skip("no /dev/xen/xenbus to read our domid: %s", strerror(errno));
    memcpy(msg, &m, sizeof(m));
    memcpy(msg + sizeof(m), path, sizeof(path));
    if ( write(fd, msg, sizeof(msg)) != sizeof(msg) ||
         !read_all(fd, &m, sizeof(m)) || m.len >= sizeof(val) ||
         !read_all(fd, val, m.len) )
        xtf_skip("xenstore read of domid failed: %s", strerror(errno));
    close(fd);
    val[m.len] = '\0';
    v = strtol(val, &end, 10);
    if ( m.type != XS_READ || end == val || v < 1 ||
         v >= DOMID_FIRST_RESERVED )
        xtf_skip("xenstore has no domid for us (%s)", val);
    domid = v;

    return domid;
}

unsigned long xtf_cmdline(const char *key, unsigned long def)
{
    char line[4096], pat[64], *p;
    unsigned long v = def;
    FILE *f = fopen("/proc/cmdline", "r");

    if ( !f )
        return def;
    snprintf(pat, sizeof(pat), "dvm.%s=", key);
    if ( fgets(line, sizeof(line), f) )
        for ( p = line; (p = strstr(p, pat)); p++ )
            if ( p == line || p[-1] == ' ' )
                v = strtoul(p + strlen(pat), NULL, 0);
    fclose(f);

    return v;
}

unsigned long xtf_ram_max_pfn(void)
{
    unsigned long start, end, max = 0;
    char line[256];
    FILE *f = fopen("/proc/iomem", "r");

    if ( !f )
        xtf_fatal("/proc/iomem: %s", strerror(errno));
    while ( fgets(line, sizeof(line), f) )
        if ( sscanf(line, "%lx-%lx", &start, &end) == 2 &&
             strstr(line, ": System RAM") && end > max )
            max = end;
    fclose(f);
    if ( !max )
        xtf_fatal("no System RAM in /proc/iomem (not root?)");

    return max / XTF_PAGE;
}

void *xtf_pages(unsigned int n)
{
    size_t len = n * XTF_PAGE;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

    if ( p == MAP_FAILED )
        xtf_fatal("mmap of %u pages: %s", n, strerror(errno));
    /* Written, so each is a page of its own (not the shared zero page). */
    memset(p, 0, len);
    /* Locked: the pfn pagemap gives stays ours while Xen holds it. */
    if ( mlock(p, len) )
        xtf_fatal("mlock of %u pages: %s", n, strerror(errno));

    return p;
}

xen_pfn_t xtf_gfn(const void *p)
{
    uint64_t e = 0;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

    if ( fd < 0 )
        xtf_fatal("/proc/self/pagemap: %s", strerror(errno));
    if ( pread(fd, &e, sizeof(e),
               (uintptr_t)p / XTF_PAGE * sizeof(e)) != sizeof(e) )
        xtf_fatal("/proc/self/pagemap: %s", strerror(errno));
    close(fd);
    /* Bit 63: present; bits 0-54: the pfn, zero unless CAP_SYS_ADMIN. */
    if ( !(e >> 63) || !(e & ((1ULL << 55) - 1)) )
        xtf_fatal("no pfn for %p in pagemap (%#llx)", p,
                  (unsigned long long)e);

    return e & ((1ULL << 55) - 1);
}

void *xtf_hole(void)
{
    char *p = mmap(NULL, 2 * XTF_PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

    if ( p == MAP_FAILED )
        xtf_fatal("mmap: %s", strerror(errno));
    memset(p, 0, XTF_PAGE);
    /* Kept reserved as PROT_NONE, so that no later mmap lands there. */
    if ( mprotect(p + XTF_PAGE, XTF_PAGE, PROT_NONE) )
        xtf_fatal("mprotect: %s", strerror(errno));

    return p + XTF_PAGE;
}

void *xtf_readonly(int c)
{
    void *p = mmap(NULL, XTF_PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if ( p == MAP_FAILED )
        xtf_fatal("mmap: %s", strerror(errno));
    memset(p, c, XTF_PAGE);
    if ( mprotect(p, XTF_PAGE, PROT_READ) )
        xtf_fatal("mprotect: %s", strerror(errno));

    return p;
}

bool xtf_untouched(const void *p, size_t n, int c)
{
    const unsigned char *b = p;
    size_t i;

    for ( i = 0; i < n; i++ )
        if ( b[i] != (unsigned char)c )
            return false;

    return true;
}

/* ---- main ---- */

/*
 * A test that crashes or is killed (the runner's timeout) still gives
 * Xen its frame back and ends with its result line.
 */
static void on_signal(int sig)
{
    char line[sizeof(signal_line) + 4];
    size_t n = strlen(signal_line);

    unregister_ours();
    memcpy(line, signal_line, n);
    if ( sig >= 10 )
        line[n++] = '0' + sig / 10;
    line[n++] = '0' + sig % 10;
    line[n++] = '\n';
    if ( write(STDOUT_FILENO, line, n) < 0 )
        _exit(1);
    _exit(1);
}

int main(int argc, char **argv)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
                                SIGTERM, SIGINT, SIGALRM };
    const char *base;
    unsigned int i;
    long rc;

    (void)argc;
    base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    test_name = strncmp(base, "test-", 5) ? base : base + 5;
    setvbuf(stdout, NULL, _IOLBF, 0);

    snprintf(signal_line, sizeof(signal_line),
             "xtf: %s: FAILURE: killed by signal ", test_name);
    for ( i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++ )
        signal(sigs[i], on_signal);

    privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if ( privcmd_fd < 0 )
        xtf_skip("no /dev/xen/privcmd (%s): a guest kernel without "
                 "CONFIG_XEN_PRIVCMD?", strerror(errno));
    /*
     * A domU's privcmd refuses every hypercall with -EPERM unless told
     * otherwise: without this check every "refused with -EPERM" below
     * would pass without reaching Xen.
     */
    rc = xtf_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0);
    if ( rc == -XEN_EPERM )
        xtf_skip("privcmd refuses hypercalls in this domU (boot it with "
                 "xen_privcmd.unrestricted=1)");
    if ( rc <= 0 )
        xtf_fatal("xen_version: %s", xtf_strerror(rc));
    xtf_info("%s (Xen %ld.%ld)", test_title, rc >> 16, rc & 0xffff);

    test_main();
    finish(NULL);
}
