/*
 * xl-ppr: the policy knobs (the --options of `policy` and the ppr_* keys
 * of an xl config), their values, and the checks the hypervisor would
 * make, done first so that a bad value changes nothing.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

#define KEY(k, option, cfg, scope) \
    [XL_PPR_KEY_##k] = { option, cfg, XL_PPR_SCOPE_##scope }

static const struct {
    const char *option, *cfg;
    enum xl_ppr_scope scope;
} keys[XL_PPR_NR_KEYS] = {
    KEY(RECLAIM,     "reclaim",     "ppr_reclaim",     PPR),
    KEY(SCAN_MS,     "scan-ms",     "ppr_scan_ms",     PPR),
    KEY(MIN_AGE,     "min-age",     "ppr_min_age",     PPR),
    KEY(RESERVE,     "reserve",     "ppr_reserve",     PPR),
    KEY(DEDUP,       "dedup",       "ppr_dedup",       DEDUP),
    KEY(SHARE_GROUP, "share-group", "ppr_share_group", DEDUP),
    /* Host-wide: never part of one domain's configuration. */
    KEY(WMARK_MIN,   "wmark-min",   NULL,              HOST),
    KEY(WMARK_LOW,   "wmark-low",   NULL,              HOST),
    KEY(WMARK_HIGH,  "wmark-high",  NULL,              HOST),
};

const char *const xl_ppr_wmark_names[XL_PPR_NR_WMARKS] = {
    "min", "low", "high"
};

const char *xl_ppr_key_option(enum xl_ppr_key k)
{
    return keys[k].option;
}

const char *xl_ppr_key_cfg(enum xl_ppr_key k)
{
    return keys[k].cfg;
}

enum xl_ppr_scope xl_ppr_key_scope(enum xl_ppr_key k)
{
    return keys[k].scope;
}

