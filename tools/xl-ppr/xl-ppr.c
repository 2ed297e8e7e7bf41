/*
 * xl-ppr: xl-style control of Dynamic VM's memory engines (PPR reclaim and
 * PageONE dedup).
 *
 *   xl-ppr info [-p]                      host-wide summary
 *   xl-ppr list [-l|-j] [domain...]       per-domain state
 *   xl-ppr policy <domain>|--default [--knob value...]
 *   xl-ppr top [-b] [-n N] [-d S]         refreshing view
 *   xl-ppr create [-p] [-n] <cfg>         xl create honouring ppr_* keys
 *
 * Domains are named or numbered as in xl (libxl resolves them); the PPR
 * hypercall goes through libxencall (hv.c).  See docs/man/xl-ppr.1.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <libxl.h>
#include <libxl_utils.h>

#include "xl-ppr.h"
#include "hv.h"
#include "config.h"

#define XL_PPR_OPTS_HELP \
    "  --reclaim on|off     scan and reclaim guest-freed pages\n" \
    "  --scan-ms N          scan period, 100..3600000 ms\n" \
    "  --min-age N          shortest time between passes, also under\n" \
    "                       memory pressure: 0 or 100..3600000 ms\n" \
    "  --reserve MiB        never reclaim while the domain holds this\n" \
    "                       much memory or less (0: no floor)\n" \
    "  --dedup on|off       PageONE deduplication (when available)\n" \
    "  --share-group NAME   PageONE share group, 1-31 of [A-Za-z0-9_.-]\n"

struct verb {
    const char *name, *summary, *usage;
    int (*fn)(int argc, char **argv);
};

static void usage_main(FILE *f);
static const char *usage_of(const char *verb);

/* ------------------------------------------------------------ helpers */

static int usage_error(const char *verb, const char *why)
{
    fprintf(stderr, "xl-ppr %s: %s (try `xl-ppr %s -h`)\n", verb, why,
            verb);
    return XL_PPR_ERR_USAGE;
}

static int check_env(void)
{
    if ( access("/proc/xen/privcmd", F_OK) &&
         access("/dev/xen/privcmd", F_OK) )
    {
        fprintf(stderr, "xl-ppr: not running on Xen (no privcmd device)\n");
        return XL_PPR_ERR_ENV;
    }
    if ( geteuid() != 0 )
    {
        fprintf(stderr, "xl-ppr: must be run as root\n");
        return XL_PPR_ERR_ENV;
    }
    return 0;
}

/*
 * check_env(), open libxencall and probe.  NEED: PPR or PageONE must be
 * enabled.
 */
static int open_hv(struct xl_ppr_hv *hv, struct xl_ppr_host *h, int need)
{
    int rc = check_env();

    if ( rc )
        return rc;
    rc = xl_ppr_hv_open(hv);
    if ( rc )
    {
        fprintf(stderr, "xl-ppr: cannot open the hypercall interface: %s\n",
                strerror(-rc));
        return XL_PPR_ERR_ENV;
    }
    rc = xl_ppr_hv_probe(hv, h);
    if ( need && h->ppr != XL_PPR_ENABLED && !h->dedup.avail )
    {
        fprintf(stderr, "xl-ppr: %s\n",
                xl_ppr_strerror(h->ppr == XL_PPR_DISABLED ? -EOPNOTSUPP
                                                           : rc));
        xl_ppr_hv_close(hv);
        return XL_PPR_ERR_ENV;
    }
    return 0;
}

static xentoollog_logger_stdiostream *logger;

static libxl_ctx *open_ctx(void)
{
    libxl_ctx *ctx = NULL;

    logger = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    if ( libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0,
                         (xentoollog_logger *)logger) )
    {
        fprintf(stderr, "xl-ppr: cannot initialise libxl\n");
        return NULL;
    }
    return ctx;
}

static void close_ctx(libxl_ctx *ctx)
{
    if ( ctx )
        libxl_ctx_free(ctx);
    if ( logger )
        xtl_logger_destroy((xentoollog_logger *)logger);
    logger = NULL;
}

