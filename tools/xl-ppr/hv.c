/*
 * xl-ppr: the hypervisor interfaces.  ppr_op and pageone_op (their
 * numbers come from abi/) go through libxencall, with the argument and any
 * buffer it points to in one hypercall-safe page.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xencall.h>

#include "hv.h"

#define ARG_OFF    0
#define STATS_OFF  256

int xl_ppr_hv_open(struct xl_ppr_hv *hv)
{
    hv->xcall = xencall_open(NULL, XENCALL_OPENFLAG_NON_REENTRANT);
    if ( !hv->xcall )
        return -errno;
    hv->buf = xencall_alloc_buffer_pages(hv->xcall, 1);
    if ( !hv->buf )
    {
        int rc = -errno;

        xencall_close(hv->xcall);
        hv->xcall = NULL;
        return rc;
    }
    return 0;
}

void xl_ppr_hv_close(struct xl_ppr_hv *hv)
{
    if ( !hv->xcall )
        return;
    xencall_free_buffer_pages(hv->xcall, hv->buf, 1);
    xencall_close(hv->xcall);
    hv->xcall = NULL;
}

/* ppr_op(cmd, buf + ARG_OFF): 0 or -errno. */
static int ppr_op(struct xl_ppr_hv *hv, unsigned int cmd)
{
    int rc = xencall2(hv->xcall, __HYPERVISOR_ppr_op, cmd,
                      (uint64_t)(uintptr_t)((char *)hv->buf + ARG_OFF));

    return rc < 0 ? -errno : rc;
}

int xl_ppr_hv_query(struct xl_ppr_hv *hv, struct xen_ppr_query *q)
{
    int rc;

    memset(hv->buf, 0, sizeof(*q));
    rc = ppr_op(hv, XEN_PPROP_query);
    memcpy(q, hv->buf, sizeof(*q));
    return rc;
}

int xl_ppr_hv_get_stats(struct xl_ppr_hv *hv, domid_t domid,
                        struct xen_ppr_stats *s)
{
    struct xen_ppr_get_stats *gs = (void *)((char *)hv->buf + ARG_OFF);
    struct xen_ppr_stats *out = (void *)((char *)hv->buf + STATS_OFF);
    int rc;

    memset(hv->buf, 0, STATS_OFF + sizeof(*out));
    gs->domid = domid;
    gs->size = sizeof(*out);
    set_xen_guest_handle(gs->stats, out);
    rc = ppr_op(hv, XEN_PPROP_get_stats);
    memset(s, 0, sizeof(*s));
    if ( !rc )
        memcpy(s, out, out->size < sizeof(*s) ? out->size : sizeof(*s));
    return rc;
}

/*
 * ppr_op(CMD) on a copy of LEN bytes of IN (zeroes if NULL); on success
 * the argument as the hypervisor left it is copied to OUT (if not NULL).
 */
static int ppr_io(struct xl_ppr_hv *hv, unsigned int cmd, const void *in,
                  size_t len, void *out)
{
    void *arg = (char *)hv->buf + ARG_OFF;
    int rc;

    if ( in )
        memcpy(arg, in, len);
    else
        memset(arg, 0, len);
    rc = ppr_op(hv, cmd);
    if ( !rc && out )
        memcpy(out, arg, len);
    return rc;
}

int xl_ppr_hv_get_policy(struct xl_ppr_hv *hv, domid_t domid,
                         struct xen_ppr_policy *p)
{
    struct xen_ppr_policy q = { .domid = domid };

    return ppr_io(hv, XEN_PPROP_get_policy, &q, sizeof(q), p);
}

int xl_ppr_hv_set_policy(struct xl_ppr_hv *hv,
                         const struct xen_ppr_policy *p)
{
    struct xen_ppr_policy q = *p;

    q.pad = 0;
    return ppr_io(hv, XEN_PPROP_set_policy, &q, sizeof(q), NULL);
}

int xl_ppr_hv_get_pressure(struct xl_ppr_hv *hv, struct xen_mem_pressure *p)
{
    return ppr_io(hv, XEN_PPROP_get_pressure, NULL, sizeof(*p), p);
}

int xl_ppr_hv_set_pressure(struct xl_ppr_hv *hv,
                           const struct xen_mem_pressure *p)
{
    /* The call reads the watermarks; the rest is output, sent as 0. */
    struct xen_mem_pressure q = { .min_pages = p->min_pages,
                                  .low_pages = p->low_pages,
                                  .high_pages = p->high_pages };

    return ppr_io(hv, XEN_PPROP_set_pressure, &q, sizeof(q), NULL);
}

/*
 * What the hypervisor offers.  query reports features only to a HAP guest
 * (the dom0 toolstack is PV: it gets -EOPNOTSUPP with the version filled
 * in), so: -ENOSYS means no PPR; otherwise reading the default policy
 * tells enabled (0) from disabled (-EOPNOTSUPP, ppr=0).
 */
