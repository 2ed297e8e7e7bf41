/*
 * xl-ppr: JSON (libyajl) for scripts: one object per domain, with every
 * counter of the ABI's lists under its own name, one key per line.
 */

#include <string.h>

#include <yajl/yajl_gen.h>

#include "output.h"
#include "stats.h"

/* The older name of a counter that scripts already read. */
static const struct xl_ppr_show ppr_renamed[] = {
    { "seen_free", "guest_freed", XL_PPR_RAW },
};

static const struct xl_ppr_view ppr_view = {
    &xl_ppr_stats_schema, "", 0, ppr_renamed,
    sizeof(ppr_renamed) / sizeof(ppr_renamed[0])
};
static const struct xl_ppr_view pageone_view = {
    &xl_pageone_stats_schema, "", 0, NULL, 0
};

static void js(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void jint(yajl_gen g, const char *k, uint64_t v)
{
    js(g, k);
    yajl_gen_integer(g, (long long)v);
}

static void emit_json(void *ctx, const struct xl_ppr_value *v)
{
    js(ctx, v->key);
    yajl_gen_integer(ctx, v->is_signed ? v->s : (long long)v->u);
}

/* "KEY": then null and 0, or the opening of a map and 1 if PRESENT. */
static int jmap(yajl_gen g, const char *key, int present)
{
    js(g, key);
    if ( present )
        yajl_gen_map_open(g);
    else
        yajl_gen_null(g);
    return present;
}

/* "KEY": {every value of view V of STATS}, or null if not PRESENT. */
static void jstats(yajl_gen g, const char *key, const struct xl_ppr_view *v,
                   const void *stats, int present)
{
    if ( !jmap(g, key, present) )
        return;
    xl_ppr_view_each(v, stats, emit_json, g);
    yajl_gen_map_close(g);
}

static void jdedup(yajl_gen g, const struct xl_ppr_dedup *d)
{
    if ( !jmap(g, "dedup", d->avail) )
        return;
    js(g, "enabled");
    yajl_gen_bool(g, d->on);
    jint(g, "merged", d->merged);
    jint(g, "shared", d->shared);
    jint(g, "zero", d->zero);
    jint(g, "share_group", d->group);
    jstats(g, "group_stats", &pageone_view, &d->stats, 1);
    yajl_gen_map_close(g);
}

static void jpolicy(yajl_gen g, const struct xl_ppr_dom *e)
{
    if ( !jmap(g, "policy", e->have_policy) )
        return;
    js(g, "reclaim");
    yajl_gen_bool(g, e->policy.flags & XEN_PPR_POLICY_RECLAIM);
    jint(g, "scan_ms", e->policy.period_ms);
    jint(g, "min_age_ms", e->policy.min_age_ms);
    jint(g, "reserve_mib", e->policy.reserve_mib);
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

        yajl_gen_map_open(g);
        jint(g, "domid", e->domid);
        js(g, "name");
        js(g, e->name);
        jint(g, "tot_pages", e->tot_pages);
        js(g, "registered");
        yajl_gen_bool(g, e->registered);
        jstats(g, "stats", &ppr_view, &e->stats, e->registered);
        jpolicy(g, e);
        jdedup(g, &e->dedup);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if ( yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok )
        out = strndup((const char *)buf, len);
    yajl_gen_free(g);
    return out;
}
