/* xl-ppr: ppr_* keys of an xl domain configuration file. */
#ifndef XL_PPR_CONFIG_H
#define XL_PPR_CONFIG_H

#include "xl-ppr.h"

/*
 * Read PATH with libxlutil: the domain name into NAME and every ppr_* key
 * (validated as the command line options are) into OPTS.  Returns 0, or
 * -1 with a one-line reason in ERR.
 */
int xl_ppr_read_config(const char *path, struct xl_ppr_policy_opts *opts,
                       char *name, size_t namelen, char *err,
                       size_t errlen);

#endif /* XL_PPR_CONFIG_H */
