/*
 * xl-ppr: the tables of `list`, `top` and `policy`.  A table is a list of
 * columns; a column's cells come from one small function, a counter's
 * from the stats views by the counter's name.
 */

#include <inttypes.h>
#include <string.h>

#include "output.h"
#include "stats.h"

typedef void cell_fn(char *buf, size_t len, const struct xl_ppr_dom *d,
                     const char *arg);

struct col {
    const char *head;
    int width;                  /* printf's: < 0 left-aligned; 0 last */
    cell_fn *cell;
    const char *arg;
};

static const char *onoff(int v)
{
    return v ? "on" : "off";
}

static void cell_name(char *buf, size_t len, const struct xl_ppr_dom *d,
                      const char *arg)
{
    snprintf(buf, len, "%s", d->name);
}

static void cell_id(char *buf, size_t len, const struct xl_ppr_dom *d,
                    const char *arg)
{
    if ( d->domid == DOMID_INVALID )
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%u", d->domid);
}

static void cell_registered(char *buf, size_t len,
                            const struct xl_ppr_dom *d, const char *arg)
{
    snprintf(buf, len, "%s", d->registered ? "yes" : "no");
}

/* ARG: what to show without a policy. */
static void cell_reclaim(char *buf, size_t len, const struct xl_ppr_dom *d,
                         const char *arg)
{
    snprintf(buf, len, "%s", !d->have_policy ? arg
             : onoff(d->policy.flags & XEN_PPR_POLICY_RECLAIM));
}

/* ARG: scan_ms, min_age_ms or reserve_mib. */
static void cell_policy(char *buf, size_t len, const struct xl_ppr_dom *d,
                        const char *arg)
{
    uint64_t v = !strcmp(arg, "scan_ms") ? d->policy.period_ms
                 : !strcmp(arg, "min_age_ms") ? d->policy.min_age_ms
                 : d->policy.reserve_mib;

    if ( d->have_policy )
        snprintf(buf, len, "%" PRIu64, v);
    else
        snprintf(buf, len, "-");
}

static void cell_mem(char *buf, size_t len, const struct xl_ppr_dom *d,
                     const char *arg)
{
    snprintf(buf, len, "%" PRIu64, xl_ppr_mib(d->tot_pages));
}

/* ARG: a PPR counter, in MiB. */
static void cell_stat(char *buf, size_t len, const struct xl_ppr_dom *d,
                      const char *arg)
{
    snprintf(buf, len, "%" PRIu64,
             xl_ppr_stat(&xl_ppr_stats_schema, &d->stats, arg, XL_PPR_MIB));
}

/* The same, "-" if the domain has no array registered. */
static void cell_stat_reg(char *buf, size_t len, const struct xl_ppr_dom *d,
                          const char *arg)
{
    if ( d->registered )
        cell_stat(buf, len, d, arg);
    else
        snprintf(buf, len, "-");
}

static void cell_rate(char *buf, size_t len, const struct xl_ppr_dom *d,
                      const char *arg)
{
    snprintf(buf, len, "%" PRIu64, d->reclaim_rate);
}

static void cell_merged(char *buf, size_t len, const struct xl_ppr_dom *d,
                        const char *arg)
{
    if ( d->dedup.avail )
        snprintf(buf, len, "%" PRIu64, xl_ppr_mib(d->dedup.merged));
    else
        snprintf(buf, len, "n/a");
}

static void cell_dedup(char *buf, size_t len, const struct xl_ppr_dom *d,
                       const char *arg)
{
    snprintf(buf, len, "%s", d->dedup.avail ? onoff(d->dedup.on) : "n/a");
}

static void cell_group(char *buf, size_t len, const struct xl_ppr_dom *d,
                       const char *arg)
{
    if ( d->dedup.avail )
        xl_ppr_group_str(buf, len, d->dedup.group);
    else
        snprintf(buf, len, "n/a");
}

#define COL_NAME   { "Name", -20, cell_name, NULL }
#define COL_ID     { "ID", 5, cell_id, NULL }
#define COL_PPR    { "PPR", -3, cell_registered, NULL }
#define COL_MERGED { "Merged", 9, cell_merged, NULL }
#define COL_GROUP  { "ShareGroup", 0, cell_group, NULL }