/* Domain by name or id, as xl resolves it; it must exist. */
static int find_domain(libxl_ctx *ctx, const char *q, uint32_t *domid)
{
    libxl_dominfo info;
    int rc;

    if ( libxl_domain_qualifier_to_domid(ctx, q, domid) )
    {
        fprintf(stderr, "xl-ppr: no such domain '%s'\n", q);
        return XL_PPR_ERR_NODOM;
    }
    libxl_dominfo_init(&info);
    rc = libxl_domain_info(ctx, &info, *domid);
    libxl_dominfo_dispose(&info);
    if ( rc )
    {
        fprintf(stderr, "xl-ppr: no such domain '%s'\n", q);
        return XL_PPR_ERR_NODOM;
    }
    return 0;
}

static void dom_name(libxl_ctx *ctx, uint32_t domid, char *buf, size_t len)
{
    char *n = libxl_domid_to_name(ctx, domid);

    snprintf(buf, len, "%s", n ? n : "(unknown)");
    free(n);
}

/* PPR and dedup state of one domain; -ESRCH if it is gone. */
static int read_dom(struct xl_ppr_hv *hv, libxl_ctx *ctx,
                    const struct xl_ppr_host *h, const libxl_dominfo *di,
                    struct xl_ppr_dom *d)
{
    int rc;

    memset(d, 0, sizeof(*d));
    d->domid = di->domid;
    d->tot_pages = di->current_memkb / 4;
    dom_name(ctx, di->domid, d->name, sizeof(d->name));
    if ( h->ppr == XL_PPR_ENABLED )
    {
        rc = xl_ppr_hv_get_stats(hv, di->domid, &d->stats);
        if ( rc == -ESRCH )
            return rc;
        d->registered = !rc;
        rc = xl_ppr_hv_get_policy(hv, di->domid, &d->policy);
        if ( rc == -ESRCH )
            return rc;
        d->have_policy = !rc;
    }
    if ( h->dedup.avail &&
         xl_ppr_dedup_get(hv, di->domid, &d->dedup) == -ESRCH )
        return -ESRCH;
    return 0;
}

/*
 * Every domain (NDOMS == 0) or the named ones, in domid order.  Returns 0
 * with a malloc'ed array, or an exit code.
 */
static int gather(struct xl_ppr_hv *hv, libxl_ctx *ctx,
                  const struct xl_ppr_host *h, int ndoms, char **doms,
                  struct xl_ppr_dom **out, size_t *n)
{
    libxl_dominfo *info;
    struct xl_ppr_dom *d;
    uint32_t *want = NULL;
    int nb, i, j, rc = 0;

    *out = NULL;
    *n = 0;
    if ( ndoms )
    {
        want = calloc(ndoms, sizeof(*want));
        if ( !want )
            return XL_PPR_ERR_ENV;
        for ( i = 0; i < ndoms; i++ )
        {
            rc = find_domain(ctx, doms[i], &want[i]);
            if ( rc )
            {
                free(want);
                return rc;
            }
        }
    }

    info = libxl_list_domain(ctx, &nb);
    if ( !info )
    {
        fprintf(stderr, "xl-ppr: cannot list the domains\n");
        free(want);
        return XL_PPR_ERR_XEN;
    }
    d = calloc(nb ? nb : 1, sizeof(*d));
    if ( !d )
    {
        rc = XL_PPR_ERR_ENV;
        goto out;
    }
    for ( i = 0; i < nb; i++ )
    {
        if ( ndoms )
        {
            for ( j = 0; j < ndoms && want[j] != info[i].domid; j++ )
                ;
            if ( j == ndoms )
                continue;
        }
        if ( read_dom(hv, ctx, h, &info[i], &d[*n]) == 0 )
            (*n)++;
    }
    *out = d;

 out:
    libxl_dominfo_list_free(info, nb);
    free(want);
    return rc;
}

/* ------------------------------------------------------------ info */

