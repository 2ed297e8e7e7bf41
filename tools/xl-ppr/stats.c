/*
 * xl-ppr: the PPR and PageONE counters as field lists, made from the
 * ABI's X-macro tables, and the one loop every view prints them with.
 */

#include <stdio.h>
#include <string.h>

#include "stats.h"

#define XL_PPR_FIELD(type, n, kind_, unit_, desc_)                        \
    { .name = #n, .off = offsetof(type, n),                               \
      .size = sizeof(((type *)0)->n),                                     \
      .is_signed = (typeof(((type *)0)->n))-1 < (typeof(((type *)0)->n))1, \
      .kind = #kind_, .unit = unit_, .desc = desc_ },

#define XL_PPR_STATS_FIELD(n, kind, owner, unit, desc)                    \
    XL_PPR_FIELD(struct xen_ppr_stats, n, kind, unit, desc)
#define XL_PAGEONE_STATS_FIELD(n, kind, type, unit, desc)                 \
    XL_PPR_FIELD(struct xen_pageone_stats, n, kind, unit, desc)

/* Net frames given back: returned minus refaulted, never negative. */
static int64_t ppr_saved(const void *stats)
{
    const struct xen_ppr_stats *s = stats;

    return s->frames_returned > s->refaulted
           ? s->frames_returned - s->refaulted : 0;
}

/* Guest pages that map a shared or the zero frame. */
static int64_t pageone_merged(const void *stats)
{
    const struct xen_pageone_stats *s = stats;

    return s->pages_shared + s->zero_pages;
}

static const struct xl_ppr_field ppr_fields[] = {
    /* The header field that XEN_PPR_STATS leaves out. */
    XL_PPR_FIELD(struct xen_ppr_stats, nr_entries, gauge, "entries",
                 "registered array size (0: none)")
    XEN_PPR_STATS(XL_PPR_STATS_FIELD)
    { .name = "saved_pages", .kind = "gauge", .unit = "pages",
      .desc = "frames_returned - refaulted", .derive = ppr_saved },
};

static const struct xl_ppr_field pageone_fields[] = {
    XEN_PAGEONE_STATS(XL_PAGEONE_STATS_FIELD)
    { .name = "merged_pages", .kind = "gauge", .unit = "pages",
      .desc = "pages_shared + zero_pages", .derive = pageone_merged },
};

const struct xl_ppr_schema xl_ppr_stats_schema = {
    ppr_fields, sizeof(ppr_fields) / sizeof(ppr_fields[0])
};

const struct xl_ppr_schema xl_pageone_stats_schema = {
    pageone_fields, sizeof(pageone_fields) / sizeof(pageone_fields[0])
};

/* In N structures of SIZE bytes that start with a name, the one NAME. */
static const void *by_name(const void *array, size_t n, size_t size,
                           const char *name)
{
    const char *p = array;

    for ( ; n--; p += size )
        if ( !strcmp(*(const char *const *)p, name) )
            return p;
    return NULL;
}

static const struct xl_ppr_field *find(const struct xl_ppr_schema *sc,
                                       const char *name)
{
    return by_name(sc->fields, sc->nr, sizeof(*sc->fields), name);
}

static uint64_t scale(uint64_t x, enum xl_ppr_unit unit)
{
    switch ( unit )
    {
    case XL_PPR_MIB:
        return xl_ppr_mib(x);
    case XL_PPR_MS:
        return x / 1000000;
    case XL_PPR_US:
        return x / 1000;
    default:
        return x;
    }
}

static void value_of(const struct xl_ppr_field *f, const void *stats,
                     enum xl_ppr_unit unit, struct xl_ppr_value *v)
{
    const unsigned char *p = (const unsigned char *)stats + f->off;
    uint64_t u = 0;
    int64_t s;

    if ( f->derive )
        u = f->derive(stats);
    else if ( f->size == sizeof(uint32_t) )
    {
        uint32_t w;

        memcpy(&w, p, sizeof(w));
        u = f->is_signed ? (uint64_t)(int64_t)(int32_t)w : w;
    }
    else
        memcpy(&u, p, sizeof(u));

    s = (int64_t)u;
    v->is_signed = f->is_signed;
    v->u = scale(u, unit);
    v->s = s < 0 ? -(int64_t)scale(-(uint64_t)s, unit)
                 : (int64_t)scale(s, unit);
}

static const struct xl_ppr_show *renamed(const struct xl_ppr_view *v,
                                         const char *name)
{
    return by_name(v->show, v->nr_show, sizeof(*v->show), name);
}

void xl_ppr_view_each(const struct xl_ppr_view *v, const void *stats,
                      xl_ppr_emit_fn *emit, void *ctx)
{
    size_t i, n = v->pick ? v->nr_show : v->schema->nr;
    char key[64];

    for ( i = 0; i < n; i++ )
    {
        const struct xl_ppr_field *f =
            v->pick ? find(v->schema, v->show[i].field)
                    : &v->schema->fields[i];
        const struct xl_ppr_show *sh;
        struct xl_ppr_value val;

        if ( !f )
            continue;
        sh = v->pick ? &v->show[i] : renamed(v, f->name);
        snprintf(key, sizeof(key), "%s%s", v->prefix,
                 sh && sh->key ? sh->key : f->name);
        value_of(f, stats, sh ? sh->unit : XL_PPR_RAW, &val);
        val.key = key;
        emit(ctx, &val);
    }
}

uint64_t xl_ppr_stat(const struct xl_ppr_schema *sc, const void *stats,
                     const char *name, enum xl_ppr_unit unit)
{
    const struct xl_ppr_field *f = find(sc, name);
    struct xl_ppr_value v;

    if ( !f )
        return 0;
    value_of(f, stats, unit, &v);
    return v.is_signed && v.s < 0 ? 0 : v.u;
}
