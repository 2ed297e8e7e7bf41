/* SPDX-License-Identifier: MIT */
/*
 * dvm-softreset: the toolstack's half of a PVH guest's kexec.
 *
 *   dvm-softreset DOMID MEM_MIB
 *
 * Linux on Xen kexecs by shutting down with SHUTDOWN_soft_reset; the
 * toolstack is then to reset the domain's Xen state and resume it, and
 * the vCPU goes on into the next kernel.  libxl 4.17 does that for HVM
 * guests only (libxl_domain_soft_reset() refuses a PVH one), so the kexec
 * job keeps the domain (on_soft_reset = "preserve") and does here what
 * libxl does for an HVM guest with no device model:
 *
 *   pause; XEN_DOMCTL_soft_reset (event channels closed, PPR unregistered,
 *   vcpu_info and runstate areas dropped, shared_info replaced); RAM
 *   filled in again (below); fresh console and xenstore event channels
 *   in the HVM params the next kernel reads; XS_INTRODUCE of the known
 *   domain, which makes xenstored bind to the new store channel; the
 *   console's port written again, which makes xenconsoled bind to it;
 *   unpause.
 *
 * The next kernel takes the whole e820 RAM for its own, but the last one
 * left holes in it: pages it gave back to Xen (a PVH Linux balloons out
 * 64 pages for its grant table at boot) and the grant frames it mapped
 * over some of them, which stay mapped across a soft reset.  An HVM guest
 * maps those in its platform device's MMIO hole instead, so libxl has
 * nothing to fill.  Here every gfn of the RAM that libxl gives a PVH
 * guest of MEM_MIB (0-0x9f, then 1 MiB up) that has no page of the
 * guest's own behind it is populated afresh.  Pages PPR reclaimed are
 * refaulted by the lookup itself.
 *
 * Prints "DVM-SOFTRESET d<N> console=<port> store=<port> filled=<pages>".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>

#include "privcmd.h"
#include "xs.h"

#define BATCH       1024    /* gfns per getpageframeinfo3 */
#define BUF_SIZE    (4096 + 2 * BATCH * sizeof(xen_pfn_t))

static int fd;
static void *buf;           /* hypercall arguments, mlocked */
static xen_pfn_t *gfns, *holes; /* in buf, after the argument page */
static unsigned int domid;

static long hypercall(unsigned int op, unsigned long a1, void *a2)
{
    return privcmd_hypercall(fd, op, a1, (uintptr_t)a2);
}

/* A domctl CMD on the domain, its arguments zeroed, in buf. */
static struct xen_domctl *domctl_args(uint32_t cmd)
{
    struct xen_domctl *d = buf;

    memset(d, 0, sizeof(*d));
    d->cmd = cmd;
    d->domain = domid;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;

    return d;
}

static void domctl_do(struct xen_domctl *d, const char *what)
{
    if ( hypercall(__HYPERVISOR_domctl, (uintptr_t)d, NULL) < 0 )
    {
        fprintf(stderr, "dvm-softreset: %s of d%u: %s\n", what, domid,
                strerror(errno));
        exit(1);
    }
}

static void domctl(uint32_t cmd, const char *what)
{
    domctl_do(domctl_args(cmd), what);
}

static uint64_t hvm_param(uint32_t index, int set, uint64_t value)
{
    struct xen_hvm_param *p = buf;

    p->domid = domid;
    p->index = index;
    p->value = value;
    if ( hypercall(__HYPERVISOR_hvm_op,
                   set ? HVMOP_set_param : HVMOP_get_param, p) < 0 )
    {
        fprintf(stderr, "dvm-softreset: %s HVM param %u of d%u: %s\n",
                set ? "set" : "get", index, domid, strerror(errno));
        exit(1);
    }

    return p->value;
}

/* A port in the domain that dom0's daemons can bind to. */
static uint32_t alloc_unbound(void)
{
    struct evtchn_alloc_unbound *a = buf;

    a->dom = domid;
    a->remote_dom = 0;
    if ( hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                   a) < 0 )
    {
        fprintf(stderr, "dvm-softreset: event channel for d%u: %s\n", domid,
                strerror(errno));
        exit(1);
    }

    return a->port;
}