int xl_ppr_hv_probe(struct xl_ppr_hv *hv, struct xl_ppr_host *h)
{
    struct xen_ppr_query q;
    int rc;

    memset(h, 0, sizeof(*h));
    xl_ppr_dedup_probe(hv, h);
    rc = xl_ppr_hv_query(hv, &q);
    if ( rc == -ENOSYS || (rc && !q.version) )
    {
        h->ppr = XL_PPR_ABSENT;
        return rc ? rc : -ENOSYS;
    }
    h->version = q.version;
    if ( XEN_PPR_VERSION_MAJOR(q.version) !=
         XEN_PPR_VERSION_MAJOR(XEN_PPR_INTERFACE_VERSION) )
    {
        h->ppr = XL_PPR_ABSENT;
        return -EPROTO;
    }
    h->ppr = XL_PPR_DISABLED;
    rc = xl_ppr_hv_get_policy(hv, DOMID_INVALID, &h->defpol);
    if ( !rc )
    {
        h->ppr = XL_PPR_ENABLED;
        h->have_policy = 1;
        h->have_stats = !xl_ppr_hv_get_stats(hv, DOMID_XEN, &h->totals);
    }
    return 0;
}

/* ------------------------------------------------------------ PageONE */

static int pageone_op(struct xl_ppr_hv *hv, unsigned int cmd)
{
    int rc = xencall2(hv->xcall, __HYPERVISOR_pageone_op, cmd,
                      (uint64_t)(uintptr_t)((char *)hv->buf + ARG_OFF));

    return rc < 0 ? -errno : rc;
}

/*
 * XEN_PAGEONE_OP_info answers whenever the hypervisor has the hypercall (also
 * when booted with pageone=0: then without XEN_PAGEONE_F_ENABLED).
 */
void xl_ppr_dedup_probe(struct xl_ppr_hv *hv, struct xl_ppr_host *h)
{
    struct xen_pageone_info *info = hv->buf;
    struct xl_ppr_dedup *d = &h->dedup;

    memset(d, 0, sizeof(*d));
    memset(info, 0, sizeof(*info));
    if ( pageone_op(hv, XEN_PAGEONE_OP_info) ||
         info->version != XEN_PAGEONE_INTERFACE_VERSION )
        return;
    d->compiled = 1;
    d->avail = !!(info->flags & XEN_PAGEONE_F_ENABLED);
    d->on = !!(info->flags & XEN_PAGEONE_F_RUNNING);
    d->cpu_ns = info->idle_ns + info->timer_ns;
    d->stats = info->stats;
}

static void dedup_fill(const struct xen_pageone_domain *o,
                       struct xl_ppr_dedup *d)
{
    memset(d, 0, sizeof(*d));
    d->compiled = d->avail = 1;
    d->on = !!(o->flags & XEN_PAGEONE_D_DEDUP);
    d->merged = o->pages_shared + o->zero_pages;
    d->shared = o->pages_shared;
    d->zero = o->zero_pages;
    d->group = o->group;
    d->stats = o->group_stats;
}

int xl_ppr_dedup_get(struct xl_ppr_hv *hv, domid_t domid,
                     struct xl_ppr_dedup *d)
{
    struct xen_pageone_domain *o = hv->buf;
    int rc;

    memset(o, 0, sizeof(*o));
    o->domid = domid;
    rc = pageone_op(hv, XEN_PAGEONE_OP_domain_get);
    if ( rc )
    {
        memset(d, 0, sizeof(*d));
        return rc;
    }
    dedup_fill(o, d);
    return 0;
}

int xl_ppr_dedup_set(struct xl_ppr_hv *hv, domid_t domid, int set_dedup,
                     int dedup, int set_group, uint32_t group)
{
    struct xen_pageone_domain *o = hv->buf;

    memset(o, 0, sizeof(*o));
    o->domid = domid;
    if ( set_dedup )
    {
        o->mask |= XEN_PAGEONE_DSET_DEDUP;
        o->flags = dedup ? XEN_PAGEONE_D_DEDUP : 0;
    }
    if ( set_group )
    {
        o->mask |= XEN_PAGEONE_DSET_GROUP;
        o->group = group;
    }
    return pageone_op(hv, XEN_PAGEONE_OP_domain_set);
}

int xl_ppr_dedup_get_default_group(struct xl_ppr_hv *hv, uint32_t *group)
{
    struct xen_pageone_info *info = hv->buf;
    int rc;

    memset(info, 0, sizeof(*info));
    rc = pageone_op(hv, XEN_PAGEONE_OP_info);
    if ( !rc )
        *group = info->default_group;
    return rc;
}

int xl_ppr_dedup_set_default_group(struct xl_ppr_hv *hv, uint32_t group)
{
    struct xen_pageone_set *st = hv->buf;

    memset(st, 0, sizeof(*st));
    st->mask = XEN_PAGEONE_SET_GROUP;
    st->default_group = group;
    return pageone_op(hv, XEN_PAGEONE_OP_set);
}

const char *xl_ppr_strerror(int rc)
{
    switch ( rc )
    {
    case -ENOSYS:
        return "the hypervisor has no PPR (no ppr_op: stock Xen, or "
               "CONFIG_PPR=n)";
    case -EOPNOTSUPP:
        return "PPR is disabled in the hypervisor (ppr=0)";
    case -EPERM:
        return "permission denied by the hypervisor";
    case -ESRCH:
        return "no such domain";
    case -ENOSPC:
        return "no free share group slot in the hypervisor";
    case -EBUSY:
        return "the domain is dying";
    case -EPROTO:
        return "the hypervisor's PPR interface has an unknown major version";
    case -EINVAL:
        return "the hypervisor rejected a value (EINVAL)";
    default:
        return strerror(-rc);
    }
}