static int cmd_info(int argc, char **argv)
{
    xc_interface *xch;
    xc_physinfo_t pi = { 0 };
    xen_extraversion_t extra = { 0 };
    char caps[XL_PPR_CAPS_LEN];
    struct xl_ppr_hv hv = { 0 };
    struct xl_ppr_host h;
    int pages_only = 0, i, rc, ver;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") )
        {
            printf("%s", usage_of("info"));
            return 0;
        }
        if ( !strcmp(argv[i], "-p") || !strcmp(argv[i], "--pages") )
            pages_only = 1;
        else
        {
            char why[XL_PPR_ERR_LEN];

            snprintf(why, sizeof(why), "unknown option '%s'", argv[i]);
            return usage_error("info", why);
        }
    }

    rc = check_env();
    if ( rc )
        return rc;
    xch = xc_interface_open(NULL, NULL, 0);
    if ( !xch )
    {
        fprintf(stderr, "xl-ppr: cannot open the hypervisor interface: %s\n",
                strerror(errno));
        return XL_PPR_ERR_ENV;
    }

    if ( xc_physinfo(xch, &pi) )
    {
        fprintf(stderr, "xl-ppr: XEN_SYSCTL_physinfo failed: %s\n",
                strerror(errno));
        xc_interface_close(xch);
        return XL_PPR_ERR_XEN;
    }

    if ( pages_only )
    {
        printf("%" PRIu64 "\n", (uint64_t)pi.free_pages);
        xc_interface_close(xch);
        return 0;
    }

    ver = xc_version(xch, XENVER_version, NULL);
    xc_version(xch, XENVER_extraversion, &extra);
    xl_ppr_format_caps(caps, sizeof(caps), pi.capabilities);

    printf("%-20s: %d.%d%s\n", "xen_version", ver >> 16, ver & 0xffff,
           extra);
    printf("%-20s: %s\n", "dynamicvm",
           strstr(extra, "dynamicvm") ? "yes" : "no (stock Xen)");
    printf("%-20s: %s\n", "virt_caps", caps);
    printf("%-20s: %u\n", "nr_cpus", pi.nr_cpus);
    printf("%-20s: %" PRIu64 "\n", "total_pages", (uint64_t)pi.total_pages);
    printf("%-20s: %" PRIu64 "\n", "free_pages", (uint64_t)pi.free_pages);
    printf("%-20s: %" PRIu64 "\n", "outstanding_pages",
           (uint64_t)pi.outstanding_pages);
    printf("%-20s: %" PRIu64 "\n", "total_memory_mib",
           (uint64_t)pi.total_pages >> 8);
    printf("%-20s: %" PRIu64 "\n", "free_memory_mib",
           (uint64_t)pi.free_pages >> 8);
    xc_interface_close(xch);

    rc = xl_ppr_hv_open(&hv);
    if ( rc )
    {
        fprintf(stderr, "xl-ppr: cannot open the hypercall interface: %s\n",
                strerror(-rc));
        return XL_PPR_ERR_ENV;
    }
    xl_ppr_hv_probe(&hv, &h);
    xl_ppr_print_host(stdout, &h);
    xl_ppr_hv_close(&hv);
    return 0;
}

/* ------------------------------------------------------------ list */

static int cmd_list(int argc, char **argv)
{
    struct xl_ppr_list_args a;
    struct xl_ppr_hv hv = { 0 };
    struct xl_ppr_host h;
    struct xl_ppr_dom *d = NULL;
    libxl_ctx *ctx;
    char err[XL_PPR_ERR_LEN];
    size_t n;
    int rc;

    if ( xl_ppr_parse_list_args(argc, argv, &a, err, sizeof(err)) )
        return usage_error("list", err);
    if ( a.help )
    {
        printf("%s", usage_of("list"));
        return 0;
    }
    rc = open_hv(&hv, &h, 1);
    if ( rc )
        return rc;
    ctx = open_ctx();
    if ( !ctx )
    {
        xl_ppr_hv_close(&hv);
        return XL_PPR_ERR_ENV;
    }
    rc = gather(&hv, ctx, &h, a.ndoms, a.doms, &d, &n);
    if ( !rc )
    {
        if ( a.json )
        {
            char *s = xl_ppr_json_list(d, n);

            if ( !s )
            {
                fprintf(stderr, "xl-ppr: cannot generate JSON\n");
                rc = XL_PPR_ERR_ENV;
            }
            else
                printf("%s\n", s);
            free(s);
        }
        else if ( a.lng )
            xl_ppr_print_long(stdout, d, n);
        else
            xl_ppr_print_list(stdout, d, n, h.dedup.avail);
    }
    free(d);
    close_ctx(ctx);
    xl_ppr_hv_close(&hv);
    return rc;
}

