/*
 * xl-ppr: shared definitions.  format.c holds the pure helpers (option
 * parsing, value validation, text and JSON output) and is unit-tested
 * natively; hv.c talks to the hypervisor, xl-ppr.c holds the verbs.
 */
#ifndef XL_PPR_H
#define XL_PPR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xen/xen.h>
#include <ppr.h>                /* abi/ppr.h */
#include <pageone.h>            /* abi/pageone.h */

/* Exit codes (documented in docs/man/xl-ppr.1). */
#define XL_PPR_ERR_USAGE  2     /* bad command line or out-of-range value */
#define XL_PPR_ERR_ENV    3     /* not on Xen, not root, feature missing */
#define XL_PPR_ERR_XEN    4     /* the hypervisor refused or failed */
#define XL_PPR_ERR_NODOM  5     /* no such domain */

#define XL_PPR_CAPS_LEN   64
#define XL_PPR_NAME_LEN   64
#define XL_PPR_GROUP_LEN  32    /* share group names: 1..31 characters */
#define XL_PPR_GROUP_MAX  0x7fffffffU /* largest PageONE share group id */
#define XL_PPR_ERR_LEN    160

/* Largest reserve the hypervisor accepts (2^(BITS_PER_LONG - 21) MiB). */
#define XL_PPR_RESERVE_MAX_MIB (1ULL << 43)

/* Render XEN_SYSCTL_PHYSCAP_* bits as `xl info`'s virt_caps words. */
void xl_ppr_format_caps(char *buf, size_t len, uint32_t caps);

/* ------------------------------------------------------------ values */

/* "on"/"off" (also 1/0, yes/no, true/false): 0 and *out set, or -1. */
int xl_ppr_parse_onoff(const char *s, int *out);
/* Decimal integer in [min, max]: 0, or -1 (not a number, out of range). */
int xl_ppr_parse_u64(const char *s, uint64_t min, uint64_t max,
                     uint64_t *out);
/*
 * Share group: "own" (0: the domain alone), a number 1..2^31-1 (the id
 * itself), or a name of 1..31 of [A-Za-z0-9_.-] starting with a letter,
 * hashed (FNV-1a) to an id in 1..2^31-1, the same on every host.
 * Returns 0 with *id set, or -1.
 */
int xl_ppr_group_id(const char *s, uint32_t *id);
int xl_ppr_check_group(const char *s);

/* ------------------------------------------------------------ policy */

enum xl_ppr_key {
    XL_PPR_KEY_RECLAIM,
    XL_PPR_KEY_SCAN_MS,
    XL_PPR_KEY_MIN_AGE,
    XL_PPR_KEY_RESERVE,
    XL_PPR_KEY_DEDUP,
    XL_PPR_KEY_SHARE_GROUP,
    XL_PPR_NR_KEYS
};

/* Option name (without "--") and xl config key of each knob. */
const char *xl_ppr_key_option(enum xl_ppr_key k);
const char *xl_ppr_key_cfg(enum xl_ppr_key k);

/* Requested changes; a knob is changed only if its set[] flag is. */
struct xl_ppr_policy_opts {
    int set[XL_PPR_NR_KEYS];
    int reclaim;
    uint32_t scan_ms;
    uint32_t min_age_ms;
    uint64_t reserve_mib;
    int dedup;
    char share_group[XL_PPR_GROUP_LEN];
    uint32_t group_id;
};

/*
 * Validate VAL for knob K and record it in OPTS.  Returns 0, or -1 with a
 * one-line reason in ERR naming the --option (or, if CFG, the config key).
 */
int xl_ppr_opts_set(struct xl_ppr_policy_opts *opts, enum xl_ppr_key k,
                    const char *val, int cfg, char *err, size_t errlen);
int xl_ppr_opts_any(const struct xl_ppr_policy_opts *opts);
int xl_ppr_opts_dedup(const struct xl_ppr_policy_opts *opts);

/* `xl-ppr policy` command line. */
struct xl_ppr_policy_args {
    int help;
    int is_default;             /* --default */
    const char *domain;         /* otherwise the domain, by name or id */
    struct xl_ppr_policy_opts opts;
};

