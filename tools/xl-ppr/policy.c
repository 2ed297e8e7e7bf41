/*
 * xl-ppr policy: show or change the reclaim and dedup policy of a domain
 * or of the domains to come (--default), or the host's watermarks
 * (--host).  Everything is checked before the one call that changes it.
 */

#include <errno.h>
#include <string.h>

#include "cmds.h"
#include "output.h"

int xl_ppr_check_knobs(const struct xl_ppr_host *h,
                       const struct xl_ppr_policy_opts *o, int is_default,
                       const char *what)
{
    int k;

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
    {
        enum xl_ppr_scope scope = xl_ppr_key_scope(k);

        if ( !o->set[k] )
            continue;
        if ( scope == XL_PPR_SCOPE_DEDUP && !h->dedup.avail )
        {
            fprintf(stderr, "xl-ppr: --%s: dedup is not available (%s); "
                    "%s\n", xl_ppr_key_option(k),
                    h->dedup.compiled ? "PageONE disabled, pageone=0"
                                      : "hypervisor without PageONE", what);
            return XL_PPR_ERR_ENV;
        }
        if ( scope == XL_PPR_SCOPE_PPR && h->ppr != XL_PPR_ENABLED )
        {
            fprintf(stderr, "xl-ppr: --%s: %s; %s\n", xl_ppr_key_option(k),
                    xl_ppr_strerror(h->ppr == XL_PPR_DISABLED ? -EOPNOTSUPP
                                                               : -ENOSYS),
                    what);
            return XL_PPR_ERR_ENV;
        }
        if ( k == XL_PPR_KEY_DEDUP && is_default )
        {
            fprintf(stderr, "xl-ppr: --dedup: PageONE has no default for "
                    "new domains (use --share-group); %s\n", what);
            return XL_PPR_ERR_USAGE;
        }
    }
    return 0;
}

/*
 * Apply O to domain DOMID (or the defaults, DOMID_INVALID) in at most two
 * hypervisor calls, dedup first; if the PPR call then fails, the dedup
 * settings are put back.  D holds the current values.
 */
int xl_ppr_apply_opts(struct xl_ppr_hv *hv, struct xl_ppr_dom *d,
                      const struct xl_ppr_policy_opts *o)
{
    int ppr = xl_ppr_opts_scope(o, XL_PPR_SCOPE_PPR);
    int sd = o->set[XL_PPR_KEY_DEDUP], sg = o->set[XL_PPR_KEY_SHARE_GROUP];
    struct xen_ppr_policy p = d->policy;
    char err[XL_PPR_ERR_LEN];
    int rc;

    if ( ppr )
    {
        xl_ppr_policy_apply(o, &p);
        p.domid = d->domid;
        if ( xl_ppr_policy_check(&p, err, sizeof(err)) )
        {
            fprintf(stderr, "xl-ppr: %s; nothing changed\n", err);
            return XL_PPR_ERR_USAGE;
        }
    }

    if ( d->domid == DOMID_INVALID && sg )
        rc = xl_ppr_dedup_set_default_group(hv, o->group_id);
    else if ( sd || sg )
        rc = xl_ppr_dedup_set(hv, d->domid, sd, o->dedup, sg, o->group_id);
    else
        rc = 0;
    if ( rc )
        return xl_ppr_hv_error("set the dedup policy", d->name, rc);

    if ( ppr && (rc = xl_ppr_hv_set_policy(hv, &p)) )
    {
        if ( d->domid == DOMID_INVALID && sg )
            xl_ppr_dedup_set_default_group(hv, d->dedup.group);
        else if ( sd || sg )
            xl_ppr_dedup_set(hv, d->domid, sd, d->dedup.on, sg,
                             d->dedup.group);
        return xl_ppr_hv_error("set the policy", d->name, rc);
    }
    return 0;
}

/* ------------------------------------------------------------ --host */

