/*
 * pageone-ctl: minimal dom0 client of the PageONE hypercall (pageone_op,
 * xen/overlay/xen/include/public/pageone.h) and of xenstore reads, for the
 * osstest jobs.  Static, no Xen libraries: it is built with the guest tools
 * and dom0 takes it out of the guest initramfs.  The policy tool for
 * operators is xl-ppr; this one prints key=value lines for scripts.
 *
 *   pageone-ctl info
 *   pageone-ctl set [run=0|1] [budget=PCT] [period=MS] [group=ID]
 *   pageone-ctl dom DOMID [dedup=0|1] [group=ID]
 *   pageone-ctl audit DOMID...
 *   pageone-ctl xsread PATH
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- ABI (mirrors public/pageone.h, version 1) ---- */
#define HYPERVISOR_pageone_op   44
#define OP_info                 0
#define OP_set                  1
#define OP_domain_get           2
#define OP_domain_set           3
#define OP_audit                4
#define SET_RUN                 (1u << 0)
#define SET_BUDGET              (1u << 1)
#define SET_PERIOD              (1u << 2)
#define SET_GROUP               (1u << 3)
#define D_DEDUP                 (1u << 0)
#define DSET_DEDUP              (1u << 0)
#define DSET_GROUP              (1u << 1)
#define AUDIT_MAX               16

struct po_stats {
    uint64_t scanned, hashed, merged, zero_merged, cow_breaks, collisions,
             merge_failed, busy, candidates, shared_frames, pages_shared,
             zero_pages;
    int64_t frames_saved;
};

struct po_info {
    uint32_t version, flags, budget_pct, period_ms, default_group,
             nr_domains;
    uint64_t full_scans, idle_ns, timer_ns, meta_bytes, sharing_saved;
    struct po_stats stats;
};

struct po_set {
    uint32_t mask, run, budget_pct, period_ms, default_group, pad;
};

struct po_domain {
    uint16_t domid, pad;
    uint32_t mask, flags, group;
    uint64_t nr_pages, meta_bytes, scanned, merged, zero_merged, cow_breaks,
             pages_shared, zero_pages, candidates, shr_pages, tot_pages;
    struct po_stats group_stats;
};

struct po_audit {
    uint32_t nr_doms, pad;
    uint16_t domids[AUDIT_MAX];
    uint64_t pages, zero_pages, distinct, mergeable, frames, shared_gfns,
             cross_nonzero, cross_zero;
};

_Static_assert(sizeof(struct po_stats) == 104, "stats layout");
_Static_assert(sizeof(struct po_info) == 168, "info layout");
_Static_assert(sizeof(struct po_domain) == 208, "domain layout");
_Static_assert(sizeof(struct po_audit) == 104, "audit layout");

/* ---- privcmd ---- */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static void *buf;

static long hypercall(unsigned int cmd)
{
    struct privcmd_hypercall h = {
        .op = HYPERVISOR_pageone_op,
        .arg = { cmd, (uint64_t)(uintptr_t)buf },
    };
    int fd = open("/dev/xen/privcmd", O_RDWR);
    long rc;

    if ( fd < 0 )
    {
        perror("pageone-ctl: /dev/xen/privcmd");
        exit(2);
    }
    rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
    close(fd);
    if ( rc < 0 )
    {
        fprintf(stderr, "pageone-ctl: pageone_op %u: %s\n", cmd,
                strerror(errno));
        exit(1);
    }
    return rc;
}

