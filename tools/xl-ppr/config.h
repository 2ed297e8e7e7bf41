/* xl-ppr: what xl-ppr reads of an xl domain configuration file. */
#ifndef XL_PPR_CONFIG_H
#define XL_PPR_CONFIG_H

#include "admit.h"
#include "parse.h"

struct xl_ppr_cfg {
    char name[XL_PPR_NAME_LEN];
    struct xl_ppr_policy_opts opts;     /* the ppr_* keys */
    struct xl_ppr_guest guest;          /* type, memory, vCPUs */
};

/*
 * Read PATH with libxlutil: the domain name, every ppr_* key (validated
 * as the command line options are) and the keys that size the domain.
 * Returns 0, or -1 with a one-line reason in ERR.
 */
int xl_ppr_read_config(const char *path, struct xl_ppr_cfg *cfg, char *err,
                       size_t errlen);

#endif /* XL_PPR_CONFIG_H */