/* argv[0] is "policy".  Returns 0, or -1 with a reason in ERR. */
int xl_ppr_parse_policy_args(int argc, char **argv,
                             struct xl_ppr_policy_args *a,
                             char *err, size_t errlen);

/* `xl-ppr list [-l|-j] [domain...]`; argv[0] is "list". */
struct xl_ppr_list_args {
    int help, lng, json;
    int ndoms;
    char **doms;                /* points into argv */
};
int xl_ppr_parse_list_args(int argc, char **argv,
                           struct xl_ppr_list_args *a,
                           char *err, size_t errlen);

/* `xl-ppr top [-b] [-n N] [-d S]`; argv[0] is "top". */
struct xl_ppr_top_args {
    int help, batch;
    uint64_t iterations;        /* 0: until interrupted */
    uint64_t delay;             /* seconds */
};
int xl_ppr_parse_top_args(int argc, char **argv, struct xl_ppr_top_args *a,
                          char *err, size_t errlen);

/* Apply the PPR knobs of OPTS to P (the dedup ones live elsewhere). */
void xl_ppr_policy_apply(const struct xl_ppr_policy_opts *opts,
                         struct xen_ppr_policy *p);
/* The hypervisor's set_policy checks: 0, or -1 with a reason. */
int xl_ppr_policy_check(const struct xen_ppr_policy *p, char *err,
                        size_t errlen);

/* ------------------------------------------------------------ output */

/* PageONE (dedup) state of the host or of a domain. */
struct xl_ppr_dedup {
    int compiled;               /* the hypervisor has pageone_op */
    int avail;                  /* ... and it is enabled (pageone=1) */
    int on;                     /* host: scanner running; domain: dedup */
    uint64_t merged;            /* gfns mapping a shared or zero frame */
    uint64_t shared;            /* host: shared frames; domain: gfns on
                                   shared non-zero frames */
    uint64_t zero;              /* gfns mapping the zero frame */
    int64_t saved;              /* host: frames saved */
    uint64_t cpu_ns;            /* host: scan CPU time */
    uint32_t group;             /* domain: share group, 0 = alone */
};

enum xl_ppr_state {
    XL_PPR_ABSENT,              /* no ppr_op (-ENOSYS): stock Xen */
    XL_PPR_DISABLED,            /* compiled in, ppr=0 */
    XL_PPR_ENABLED,
};

struct xl_ppr_host {
    enum xl_ppr_state ppr;
    uint32_t version;           /* XEN_PPR_INTERFACE_VERSION of Xen */
    int have_policy;
    struct xen_ppr_policy defpol;
    int have_stats;
    struct xen_ppr_stats totals;
    struct xl_ppr_dedup dedup;
};

struct xl_ppr_dom {
    uint32_t domid;
    char name[XL_PPR_NAME_LEN];
    uint64_t tot_pages;
    int registered;
    struct xen_ppr_stats stats; /* zero unless registered */
    int have_policy;
    struct xen_ppr_policy policy;
    struct xl_ppr_dedup dedup;
    uint64_t reclaim_rate;      /* top: pages/s reclaimed, last interval */
};

/* Net frames given back: returned minus refaulted, never negative. */
uint64_t xl_ppr_saved_pages(const struct xen_ppr_stats *s);

void xl_ppr_print_host(FILE *f, const struct xl_ppr_host *h);
void xl_ppr_print_policy(FILE *f, const struct xl_ppr_dom *d, int header);
void xl_ppr_print_list(FILE *f, const struct xl_ppr_dom *d, size_t n,
                       int dedup_avail);
void xl_ppr_print_long(FILE *f, const struct xl_ppr_dom *d, size_t n);
void xl_ppr_print_top(FILE *f, const struct xl_ppr_host *h,
                      const struct xl_ppr_dom *d, size_t n);
/* JSON array of domains; returns a malloc'ed string or NULL. */
char *xl_ppr_json_list(const struct xl_ppr_dom *d, size_t n);

#endif /* XL_PPR_H */
