/*
 * pageone-ctl: minimal dom0 client of the PageONE hypercall (pageone_op,
 * abi/pageone.h) and of xenstore reads, for the osstest jobs.  Static, no
 * Xen libraries (only their public headers), so that it runs in the
 * harness's busybox dom0.  The policy tool for operators is xl-ppr; this
 * one prints key=value lines for scripts.
 *
 *   pageone-ctl info
 *   pageone-ctl set [run=0|1] [budget=PCT] [period=MS] [group=ID]
 *   pageone-ctl dom DOMID [dedup=0|1] [group=ID]
 *   pageone-ctl audit DOMID...
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

#include <pageone.h>

#include "privcmd.h"

/* ---- privcmd ---- */
static void *buf;

static long hypercall(unsigned int cmd)
{
    int fd = open("/dev/xen/privcmd", O_RDWR);
    long rc;

    if ( fd < 0 )
    {
        perror("pageone-ctl: /dev/xen/privcmd");
        exit(2);
    }
    rc = privcmd_hypercall(fd, __HYPERVISOR_pageone_op, cmd, (uintptr_t)buf);
    close(fd);
    if ( rc < 0 )
    {
        fprintf(stderr, "pageone-ctl: pageone_op %u: %s\n", cmd,
                strerror(errno));
        exit(1);
    }
    return rc;
}

