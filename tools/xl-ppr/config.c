/*
 * xl-ppr: an xl domain configuration file, read with libxlutil (the
 * parser xl itself uses): the ppr_* keys, and what sizes the domain for
 * admission.  xl ignores keys it does not know, so the same file works
 * with plain `xl create`.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "config.h"

static int read_ppr_keys(XLU_Config *xc, const char *path,
                         struct xl_ppr_policy_opts *opts, char *err,
                         size_t errlen)
{
    char why[XL_PPR_ERR_LEN];
    const char *v;
    int k;

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
    {
        int e;

        if ( !xl_ppr_key_cfg(k) )
            continue;
        e = xlu_cfg_get_string(xc, xl_ppr_key_cfg(k), &v, 1);
        if ( e == ESRCH )
            continue;
        if ( e )
            return xl_ppr_errf(err, errlen, "%s: %s: not a single value",
                               path, xl_ppr_key_cfg(k));
        if ( xl_ppr_opts_set(opts, k, v, 1, why, sizeof(why)) )
            return xl_ppr_errf(err, errlen, "%s: %s", path, why);
    }
    return 0;
}

/* Whole number KEY, if given, into *OUT: 0, or -1 if not in [MIN, MAX]. */
static int get_number(XLU_Config *xc, const char *key, long min, long max,
                      uint64_t *out)
{
    long l;
    int e = xlu_cfg_get_long(xc, key, &l, 1);

    if ( e == ESRCH )
        return 0;
    if ( e || l < min || l > max )
        return -1;
    *out = l;
    return 0;
}

static int read_guest_keys(XLU_Config *xc, const char *path,
                           struct xl_ppr_guest *g, char *err, size_t errlen)
{
    static const char *const types[] = {
        [XL_PPR_GUEST_PV] = "pv",
        [XL_PPR_GUEST_PVH] = "pvh",
        [XL_PPR_GUEST_HVM] = "hvm",
    };
    uint64_t maxmem = 0, vcpus = 1, maxvcpus = 0, hap = 1;
    const struct {
        const char *key;
        long min, max;
        uint64_t *out;
    } nums[] = {
        { "memory", 1, 1L << 40, &g->memory_mib },
        { "maxmem", 1, 1L << 40, &maxmem },
        { "vcpus", 1, 1 << 16, &vcpus },
        { "maxvcpus", 1, 1 << 16, &maxvcpus },
        { "hap", 0, 1, &hap },
    };
    const char *t;
    size_t i;

    xl_ppr_guest_init(g);
    if ( !xlu_cfg_get_string(xc, "type", &t, 1) )
    {
        for ( i = 0; i < sizeof(types) / sizeof(types[0]) &&
                     strcmp(t, types[i]); i++ )
            ;
        if ( i == sizeof(types) / sizeof(types[0]) )
            return xl_ppr_errf(err, errlen, "%s: type: '%s' is not pv, "
                               "pvh or hvm", path, t);
        g->type = i;
    }
    else if ( !xlu_cfg_get_string(xc, "builder", &t, 1) &&
              !strcmp(t, "hvm") )
        g->type = XL_PPR_GUEST_HVM;

    for ( i = 0; i < sizeof(nums) / sizeof(nums[0]); i++ )
        if ( get_number(xc, nums[i].key, nums[i].min, nums[i].max,
                        nums[i].out) )
            return xl_ppr_errf(err, errlen, "%s: %s: not a number from %ld "
                               "to %ld", path, nums[i].key, nums[i].min,
                               nums[i].max);

    g->maxmem_mib = maxmem ? maxmem : g->memory_mib;
    g->vcpus = maxvcpus ? maxvcpus : vcpus;
    g->hap = hap;
    return 0;
}

int xl_ppr_read_config(const char *path, struct xl_ppr_cfg *cfg, char *err,
                       size_t errlen)
{
    XLU_Config *xc;
    FILE *f, *report;
    char *rep = NULL;
    size_t replen = 0;
    const char *v;
    int rc = -1;

    memset(cfg, 0, sizeof(*cfg));
    f = fopen(path, "r");
    if ( !f )
        return xl_ppr_errf(err, errlen, "%s: %s", path, strerror(errno));
    fclose(f);

    /* libxlutil reports syntax errors (with the line) to REPORT. */
    report = open_memstream(&rep, &replen);
    if ( !report )
        return xl_ppr_errf(err, errlen, "%s: %s", path, strerror(errno));
    xc = xlu_cfg_init(report, path);
    if ( !xc )
    {
        xl_ppr_errf(err, errlen, "%s: %s", path, strerror(errno));
        fclose(report);
        free(rep);
        return -1;
    }
    if ( xlu_cfg_readfile(xc, path) )
    {
        fflush(report);
        if ( rep && *rep )
            xl_ppr_errf(err, errlen, "%.*s", (int)strcspn(rep, "\n"), rep);
        else
            xl_ppr_errf(err, errlen, "%s: cannot parse the configuration",
                        path);
        goto out;
    }

    if ( xlu_cfg_get_string(xc, "name", &v, 1) || !*v )
    {
        xl_ppr_errf(err, errlen, "%s: no domain name (name = \"...\")",
                    path);
        goto out;
    }
    snprintf(cfg->name, sizeof(cfg->name), "%s", v);
    rc = read_ppr_keys(xc, path, &cfg->opts, err, errlen) ||
         read_guest_keys(xc, path, &cfg->guest, err, errlen) ? -1 : 0;

 out:
    xlu_cfg_destroy(xc);
    fclose(report);
    free(rep);
    return rc;
}