static void print_stats(const char *p, const struct po_stats *s)
{
    printf(" %sscanned=%llu %shashed=%llu %smerged=%llu %szero_merged=%llu"
           " %scow_breaks=%llu %scollisions=%llu %smerge_failed=%llu"
           " %sbusy=%llu %scandidates=%llu %sshared_frames=%llu"
           " %spages_shared=%llu %szero_pages=%llu %sframes_saved=%lld",
           p, (unsigned long long)s->scanned, p,
           (unsigned long long)s->hashed, p, (unsigned long long)s->merged,
           p, (unsigned long long)s->zero_merged, p,
           (unsigned long long)s->cow_breaks, p,
           (unsigned long long)s->collisions, p,
           (unsigned long long)s->merge_failed, p,
           (unsigned long long)s->busy, p,
           (unsigned long long)s->candidates, p,
           (unsigned long long)s->shared_frames, p,
           (unsigned long long)s->pages_shared, p,
           (unsigned long long)s->zero_pages, p, (long long)s->frames_saved);
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

/* A domid: decimal, not empty, below DOMID_FIRST_RESERVED (0x7ff0). */
static uint16_t parse_domid(const char *arg)
{
    unsigned long v;
    char *end;

    v = strtoul(arg, &end, 10);
    if ( !*arg || *end || v >= 0x7ff0 )
    {
        fprintf(stderr, "pageone-ctl: bad domid '%s'\n", arg);
        exit(2);
    }
    return v;
}

static int xsread(const char *path)
{
    static const char *socks[] = { "/var/run/xenstored/socket",
                                   "/run/xenstored/socket" };
    struct { uint32_t type, req_id, tx_id, len; } hdr;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char reply[4096];
    unsigned int i;
    int fd = -1;

    for ( i = 0; i < 2 && fd < 0; i++ )
    {
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        strncpy(sa.sun_path, socks[i], sizeof(sa.sun_path) - 1);
        if ( fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
        {
            close(fd);
            fd = -1;
        }
    }
    if ( fd < 0 )
    {
        perror("pageone-ctl: xenstored socket");
        return 2;
    }
    hdr.type = 2;       /* XS_READ */
    hdr.req_id = 1;
    hdr.tx_id = 0;
    hdr.len = strlen(path) + 1;
    if ( write(fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
         write(fd, path, hdr.len) != (ssize_t)hdr.len ||
         read(fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
         hdr.len >= sizeof(reply) )
    {
        fprintf(stderr, "pageone-ctl: xenstore i/o error\n");
        return 2;
    }
    for ( i = 0; i < hdr.len; )
    {
        ssize_t r = read(fd, reply + i, hdr.len - i);

        if ( r <= 0 )
            return 2;
        i += r;
    }
    reply[hdr.len] = 0;
    close(fd);
    if ( hdr.type != 2 )
    {
        fprintf(stderr, "pageone-ctl: xenstore: %s\n", reply);
        return 1;
    }
    printf("%s\n", reply);
    return 0;
}

int main(int argc, char **argv)
{
    int i;

    if ( argc < 2 || !strcmp(argv[1], "-h") )
    {
        fprintf(stderr, "usage: pageone-ctl info | set [run=0|1] "
                "[budget=PCT] [period=MS] [group=ID] | dom DOMID "
                "[dedup=0|1] [group=ID] | audit DOMID... | xsread PATH\n");
        return 2;
    }
    if ( !strcmp(argv[1], "xsread") && argc == 3 )
        return xsread(argv[2]);

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
        struct po_info *p = buf;

        hypercall(OP_info);
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
        struct po_set *s = buf;
        unsigned long v;

        for ( i = 2; i < argc; i++ )
        {
            if ( kv(argv[i], "run", &v) )
                s->mask |= SET_RUN, s->run = v;
            else if ( kv(argv[i], "budget", &v) )
                s->mask |= SET_BUDGET, s->budget_pct = v;
            else if ( kv(argv[i], "period", &v) )
                s->mask |= SET_PERIOD, s->period_ms = v;
            else if ( kv(argv[i], "group", &v) )
                s->mask |= SET_GROUP, s->default_group = v;
            else
            {
                fprintf(stderr, "pageone-ctl: unknown '%s'\n", argv[i]);
                return 2;
            }
        }
        hypercall(OP_set);
    }
    else if ( !strcmp(argv[1], "dom") && argc >= 3 )
    {
        struct po_domain *d = buf;
        unsigned long v;

        d->domid = parse_domid(argv[2]);
        for ( i = 3; i < argc; i++ )
        {
            if ( kv(argv[i], "dedup", &v) )
                d->mask |= DSET_DEDUP, d->flags = v ? D_DEDUP : 0;
            else if ( kv(argv[i], "group", &v) )
                d->mask |= DSET_GROUP, d->group = v;
            else
            {
                fprintf(stderr, "pageone-ctl: unknown '%s'\n", argv[i]);
                return 2;
            }
        }
        hypercall(d->mask ? OP_domain_set : OP_domain_get);
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
    else if ( !strcmp(argv[1], "audit") && argc >= 3 && argc - 2 <= AUDIT_MAX )
    {
        struct po_audit *a = buf;

        a->nr_doms = argc - 2;
        for ( i = 2; i < argc; i++ )
            a->domids[i - 2] = parse_domid(argv[i]);
        hypercall(OP_audit);
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