int xl_ppr_opts_set(struct xl_ppr_policy_opts *o, enum xl_ppr_key k,
                    const char *val, int cfg, char *err, size_t errlen)
{
    char name[32];
    uint64_t v;

    if ( k < 0 || k >= XL_PPR_NR_KEYS || (cfg && !keys[k].cfg) )
        return xl_ppr_errf(err, errlen, "unknown knob %d", (int)k);
    snprintf(name, sizeof(name), "%s%s", cfg ? "" : "--",
             cfg ? keys[k].cfg : keys[k].option);

    switch ( k )
    {
    case XL_PPR_KEY_RECLAIM:
    case XL_PPR_KEY_DEDUP:
        if ( xl_ppr_parse_onoff(val, k == XL_PPR_KEY_RECLAIM ? &o->reclaim
                                                             : &o->dedup) )
            return xl_ppr_errf(err, errlen, "%s: '%s' is not on or off",
                               name, val);
        break;

    case XL_PPR_KEY_SCAN_MS:
    case XL_PPR_KEY_MIN_AGE:
    {
        /* A period; the minimum age may also be 0 (none). */
        int age = k == XL_PPR_KEY_MIN_AGE;

        if ( xl_ppr_parse_u64(val, 0, XEN_PPR_PERIOD_MAX_MS, &v) ||
             ((v || !age) && v < XEN_PPR_PERIOD_MIN_MS) )
            return xl_ppr_errf(err, errlen, "%s: '%s' is not %sa number of "
                               "milliseconds from %u to %u", name, val,
                               age ? "0 or " : "", XEN_PPR_PERIOD_MIN_MS,
                               XEN_PPR_PERIOD_MAX_MS);
        *(age ? &o->min_age_ms : &o->scan_ms) = v;
        break;
    }

    case XL_PPR_KEY_RESERVE:
        if ( xl_ppr_parse_u64(val, 0, XL_PPR_RESERVE_MAX_MIB, &v) )
            return xl_ppr_errf(err, errlen, "%s: '%s' is not a number of "
                               "MiB from 0 to %llu", name, val,
                               (unsigned long long)XL_PPR_RESERVE_MAX_MIB);
        o->reserve_mib = v;
        break;

    case XL_PPR_KEY_SHARE_GROUP:
        if ( xl_ppr_group_id(val, &o->group_id) )
            return xl_ppr_errf(err, errlen, "%s: '%s' is not own, a number "
                               "from 1 to %u or a name (a letter, then up "
                               "to %d of A-Z a-z 0-9 _ . -)", name, val,
                               XL_PPR_GROUP_MAX, XL_PPR_GROUP_LEN - 2);
        strcpy(o->share_group, val);
        break;

    case XL_PPR_KEY_WMARK_MIN:
    case XL_PPR_KEY_WMARK_LOW:
    case XL_PPR_KEY_WMARK_HIGH:
        if ( xl_ppr_parse_size(val,
                               &o->wmark_pages[k - XL_PPR_KEY_WMARK_MIN]) )
            return xl_ppr_errf(err, errlen, "%s: '%s' is not a size in "
                               "whole 4 KiB pages (MiB, or a number with "
                               "k, m or g)", name, val);
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

int xl_ppr_opts_scope(const struct xl_ppr_policy_opts *o,
                      enum xl_ppr_scope scope)
{
    int k;

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
        if ( o->set[k] && keys[k].scope == scope )
            return 1;
    return 0;
}

int xl_ppr_opts_dedup(const struct xl_ppr_policy_opts *o)
{
    return xl_ppr_opts_scope(o, XL_PPR_SCOPE_DEDUP);
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
        return xl_ppr_errf(err, errlen, "unknown policy flags %#x",
                           p->flags);
    if ( p->period_ms < XEN_PPR_PERIOD_MIN_MS ||
         p->period_ms > XEN_PPR_PERIOD_MAX_MS )
        return xl_ppr_errf(err, errlen, "scan period %u ms out of range",
                           p->period_ms);
    if ( p->min_age_ms && (p->min_age_ms < XEN_PPR_PERIOD_MIN_MS ||
                           p->min_age_ms > XEN_PPR_PERIOD_MAX_MS) )
        return xl_ppr_errf(err, errlen, "minimum age %u ms out of range",
                           p->min_age_ms);
    if ( p->reserve_mib > XL_PPR_RESERVE_MAX_MIB )
        return xl_ppr_errf(err, errlen, "reserve %" PRIu64 " MiB out of "
                           "range", (uint64_t)p->reserve_mib);
    return 0;
}

void xl_ppr_size_str(char *buf, size_t len, uint64_t pages)
{
    if ( pages % 256 )
        snprintf(buf, len, "%" PRIu64 " KiB", pages * 4);
    else
        snprintf(buf, len, "%" PRIu64 " MiB", pages / 256);
}

int xl_ppr_wmark_apply(const struct xl_ppr_policy_opts *o,
                       struct xen_mem_pressure *p, uint64_t total_pages,
                       char *err, size_t errlen)
{
    uint64_t *w[XL_PPR_NR_WMARKS] = {
        &p->min_pages, &p->low_pages, &p->high_pages
    };
    char a[32], b[32];
    int i;

    for ( i = 0; i < XL_PPR_NR_WMARKS; i++ )
        if ( o->set[XL_PPR_KEY_WMARK_MIN + i] )
            *w[i] = o->wmark_pages[i];

    for ( i = 0; i + 1 < XL_PPR_NR_WMARKS; i++ )
    {
        if ( *w[i] <= *w[i + 1] )
            continue;
        xl_ppr_size_str(a, sizeof(a), *w[i]);
        xl_ppr_size_str(b, sizeof(b), *w[i + 1]);
        return xl_ppr_errf(err, errlen, "the %s watermark (%s) would be "
                           "above the %s one (%s): min <= low <= high",
                           xl_ppr_wmark_names[i], a,
                           xl_ppr_wmark_names[i + 1], b);
    }

    if ( *w[XL_PPR_NR_WMARKS - 1] > total_pages )
    {
        xl_ppr_size_str(a, sizeof(a), *w[XL_PPR_NR_WMARKS - 1]);
        xl_ppr_size_str(b, sizeof(b), total_pages);
        return xl_ppr_errf(err, errlen, "the high watermark (%s) would be "
                           "more than the host's memory (%s)", a, b);
    }
    return 0;
}
