/*
 * xl-ppr list and top: the PPR and dedup state of every domain (or the
 * ones named), once as a table, long text or JSON, or refreshing.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "output.h"

/* PPR and dedup state of one domain; -ESRCH if it is gone. */
static int read_dom(struct xl_ppr_session *s, const libxl_dominfo *di,
                    struct xl_ppr_dom *d)
{
    int rc;

    memset(d, 0, sizeof(*d));
    d->domid = di->domid;
    d->tot_pages = di->current_memkb / 4;
    xl_ppr_dom_name(s->ctx, di->domid, d->name, sizeof(d->name));
    if ( s->h.ppr == XL_PPR_ENABLED )
    {
        rc = xl_ppr_hv_get_stats(&s->hv, di->domid, &d->stats);
        if ( rc == -ESRCH )
            return rc;
        d->registered = !rc;
        rc = xl_ppr_hv_get_policy(&s->hv, di->domid, &d->policy);
        if ( rc == -ESRCH )
            return rc;
        d->have_policy = !rc;
    }
    if ( s->h.dedup.avail &&
         xl_ppr_dedup_get(&s->hv, di->domid, &d->dedup) == -ESRCH )
        return -ESRCH;
    return 0;
}

/* Is DOMID one of WANT (or is WANT empty)? */
static int wanted(const uint32_t *want, int n, uint32_t domid)
{
    int i;

    for ( i = 0; i < n && want[i] != domid; i++ )
        ;
    return !n || i < n;
}

/*
 * Every domain (NDOMS == 0) or the named ones, in domid order.  Returns 0
 * with a malloc'ed array, or an exit code.
 */
static int gather(struct xl_ppr_session *s, int ndoms, char **doms,
                  struct xl_ppr_dom **out, size_t *n)
{
    libxl_dominfo *info;
    struct xl_ppr_dom *d;
    uint32_t *want = NULL;
    int nb, i, rc = 0;

    *out = NULL;
    *n = 0;
    if ( ndoms && !(want = calloc(ndoms, sizeof(*want))) )
        return XL_PPR_ERR_ENV;
    for ( i = 0; i < ndoms && !rc; i++ )
        rc = xl_ppr_find_domain(s->ctx, doms[i], &want[i]);
    if ( rc )
    {
        free(want);
        return rc;
    }

    info = libxl_list_domain(s->ctx, &nb);
    if ( !info )
    {
        fprintf(stderr, "xl-ppr: cannot list the domains\n");
        free(want);
        return XL_PPR_ERR_XEN;
    }
    d = calloc(nb ? nb : 1, sizeof(*d));
    if ( d )
    {
        for ( i = 0; i < nb; i++ )
            if ( wanted(want, ndoms, info[i].domid) &&
                 read_dom(s, &info[i], &d[*n]) == 0 )
                (*n)++;
        *out = d;
    }
    else
        rc = XL_PPR_ERR_ENV;
    libxl_dominfo_list_free(info, nb);
    free(want);
    return rc;
}

/* ------------------------------------------------------------ list */

static int print_json(const struct xl_ppr_dom *d, size_t n)
{
    char *js = xl_ppr_json_list(d, n);

    if ( !js )
    {
        fprintf(stderr, "xl-ppr: cannot generate JSON\n");
        return XL_PPR_ERR_ENV;
    }
    printf("%s\n", js);
    free(js);
    return 0;
}

int xl_ppr_cmd_list(const union xl_ppr_args *u)
{
    const struct xl_ppr_list_args *a = &u->list;
    struct xl_ppr_session s;
    struct xl_ppr_dom *d = NULL;
    size_t n;
    int rc = xl_ppr_open(&s, XL_PPR_NEED_ENGINE | XL_PPR_WITH_CTX);

    if ( rc )
        return rc;
    rc = gather(&s, a->ndoms, a->doms, &d, &n);
    if ( !rc && a->json )
        rc = print_json(d, n);
    else if ( !rc && a->lng )
        xl_ppr_print_long(stdout, d, n);
    else if ( !rc )
        xl_ppr_print_list(stdout, d, n);
    free(d);
    xl_ppr_close(&s);
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

/* Pages/s each domain of D reclaimed since PREV, DT seconds earlier. */
static void reclaim_rates(struct xl_ppr_dom *d, size_t n,
                          const struct xl_ppr_dom *prev, size_t nprev,
                          double dt)
{
    size_t i, j;

    for ( i = 0; i < n; i++ )
        for ( j = 0; j < nprev; j++ )
            if ( prev[j].domid == d[i].domid &&
                 d[i].stats.reclaimed >= prev[j].stats.reclaimed && dt > 0 )
                d[i].reclaim_rate =
                    (d[i].stats.reclaimed - prev[j].stats.reclaimed) / dt +
                    0.5;
}

int xl_ppr_cmd_top(const union xl_ppr_args *u)
{
    const struct xl_ppr_top_args *a = &u->top;
    struct xl_ppr_session s;
    struct xl_ppr_dom *d = NULL, *prev = NULL;
    struct termios saved, raw;
    size_t n = 0, nprev = 0;
    uint64_t iter;
    double t, tprev = 0;
    int rc = xl_ppr_open(&s, XL_PPR_NEED_ENGINE | XL_PPR_WITH_CTX), tty;

    if ( rc )
        return rc;
    tty = !a->batch && isatty(0) && !tcgetattr(0, &saved);
    if ( tty )
    {
        raw = saved;
        raw.c_lflag &= ~(ICANON | ECHO);
        tcsetattr(0, TCSANOW, &raw);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    for ( iter = 0; !stop && (!a->iterations || iter < a->iterations);
          iter++ )
    {
        xl_ppr_hv_probe(&s.hv, &s.h);
        t = now();
        rc = gather(&s, 0, NULL, &d, &n);
        if ( rc )
            break;
        reclaim_rates(d, n, prev, nprev, t - tprev);
        if ( !a->batch )
            printf("\033[H\033[2J");
        xl_ppr_print_top(stdout, &s.h, d, n);
        if ( a->batch )
            printf("\n");
        fflush(stdout);
        free(prev);
        prev = d;
        nprev = n;
        d = NULL;
        tprev = t;
        if ( a->iterations && iter + 1 >= a->iterations )
            break;
        if ( tty ? wait_key(a->delay) : (sleep(a->delay), 0) )
            break;
    }

    if ( tty )
        tcsetattr(0, TCSANOW, &saved);
    free(prev);
    free(d);
    xl_ppr_close(&s);
    return rc;
}
