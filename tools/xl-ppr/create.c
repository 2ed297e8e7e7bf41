/*
 * xl-ppr create: `xl create` with admission first (does the guest fit in
 * the free heap above the min watermark, or with what PPR can reclaim?)
 * and the ppr_* keys of its config set while it is still paused.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "cmds.h"
#include "config.h"

/* Run `xl ARGS...`; 0 if it exited 0. */
static int run_xl(char *const args[])
{
    pid_t pid = fork();
    int status;

    if ( pid < 0 )
        return -1;
    if ( !pid )
    {
        execvp("xl", args);
        fprintf(stderr, "xl-ppr: cannot run xl: %s\n", strerror(errno));
        _exit(127);
    }
    if ( waitpid(pid, &status, 0) < 0 )
        return -1;
    return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* The ppr_* keys of a config as the `policy` options they stand for. */
static void print_opts(FILE *f, const char *name,
                       const struct xl_ppr_policy_opts *o)
{
    int k;

    fprintf(f, "%s:", name);
    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
    {
        if ( !o->set[k] )
            continue;
        fprintf(f, " --%s ", xl_ppr_key_option(k));
        switch ( k )
        {
        case XL_PPR_KEY_RECLAIM:
            fprintf(f, "%s", o->reclaim ? "on" : "off");
            break;
        case XL_PPR_KEY_DEDUP:
            fprintf(f, "%s", o->dedup ? "on" : "off");
            break;
        case XL_PPR_KEY_SCAN_MS:
            fprintf(f, "%u", o->scan_ms);
            break;
        case XL_PPR_KEY_MIN_AGE:
            fprintf(f, "%u", o->min_age_ms);
            break;
        case XL_PPR_KEY_RESERVE:
            fprintf(f, "%" PRIu64, o->reserve_mib);
            break;
        case XL_PPR_KEY_SHARE_GROUP:
            fprintf(f, "%s", o->share_group);
            break;
        }
    }
    fprintf(f, "\n");
}

/* ------------------------------------------------------------ admission */

/*
 * What the host has for a new guest: the heap above min and PPR's
 * estimate of what its next passes reclaim.  A hypervisor without
 * watermarks has no min, and then physinfo says what is free.
 */
static int host_room(struct xl_ppr_session *s, struct xl_ppr_room *r)
{
    struct xen_mem_pressure p;
    xc_physinfo_t pi = { 0 };

    memset(r, 0, sizeof(*r));
    if ( s->h.have_stats )
        r->reclaimable = s->h.totals.free_last_pass;
    if ( !xl_ppr_hv_get_pressure(&s->hv, &p) )
    {
        r->free_pages = p.free_pages;
        r->min_pages = p.min_pages;
        return 0;
    }
    if ( xc_physinfo(s->xch, &pi) )
    {
        fprintf(stderr, "xl-ppr: XEN_SYSCTL_physinfo failed: %s\n",
                strerror(errno));
        return XL_PPR_ERR_XEN;
    }
    r->free_pages = pi.free_pages;
    return 0;
}

/*
 * The verdict on C: one line on stdout for a dry run, else on stderr if
 * it is not a plain fit.  0 to go on, or the exit code.
 */
static int admit(struct xl_ppr_session *s, const struct xl_ppr_cfg *c,
                 const struct xl_ppr_create_args *a)
{
    struct xl_ppr_admission ad;
    struct xl_ppr_room r;
    char line[XL_PPR_ERR_LEN];
    int rc = host_room(s, &r);

    if ( rc )
        return rc;
    xl_ppr_admit(xl_ppr_guest_pages(&c->guest), &r, &ad);
    xl_ppr_admission_str(line, sizeof(line), c->name, &ad);
    rc = ad.verdict == XL_PPR_NO_ROOM && !a->force ? XL_PPR_ERR_XEN : 0;

    if ( a->dry )
        printf("%s%s\n", line, ad.verdict == XL_PPR_NO_ROOM && a->force
                               ? " (--force: created anyway)" : "");
    else if ( rc )
        fprintf(stderr, "xl-ppr: %s; domain not created (--force to "
                "create it anyway)\n", line);
    else if ( ad.verdict != XL_PPR_FITS )
        fprintf(stderr, "xl-ppr: warning: %s%s\n", line,
                ad.verdict == XL_PPR_NO_ROOM ? "; created anyway (--force)"
                                             : "");
    return rc;
}

/* A dry run checks admission where it can, and the file anywhere. */
static int dry_run(const struct xl_ppr_cfg *c,
                   const struct xl_ppr_create_args *a)
{
    struct xl_ppr_session s;
    const char *why = xl_ppr_env_problem();
    int rc;

    print_opts(stdout, c->name, &c->opts);
    if ( why )
    {
        printf("%s: admission not checked: %s\n", c->name, why);
        return 0;
    }
    rc = xl_ppr_open(&s, XL_PPR_WITH_XC | XL_PPR_WITH_HV);
    if ( !rc )
        rc = admit(&s, c, a);
    xl_ppr_close(&s);
    return rc;
}

/* ------------------------------------------------------------ create */

/* Set C's ppr_* keys on the paused DOMID; on failure destroy it. */
static int set_policy(struct xl_ppr_session *s, const struct xl_ppr_cfg *c,
                      uint32_t domid, const char *id)
{
    struct xl_ppr_dom d = { .domid = domid };
    char *destroy[] = { "xl", "destroy", (char *)id, NULL };
    int rc = 0;

    if ( !xl_ppr_opts_any(&c->opts) )
        return 0;
    snprintf(d.name, sizeof(d.name), "%s", c->name);
    if ( s->h.ppr == XL_PPR_ENABLED )
        rc = xl_ppr_hv_get_policy(&s->hv, domid, &d.policy);
    if ( !rc && s->h.dedup.avail )
        rc = xl_ppr_dedup_get(&s->hv, domid, &d.dedup);
    rc = rc ? xl_ppr_hv_error("read the policy", c->name, rc)
            : xl_ppr_apply_opts(&s->hv, &d, &c->opts);
    if ( rc )
    {
        fprintf(stderr, "xl-ppr: domain %s destroyed\n", c->name);
        run_xl(destroy);
    }
    return rc;
}

int xl_ppr_cmd_create(const union xl_ppr_args *u)
{
    const struct xl_ppr_create_args *a = &u->create;
    struct xl_ppr_session s;
    struct xl_ppr_cfg c;
    struct xen_ppr_policy p;
    char err[XL_PPR_ERR_LEN], id[16];
    char *create[] = { "xl", "create", "-p", (char *)a->cfg, NULL };
    char *unpause[] = { "xl", "unpause", id, NULL };
    uint32_t domid;
    int rc;

    /* 1. The configuration and its ppr_* keys are valid. */
    if ( xl_ppr_read_config(a->cfg, &c, err, sizeof(err)) )
    {
        fprintf(stderr, "xl-ppr: %s\n", err);
        return XL_PPR_ERR_USAGE;
    }
    if ( a->dry )
        return dry_run(&c, a);

    /* 2. The hypervisor has what they need, and room for the guest. */
    rc = xl_ppr_open(&s, XL_PPR_WITH_XC | XL_PPR_WITH_HV);
    if ( rc )
        return rc;
    rc = xl_ppr_check_knobs(&s.h, &c.opts, 0, "domain not created");
    if ( !rc && s.h.ppr == XL_PPR_ENABLED )
    {
        p = s.h.defpol;
        xl_ppr_policy_apply(&c.opts, &p);
        if ( xl_ppr_policy_check(&p, err, sizeof(err)) )
        {
            fprintf(stderr, "xl-ppr: %s: %s; domain not created\n", a->cfg,
                    err);
            rc = XL_PPR_ERR_USAGE;
        }
    }
    if ( !rc )
        rc = admit(&s, &c, a);
    if ( rc )
        goto out;

    /* 3. Create it paused, so the guest registers under its policy. */
    if ( run_xl(create) )
    {
        fprintf(stderr, "xl-ppr: xl create %s failed\n", a->cfg);
        rc = XL_PPR_ERR_XEN;
        goto out;
    }
    rc = xl_ppr_open_ctx(&s);
    if ( rc )
        goto out;
    if ( libxl_name_to_domid(s.ctx, c.name, &domid) )
    {
        fprintf(stderr, "xl-ppr: domain %s not found after xl create\n",
                c.name);
        rc = XL_PPR_ERR_XEN;
        goto out;
    }
    snprintf(id, sizeof(id), "%u", domid);

    /* 4. Set the policy; on failure destroy the domain: no partial state. */
    rc = set_policy(&s, &c, domid, id);

    /* 5. Let it run. */
    if ( !rc && !a->paused && run_xl(unpause) )
    {
        fprintf(stderr, "xl-ppr: xl unpause %s failed\n", id);
        rc = XL_PPR_ERR_XEN;
    }

 out:
    xl_ppr_close(&s);
    return rc;
}
