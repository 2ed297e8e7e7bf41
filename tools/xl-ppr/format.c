/*
 * xl-ppr: pure helpers (argument parsing, value validation, text and JSON
 * output), free of hypervisor calls so that they are unit-tested natively.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <yajl/yajl_gen.h>

#include "xl-ppr.h"

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

/* ------------------------------------------------------------ values */

int xl_ppr_parse_onoff(const char *s, int *out)
{
    static const char *const on[] = { "on", "1", "yes", "true" };
    static const char *const off[] = { "off", "0", "no", "false" };
    size_t i;

    for ( i = 0; i < sizeof(on) / sizeof(on[0]); i++ )
    {
        if ( !strcmp(s, on[i]) )
        {
            *out = 1;
            return 0;
        }
        if ( !strcmp(s, off[i]) )
        {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int xl_ppr_parse_u64(const char *s, uint64_t min, uint64_t max,
                     uint64_t *out)
{
    unsigned long long v;
    char *end;

    /* strtoull() accepts "-1" and leading blanks: allow digits only. */
    if ( !*s || !isdigit((unsigned char)*s) )
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if ( errno || *end || v < min || v > max )
        return -1;
    *out = v;
    return 0;
}

int xl_ppr_group_id(const char *s, uint32_t *id)
{
    size_t n = strlen(s), i;
    uint32_t h = 2166136261U;
    uint64_t v;

    if ( !strcmp(s, "own") )
    {
        *id = 0;
        return 0;
    }
    if ( isdigit((unsigned char)*s) )
    {
        if ( xl_ppr_parse_u64(s, 1, XL_PPR_GROUP_MAX, &v) )
            return -1;
        *id = v;
        return 0;
    }
    if ( !n || n >= XL_PPR_GROUP_LEN || !isalpha((unsigned char)*s) )
        return -1;
    for ( i = 0; i < n; i++ )
    {
        if ( !isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]) )
            return -1;
        h = (h ^ (unsigned char)s[i]) * 16777619U;
    }
    h &= XL_PPR_GROUP_MAX;
    *id = h ? h : 1;
    return 0;
}

int xl_ppr_check_group(const char *s)
{
    uint32_t id;

    return xl_ppr_group_id(s, &id);
}

/* ------------------------------------------------------------ policy */

static const struct {
    const char *option, *cfg;
} keys[XL_PPR_NR_KEYS] = {
    [XL_PPR_KEY_RECLAIM]     = { "reclaim",     "ppr_reclaim" },
    [XL_PPR_KEY_SCAN_MS]     = { "scan-ms",     "ppr_scan_ms" },
    [XL_PPR_KEY_MIN_AGE]     = { "min-age",     "ppr_min_age" },
    [XL_PPR_KEY_RESERVE]     = { "reserve",     "ppr_reserve" },
    [XL_PPR_KEY_DEDUP]       = { "dedup",       "ppr_dedup" },
    [XL_PPR_KEY_SHARE_GROUP] = { "share-group", "ppr_share_group" },
};

const char *xl_ppr_key_option(enum xl_ppr_key k)
{
    return keys[k].option;
}

const char *xl_ppr_key_cfg(enum xl_ppr_key k)
{
    return keys[k].cfg;
}

static int errf(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

int xl_ppr_opts_set(struct xl_ppr_policy_opts *o, enum xl_ppr_key k,
                    const char *val, int cfg, char *err, size_t errlen)
{
    char name[32];
    uint64_t v;

    if ( k < 0 || k >= XL_PPR_NR_KEYS )
        return errf(err, errlen, "unknown knob %d", (int)k);
    snprintf(name, sizeof(name), "%s%s", cfg ? "" : "--",
             cfg ? keys[k].cfg : keys[k].option);

    switch ( k )
    {
    case XL_PPR_KEY_RECLAIM:
    case XL_PPR_KEY_DEDUP:
        if ( xl_ppr_parse_onoff(val, k == XL_PPR_KEY_RECLAIM ? &o->reclaim
                                                             : &o->dedup) )
            return errf(err, errlen, "%s: '%s' is not on or off",
                        name, val);
        break;

    case XL_PPR_KEY_SCAN_MS:
        if ( xl_ppr_parse_u64(val, XEN_PPR_PERIOD_MIN_MS,
                              XEN_PPR_PERIOD_MAX_MS, &v) )
            return errf(err, errlen, "%s: '%s' is not a number of "
                        "milliseconds from %u to %u", name, val,
                        XEN_PPR_PERIOD_MIN_MS, XEN_PPR_PERIOD_MAX_MS);
        o->scan_ms = v;
        break;

    case XL_PPR_KEY_MIN_AGE:
        if ( xl_ppr_parse_u64(val, 0, XEN_PPR_PERIOD_MAX_MS, &v) ||
             (v && v < XEN_PPR_PERIOD_MIN_MS) )
            return errf(err, errlen, "%s: '%s' is not 0 or a number of "
                        "milliseconds from %u to %u", name, val,
                        XEN_PPR_PERIOD_MIN_MS, XEN_PPR_PERIOD_MAX_MS);
        o->min_age_ms = v;
        break;

    case XL_PPR_KEY_RESERVE:
        if ( xl_ppr_parse_u64(val, 0, XL_PPR_RESERVE_MAX_MIB, &v) )
            return errf(err, errlen, "%s: '%s' is not a number of MiB "
                        "from 0 to %llu", name, val,
                        (unsigned long long)XL_PPR_RESERVE_MAX_MIB);
        o->reserve_mib = v;
        break;

    case XL_PPR_KEY_SHARE_GROUP:
        if ( xl_ppr_group_id(val, &o->group_id) )
            return errf(err, errlen, "%s: '%s' is not own, a number from 1 "
                        "to %u or a name (a letter, then up to %d of "
                        "A-Z a-z 0-9 _ . -)", name, val, XL_PPR_GROUP_MAX,
                        XL_PPR_GROUP_LEN - 2);
        strcpy(o->share_group, val);
        break;

    default:
        break;
    }
    o->set[k] = 1;
    return 0;
}

int xl_ppr_opts_any(const struct xl_ppr_policy_opts *o)
{
    int k;

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
        if ( o->set[k] )
            return 1;
    return 0;
}

int xl_ppr_opts_dedup(const struct xl_ppr_policy_opts *o)
{
    return o->set[XL_PPR_KEY_DEDUP] || o->set[XL_PPR_KEY_SHARE_GROUP];
}

int xl_ppr_parse_policy_args(int argc, char **argv,
                             struct xl_ppr_policy_args *a,
                             char *err, size_t errlen)
{
    int i, k;

    memset(a, 0, sizeof(*a));
    for ( i = 1; i < argc; i++ )
    {
        const char *arg = argv[i], *val, *eq;
        size_t nlen;

        if ( !strcmp(arg, "-h") || !strcmp(arg, "--help") )
        {
            a->help = 1;
            return 0;
        }
        if ( !strcmp(arg, "--default") )
        {
            a->is_default = 1;
            continue;
        }
        if ( !strcmp(arg, "--") )
        {
            /* Everything after "--" is a domain (names may start with -). */
            for ( i++; i < argc; i++ )
            {
                if ( a->domain )
                    return errf(err, errlen, "more than one domain given");
                a->domain = argv[i];
            }
            break;
        }
        if ( strncmp(arg, "--", 2) )
        {
            if ( arg[0] == '-' && arg[1] )
                return errf(err, errlen, "unknown option '%s'", arg);
            if ( a->domain )
                return errf(err, errlen, "more than one domain given "
                            "('%s', '%s')", a->domain, arg);
            a->domain = arg;
            continue;
        }

        eq = strchr(arg + 2, '=');
        nlen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
            if ( strlen(keys[k].option) == nlen &&
                 !strncmp(arg + 2, keys[k].option, nlen) )
                break;
        if ( k == XL_PPR_NR_KEYS )
            return errf(err, errlen, "unknown option '%s'", arg);
        if ( a->opts.set[k] )
            return errf(err, errlen, "--%s given twice", keys[k].option);
        if ( eq )
            val = eq + 1;
        else if ( i + 1 < argc )
            val = argv[++i];
        else
            return errf(err, errlen, "--%s needs a value", keys[k].option);
        if ( xl_ppr_opts_set(&a->opts, k, val, 0, err, errlen) )
            return -1;
    }

    if ( a->is_default && a->domain )
        return errf(err, errlen, "give a domain or --default, not both");
    if ( !a->is_default && !a->domain )
        return errf(err, errlen, "no domain given (or --default)");
    return 0;
}

int xl_ppr_parse_list_args(int argc, char **argv,
                           struct xl_ppr_list_args *a,
                           char *err, size_t errlen)
{
    int i;

    memset(a, 0, sizeof(*a));
    for ( i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++ )
    {
        const char *arg = argv[i];

        if ( !strcmp(arg, "--") )
        {
            i++;
            break;
        }
        if ( !strcmp(arg, "-h") || !strcmp(arg, "--help") )
        {
            a->help = 1;
            return 0;
        }
        if ( !strcmp(arg, "-l") || !strcmp(arg, "--long") )
            a->lng = 1;
        else if ( !strcmp(arg, "-j") || !strcmp(arg, "--json") )
            a->json = 1;
        else
            return errf(err, errlen, "unknown option '%s'", arg);
    }
    if ( a->lng && a->json )
        return errf(err, errlen, "-l and -j exclude each other");
    a->ndoms = argc - i;
    a->doms = argv + i;
    return 0;
}

int xl_ppr_parse_top_args(int argc, char **argv, struct xl_ppr_top_args *a,
                          char *err, size_t errlen)
{
    int i;

    memset(a, 0, sizeof(*a));
    a->delay = 3;
    for ( i = 1; i < argc; i++ )
    {
        const char *arg = argv[i];

        if ( !strcmp(arg, "-h") || !strcmp(arg, "--help") )
        {
            a->help = 1;
            return 0;
        }
        if ( !strcmp(arg, "-b") || !strcmp(arg, "--batch") )
            a->batch = 1;
        else if ( !strcmp(arg, "-n") || !strcmp(arg, "--iterations") ||
                  !strcmp(arg, "-d") || !strcmp(arg, "--delay") )
        {
            int iter = arg[1] == 'n' || arg[2] == 'i';

            if ( i + 1 >= argc )
                return errf(err, errlen, "%s needs a value", arg);
            if ( iter ? xl_ppr_parse_u64(argv[++i], 1, 1000000,
                                         &a->iterations)
                      : xl_ppr_parse_u64(argv[++i], 1, 3600, &a->delay) )
                return errf(err, errlen, "%s: '%s' is not a number from 1 "
                            "to %s", arg, argv[i], iter ? "1000000"
                                                         : "3600 (seconds)");
        }
        else
            return errf(err, errlen, "unknown argument '%s'", arg);
    }
    return 0;
}

void xl_ppr_policy_apply(const struct xl_ppr_policy_opts *o,
                         struct xen_ppr_policy *p)
{
    if ( o->set[XL_PPR_KEY_RECLAIM] )
    {
        if ( o->reclaim )
            p->flags |= XEN_PPR_POLICY_RECLAIM;
        else
            p->flags &= ~XEN_PPR_POLICY_RECLAIM;
    }
    if ( o->set[XL_PPR_KEY_SCAN_MS] )
        p->period_ms = o->scan_ms;
    if ( o->set[XL_PPR_KEY_MIN_AGE] )
        p->min_age_ms = o->min_age_ms;
    if ( o->set[XL_PPR_KEY_RESERVE] )
        p->reserve_mib = o->reserve_mib;
}

int xl_ppr_policy_check(const struct xen_ppr_policy *p, char *err,
                        size_t errlen)
{
    if ( p->flags & ~XEN_PPR_POLICY_RECLAIM )
        return errf(err, errlen, "unknown policy flags %#x", p->flags);
    if ( p->period_ms < XEN_PPR_PERIOD_MIN_MS ||
         p->period_ms > XEN_PPR_PERIOD_MAX_MS )
        return errf(err, errlen, "scan period %u ms out of range",
                    p->period_ms);
    if ( p->min_age_ms && (p->min_age_ms < XEN_PPR_PERIOD_MIN_MS ||
                           p->min_age_ms > XEN_PPR_PERIOD_MAX_MS) )
        return errf(err, errlen, "minimum age %u ms out of range",
                    p->min_age_ms);
    if ( p->reserve_mib > XL_PPR_RESERVE_MAX_MIB )
        return errf(err, errlen, "reserve %" PRIu64 " MiB out of range",
                    (uint64_t)p->reserve_mib);
    return 0;
}

/* ------------------------------------------------------------ output */

uint64_t xl_ppr_saved_pages(const struct xen_ppr_stats *s)
{
    return s->frames_returned > s->refaulted
           ? s->frames_returned - s->refaulted : 0;
}

/* Pages to MiB, rounded to nearest. */
static uint64_t mib(uint64_t pages)
{
    return (pages + 128) >> 8;
}

#define KV(f, k, fmt, ...) fprintf(f, "%-20s: " fmt "\n", k, ##__VA_ARGS__)

/* "own" for 0 (the domain alone), else the id. */
static void group_str(char *buf, size_t len, uint32_t group)
{
    if ( group )
        snprintf(buf, len, "%u", group);
    else
        snprintf(buf, len, "own");
}

static void print_dedup_kv(FILE *f, const struct xl_ppr_dedup *d, int host)
{
    char grp[16];

    if ( host )
    {
        KV(f, "dedup_compiled_in", "%s", d->compiled ? "yes" : "no");
        if ( !d->avail )
        {
            KV(f, "dedup", "not available (%s)",
               d->compiled ? "pageone=0 on the Xen command line"
                           : "hypervisor without PageONE");
            return;
        }
        KV(f, "dedup", "%s", d->on ? "running" : "stopped");
        KV(f, "dedup_merged_pages", "%" PRIu64, d->merged);
        KV(f, "dedup_shared_frames", "%" PRIu64, d->shared);
        KV(f, "dedup_zero_pages", "%" PRIu64, d->zero);
        KV(f, "dedup_saved_pages", "%" PRId64, d->saved);
        KV(f, "dedup_cpu_ms", "%" PRIu64, d->cpu_ns / 1000000);
        return;
    }
    if ( !d->avail )
    {
        KV(f, "dedup", "not available");
        return;
    }
    group_str(grp, sizeof(grp), d->group);
    KV(f, "dedup", "%s", d->on ? "on" : "off");
    KV(f, "dedup_merged_pages", "%" PRIu64, d->merged);
    KV(f, "dedup_shared_pages", "%" PRIu64, d->shared);
    KV(f, "dedup_zero_pages", "%" PRIu64, d->zero);
    KV(f, "share_group", "%s", grp);
}

static void print_policy_kv(FILE *f, const char *pfx,
                            const struct xen_ppr_policy *p)
{
    char k[32];

    snprintf(k, sizeof(k), "%s_reclaim", pfx);
    KV(f, k, "%s", p->flags & XEN_PPR_POLICY_RECLAIM ? "on" : "off");
    snprintf(k, sizeof(k), "%s_scan_ms", pfx);
    KV(f, k, "%u", p->period_ms);
    snprintf(k, sizeof(k), "%s_min_age_ms", pfx);
    KV(f, k, "%u", p->min_age_ms);
    snprintf(k, sizeof(k), "%s_reserve_mib", pfx);
    KV(f, k, "%" PRIu64, (uint64_t)p->reserve_mib);
}

void xl_ppr_print_host(FILE *f, const struct xl_ppr_host *h)
{
    const struct xen_ppr_stats *t = &h->totals;

    KV(f, "ppr_compiled_in", "%s", h->ppr == XL_PPR_ABSENT ? "no" : "yes");
    KV(f, "ppr_enabled", "%s",
       h->ppr == XL_PPR_ENABLED ? "yes" :
       h->ppr == XL_PPR_DISABLED ? "no (ppr=0 on the Xen command line)" :
       "no (hypervisor without ppr_op)");
    if ( h->ppr != XL_PPR_ABSENT )
        KV(f, "ppr_interface", "%u.%u", XEN_PPR_VERSION_MAJOR(h->version),
           XEN_PPR_VERSION_MINOR(h->version));
    if ( h->have_policy )
        print_policy_kv(f, "ppr_default", &h->defpol);
    if ( h->have_stats )
    {
        KV(f, "ppr_registered_pages", "%" PRIu64, t->nr_entries);
        KV(f, "ppr_scan_passes", "%" PRIu64, t->passes);
        KV(f, "ppr_guest_freed", "%" PRIu64, t->seen_free);
        KV(f, "ppr_reclaimed", "%" PRIu64, t->reclaimed);
        KV(f, "ppr_frames_returned", "%" PRIu64, t->frames_returned);
        KV(f, "ppr_refaulted", "%" PRIu64, t->refaulted);
        KV(f, "ppr_saved_mib", "%" PRIu64, mib(xl_ppr_saved_pages(t)));
        KV(f, "ppr_scan_cpu_ms", "%" PRIu64, t->scan_ns / 1000000);
    }
    print_dedup_kv(f, &h->dedup, 1);
}

static const char *onoff(int v)
{
    return v ? "on" : "off";
}

void xl_ppr_print_policy(FILE *f, const struct xl_ppr_dom *d, int header)
{
    const struct xen_ppr_policy *p = &d->policy;
    char id[16], grp[16] = "n/a";

    if ( d->dedup.avail )
        group_str(grp, sizeof(grp), d->dedup.group);
    if ( header )
        fprintf(f, "%-20s %5s %-7s %8s %10s %12s %-5s %s\n", "Name", "ID",
                "Reclaim", "Scan(ms)", "MinAge(ms)", "Reserve(MiB)",
                "Dedup", "ShareGroup");
    if ( d->domid == DOMID_INVALID )
        strcpy(id, "-");
    else
        snprintf(id, sizeof(id), "%u", d->domid);
    if ( !d->have_policy )
    {
        fprintf(f, "%-20s %5s %-7s %8s %10s %12s %-5s %s\n", d->name, id,
                "n/a", "-", "-", "-",
                d->dedup.avail ? onoff(d->dedup.on) : "n/a", grp);
        return;
    }
    fprintf(f, "%-20s %5s %-7s %8u %10u %12" PRIu64 " %-5s %s\n", d->name,
            id, onoff(p->flags & XEN_PPR_POLICY_RECLAIM), p->period_ms,
            p->min_age_ms, (uint64_t)p->reserve_mib,
            d->dedup.avail ? onoff(d->dedup.on) : "n/a", grp);
}

void xl_ppr_print_list(FILE *f, const struct xl_ppr_dom *d, size_t n,
                       int dedup_avail)
{
    size_t i;

    fprintf(f, "%-20s %5s %-3s %-7s %8s %9s %9s %9s %9s %9s %9s %s\n",
            "Name", "ID", "PPR", "Reclaim", "Scan(ms)", "Mem(MiB)",
            "Freed", "Reclaimed", "Refaulted", "Saved", "Merged",
            "ShareGroup");
    for ( i = 0; i < n; i++ )
    {
        const struct xl_ppr_dom *e = &d[i];
        char rec[8] = "-", scan[16] = "-", fr[24] = "-", rc[24] = "-";
        char rf[24] = "-", sv[24] = "-", mg[24] = "n/a", grp[40] = "n/a";

        if ( e->have_policy )
        {
            strcpy(rec, onoff(e->policy.flags & XEN_PPR_POLICY_RECLAIM));
            snprintf(scan, sizeof(scan), "%u", e->policy.period_ms);
        }
        if ( e->registered )
        {
            snprintf(fr, sizeof(fr), "%" PRIu64, mib(e->stats.seen_free));
            snprintf(rc, sizeof(rc), "%" PRIu64, mib(e->stats.reclaimed));
            snprintf(rf, sizeof(rf), "%" PRIu64, mib(e->stats.refaulted));
            snprintf(sv, sizeof(sv), "%" PRIu64,
                     mib(xl_ppr_saved_pages(&e->stats)));
        }
        if ( dedup_avail && e->dedup.avail )
        {
            snprintf(mg, sizeof(mg), "%" PRIu64, mib(e->dedup.merged));
            group_str(grp, sizeof(grp), e->dedup.group);
        }
        fprintf(f, "%-20s %5u %-3s %-7s %8s %9" PRIu64
                " %9s %9s %9s %9s %9s %s\n",
                e->name, e->domid, e->registered ? "yes" : "no", rec, scan,
                mib(e->tot_pages), fr, rc, rf, sv, mg, grp);
    }
}

void xl_ppr_print_long(FILE *f, const struct xl_ppr_dom *d, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
    {
        const struct xl_ppr_dom *e = &d[i];
        const struct xen_ppr_stats *s = &e->stats;

        if ( i )
            fputc('\n', f);
        KV(f, "name", "%s", e->name);
        KV(f, "domid", "%u", e->domid);
        KV(f, "tot_pages", "%" PRIu64, e->tot_pages);
        KV(f, "registered", "%s", e->registered ? "yes" : "no");
        if ( e->registered )
        {
            KV(f, "nr_entries", "%" PRIu64, s->nr_entries);
            KV(f, "passes", "%" PRIu64, s->passes);
            KV(f, "guest_freed", "%" PRIu64, s->seen_free);
            KV(f, "claimed", "%" PRIu64, s->claimed);
            KV(f, "reclaimed", "%" PRIu64, s->reclaimed);
            KV(f, "restored", "%" PRIu64, s->restored);
            KV(f, "refused", "%" PRIu64, s->refused);
            KV(f, "frames_returned", "%" PRIu64, s->frames_returned);
            KV(f, "refaulted", "%" PRIu64, s->refaulted);
            KV(f, "saved_pages", "%" PRIu64, xl_ppr_saved_pages(s));
            KV(f, "scan_cpu_us", "%" PRIu64, s->scan_ns / 1000);
        }
        if ( e->have_policy )
            print_policy_kv(f, "policy", &e->policy);
        else
            KV(f, "policy", "not available");
        print_dedup_kv(f, &e->dedup, 0);
    }
}

void xl_ppr_print_top(FILE *f, const struct xl_ppr_host *h,
                      const struct xl_ppr_dom *d, size_t n)
{
    size_t i;

    char dd[64] = "n/a";

    if ( h->dedup.avail )
        snprintf(dd, sizeof(dd), "%s, %" PRIu64 " MiB saved",
                 h->dedup.on ? "running" : "stopped",
                 mib(h->dedup.saved > 0 ? h->dedup.saved : 0));
    fprintf(f, "xl-ppr top: PPR %s, %" PRIu64 " MiB saved, %" PRIu64
            " frames returned, %" PRIu64 " refaulted, scan CPU %" PRIu64
            " ms; dedup %s\n",
            h->ppr == XL_PPR_ENABLED ? "enabled" : "disabled",
            mib(xl_ppr_saved_pages(&h->totals)), h->totals.frames_returned,
            h->totals.refaulted, h->totals.scan_ns / 1000000, dd);
    fprintf(f, "%-20s %5s %-3s %-7s %9s %9s %9s %9s %9s\n", "Name", "ID",
            "PPR", "Reclaim", "Mem(MiB)", "Saved", "Refaulted", "Rcl/s",
            "Merged");
    for ( i = 0; i < n; i++ )
    {
        const struct xl_ppr_dom *e = &d[i];
        char mg[24] = "n/a";

        if ( e->dedup.avail )
            snprintf(mg, sizeof(mg), "%" PRIu64, mib(e->dedup.merged));
        fprintf(f, "%-20s %5u %-3s %-7s %9" PRIu64 " %9" PRIu64 " %9"
                PRIu64 " %9" PRIu64 " %9s\n",
                e->name, e->domid, e->registered ? "yes" : "no",
                !e->have_policy ? "-"
                : onoff(e->policy.flags & XEN_PPR_POLICY_RECLAIM),
                mib(e->tot_pages), mib(xl_ppr_saved_pages(&e->stats)),
                mib(e->stats.refaulted), e->reclaim_rate, mg);
    }
}

/* ------------------------------------------------------------ JSON */

static void js(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void jint(yajl_gen g, const char *k, uint64_t v)
{
    js(g, k);
    yajl_gen_integer(g, (long long)v);
}

static void jdedup(yajl_gen g, const struct xl_ppr_dedup *d)
{
    js(g, "dedup");
    if ( !d->avail )
    {
        yajl_gen_null(g);
        return;
    }
    yajl_gen_map_open(g);
    js(g, "enabled");
    yajl_gen_bool(g, d->on);
    jint(g, "merged", d->merged);
    jint(g, "shared", d->shared);
    jint(g, "zero", d->zero);
    jint(g, "share_group", d->group);
    yajl_gen_map_close(g);
}

char *xl_ppr_json_list(const struct xl_ppr_dom *d, size_t n)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len, i;
    char *out = NULL;

    if ( !g )
        return NULL;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_array_open(g);
    for ( i = 0; i < n; i++ )
    {
        const struct xl_ppr_dom *e = &d[i];
        const struct xen_ppr_stats *s = &e->stats;

        yajl_gen_map_open(g);
        jint(g, "domid", e->domid);
        js(g, "name");
        js(g, e->name);
        jint(g, "tot_pages", e->tot_pages);
        js(g, "registered");
        yajl_gen_bool(g, e->registered);
        js(g, "stats");
        if ( e->registered )
        {
            yajl_gen_map_open(g);
            jint(g, "nr_entries", s->nr_entries);
            jint(g, "passes", s->passes);
            jint(g, "scanned", s->scanned);
            jint(g, "guest_freed", s->seen_free);
            jint(g, "aged", s->aged);
            jint(g, "claimed", s->claimed);
            jint(g, "refused", s->refused);
            jint(g, "reclaimed", s->reclaimed);
            jint(g, "restored", s->restored);
            jint(g, "already_empty", s->already_empty);
            jint(g, "refaulted", s->refaulted);
            jint(g, "fault_waits", s->fault_waits);
            jint(g, "frames_returned", s->frames_returned);
            jint(g, "saved_pages", xl_ppr_saved_pages(s));
            jint(g, "scan_ns", s->scan_ns);
            yajl_gen_map_close(g);
        }
        else
            yajl_gen_null(g);
        js(g, "policy");
        if ( e->have_policy )
        {
            yajl_gen_map_open(g);
            js(g, "reclaim");
            yajl_gen_bool(g, e->policy.flags & XEN_PPR_POLICY_RECLAIM);
            jint(g, "scan_ms", e->policy.period_ms);
            jint(g, "min_age_ms", e->policy.min_age_ms);
            jint(g, "reserve_mib", e->policy.reserve_mib);
            yajl_gen_map_close(g);
        }
        else
            yajl_gen_null(g);
        jdedup(g, &e->dedup);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if ( yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok )
        out = strndup((const char *)buf, len);
    yajl_gen_free(g);
    return out;
}