static int host_policy(struct xl_ppr_session *s,
                       const struct xl_ppr_policy_opts *o)
{
    struct xen_mem_pressure p;
    xc_physinfo_t pi = { 0 };
    char err[XL_PPR_ERR_LEN];
    int rc = xl_ppr_hv_get_pressure(&s->hv, &p);

    if ( rc == -ENOSYS || rc == -EINVAL )
    {
        fprintf(stderr, "xl-ppr: the hypervisor has no memory watermarks "
                "(%s)\n", rc == -ENOSYS ? "no ppr_op"
                                        : "no XEN_PPROP_get_pressure");
        return XL_PPR_ERR_ENV;
    }
    if ( rc )
        return xl_ppr_hv_error("read the watermarks", "the host", rc);
    if ( !xl_ppr_opts_any(o) )
    {
        xl_ppr_print_pressure(stdout, &p, 1);
        return 0;
    }

    if ( xc_physinfo(s->xch, &pi) )
    {
        fprintf(stderr, "xl-ppr: XEN_SYSCTL_physinfo failed: %s\n",
                strerror(errno));
        return XL_PPR_ERR_XEN;
    }
    if ( xl_ppr_wmark_apply(o, &p, pi.total_pages, err, sizeof(err)) )
    {
        fprintf(stderr, "xl-ppr: %s; nothing changed\n", err);
        return XL_PPR_ERR_USAGE;
    }
    rc = xl_ppr_hv_set_pressure(&s->hv, &p);
    return rc ? xl_ppr_hv_error("set the watermarks", "the host", rc) : 0;
}

/* ------------------------------------------------------------ domains */

/* The current PPR and dedup policy of D (domid and name set). */
static int read_policy(struct xl_ppr_session *s, struct xl_ppr_dom *d,
                       int is_default)
{
    int rc;

    if ( s->h.ppr == XL_PPR_ENABLED )
    {
        rc = xl_ppr_hv_get_policy(&s->hv, d->domid, &d->policy);
        if ( rc )
            return xl_ppr_hv_error("read the policy", d->name, rc);
        d->have_policy = 1;
    }
    if ( !s->h.dedup.avail )
        return 0;
    if ( is_default )
    {
        d->dedup.avail = 1;
        d->dedup.on = 1;
        rc = xl_ppr_dedup_get_default_group(&s->hv, &d->dedup.group);
    }
    else
        rc = xl_ppr_dedup_get(&s->hv, d->domid, &d->dedup);
    return rc ? xl_ppr_hv_error("read the dedup policy", d->name, rc) : 0;
}

int xl_ppr_cmd_policy(const union xl_ppr_args *u)
{
    const struct xl_ppr_policy_args *a = &u->policy;
    struct xl_ppr_session s;
    struct xl_ppr_dom d;
    int rc;

    /* The host's watermarks are answered whether PPR is on or not. */
    rc = xl_ppr_open(&s, a->is_host ? XL_PPR_WITH_HV | XL_PPR_WITH_XC
                     : XL_PPR_NEED_ENGINE |
                       (a->is_default ? 0 : XL_PPR_WITH_CTX));
    if ( rc )
        return rc;
    if ( a->is_host )
    {
        rc = host_policy(&s, &a->opts);
        goto out;
    }

    /* The hypervisor has what the options need, and the domain exists. */
    memset(&d, 0, sizeof(d));
    d.domid = DOMID_INVALID;
    rc = xl_ppr_check_knobs(&s.h, &a->opts, a->is_default,
                            "nothing changed");
    if ( !rc && a->is_default )
        strcpy(d.name, "(default)");
    else if ( !rc )
        rc = xl_ppr_find_domain(s.ctx, a->domain, &d.domid);
    if ( rc )
        goto out;
    if ( !a->is_default )
        xl_ppr_dom_name(s.ctx, d.domid, d.name, sizeof(d.name));

    rc = read_policy(&s, &d, a->is_default);
    if ( rc )
        goto out;
    if ( xl_ppr_opts_any(&a->opts) )
        rc = xl_ppr_apply_opts(&s.hv, &d, &a->opts);
    else
        xl_ppr_print_policy(stdout, &d, 1);

 out:
    xl_ppr_close(&s);
    return rc;
}
