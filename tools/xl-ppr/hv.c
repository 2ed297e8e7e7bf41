/*
 * xl-ppr: the hypervisor interfaces.  ppr_op (hypercall 43) goes through
 * libxencall, with its argument and any buffer it points to in one
 * hypercall-safe page.
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

int xl_ppr_hv_get_policy(struct xl_ppr_hv *hv, domid_t domid,
                         struct xen_ppr_policy *p)
{
    struct xen_ppr_policy *arg = (void *)((char *)hv->buf + ARG_OFF);
    int rc;

    memset(arg, 0, sizeof(*arg));
    arg->domid = domid;
    rc = ppr_op(hv, XEN_PPROP_get_policy);
    if ( !rc )
        *p = *arg;
    return rc;
}

int xl_ppr_hv_set_policy(struct xl_ppr_hv *hv,
                         const struct xen_ppr_policy *p)
{
    struct xen_ppr_policy *arg = (void *)((char *)hv->buf + ARG_OFF);

    *arg = *p;
    arg->pad = 0;
    return ppr_op(hv, XEN_PPROP_set_policy);
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
    xl_ppr_dedup_probe(hv, h);
    return 0;
}

/*
 * PageONE: its hypervisor interface has not landed yet.  The knobs are
 * designed (dedup on/off, share group) and shown as not available until
 * it does; wire the probe and the per-domain calls here then.
 */
void xl_ppr_dedup_probe(struct xl_ppr_hv *hv, struct xl_ppr_host *h)
{
    memset(&h->dedup, 0, sizeof(h->dedup));
}

int xl_ppr_dedup_get(struct xl_ppr_hv *hv, domid_t domid,
                     struct xl_ppr_dedup *d)
{
    memset(d, 0, sizeof(*d));
    return -ENOSYS;
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
    case -EPROTO:
        return "the hypervisor's PPR interface has an unknown major version";
    case -EINVAL:
        return "the hypervisor rejected a value (EINVAL)";
    default:
        return strerror(-rc);
    }
}