static const struct col list_cols[] = {
    COL_NAME, COL_ID, COL_PPR,
    { "Reclaim", -7, cell_reclaim, "-" },
    { "Scan(ms)", 8, cell_policy, "scan_ms" },
    { "Mem(MiB)", 9, cell_mem, NULL },
    { "Freed", 9, cell_stat_reg, "seen_free" },
    { "Reclaimed", 9, cell_stat_reg, "reclaimed" },
    { "Refaulted", 9, cell_stat_reg, "refaulted" },
    { "Saved", 9, cell_stat_reg, "saved_pages" },
    COL_MERGED, COL_GROUP,
};

static const struct col top_cols[] = {
    COL_NAME, COL_ID, COL_PPR,
    { "Reclaim", -7, cell_reclaim, "-" },
    { "Mem(MiB)", 9, cell_mem, NULL },
    { "Saved", 9, cell_stat, "saved_pages" },
    { "Refaulted", 9, cell_stat, "refaulted" },
    { "Rcl/s", 9, cell_rate, NULL },
    COL_MERGED,
};

static const struct col policy_cols[] = {
    COL_NAME, COL_ID,
    { "Reclaim", -7, cell_reclaim, "n/a" },
    { "Scan(ms)", 8, cell_policy, "scan_ms" },
    { "MinAge(ms)", 10, cell_policy, "min_age_ms" },
    { "Reserve(MiB)", 12, cell_policy, "reserve_mib" },
    { "Dedup", -5, cell_dedup, NULL },
    COL_GROUP,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The row of D, or the header if D is NULL. */
static void row(FILE *f, const struct col *c, size_t nc,
                const struct xl_ppr_dom *d)
{
    char buf[64];
    size_t i;

    for ( i = 0; i < nc; i++ )
    {
        if ( d )
            c[i].cell(buf, sizeof(buf), d, c[i].arg);
        else
            snprintf(buf, sizeof(buf), "%s", c[i].head);
        fprintf(f, "%s%*s", i ? " " : "", c[i].width, buf);
    }
    fputc('\n', f);
}

static void table(FILE *f, const struct col *c, size_t nc,
                  const struct xl_ppr_dom *d, size_t n, int header)
{
    size_t i;

    if ( header )
        row(f, c, nc, NULL);
    for ( i = 0; i < n; i++ )
        row(f, c, nc, &d[i]);
}

void xl_ppr_print_policy(FILE *f, const struct xl_ppr_dom *d, int header)
{
    table(f, policy_cols, N(policy_cols), d, 1, header);
}

void xl_ppr_print_list(FILE *f, const struct xl_ppr_dom *d, size_t n)
{
    table(f, list_cols, N(list_cols), d, n, 1);
}

void xl_ppr_print_top(FILE *f, const struct xl_ppr_host *h,
                      const struct xl_ppr_dom *d, size_t n)
{
    const struct xl_ppr_schema *ppr = &xl_ppr_stats_schema;
    char dd[64] = "n/a";

    if ( h->dedup.avail )
        snprintf(dd, sizeof(dd), "%s, %" PRIu64 " MiB saved",
                 h->dedup.on ? "running" : "stopped",
                 xl_ppr_stat(&xl_pageone_stats_schema, &h->dedup.stats,
                             "frames_saved", XL_PPR_MIB));
    fprintf(f, "xl-ppr top: PPR %s, %" PRIu64 " MiB saved, %" PRIu64
            " frames returned, %" PRIu64 " refaulted, scan CPU %" PRIu64
            " ms; dedup %s\n",
            h->ppr == XL_PPR_ENABLED ? "enabled" : "disabled",
            xl_ppr_stat(ppr, &h->totals, "saved_pages", XL_PPR_MIB),
            xl_ppr_stat(ppr, &h->totals, "frames_returned", XL_PPR_RAW),
            xl_ppr_stat(ppr, &h->totals, "refaulted", XL_PPR_RAW),
            xl_ppr_stat(ppr, &h->totals, "scan_ns", XL_PPR_MS), dd);
    table(f, top_cols, N(top_cols), d, n, 1);
}
