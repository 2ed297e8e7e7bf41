/* SPDX-License-Identifier: MIT */
/*
 * dvm-maxmem: a domain's page counts, and its max_pages set directly
 * (XEN_DOMCTL_max_mem), below its toolstack target if need be, which
 * `xl mem-max` refuses.  The overcommit jobs use it to put a guest at
 * its limit.
 *
 *   dvm-maxmem DOMID          print "tot_pages=<n> max_pages=<m>"
 *   dvm-maxmem DOMID PAGES    set max_pages to PAGES, then print
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/domctl.h>

#include "privcmd.h"

static int fd;

static void domctl(struct xen_domctl *d, const char *what)
{
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    if ( privcmd_hypercall(fd, __HYPERVISOR_domctl, (uintptr_t)d, 0) < 0 )
    {
        fprintf(stderr, "dvm-maxmem: %s of d%u: %s\n", what, d->domain,
                strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct xen_domctl *d;
    unsigned long domid, pages = 0;
    char *end;

    if ( argc < 2 || argc > 3 )
    {
        fprintf(stderr, "usage: dvm-maxmem DOMID [PAGES]\n");
        return 2;
    }
    domid = strtoul(argv[1], &end, 0);
    if ( *end || !domid || domid >= DOMID_FIRST_RESERVED )
    {
        fprintf(stderr, "dvm-maxmem: bad domid '%s'\n", argv[1]);
        return 2;
    }
    if ( argc == 3 )
    {
        pages = strtoul(argv[2], &end, 0);
        if ( *end || !pages )
        {
            fprintf(stderr, "dvm-maxmem: bad page count '%s'\n", argv[2]);
            return 2;
        }
    }

    fd = open("/dev/xen/privcmd", O_RDWR);
    if ( fd < 0 )
    {
        perror("dvm-maxmem: /dev/xen/privcmd");
        return 2;
    }
    /* Hypercall arguments in memory that stays mapped. */
    d = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if ( d == MAP_FAILED || mlock(d, 4096) )
    {
        perror("dvm-maxmem: buffer");
        return 2;
    }

    if ( argc == 3 )
    {
        memset(d, 0, sizeof(*d));
        d->cmd = XEN_DOMCTL_max_mem;
        d->domain = domid;
        d->u.max_mem.max_memkb = (uint64_t)pages << 2;
        domctl(d, "max_mem");
    }

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_getdomaininfo;
    d->domain = domid;
    domctl(d, "getdomaininfo");
    if ( d->u.getdomaininfo.domain != domid )
    {
        fprintf(stderr, "dvm-maxmem: no domain %lu\n", domid);
        return 1;
    }
    printf("tot_pages=%llu max_pages=%llu\n",
           (unsigned long long)d->u.getdomaininfo.tot_pages,
           (unsigned long long)d->u.getdomaininfo.max_pages);

    return 0;
}
