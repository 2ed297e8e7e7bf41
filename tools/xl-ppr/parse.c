/*
 * xl-ppr: values and the command line of every verb.  Each parser checks
 * the whole line before the verb does anything, so a typo never leaves a
 * half-done change behind.
 */

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int xl_ppr_errf(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------ values */

int xl_ppr_parse_onoff(const char *s, int *out)
{
    static const char *const on[] = { "on", "1", "yes", "true" };
    static const char *const off[] = { "off", "0", "no", "false" };
    size_t i;

    for ( i = 0; i < sizeof(on) / sizeof(on[0]); i++ )
    {
        if ( !strcmp(s, on[i]) )
        {
            *out = 1;
            return 0;
        }
        if ( !strcmp(s, off[i]) )
        {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Leading decimal digits of S into *V; the rest at *end.  0 or -1. */
static int digits(const char *s, unsigned long long *v, char **end)
{
    /* strtoull() accepts "-1" and leading blanks: allow digits only. */
    if ( !isdigit((unsigned char)*s) )
        return -1;
    errno = 0;
    *v = strtoull(s, end, 10);
    return errno ? -1 : 0;
}

int xl_ppr_parse_u64(const char *s, uint64_t min, uint64_t max,
                     uint64_t *out)
{
    unsigned long long v;
    char *end;

    if ( digits(s, &v, &end) || *end || v < min || v > max )
        return -1;
    *out = v;
    return 0;
}

int xl_ppr_parse_size(const char *s, uint64_t *pages)
{
    /* Far beyond any host, and no overflow in KiB. */
    const unsigned long long max_kib = 1ULL << 52;
    unsigned long long v, kib = 1024;
    char *end;

    if ( digits(s, &v, &end) )
        return -1;
    if ( *end )
    {
        const char *u = strchr("kmg", tolower((unsigned char)*end));

        if ( !u || end[1] )
            return -1;
        kib = 1ULL << (10 * (u - "kmg"));
    }
    if ( v > max_kib / kib || (v * kib) % 4 )
        return -1;
    *pages = v * kib / 4;
    return 0;
}

int xl_ppr_group_id(const char *s, uint32_t *id)
{
    size_t n = strlen(s), i;
    uint32_t h = 2166136261U;
    uint64_t v;

    if ( !strcmp(s, "own") )
    {
        *id = 0;
        return 0;
    }
    if ( isdigit((unsigned char)*s) )
    {
        if ( xl_ppr_parse_u64(s, 1, XL_PPR_GROUP_MAX, &v) )
            return -1;
        *id = v;
        return 0;
    }
    if ( !n || n >= XL_PPR_GROUP_LEN || !isalpha((unsigned char)*s) )
        return -1;
    for ( i = 0; i < n; i++ )
    {
        if ( !isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]) )
            return -1;
        h = (h ^ (unsigned char)s[i]) * 16777619U;
    }
    h &= XL_PPR_GROUP_MAX;
    *id = h ? h : 1;
    return 0;
}

int xl_ppr_check_group(const char *s)
{
    uint32_t id;

    return xl_ppr_group_id(s, &id);
}

/* ------------------------------------------------------------ verbs */

static int is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

static int is_opt(const char *arg, const char *shrt, const char *lng)
{
    return !strcmp(arg, shrt) || (lng && !strcmp(arg, lng));
}

int xl_ppr_parse_help_args(int argc, char **argv, union xl_ppr_args *u,
                           char *err, size_t errlen)
{
    return argc > 1 && is_help(argv[1]) ? XL_PPR_ARGS_HELP : 0;
}

/* An option of a verb: a flag (set to 1), or one that takes a number. */
struct opt {
    const char *shrt, *lng;
    size_t off;                 /* of its int or uint64_t in the args */
    uint64_t min, max;          /* max: takes a number in [min, max] */
    const char *range;          /* "1 to 3600 (seconds)", for errors */
};

/* The offset of FIELD in the args, which must be of TYPE (or no build). */
#define OFF(field, type)                                                  \
    (offsetof(union xl_ppr_args, field) +                                 \
     0 * sizeof(char[__builtin_types_compatible_p(                        \
         typeof(((union xl_ppr_args *)0)->field), type) ? 1 : -1]))
#define FLAG(s, l, field) { s, l, OFF(field, int), 0, 0, NULL }
#define NUMBER(s, l, field, min, max, range)                              \
    { s, l, OFF(field, uint64_t), min, max, range }

/* What else a verb takes: nothing, one argument, or all that follow. */
enum operands { OPERANDS_NONE, OPERANDS_ONE, OPERANDS_REST };

/*
 * The options OPTS of argv[1..] into U.  *FIRST: the index of the one
 * operand (0: none) or of the first of the rest.  BAD names an argument
 * that is none of them in the error.
 */
static int parse_opts(int argc, char **argv, const struct opt *opts,
                      size_t nopts, enum operands operands, int *first,
                      const char *bad, union xl_ppr_args *u, char *err,
                      size_t errlen)
{
    const struct opt *o;
    int i;

    *first = 0;
    for ( i = 1; i < argc; i++ )
    {
        const char *arg = argv[i];
        char *p;

        if ( is_help(arg) )
            return XL_PPR_ARGS_HELP;
        if ( operands == OPERANDS_REST && (arg[0] != '-' || !arg[1]) )
            break;
        if ( operands == OPERANDS_REST && !strcmp(arg, "--") )
        {
            i++;
            break;
        }
        for ( o = opts; o < opts + nopts && !is_opt(arg, o->shrt, o->lng);
              o++ )
            ;
        if ( o == opts + nopts )
        {
            if ( operands != OPERANDS_ONE || arg[0] == '-' || *first )
                return xl_ppr_errf(err, errlen, "%s '%s'", bad, arg);
            *first = i;
            continue;
        }
        p = (char *)u + o->off;
        if ( !o->max )
        {
            *(int *)p = 1;
            continue;
        }
        if ( i + 1 >= argc )
            return xl_ppr_errf(err, errlen, "%s needs a value", arg);
        if ( xl_ppr_parse_u64(argv[++i], o->min, o->max, (uint64_t *)p) )
            return xl_ppr_errf(err, errlen, "%s: '%s' is not a number from "
                               "%s", arg, argv[i], o->range);
    }
    if ( operands == OPERANDS_REST )
        *first = i;
    return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

int xl_ppr_parse_info_args(int argc, char **argv, union xl_ppr_args *u,
                           char *err, size_t errlen)
{
    static const struct opt opts[] = {
        FLAG("-p", "--pages", info.pages_only),
    };
    int first;

    memset(&u->info, 0, sizeof(u->info));
    return parse_opts(argc, argv, opts, N(opts), OPERANDS_NONE, &first,
                      "unknown option", u, err, errlen);
}

int xl_ppr_parse_list_args(int argc, char **argv, union xl_ppr_args *u,
                           char *err, size_t errlen)
{
    static const struct opt opts[] = {
        FLAG("-l", "--long", list.lng),
        FLAG("-j", "--json", list.json),
    };
    struct xl_ppr_list_args *a = &u->list;
    int first, rc;

    memset(a, 0, sizeof(*a));
    rc = parse_opts(argc, argv, opts, N(opts), OPERANDS_REST, &first,
                    "unknown option", u, err, errlen);
    if ( rc )
        return rc;
    if ( a->lng && a->json )
        return xl_ppr_errf(err, errlen, "-l and -j exclude each other");
    a->ndoms = argc - first;
    a->doms = argv + first;
    return 0;
}

/* The knob of "--name" or "--name=value" in ARG, or XL_PPR_NR_KEYS. */
static enum xl_ppr_key knob_of(const char *arg, const char **eq)
{
    size_t nlen;
    int k;

    *eq = strchr(arg + 2, '=');
    nlen = *eq ? (size_t)(*eq - arg - 2) : strlen(arg + 2);
    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
        if ( strlen(xl_ppr_key_option(k)) == nlen &&
             !strncmp(arg + 2, xl_ppr_key_option(k), nlen) )
            break;
    return k;
}

/* Every knob given suits the target (--host or a domain/--default). */
static int check_scopes(const struct xl_ppr_policy_args *a, char *err,
                        size_t errlen)
{
    int k;

    for ( k = 0; k < XL_PPR_NR_KEYS; k++ )
    {
        int host = xl_ppr_key_scope(k) == XL_PPR_SCOPE_HOST;

        if ( !a->opts.set[k] || host == a->is_host )
            continue;
        return xl_ppr_errf(err, errlen, host ? "--%s goes with --host"
                           : "--%s is a knob of a domain or --default, not "
                           "of --host", xl_ppr_key_option(k));
    }
    return 0;
}

int xl_ppr_parse_policy_args(int argc, char **argv, union xl_ppr_args *u,
                             char *err, size_t errlen)
{
    struct xl_ppr_policy_args *a = &u->policy;
    int i, k;

    memset(a, 0, sizeof(*a));
    for ( i = 1; i < argc; i++ )
    {
        const char *arg = argv[i], *val, *eq;

        if ( is_help(arg) )
            return XL_PPR_ARGS_HELP;
        if ( !strcmp(arg, "--default") )
        {
            a->is_default = 1;
            continue;
        }
        if ( !strcmp(arg, "--host") )
        {
            a->is_host = 1;
            continue;
        }
        if ( !strcmp(arg, "--") )
        {
            /* Everything after "--" is a domain (names may start with -). */
            for ( i++; i < argc; i++ )
            {
                if ( a->domain )
                    return xl_ppr_errf(err, errlen,
                                       "more than one domain given");
                a->domain = argv[i];
            }
            break;
        }
        if ( strncmp(arg, "--", 2) )
        {
            if ( arg[0] == '-' && arg[1] )
                return xl_ppr_errf(err, errlen, "unknown option '%s'", arg);
            if ( a->domain )
                return xl_ppr_errf(err, errlen, "more than one domain given "
                                   "('%s', '%s')", a->domain, arg);
            a->domain = arg;
            continue;
        }

        k = knob_of(arg, &eq);
        if ( k == XL_PPR_NR_KEYS )
            return xl_ppr_errf(err, errlen, "unknown option '%s'", arg);
        if ( a->opts.set[k] )
            return xl_ppr_errf(err, errlen, "--%s given twice",
                               xl_ppr_key_option(k));
        if ( eq )
            val = eq + 1;
        else if ( i + 1 < argc )
            val = argv[++i];
        else
            return xl_ppr_errf(err, errlen, "--%s needs a value",
                               xl_ppr_key_option(k));
        if ( xl_ppr_opts_set(&a->opts, k, val, 0, err, errlen) )
            return -1;
    }

    if ( a->is_host && (a->is_default || a->domain) )
        return xl_ppr_errf(err, errlen, "--host is for the host alone, not "
                           "with a domain or --default");
    if ( a->is_default && a->domain )
        return xl_ppr_errf(err, errlen, "give a domain or --default, not "
                           "both");
    if ( !a->is_default && !a->domain && !a->is_host )
        return xl_ppr_errf(err, errlen, "no domain given (or --default, "
                           "--host)");
    return check_scopes(a, err, errlen);
}

int xl_ppr_parse_top_args(int argc, char **argv, union xl_ppr_args *u,
                          char *err, size_t errlen)
{
    static const struct opt opts[] = {
        FLAG("-b", "--batch", top.batch),
        NUMBER("-n", "--iterations", top.iterations, 1, 1000000,
               "1 to 1000000"),
        NUMBER("-d", "--delay", top.delay, 1, 3600, "1 to 3600 (seconds)"),
    };
    int first;

    memset(&u->top, 0, sizeof(u->top));
    u->top.delay = 3;
    return parse_opts(argc, argv, opts, N(opts), OPERANDS_NONE, &first,
                      "unknown argument", u, err, errlen);
}

int xl_ppr_parse_create_args(int argc, char **argv, union xl_ppr_args *u,
                             char *err, size_t errlen)
{
    static const struct opt opts[] = {
        FLAG("-p", NULL, create.paused),
        FLAG("-n", "--dry-run", create.dry),
        FLAG("-f", "--force", create.force),
    };
    int first, rc;

    memset(&u->create, 0, sizeof(u->create));
    rc = parse_opts(argc, argv, opts, N(opts), OPERANDS_ONE, &first,
                    "unexpected argument", u, err, errlen);
    if ( rc )
        return rc;
    if ( !first )
        return xl_ppr_errf(err, errlen, "no configuration file given");
    u->create.cfg = argv[first];
    return 0;
}
