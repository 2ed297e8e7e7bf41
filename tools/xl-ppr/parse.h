/*
 * xl-ppr: reading what the operator asked for: values, the knobs of
 * `policy` and of the ppr_* config keys, the command line of every verb,
 * and the checks a value must pass before anything is changed.  Pure: no
 * hypervisor calls, unit-tested natively.
 */
#ifndef XL_PPR_PARSE_H
#define XL_PPR_PARSE_H

#include "xl-ppr.h"

/* Print FMT into ERR (one line, for a caller to prefix); returns -1. */
int xl_ppr_errf(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ values */

/* "on"/"off" (also 1/0, yes/no, true/false): 0 and *out set, or -1. */
int xl_ppr_parse_onoff(const char *s, int *out);
/* Decimal integer in [min, max]: 0, or -1 (not a number, out of range). */
int xl_ppr_parse_u64(const char *s, uint64_t min, uint64_t max,
                     uint64_t *out);
/*
 * A memory size as whole 4 KiB pages: a number of MiB, or with a suffix
 * k, m, g (KiB, MiB, GiB; either case).  0 and *pages, or -1.
 */
int xl_ppr_parse_size(const char *s, uint64_t *pages);
/*
 * Share group: "own" (0: the domain alone), a number 1..2^31-1 (the id
 * itself), or a name of 1..31 of [A-Za-z0-9_.-] starting with a letter,
 * hashed (FNV-1a) to an id in 1..2^31-1, the same on every host.
 * Returns 0 with *id set, or -1.
 */
int xl_ppr_group_id(const char *s, uint32_t *id);
int xl_ppr_check_group(const char *s);

/* ------------------------------------------------------------ knobs */

enum xl_ppr_key {
    XL_PPR_KEY_RECLAIM,
    XL_PPR_KEY_SCAN_MS,
    XL_PPR_KEY_MIN_AGE,
    XL_PPR_KEY_RESERVE,
    XL_PPR_KEY_DEDUP,
    XL_PPR_KEY_SHARE_GROUP,
    XL_PPR_KEY_WMARK_MIN,
    XL_PPR_KEY_WMARK_LOW,
    XL_PPR_KEY_WMARK_HIGH,
    XL_PPR_NR_KEYS
};

/* Whose knob it is: what it needs and where it may be given. */
enum xl_ppr_scope {
    XL_PPR_SCOPE_PPR,           /* a domain's or the default PPR policy */
    XL_PPR_SCOPE_DEDUP,         /* a domain's or the default PageONE one */
    XL_PPR_SCOPE_HOST,          /* the host's watermarks (--host) */
};

/* Option name (without "--"), xl config key (NULL: none) and scope. */
const char *xl_ppr_key_option(enum xl_ppr_key k);
const char *xl_ppr_key_cfg(enum xl_ppr_key k);
enum xl_ppr_scope xl_ppr_key_scope(enum xl_ppr_key k);

/* The watermarks, in the order of their keys. */
#define XL_PPR_NR_WMARKS 3
extern const char *const xl_ppr_wmark_names[XL_PPR_NR_WMARKS];

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
    uint64_t wmark_pages[XL_PPR_NR_WMARKS]; /* min, low, high */
};

/*
 * Validate VAL for knob K and record it in OPTS.  Returns 0, or -1 with a
 * one-line reason in ERR naming the --option (or, if CFG, the config key).
 */
int xl_ppr_opts_set(struct xl_ppr_policy_opts *opts, enum xl_ppr_key k,
                    const char *val, int cfg, char *err, size_t errlen);
int xl_ppr_opts_any(const struct xl_ppr_policy_opts *opts);
/* Is a knob of scope SCOPE set? */
int xl_ppr_opts_scope(const struct xl_ppr_policy_opts *opts,
                      enum xl_ppr_scope scope);
int xl_ppr_opts_dedup(const struct xl_ppr_policy_opts *opts);

/* Apply the PPR knobs of OPTS to P (the dedup ones live elsewhere). */
void xl_ppr_policy_apply(const struct xl_ppr_policy_opts *opts,
                         struct xen_ppr_policy *p);
/* The hypervisor's set_policy checks: 0, or -1 with a reason. */
int xl_ppr_policy_check(const struct xen_ppr_policy *p, char *err,
                        size_t errlen);
/*
 * Apply the watermark knobs of OPTS to P and check them as the hypervisor
 * will: min <= low <= high <= TOTAL_PAGES (the host's memory).  0, or -1
 * with a reason.
 */
int xl_ppr_wmark_apply(const struct xl_ppr_policy_opts *opts,
                       struct xen_mem_pressure *p, uint64_t total_pages,
                       char *err, size_t errlen);

/* "16 MiB", or "7092 KiB" when not whole MiB: exact, for messages. */
void xl_ppr_size_str(char *buf, size_t len, uint64_t pages);

/* ------------------------------------------------------------ verbs */

/*
 * Every parser takes the verb's argv (argv[0] is the verb) and returns
 * 0, XL_PPR_ARGS_HELP when -h or --help came first, or -1 with a
 * one-line reason in ERR.
 */
#define XL_PPR_ARGS_HELP 1

struct xl_ppr_info_args {
    int pages_only;             /* -p: Xen's free pages only */
};

struct xl_ppr_list_args {
    int lng, json;
    int ndoms;
    char **doms;                /* points into argv */
};

struct xl_ppr_policy_args {
    int is_default;             /* --default */
    int is_host;                /* --host: the watermarks */
    const char *domain;         /* otherwise the domain, by name or id */
    struct xl_ppr_policy_opts opts;
};

struct xl_ppr_top_args {
    int batch;
    uint64_t iterations;        /* 0: until interrupted */
    uint64_t delay;             /* seconds */
};

struct xl_ppr_create_args {
    int paused, dry, force;
    const char *cfg;
};

union xl_ppr_args {
    struct xl_ppr_info_args info;
    struct xl_ppr_list_args list;
    struct xl_ppr_policy_args policy;
    struct xl_ppr_top_args top;
    struct xl_ppr_create_args create;
};

typedef int xl_ppr_parse_fn(int argc, char **argv, union xl_ppr_args *a,
                            char *err, size_t errlen);

xl_ppr_parse_fn xl_ppr_parse_help_args;
xl_ppr_parse_fn xl_ppr_parse_info_args;
xl_ppr_parse_fn xl_ppr_parse_list_args;
xl_ppr_parse_fn xl_ppr_parse_policy_args;
xl_ppr_parse_fn xl_ppr_parse_top_args;
xl_ppr_parse_fn xl_ppr_parse_create_args;

#endif /* XL_PPR_PARSE_H */
