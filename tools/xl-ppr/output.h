/*
 * xl-ppr: what the verbs print: `key : value` lines (text.c), tables
 * (table.c) and JSON (json.c).  Counters are printed through the views of
 * stats.h, never field by field.  Pure: unit-tested natively.
 */
#ifndef XL_PPR_OUTPUT_H
#define XL_PPR_OUTPUT_H

#include "xl-ppr.h"

/* One `key : value` line, as xl info prints them. */
void xl_ppr_kv(FILE *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Render XEN_SYSCTL_PHYSCAP_* bits as `xl info`'s virt_caps words. */
void xl_ppr_format_caps(char *buf, size_t len, uint32_t caps);

/* PPR and PageONE state and totals of the host (xl-ppr info). */
void xl_ppr_print_host(FILE *f, const struct xl_ppr_host *h);
/*
 * The heap's free pages and watermarks; unless LEVELS_ONLY, also the
 * vCPUs waiting for memory and what the watermarks refused.
 */
void xl_ppr_print_pressure(FILE *f, const struct xen_mem_pressure *p,
                           int levels_only);
/* Every counter of each domain, one per line. */
void xl_ppr_print_long(FILE *f, const struct xl_ppr_dom *d, size_t n);

/* Tables. */
void xl_ppr_print_policy(FILE *f, const struct xl_ppr_dom *d, int header);
void xl_ppr_print_list(FILE *f, const struct xl_ppr_dom *d, size_t n);
void xl_ppr_print_top(FILE *f, const struct xl_ppr_host *h,
                      const struct xl_ppr_dom *d, size_t n);

/* JSON array of domains; returns a malloc'ed string or NULL. */
char *xl_ppr_json_list(const struct xl_ppr_dom *d, size_t n);

/* "own" for 0 (the domain alone), else the id. */
void xl_ppr_group_str(char *buf, size_t len, uint32_t group);

#endif /* XL_PPR_OUTPUT_H */
