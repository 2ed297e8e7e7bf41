/*
 * xl-ppr: the counters of PPR and PageONE as data.  The field lists are
 * made from the ABI's own tables (XEN_PPR_STATS, XEN_PAGEONE_STATS), so a
 * counter appended there shows in every view that shows "all" with no
 * change here; views that show a few pick them by name.
 */
#ifndef XL_PPR_STATS_H
#define XL_PPR_STATS_H

#include "xl-ppr.h"

/* One field of a statistics structure. */
struct xl_ppr_field {
    const char *name;
    size_t off, size;
    int is_signed;
    const char *kind;           /* "counter" or "gauge" */
    const char *unit, *desc;
    /* A value the tools work out from the others (no offset). */
    int64_t (*derive)(const void *stats);
};

struct xl_ppr_schema {
    const struct xl_ppr_field *fields;
    size_t nr;
};

/* nr_entries, then XEN_PPR_STATS, then saved_pages (derived). */
extern const struct xl_ppr_schema xl_ppr_stats_schema;
/* XEN_PAGEONE_STATS, then merged_pages (derived). */
extern const struct xl_ppr_schema xl_pageone_stats_schema;

/* How a view shows a value. */
enum xl_ppr_unit {
    XL_PPR_RAW,                 /* as the hypervisor counts it */
    XL_PPR_MIB,                 /* pages, as MiB rounded to nearest */
    XL_PPR_MS,                  /* ns, as whole ms */
    XL_PPR_US,                  /* ns, as whole us */
};

/* A field by name, shown under KEY (NULL: its name) in UNIT. */
struct xl_ppr_show {
    const char *field, *key;
    enum xl_ppr_unit unit;
};

struct xl_ppr_view {
    const struct xl_ppr_schema *schema;
    const char *prefix;         /* put before every key ("" for none) */
    /*
     * pick: only the fields of show[], in that order; otherwise every
     * field of the schema in its order, show[] renaming some of them.
     */
    int pick;
    const struct xl_ppr_show *show;
    size_t nr_show;
};

struct xl_ppr_value {
    const char *key;            /* with the view's prefix */
    int is_signed;
    uint64_t u;
    int64_t s;
};

typedef void xl_ppr_emit_fn(void *ctx, const struct xl_ppr_value *v);

/* Call EMIT for every value that view V shows of STATS. */
void xl_ppr_view_each(const struct xl_ppr_view *v, const void *stats,
                      xl_ppr_emit_fn *emit, void *ctx);

/* One value by field name in UNIT (negative: 0); 0 for an unknown name. */
uint64_t xl_ppr_stat(const struct xl_ppr_schema *sc, const void *stats,
                     const char *name, enum xl_ppr_unit unit);

#endif /* XL_PPR_STATS_H */