/* Every field of the ABI's statistics table, prefixed with p. */
static void print_stats(const char *p, const struct xen_pageone_stats *s)
{
#define PO_PRINT(n, kind, type, unit, desc) \
    printf(" %s" #n "=%lld", p, (long long)s->n);
    XEN_PAGEONE_STATS(PO_PRINT)
#undef PO_PRINT
}

static int kv(const char *arg, const char *key, unsigned long *val)
{
    size_t n = strlen(key);
    char *end;

    if ( strncmp(arg, key, n) || arg[n] != '=' )
        return 0;
    *val = strtoul(arg + n + 1, &end, 0);
    if ( *end || end == arg + n + 1 )
    {
        fprintf(stderr, "pageone-ctl: bad value in '%s'\n", arg);
        exit(2);
    }
    return 1;
}

/* A domid: decimal, not empty, below DOMID_FIRST_RESERVED. */
static domid_t parse_domid(const char *arg)
{
    unsigned long v;
    char *end;

    v = strtoul(arg, &end, 10);
    if ( !*arg || *end || v >= DOMID_FIRST_RESERVED )
    {
        fprintf(stderr, "pageone-ctl: bad domid '%s'\n", arg);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    int i;

    if ( argc < 2 || !strcmp(argv[1], "-h") )
    {
        fprintf(stderr, "usage: pageone-ctl info | set [run=0|1] "
                "[budget=PCT] [period=MS] [group=ID] | dom DOMID "
                "[dedup=0|1] [group=ID] | audit DOMID...\n");
        return 2;
    }

    buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    if ( buf == MAP_FAILED )
    {
        perror("pageone-ctl: mmap");
        return 2;
    }
    memset(buf, 0, 4096);

    if ( !strcmp(argv[1], "info") )
    {
        struct xen_pageone_info *p = buf;

        hypercall(XEN_PAGEONE_OP_info);
        printf("info version=%u flags=%u budget=%u period=%u group=%u "
               "domains=%u full_scans=%llu idle_ms=%llu timer_ms=%llu "
               "meta_bytes=%llu sharing_saved=%llu",
               p->version, p->flags, p->budget_pct, p->period_ms,
               p->default_group, p->nr_domains,
               (unsigned long long)p->full_scans,
               (unsigned long long)p->idle_ns / 1000000,
               (unsigned long long)p->timer_ns / 1000000,
               (unsigned long long)p->meta_bytes,
               (unsigned long long)p->sharing_saved);
        print_stats("", &p->stats);
        printf("\n");
    }
    else if ( !strcmp(argv[1], "set") )
    {
        struct xen_pageone_set *s = buf;
        unsigned long v;

        for ( i = 2; i < argc; i++ )
        {
            if ( kv(argv[i], "run", &v) )
                s->mask |= XEN_PAGEONE_SET_RUN, s->run = v;
            else if ( kv(argv[i], "budget", &v) )
                s->mask |= XEN_PAGEONE_SET_BUDGET, s->budget_pct = v;
            else if ( kv(argv[i], "period", &v) )
                s->mask |= XEN_PAGEONE_SET_PERIOD, s->period_ms = v;
            else if ( kv(argv[i], "group", &v) )
                s->mask |= XEN_PAGEONE_SET_GROUP, s->default_group = v;
            else
            {
                fprintf(stderr, "pageone-ctl: unknown '%s'\n", argv[i]);
                return 2;
            }
        }
        hypercall(XEN_PAGEONE_OP_set);
    }
    else if ( !strcmp(argv[1], "dom") && argc >= 3 )
    {
        struct xen_pageone_domain *d = buf;
        unsigned long v;

        d->domid = parse_domid(argv[2]);
        for ( i = 3; i < argc; i++ )
        {
            if ( kv(argv[i], "dedup", &v) )
                d->mask |= XEN_PAGEONE_DSET_DEDUP,
                d->flags = v ? XEN_PAGEONE_D_DEDUP : 0;
            else if ( kv(argv[i], "group", &v) )
                d->mask |= XEN_PAGEONE_DSET_GROUP, d->group = v;
            else
            {
                fprintf(stderr, "pageone-ctl: unknown '%s'\n", argv[i]);
                return 2;
            }
        }
        hypercall(d->mask ? XEN_PAGEONE_OP_domain_set
                          : XEN_PAGEONE_OP_domain_get);
        printf("dom id=%u flags=%u group=%u nr_pages=%llu meta_bytes=%llu "
               "scanned=%llu merged=%llu zero_merged=%llu cow_breaks=%llu "
               "pages_shared=%llu zero_pages=%llu candidates=%llu "
               "shr_pages=%llu tot_pages=%llu",
               d->domid, d->flags, d->group,
               (unsigned long long)d->nr_pages,
               (unsigned long long)d->meta_bytes,
               (unsigned long long)d->scanned,
               (unsigned long long)d->merged,
               (unsigned long long)d->zero_merged,
               (unsigned long long)d->cow_breaks,
               (unsigned long long)d->pages_shared,
               (unsigned long long)d->zero_pages,
               (unsigned long long)d->candidates,
               (unsigned long long)d->shr_pages,
               (unsigned long long)d->tot_pages);
        print_stats("g_", &d->group_stats);
        printf("\n");
    }
    else if ( !strcmp(argv[1], "audit") && argc >= 3 &&
              argc - 2 <= XEN_PAGEONE_AUDIT_MAX_DOMS )
    {
        struct xen_pageone_audit *a = buf;

        a->nr_doms = argc - 2;
        for ( i = 2; i < argc; i++ )
            a->domids[i - 2] = parse_domid(argv[i]);
        hypercall(XEN_PAGEONE_OP_audit);
        printf("audit pages=%llu zero_pages=%llu distinct=%llu "
               "mergeable=%llu frames=%llu shared_gfns=%llu "
               "cross_nonzero=%llu cross_zero=%llu\n",
               (unsigned long long)a->pages,
               (unsigned long long)a->zero_pages,
               (unsigned long long)a->distinct,
               (unsigned long long)a->mergeable,
               (unsigned long long)a->frames,
               (unsigned long long)a->shared_gfns,
               (unsigned long long)a->cross_nonzero,
               (unsigned long long)a->cross_zero);
    }
    else
    {
        fprintf(stderr, "pageone-ctl: bad command (see -h)\n");
        return 2;
    }

    return 0;
}
