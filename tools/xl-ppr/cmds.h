/*
 * xl-ppr: the verbs (one file per verb or family: info.c, list.c,
 * policy.c, create.c), their table (cmdtable.c) and what they share
 * (xl-ppr.c): the environment checks, the interfaces they open, and the
 * one-line errors with their exit codes.
 */
#ifndef XL_PPR_CMDS_H
#define XL_PPR_CMDS_H

#include <xenctrl.h>
#include <libxl.h>

#include "hv.h"
#include "parse.h"

/* ------------------------------------------------------------ table */

struct xl_ppr_cmd {
    const char *name;
    xl_ppr_parse_fn *parse;     /* the whole command line, first */
    int (*run)(const union xl_ppr_args *a);
    const char *summary, *usage;
};

extern const struct xl_ppr_cmd xl_ppr_cmd_table[];
const struct xl_ppr_cmd *xl_ppr_cmd_find(const char *name);
/* "Usage: xl-ppr <verb> ..." and the list of verbs. */
void xl_ppr_usage_main(FILE *f);

int xl_ppr_cmd_help(const union xl_ppr_args *a);
int xl_ppr_cmd_info(const union xl_ppr_args *a);
int xl_ppr_cmd_list(const union xl_ppr_args *a);
int xl_ppr_cmd_top(const union xl_ppr_args *a);
int xl_ppr_cmd_policy(const union xl_ppr_args *a);
int xl_ppr_cmd_create(const union xl_ppr_args *a);

/* ------------------------------------------------------------ session */

/* What a verb opens (xl_ppr_open); close what was opened. */
#define XL_PPR_WITH_XC      (1U << 0)   /* libxenctrl: physinfo, version */
#define XL_PPR_WITH_HV      (1U << 1)   /* libxencall, and probe */
#define XL_PPR_WITH_CTX     (1U << 2)   /* libxl: domains */
#define XL_PPR_NEED_ENGINE  (1U << 3)   /* PPR or PageONE must be on */

struct xl_ppr_session {
    xc_interface *xch;
    struct xl_ppr_hv hv;
    struct xl_ppr_host h;       /* probed with XL_PPR_WITH_HV */
    libxl_ctx *ctx;
    xentoollog_logger_stdiostream *logger;
};

/* Why xl-ppr cannot work here (not on Xen, not root), or NULL. */
const char *xl_ppr_env_problem(void);
/* Check the environment, then open WHAT: 0, or an exit code. */
int xl_ppr_open(struct xl_ppr_session *s, unsigned int what);
/* Open libxl later, e.g. once xl created a domain: 0, or an exit code. */
int xl_ppr_open_ctx(struct xl_ppr_session *s);
void xl_ppr_close(struct xl_ppr_session *s);

/* ------------------------------------------------------------ errors */

/* "xl-ppr: cannot WHAT of NAME: <why>"; the exit code for RC. */
int xl_ppr_hv_error(const char *what, const char *name, int rc);

/* Domain by name or id, as xl resolves it; it must exist. */
int xl_ppr_find_domain(libxl_ctx *ctx, const char *q, uint32_t *domid);
void xl_ppr_dom_name(libxl_ctx *ctx, uint32_t domid, char *buf,
                     size_t len);

/* policy.c, for create: are O's knobs available; set them on D. */
int xl_ppr_check_knobs(const struct xl_ppr_host *h,
                       const struct xl_ppr_policy_opts *o, int is_default,
                       const char *what);
int xl_ppr_apply_opts(struct xl_ppr_hv *hv, struct xl_ppr_dom *d,
                      const struct xl_ppr_policy_opts *o);

#endif /* XL_PPR_CMDS_H */
