/*
 * xl-ppr: the ppr_* keys of an xl domain configuration file, read with
 * libxlutil (the parser xl itself uses).  xl ignores keys it does not
 * know, so the same file works with plain `xl create`.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "config.h"

int xl_ppr_read_config(const char *path, struct xl_ppr_policy_opts *opts,
                       char *name, size_t namelen, char *err, size_t errlen)
{
    XLU_Config *cfg;
    FILE *f, *report;
    char *rep = NULL;
    size_t replen = 0;
    const char *v;
    char why[XL_PPR_ERR_LEN];
    int k, rc = -1;

    memset(opts, 0, sizeof(*opts));
    f = fopen(path, "r");
    if ( !f )
    {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    fclose(f);

    /* libxlutil reports syntax errors (with the line) to REPORT. */
    report = open_memstream(&rep, &replen);
    if ( !report )
    {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    cfg = xlu_cfg_init(report, path);
    if ( !cfg )
    {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        fclose(report);
        free(rep);
        return -1;
    }
    if ( xlu_cfg_readfile(cfg, path) )
    {
        fflush(report);
        if ( rep && *rep )
            snprintf(err, errlen, "%.*s", (int)strcspn(rep, "\n"), rep);
        else
            snprintf(err, errlen, "%s: cannot parse the configuration",
                     path);
        goto out;
    }

    if ( xlu_cfg_get_string(cfg, "name", &v, 1) || !*v )
    {
        snprintf(err, errlen, "%s: no domain name (name = \"...\")", path);
        goto out;
    }
    snprintf(name, namelen, "%s", v);

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
    {
        int e = xlu_cfg_get_string(cfg, xl_ppr_key_cfg(k), &v, 1);

        if ( e == ESRCH )
            continue;
        if ( e )
        {
            snprintf(err, errlen, "%s: %s: not a single value", path,
                     xl_ppr_key_cfg(k));
            goto out;
        }
        if ( xl_ppr_opts_set(opts, k, v, 1, why, sizeof(why)) )
        {
            snprintf(err, errlen, "%s: %s", path, why);
            goto out;
        }
    }
    rc = 0;

 out:
    xlu_cfg_destroy(cfg);
    fclose(report);
    free(rep);
    return rc;
}