static void xs(uint32_t type, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One xenstore request whose strings FMT gives, '\n' for each NUL. */
static void xs(uint32_t type, const char *what, const char *fmt, ...)
{
    char args[256], reply[256];
    va_list ap;
    int len, i;

    va_start(ap, fmt);
    len = vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    for ( i = 0; i < len; i++ )
        if ( args[i] == '\n' )
            args[i] = 0;
    if ( xs_request(type, args, len, reply, sizeof(reply)) )
    {
        fprintf(stderr, "dvm-softreset: xenstore %s of d%u: %s\n", what,
                domid, reply);
        exit(1);
    }
}

/* Populate n gfns of the domain (holes[]) with fresh pages. */
static void populate(unsigned int n)
{
    struct xen_memory_reservation *r = buf;

    memset(r, 0, sizeof(*r));
    set_xen_guest_handle(r->extent_start, holes);
    r->nr_extents = n;
    r->extent_order = 0;
    r->domid = domid;
    if ( hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, r) !=
         (long)n )
    {
        fprintf(stderr, "dvm-softreset: populating %u holes of d%u from "
                "gfn %#llx: %s\n", n, domid, (unsigned long long)holes[0],
                strerror(errno));
        exit(1);
    }
}

/* Fill the holes in gfns [lo, hi); returns how many there were. */
static unsigned long fill(xen_pfn_t lo, xen_pfn_t hi)
{
    struct xen_domctl *d;
    unsigned long filled = 0;
    unsigned int i, n, nh;

    for ( ; lo < hi; lo += n )
    {
        n = hi - lo < BATCH ? hi - lo : BATCH;
        for ( i = 0; i < n; i++ )
            gfns[i] = lo + i;
        d = domctl_args(XEN_DOMCTL_getpageframeinfo3);
        d->u.getpageframeinfo3.num = n;
        set_xen_guest_handle(d->u.getpageframeinfo3.array, gfns);
        domctl_do(d, "page types");
        for ( i = nh = 0; i < n; i++ )
            if ( (gfns[i] & XEN_DOMCTL_PFINFO_LTAB_MASK) ==
                 XEN_DOMCTL_PFINFO_XTAB )
                holes[nh++] = lo + i;
        if ( nh )
            populate(nh);
        filled += nh;
    }

    return filled;
}

int main(int argc, char **argv)
{
    struct xen_domctl *d;
    uint64_t store_pfn;
    uint32_t console, store;
    unsigned long mib, filled;
    unsigned int reason;
    char *end;

    if ( argc != 3 )
    {
        fprintf(stderr, "usage: dvm-softreset DOMID MEM_MIB\n");
        return 2;
    }
    mib = strtoul(argv[2], &end, 0);
    if ( *end || mib < 2 || mib > 3 * 1024 )
    {
        fprintf(stderr, "dvm-softreset: bad memory size '%s' (MiB, 2-3072)\n",
                argv[2]);
        return 2;
    }
    domid = strtoul(argv[1], &end, 0);
    if ( *end || !domid || domid >= DOMID_FIRST_RESERVED )
    {
        fprintf(stderr, "dvm-softreset: bad domid '%s'\n", argv[1]);
        return 2;
    }
    fd = open("/dev/xen/privcmd", O_RDWR);
    buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( fd < 0 || buf == MAP_FAILED || mlock(buf, BUF_SIZE) )
    {
        perror("dvm-softreset: privcmd");
        return 2;
    }

    domctl(XEN_DOMCTL_getdomaininfo, "getdomaininfo");
    d = buf;
    reason = (d->u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift) &
             XEN_DOMINF_shutdownmask;
    if ( d->u.getdomaininfo.domain != domid ||
         !(d->u.getdomaininfo.flags & XEN_DOMINF_shutdown) ||
         reason != SHUTDOWN_soft_reset )
    {
        fprintf(stderr,
                "dvm-softreset: d%u is not shut down for a soft reset\n",
                domid);
        return 1;
    }

    /* The next kernel must not start before its channels exist. */
    domctl(XEN_DOMCTL_pausedomain, "pause");
    domctl(XEN_DOMCTL_soft_reset, "soft reset");
    gfns = (xen_pfn_t *)((char *)buf + 4096);
    holes = gfns + BATCH;
    filled = fill(0, 0xa0) + fill(0x100, mib << (20 - 12));

    store_pfn = hvm_param(HVM_PARAM_STORE_PFN, 0, 0);
    console = alloc_unbound();
    store = alloc_unbound();
    hvm_param(HVM_PARAM_CONSOLE_EVTCHN, 1, console);
    hvm_param(HVM_PARAM_STORE_EVTCHN, 1, store);

    xs(XS_INTRODUCE, "introduce", "%u\n%llu\n%u\n", domid,
       (unsigned long long)store_pfn, store);
    xs(XS_WRITE, "console port", "/local/domain/%u/console/port\n%u", domid,
       console);

    domctl(XEN_DOMCTL_unpausedomain, "unpause");
    printf("DVM-SOFTRESET d%u console=%u store=%u filled=%lu\n", domid,
           console, store, filled);

    return 0;
}