/* ------------------------------------------------------------ policy */

/* One line on stderr for a failed call about NAME; the exit code. */
static int hv_error(const char *what, const char *name, int rc)
{
    fprintf(stderr, "xl-ppr: cannot %s of %s: %s\n", what, name,
            xl_ppr_strerror(rc));
    return rc == -ESRCH ? XL_PPR_ERR_NODOM : XL_PPR_ERR_XEN;
}

/*
 * Is every knob of O available?  0, or an exit code after one line on
 * stderr naming the first knob that is not.
 */
static int check_knobs(const struct xl_ppr_host *h,
                       const struct xl_ppr_policy_opts *o, int is_default,
                       const char *what)
{
    int k;

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
    {
        int dedup = k == XL_PPR_KEY_DEDUP || k == XL_PPR_KEY_SHARE_GROUP;

        if ( !o->set[k] )
            continue;
        if ( dedup && !h->dedup.avail )
        {
            fprintf(stderr, "xl-ppr: --%s: dedup is not available (%s); "
                    "%s\n", xl_ppr_key_option(k),
                    h->dedup.compiled ? "PageONE disabled, pageone=0"
                                      : "hypervisor without PageONE", what);
            return XL_PPR_ERR_ENV;
        }
        if ( !dedup && h->ppr != XL_PPR_ENABLED )
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
static int apply_opts(struct xl_ppr_hv *hv, struct xl_ppr_dom *d,
                      const struct xl_ppr_policy_opts *o)
{
    int ppr = o->set[XL_PPR_KEY_RECLAIM] || o->set[XL_PPR_KEY_SCAN_MS] ||
              o->set[XL_PPR_KEY_MIN_AGE] || o->set[XL_PPR_KEY_RESERVE];
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
        return hv_error("set the dedup policy", d->name, rc);

    if ( ppr && (rc = xl_ppr_hv_set_policy(hv, &p)) )
    {
        if ( d->domid == DOMID_INVALID && sg )
            xl_ppr_dedup_set_default_group(hv, d->dedup.group);
        else if ( sd || sg )
            xl_ppr_dedup_set(hv, d->domid, sd, d->dedup.on, sg,
                             d->dedup.group);
        return hv_error("set the policy", d->name, rc);
    }
    return 0;
}

static int cmd_policy(int argc, char **argv)
{
    struct xl_ppr_policy_args a;
    struct xl_ppr_hv hv = { 0 };
    struct xl_ppr_host h;
    struct xl_ppr_dom d;
    libxl_ctx *ctx = NULL;
    char err[XL_PPR_ERR_LEN];
    uint32_t domid = DOMID_INVALID;
    int rc;

    /* 1. The whole command line is valid, or nothing happens. */
    if ( xl_ppr_parse_policy_args(argc, argv, &a, err, sizeof(err)) )
        return usage_error("policy", err);
    if ( a.help )
    {
        printf("%s", usage_of("policy"));
        return 0;
    }

    /* 2. The hypervisor has what the options need. */
    rc = open_hv(&hv, &h, 1);
    if ( rc )
        return rc;
    rc = check_knobs(&h, &a.opts, a.is_default, "nothing changed");
    if ( rc )
        goto out;

    /* 3. The domain exists. */
    memset(&d, 0, sizeof(d));
    if ( a.is_default )
        strcpy(d.name, "(default)");
    else
    {
        ctx = open_ctx();
        if ( !ctx )
        {
            rc = XL_PPR_ERR_ENV;
            goto out;
        }
        rc = find_domain(ctx, a.domain, &domid);
        if ( rc )
            goto out;
        dom_name(ctx, domid, d.name, sizeof(d.name));
    }
    d.domid = domid;

    /* 4. Read the current values. */
    if ( h.ppr == XL_PPR_ENABLED )
    {
        rc = xl_ppr_hv_get_policy(&hv, domid, &d.policy);
        if ( rc )
        {
            rc = hv_error("read the policy", d.name, rc);
            goto out;
        }
        d.have_policy = 1;
    }
    if ( h.dedup.avail )
    {
        if ( a.is_default )
        {
            d.dedup.avail = 1;
            d.dedup.on = 1;
            rc = xl_ppr_dedup_get_default_group(&hv, &d.dedup.group);
        }
        else
            rc = xl_ppr_dedup_get(&hv, domid, &d.dedup);
        if ( rc )
        {
            rc = hv_error("read the dedup policy", d.name, rc);
            goto out;
        }
    }

    if ( !xl_ppr_opts_any(&a.opts) )
    {
        xl_ppr_print_policy(stdout, &d, 1);
        goto out;
    }

    /* 5. Change them. */
    rc = apply_opts(&hv, &d, &a.opts);

 out:
    close_ctx(ctx);
    xl_ppr_hv_close(&hv);
    return rc;
}

/* ------------------------------------------------------------ top */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    stop = 1;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Interactive: wait up to SECS for a key; 1 if it was 'q'. */
static int wait_key(uint64_t secs)
{
    struct timeval tv = { .tv_sec = secs };
    fd_set fds;
    char c;

    FD_ZERO(&fds);
    FD_SET(0, &fds);
    if ( select(1, &fds, NULL, NULL, &tv) > 0 && read(0, &c, 1) == 1 )
        return c == 'q' || c == 'Q';
    return 0;
}

static int cmd_top(int argc, char **argv)
{
    struct xl_ppr_top_args a;
    struct xl_ppr_hv hv = { 0 };
    struct xl_ppr_host h;
    struct xl_ppr_dom *d = NULL, *prev = NULL;
    struct termios saved, raw;
    libxl_ctx *ctx;
    char err[XL_PPR_ERR_LEN];
    size_t n = 0, nprev = 0, i, j;
    uint64_t iter;
    double t, tprev = 0;
    int rc, tty;

    if ( xl_ppr_parse_top_args(argc, argv, &a, err, sizeof(err)) )
        return usage_error("top", err);
    if ( a.help )
    {
        printf("%s", usage_of("top"));
        return 0;
    }
    rc = open_hv(&hv, &h, 1);
    if ( rc )
        return rc;
    ctx = open_ctx();
    if ( !ctx )
    {
        xl_ppr_hv_close(&hv);
        return XL_PPR_ERR_ENV;
    }

    tty = !a.batch && isatty(0) && !tcgetattr(0, &saved);
    if ( tty )
    {
        raw = saved;
        raw.c_lflag &= ~(ICANON | ECHO);
        tcsetattr(0, TCSANOW, &raw);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    for ( iter = 0; !stop && (!a.iterations || iter < a.iterations); iter++ )
    {
        xl_ppr_hv_probe(&hv, &h);
        t = now();
        rc = gather(&hv, ctx, &h, 0, NULL, &d, &n);
        if ( rc )
            break;
        for ( i = 0; i < n; i++ )
            for ( j = 0; j < nprev; j++ )
                if ( prev[j].domid == d[i].domid &&
                     d[i].stats.reclaimed >= prev[j].stats.reclaimed &&
                     t > tprev )
                    d[i].reclaim_rate =
                        (d[i].stats.reclaimed - prev[j].stats.reclaimed) /
                        (t - tprev) + 0.5;
        if ( !a.batch )
            printf("\033[H\033[2J");
        xl_ppr_print_top(stdout, &h, d, n);
        if ( a.batch )
            printf("\n");
        fflush(stdout);
        free(prev);
        prev = d;
        nprev = n;
        d = NULL;
        tprev = t;
        if ( a.iterations && iter + 1 >= a.iterations )
            break;
        if ( tty ? wait_key(a.delay) : (sleep(a.delay), 0) )
            break;
    }

    if ( tty )
        tcsetattr(0, TCSANOW, &saved);
    free(prev);
    free(d);
    close_ctx(ctx);
    xl_ppr_hv_close(&hv);
    return rc;
}

/* ------------------------------------------------------------ create */

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

static int cmd_create(int argc, char **argv)
{
    struct xl_ppr_policy_opts o;
    struct xl_ppr_hv hv = { 0 };
    struct xl_ppr_host h;
    struct xen_ppr_policy p;
    libxl_ctx *ctx = NULL;
    char err[XL_PPR_ERR_LEN], name[XL_PPR_NAME_LEN], id[16];
    const char *cfg = NULL;
    uint32_t domid;
    int paused = 0, dry = 0, i, rc;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") )
        {
            printf("%s", usage_of("create"));
            return 0;
        }
        if ( !strcmp(argv[i], "-p") )
            paused = 1;
        else if ( !strcmp(argv[i], "-n") || !strcmp(argv[i], "--dry-run") )
            dry = 1;
        else if ( argv[i][0] == '-' || cfg )
        {
            snprintf(err, sizeof(err), "unexpected argument '%s'", argv[i]);
            return usage_error("create", err);
        }
        else
            cfg = argv[i];
    }
    if ( !cfg )
        return usage_error("create", "no configuration file given");

    /* 1. The configuration and its ppr_* keys are valid. */
    if ( xl_ppr_read_config(cfg, &o, name, sizeof(name), err, sizeof(err)) )
    {
        fprintf(stderr, "xl-ppr: %s\n", err);
        return XL_PPR_ERR_USAGE;
    }
    if ( dry )
    {
        print_opts(stdout, name, &o);
        return 0;
    }

    /* 2. The hypervisor has what they need. */
    rc = open_hv(&hv, &h, 0);
    if ( rc )
        return rc;
    rc = check_knobs(&h, &o, 0, "domain not created");
    if ( rc )
        goto out;
    if ( h.ppr == XL_PPR_ENABLED )
    {
        p = h.defpol;
        xl_ppr_policy_apply(&o, &p);
        if ( xl_ppr_policy_check(&p, err, sizeof(err)) )
        {
            fprintf(stderr, "xl-ppr: %s: %s; domain not created\n", cfg,
                    err);
            rc = XL_PPR_ERR_USAGE;
            goto out;
        }
    }

    /* 3. Create it paused, so the guest registers under its policy. */
    {
        char *args[] = { "xl", "create", "-p", (char *)cfg, NULL };

        if ( run_xl(args) )
        {
            fprintf(stderr, "xl-ppr: xl create %s failed\n", cfg);
            rc = XL_PPR_ERR_XEN;
            goto out;
        }
    }
    ctx = open_ctx();
    if ( !ctx )
    {
        rc = XL_PPR_ERR_ENV;
        goto out;
    }
    if ( libxl_name_to_domid(ctx, name, &domid) )
    {
        fprintf(stderr, "xl-ppr: domain %s not found after xl create\n",
                name);
        rc = XL_PPR_ERR_XEN;
        goto out;
    }
    snprintf(id, sizeof(id), "%u", domid);

    /* 4. Set the policy; on failure destroy the domain: no partial state. */
    if ( xl_ppr_opts_any(&o) )
    {
        struct xl_ppr_dom d = { .domid = domid };

        snprintf(d.name, sizeof(d.name), "%s", name);
        rc = 0;
        if ( h.ppr == XL_PPR_ENABLED )
            rc = xl_ppr_hv_get_policy(&hv, domid, &d.policy);
        if ( !rc && h.dedup.avail )
            rc = xl_ppr_dedup_get(&hv, domid, &d.dedup);
        rc = rc ? hv_error("read the policy", name, rc)
                : apply_opts(&hv, &d, &o);
        if ( rc )
        {
            char *args[] = { "xl", "destroy", id, NULL };

            fprintf(stderr, "xl-ppr: domain %s destroyed\n", name);
            run_xl(args);
            goto out;
        }
    }

    /* 5. Let it run. */
    if ( !paused )
    {
        char *args[] = { "xl", "unpause", id, NULL };

        if ( run_xl(args) )
        {
            fprintf(stderr, "xl-ppr: xl unpause %s failed\n", id);
            rc = XL_PPR_ERR_XEN;
            goto out;
        }
    }
    rc = 0;

 out:
    close_ctx(ctx);
    xl_ppr_hv_close(&hv);
    return rc;
}

/* ------------------------------------------------------------ main */

static int cmd_help(int argc, char **argv)
{
    if ( argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) )
    {
        printf("%s", usage_of("help"));
        return 0;
    }
    usage_main(stdout);
    return 0;
}

static const struct verb verb_table[] = {
    { "info", "host-wide memory, features and PPR/dedup totals",
      "Usage: xl-ppr info [-p|--pages]\n"
      "\n"
      "Print the hypervisor version, virtualisation capabilities, host\n"
      "memory, whether PPR and PageONE dedup are compiled in and enabled,\n"
      "the default reclaim policy and the host-wide counters: frames\n"
      "reclaimed and refaulted, memory saved, scan passes and scan CPU.\n"
      "\n"
      "  -p, --pages   print only Xen's free page count (exact, in 4 KiB\n"
      "                pages), for scripts\n",
      cmd_info },
    { "list", "per-domain PPR and dedup state and policy",
      "Usage: xl-ppr list [-l|-j] [domain...]\n"
      "\n"
      "For every domain (or the ones named, by name or id): whether its\n"
      "guest registered a PPR array, the pages it freed, reclaimed and\n"
      "refaulted, the memory saved, merged/shared pages and share group\n"
      "(dedup) and its policy.  Sizes in the table are MiB.\n"
      "\n"
      "  -l, --long    every counter, in pages, one per line\n"
      "  -j, --json    JSON (an array of objects), counters in pages\n",
      cmd_list },
    { "policy", "show or set the reclaim and dedup policy",
      "Usage: xl-ppr policy <domain> [options]\n"
      "       xl-ppr policy --default [options]\n"
      "\n"
      "Without options, print the policy of the domain (by name or id), or\n"
      "with --default the policy given to domains created from now on.\n"
      "With options, change those knobs and keep the others.  Every option\n"
      "is checked before anything is changed.\n"
      "\n"
      XL_PPR_OPTS_HELP
      "\n"
      "Options also take the form --option=value.\n",
      cmd_policy },
    { "top", "refreshing view of the memory saved per domain",
      "Usage: xl-ppr top [-b] [-n N] [-d S]\n"
      "\n"
      "Show host totals and, per domain, memory, memory saved by PPR,\n"
      "refaults, the reclaim rate over the last interval and merged pages,\n"
      "every S seconds.  Press q (or interrupt) to quit.\n"
      "\n"
      "  -b, --batch        no screen control, one frame after another\n"
      "  -n, --iterations N stop after N frames\n"
      "  -d, --delay S      seconds between frames (default 3)\n",
      cmd_top },
    { "create", "xl create, with the ppr_* keys of the config applied",
      "Usage: xl-ppr create [-p] [-n] <config>\n"
      "\n"
      "Create a domain with `xl create -p <config>`, set the policy given\n"
      "by the ppr_* keys of the configuration file before the guest runs,\n"
      "then unpause it.  Keys (xl ignores them):\n"
      "\n"
      "  ppr_reclaim = \"on\"|\"off\"     ppr_scan_ms = N\n"
      "  ppr_min_age = N                ppr_reserve = MiB\n"
      "  ppr_dedup = \"on\"|\"off\"       ppr_share_group = \"NAME\"\n"
      "\n"
      "They are validated before the domain is created; if the policy\n"
      "cannot be set the domain is destroyed.\n"
      "\n"
      "  -p             leave the domain paused\n"
      "  -n, --dry-run  only check the file and print the policy options\n",
      cmd_create },
    { "help", "this text", "Usage: xl-ppr help\n\nList the verbs.\n",
      cmd_help },
    { NULL },
};

static const char *usage_of(const char *verb)
{
    const struct verb *v;

    for ( v = verb_table; strcmp(v->name, verb); v++ )
        ;
    return v->usage;
}

static void usage_main(FILE *f)
{
    const struct verb *v;

    fprintf(f, "Usage: xl-ppr <verb> [options]\n\nVerbs:\n");
    for ( v = verb_table; v->name; v++ )
        fprintf(f, "  %-8s %s\n", v->name, v->summary);
    fprintf(f, "\nRun `xl-ppr <verb> -h` for the options of a verb.  See "
            "xl-ppr(1).\n");
}

int main(int argc, char **argv)
{
    const struct verb *v;

    if ( argc < 2 )
    {
        usage_main(stderr);
        return XL_PPR_ERR_USAGE;
    }
    if ( !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") )
        return cmd_help(argc - 1, argv + 1);
    for ( v = verb_table; v->name; v++ )
        if ( !strcmp(argv[1], v->name) )
            return v->fn(argc - 1, argv + 1);

    fprintf(stderr, "xl-ppr: unknown verb '%s' (try `xl-ppr help`)\n",
            argv[1]);
    return XL_PPR_ERR_USAGE;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
