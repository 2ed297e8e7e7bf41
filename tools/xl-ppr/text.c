/*
 * xl-ppr: `key : value` output, as `xl info` prints: the host (info), the
 * memory pressure, and every counter of a domain (list -l).
 */

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <xenctrl.h>

#include "output.h"
#include "stats.h"

void xl_ppr_kv(FILE *f, const char *key, const char *fmt, ...)
{
    va_list ap;

    fprintf(f, "%-20s: ", key);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

void xl_ppr_format_caps(char *buf, size_t len, uint32_t caps)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { XEN_SYSCTL_PHYSCAP_pv, "pv" },
        { XEN_SYSCTL_PHYSCAP_hvm, "hvm" },
        { XEN_SYSCTL_PHYSCAP_hap, "hap" },
        { XEN_SYSCTL_PHYSCAP_shadow, "shadow" },
        { XEN_SYSCTL_PHYSCAP_directio, "directio" },
    };
    size_t i, used = 0;

    if ( !len )
        return;
    buf[0] = '\0';
    for ( i = 0; i < sizeof(names) / sizeof(names[0]); i++ )
    {
        size_t n;

        if ( !(caps & names[i].bit) )
            continue;
        n = strlen(names[i].name) + (used ? 1 : 0);
        if ( n >= len - used )
            break;              /* Never print half a word. */
        snprintf(buf + used, len - used, "%s%s", used ? " " : "",
                 names[i].name);
        used += n;
    }
}

