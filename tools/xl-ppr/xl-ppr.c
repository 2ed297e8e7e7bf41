/*
 * xl-ppr: xl-style control of Dynamic VM's memory engines (PPR reclaim and
 * PageONE dedup) and of the host's memory watermarks.
 *
 * main() finds the verb in the command table (cmdtable.c), parses its
 * whole command line (parse.c) and runs it; the helpers below are what
 * the verbs share.  Domains are named or numbered as in xl (libxl
 * resolves them); the hypercalls go through libxencall (hv.c).  See
 * docs/man/xl-ppr.1.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl_utils.h>

#include "cmds.h"

/* ------------------------------------------------------------ session */

const char *xl_ppr_env_problem(void)
{
    if ( access("/proc/xen/privcmd", F_OK) &&
         access("/dev/xen/privcmd", F_OK) )
        return "not running on Xen (no privcmd device)";
    if ( geteuid() != 0 )
        return "must be run as root";
    return NULL;
}

static int open_xc(struct xl_ppr_session *s)
{
    s->xch = xc_interface_open(NULL, NULL, 0);
    if ( s->xch )
        return 0;
    fprintf(stderr, "xl-ppr: cannot open the hypervisor interface: %s\n",
            strerror(errno));
    return XL_PPR_ERR_ENV;
}

/* libxencall and the probe.  NEED: PPR or PageONE must be enabled. */
static int open_hv(struct xl_ppr_session *s, int need)
{
    int rc = xl_ppr_hv_open(&s->hv);

    if ( rc )
    {
        fprintf(stderr, "xl-ppr: cannot open the hypercall interface: %s\n",
                strerror(-rc));
        return XL_PPR_ERR_ENV;
    }
    rc = xl_ppr_hv_probe(&s->hv, &s->h);
    if ( need && s->h.ppr != XL_PPR_ENABLED && !s->h.dedup.avail )
    {
        fprintf(stderr, "xl-ppr: %s\n",
                xl_ppr_strerror(s->h.ppr == XL_PPR_DISABLED ? -EOPNOTSUPP
                                                             : rc));
        return XL_PPR_ERR_ENV;
    }
    return 0;
}

int xl_ppr_open_ctx(struct xl_ppr_session *s)
{
    s->logger = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    if ( !libxl_ctx_alloc(&s->ctx, LIBXL_VERSION, 0,
                          (xentoollog_logger *)s->logger) )
        return 0;
    s->ctx = NULL;
    fprintf(stderr, "xl-ppr: cannot initialise libxl\n");
    return XL_PPR_ERR_ENV;
}

int xl_ppr_open(struct xl_ppr_session *s, unsigned int what)
{
    const char *why = xl_ppr_env_problem();
    int rc = 0;

    memset(s, 0, sizeof(*s));
    if ( why )
    {
        fprintf(stderr, "xl-ppr: %s\n", why);
        return XL_PPR_ERR_ENV;
    }
    if ( what & XL_PPR_WITH_XC )
        rc = open_xc(s);
    if ( !rc && (what & (XL_PPR_WITH_HV | XL_PPR_NEED_ENGINE)) )
        rc = open_hv(s, what & XL_PPR_NEED_ENGINE);
    if ( !rc && (what & XL_PPR_WITH_CTX) )
        rc = xl_ppr_open_ctx(s);
    if ( rc )
        xl_ppr_close(s);
    return rc;
}

void xl_ppr_close(struct xl_ppr_session *s)
{
    if ( s->ctx )
        libxl_ctx_free(s->ctx);
    if ( s->logger )
        xtl_logger_destroy((xentoollog_logger *)s->logger);
    xl_ppr_hv_close(&s->hv);
    if ( s->xch )
        xc_interface_close(s->xch);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ errors */

int xl_ppr_hv_error(const char *what, const char *name, int rc)
{
    fprintf(stderr, "xl-ppr: cannot %s of %s: %s\n", what, name,
            xl_ppr_strerror(rc));
    return rc == -ESRCH ? XL_PPR_ERR_NODOM : XL_PPR_ERR_XEN;
}

int xl_ppr_find_domain(libxl_ctx *ctx, const char *q, uint32_t *domid)
{
    libxl_dominfo info;
    int rc = libxl_domain_qualifier_to_domid(ctx, q, domid);

    if ( !rc )
    {
        libxl_dominfo_init(&info);
        rc = libxl_domain_info(ctx, &info, *domid);
        libxl_dominfo_dispose(&info);
    }
    if ( !rc )
        return 0;
    fprintf(stderr, "xl-ppr: no such domain '%s'\n", q);
    return XL_PPR_ERR_NODOM;
}

void xl_ppr_dom_name(libxl_ctx *ctx, uint32_t domid, char *buf, size_t len)
{
    char *n = libxl_domid_to_name(ctx, domid);

    snprintf(buf, len, "%s", n ? n : "(unknown)");
    free(n);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    const struct xl_ppr_cmd *c;
    union xl_ppr_args a;
    char err[XL_PPR_ERR_LEN];
    int rc;

    if ( argc < 2 )
    {
        xl_ppr_usage_main(stderr);
        return XL_PPR_ERR_USAGE;
    }
    c = xl_ppr_cmd_find(!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")
                        ? "help" : argv[1]);
    if ( !c )
    {
        fprintf(stderr, "xl-ppr: unknown verb '%s' (try `xl-ppr help`)\n",
                argv[1]);
        return XL_PPR_ERR_USAGE;
    }

    /* The whole command line is valid, or nothing happens. */
    rc = c->parse(argc - 1, argv + 1, &a, err, sizeof(err));
    if ( rc == XL_PPR_ARGS_HELP )
    {
        printf("%s", c->usage);
        return 0;
    }
    if ( rc )
    {
        fprintf(stderr, "xl-ppr %s: %s (try `xl-ppr %s -h`)\n", c->name, err,
                c->name);
        return XL_PPR_ERR_USAGE;
    }
    return c->run(&a);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