void xl_ppr_group_str(char *buf, size_t len, uint32_t group)
{
    if ( group )
        snprintf(buf, len, "%u", group);
    else
        snprintf(buf, len, "own");
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ views */

/* info: the host's PPR totals that matter to an operator. */
static const struct xl_ppr_show host_ppr[] = {
    { "nr_entries",      "registered_pages", XL_PPR_RAW },
    { "passes",          "scan_passes",      XL_PPR_RAW },
    { "seen_free",       "guest_freed",      XL_PPR_RAW },
    { "reclaimed",       NULL,               XL_PPR_RAW },
    { "frames_returned", NULL,               XL_PPR_RAW },
    { "refaulted",       NULL,               XL_PPR_RAW },
    { "saved_pages",     "saved_mib",        XL_PPR_MIB },
    { "scan_ns",         "scan_cpu_ms",      XL_PPR_MS },
    { "free_last_pass",  "reclaimable",      XL_PPR_RAW },
};

/* info: PageONE's. */
static const struct xl_ppr_show host_pageone[] = {
    { "merged_pages",    NULL,               XL_PPR_RAW },
    { "shared_frames",   NULL,               XL_PPR_RAW },
    { "zero_pages",      NULL,               XL_PPR_RAW },
    { "frames_saved",    "saved_pages",      XL_PPR_RAW },
};

/* list -l: every PPR counter, a few under their older names. */
static const struct xl_ppr_show dom_ppr[] = {
    { "seen_free",       "guest_freed",      XL_PPR_RAW },
    { "scan_ns",         "scan_cpu_us",      XL_PPR_US },
};

static const struct xl_ppr_view host_ppr_view = {
    &xl_ppr_stats_schema, "ppr_", 1, host_ppr, N(host_ppr)
};
static const struct xl_ppr_view host_pageone_view = {
    &xl_pageone_stats_schema, "dedup_", 1, host_pageone, N(host_pageone)
};
static const struct xl_ppr_view dom_ppr_view = {
    &xl_ppr_stats_schema, "", 0, dom_ppr, N(dom_ppr)
};
static const struct xl_ppr_view dom_group_view = {
    &xl_pageone_stats_schema, "group_", 0, NULL, 0
};

static void emit_kv(void *ctx, const struct xl_ppr_value *v)
{
    if ( v->is_signed )
        xl_ppr_kv(ctx, v->key, "%" PRId64, v->s);
    else
        xl_ppr_kv(ctx, v->key, "%" PRIu64, v->u);
}

/* ------------------------------------------------------------ output */

static void print_dedup_kv(FILE *f, const struct xl_ppr_dedup *d, int host)
{
    char grp[16];

    if ( host )
    {
        xl_ppr_kv(f, "dedup_compiled_in", "%s", d->compiled ? "yes" : "no");
        if ( !d->avail )
        {
            xl_ppr_kv(f, "dedup", "not available (%s)",
                      d->compiled ? "pageone=0 on the Xen command line"
                                  : "hypervisor without PageONE");
            return;
        }
        xl_ppr_kv(f, "dedup", "%s", d->on ? "running" : "stopped");
        xl_ppr_view_each(&host_pageone_view, &d->stats, emit_kv, f);
        xl_ppr_kv(f, "dedup_cpu_ms", "%" PRIu64, d->cpu_ns / 1000000);
        return;
    }
    if ( !d->avail )
    {
        xl_ppr_kv(f, "dedup", "not available");
        return;
    }
    xl_ppr_group_str(grp, sizeof(grp), d->group);
    xl_ppr_kv(f, "dedup", "%s", d->on ? "on" : "off");
    xl_ppr_kv(f, "dedup_merged_pages", "%" PRIu64, d->merged);
    xl_ppr_kv(f, "dedup_shared_pages", "%" PRIu64, d->shared);
    xl_ppr_kv(f, "dedup_zero_pages", "%" PRIu64, d->zero);
    xl_ppr_kv(f, "share_group", "%s", grp);
    xl_ppr_view_each(&dom_group_view, &d->stats, emit_kv, f);
}

static void print_policy_kv(FILE *f, const char *pfx,
                            const struct xen_ppr_policy *p)
{
    char k[32];

    snprintf(k, sizeof(k), "%s_reclaim", pfx);
    xl_ppr_kv(f, k, "%s", p->flags & XEN_PPR_POLICY_RECLAIM ? "on" : "off");
    snprintf(k, sizeof(k), "%s_scan_ms", pfx);
    xl_ppr_kv(f, k, "%u", p->period_ms);
    snprintf(k, sizeof(k), "%s_min_age_ms", pfx);
    xl_ppr_kv(f, k, "%u", p->min_age_ms);
    snprintf(k, sizeof(k), "%s_reserve_mib", pfx);
    xl_ppr_kv(f, k, "%" PRIu64, (uint64_t)p->reserve_mib);
}

void xl_ppr_print_host(FILE *f, const struct xl_ppr_host *h)
{
    xl_ppr_kv(f, "ppr_compiled_in", "%s",
              h->ppr == XL_PPR_ABSENT ? "no" : "yes");
    xl_ppr_kv(f, "ppr_enabled", "%s",
              h->ppr == XL_PPR_ENABLED ? "yes" :
              h->ppr == XL_PPR_DISABLED ? "no (ppr=0 on the Xen command "
                                          "line)" :
              "no (hypervisor without ppr_op)");
    if ( h->ppr != XL_PPR_ABSENT )
        xl_ppr_kv(f, "ppr_interface", "%u.%u",
                  XEN_PPR_VERSION_MAJOR(h->version),
                  XEN_PPR_VERSION_MINOR(h->version));
    if ( h->have_policy )
        print_policy_kv(f, "ppr_default", &h->defpol);
    if ( h->have_stats )
        xl_ppr_view_each(&host_ppr_view, &h->totals, emit_kv, f);
    print_dedup_kv(f, &h->dedup, 1);
}

/* Free pages against the watermarks: what Xen does about it. */
static const char *pressure_level(const struct xen_mem_pressure *p)
{
    if ( p->free_pages < p->min_pages )
        return "below min";
    if ( p->free_pages < p->low_pages )
        return "below low";
    if ( p->free_pages < p->high_pages )
        return "below high";
    return "none";
}

void xl_ppr_print_pressure(FILE *f, const struct xen_mem_pressure *p,
                           int levels_only)
{
    static const char *const reasons[XEN_MEMW_NR] = {
        [XEN_MEMW_COW] = "cow",
        [XEN_MEMW_REFAULT] = "refault",
        [XEN_MEMW_LIMIT] = "limit",
    };
    const struct {
        const char *name;
        uint64_t pages;
    } levels[] = {
        { "mem_free", p->free_pages },
        { "wmark_min", p->min_pages },
        { "wmark_low", p->low_pages },
        { "wmark_high", p->high_pages },
    };
    char k[32];
    size_t i;

    xl_ppr_kv(f, "mem_pressure", "%s", pressure_level(p));
    for ( i = 0; i < N(levels); i++ )
    {
        snprintf(k, sizeof(k), "%s_pages", levels[i].name);
        xl_ppr_kv(f, k, "%" PRIu64, levels[i].pages);
        snprintf(k, sizeof(k), "%s_mib", levels[i].name);
        xl_ppr_kv(f, k, "%" PRIu64, xl_ppr_mib(levels[i].pages));
    }
    if ( levels_only )
        return;

    xl_ppr_kv(f, "mem_vcpus_waiting", "%" PRIu64, p->waiting);
    for ( i = 0; i < XEN_MEMW_NR; i++ )
    {
        if ( reasons[i] )
            snprintf(k, sizeof(k), "mem_waits_%s", reasons[i]);
        else
            snprintf(k, sizeof(k), "mem_waits_%zu", i);
        xl_ppr_kv(f, k, "%" PRIu64, p->waits[i]);
    }
    xl_ppr_kv(f, "mem_wait_total_ms", "%" PRIu64, p->wait_ns / 1000000);
    xl_ppr_kv(f, "mem_wait_longest_ms", "%" PRIu64,
              p->wait_max_ns / 1000000);
    xl_ppr_kv(f, "mem_alloc_refused", "%" PRIu64, p->refused);
    xl_ppr_kv(f, "mem_reserve_used", "%" PRIu64, p->reserve_used);
}

void xl_ppr_print_long(FILE *f, const struct xl_ppr_dom *d, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
    {
        const struct xl_ppr_dom *e = &d[i];

        if ( i )
            fputc('\n', f);
        xl_ppr_kv(f, "name", "%s", e->name);
        xl_ppr_kv(f, "domid", "%u", e->domid);
        xl_ppr_kv(f, "tot_pages", "%" PRIu64, e->tot_pages);
        xl_ppr_kv(f, "registered", "%s", e->registered ? "yes" : "no");
        if ( e->registered )
            xl_ppr_view_each(&dom_ppr_view, &e->stats, emit_kv, f);
        if ( e->have_policy )
            print_policy_kv(f, "policy", &e->policy);
        else
            xl_ppr_kv(f, "policy", "not available");
        print_dedup_kv(f, &e->dedup, 0);
    }
}
