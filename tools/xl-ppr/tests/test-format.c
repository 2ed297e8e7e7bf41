/*
 * xl-ppr: native unit tests of the pure helpers: argument parsing, value
 * validation, xl config keys, text and JSON output.
 */

#include <stdlib.h>
#include <unistd.h>

#include <xenctrl.h>
#include <yajl/yajl_tree.h>

#include "../config.h"
#include "../output.h"
#include "../stats.h"
#include "check.h"

static void expect_caps(uint32_t caps, size_t len, const char *want)
{
    char buf[XL_PPR_CAPS_LEN];

    memset(buf, 'X', sizeof(buf));
    xl_ppr_format_caps(buf, len, caps);
    CHECK(!strcmp(buf, want), "caps %#x len %zu: got '%s' want '%s'",
          caps, len, buf, want);
}

static void test_caps(void)
{
    expect_caps(0, sizeof(char[XL_PPR_CAPS_LEN]), "");
    expect_caps(XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hvm |
                XEN_SYSCTL_PHYSCAP_hap, XL_PPR_CAPS_LEN, "pv hvm hap");
    expect_caps(XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow,
                XL_PPR_CAPS_LEN, "hap shadow");
    /* Truncation never splits a word nor overruns the buffer. */
    expect_caps(XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hvm, 6, "pv");
    expect_caps(XEN_SYSCTL_PHYSCAP_pv, 1, "");
}

static void test_values(void)
{
    static const struct {
        const char *s;
        long long pages;        /* -1: refused */
    } sizes[] = {
        { "16", 4096 }, { "7092k", 1773 }, { "7092K", 1773 },
        { "2m", 512 }, { "1G", 262144 }, { "0", 0 },
        { "6k", -1 },           /* not whole pages */
        { "5t", -1 }, { "5kb", -1 }, { "k", -1 }, { "-4k", -1 },
        { "99999999999g", -1 },
    };
    uint64_t v = 7;
    size_t i;
    int b = 7;

    CHECK(!xl_ppr_parse_onoff("on", &b) && b == 1, "on");
    CHECK(!xl_ppr_parse_onoff("off", &b) && b == 0, "off");
    CHECK(!xl_ppr_parse_onoff("1", &b) && b == 1, "1");
    CHECK(!xl_ppr_parse_onoff("no", &b) && b == 0, "no");
    b = 7;
    CHECK(xl_ppr_parse_onoff("On ", &b) && b == 7, "junk on");
    CHECK(xl_ppr_parse_onoff("", &b), "empty on/off");

    CHECK(!xl_ppr_parse_u64("100", 100, 200, &v) && v == 100, "min");
    CHECK(!xl_ppr_parse_u64("200", 100, 200, &v) && v == 200, "max");
    v = 7;
    CHECK(xl_ppr_parse_u64("99", 100, 200, &v) && v == 7, "below");
    CHECK(xl_ppr_parse_u64("201", 100, 200, &v), "above");
    CHECK(xl_ppr_parse_u64("-1", 0, ~0ULL, &v), "negative");
    CHECK(xl_ppr_parse_u64(" 5", 0, 10, &v), "blank");
    CHECK(xl_ppr_parse_u64("5x", 0, 10, &v), "suffix");
    CHECK(xl_ppr_parse_u64("", 0, 10, &v), "empty");
    CHECK(xl_ppr_parse_u64("99999999999999999999999", 0, ~0ULL, &v),
          "overflow");

    CHECK(!xl_ppr_check_group("web-tier_1.a"), "group ok");
    CHECK(xl_ppr_check_group(""), "group empty");
    CHECK(xl_ppr_check_group("a b"), "group blank");
    CHECK(xl_ppr_check_group("a/b"), "group slash");
    CHECK(xl_ppr_check_group("-a"), "group leading dash");
    CHECK(!xl_ppr_check_group("a123456789012345678901234567890"),
          "group 31");
    CHECK(xl_ppr_check_group("a1234567890123456789012345678901"),
          "group 32");
    {
        uint32_t id = 99, id2;

        CHECK(!xl_ppr_group_id("own", &id) && id == 0, "own");
        CHECK(!xl_ppr_group_id("5", &id) && id == 5, "numeric id");
        CHECK(!xl_ppr_group_id("2147483647", &id) && id == 0x7fffffff,
              "max id");
        CHECK(xl_ppr_group_id("2147483648", &id), "id too big");
        CHECK(xl_ppr_group_id("0", &id), "id 0 (use own)");
        CHECK(xl_ppr_group_id("5x", &id), "5x");
        /* FNV-1a of "web", masked to 31 bits: stable across hosts. */
        CHECK(!xl_ppr_group_id("web", &id) && id == 0x0fd9bc91,
              "web -> %#x", id);
        CHECK(!xl_ppr_group_id("web2", &id2) && id2 != id && id2 &&
              id2 <= 0x7fffffff, "web2 -> %#x", id2);
    }

    /* Sizes: MiB by default, k/m/g suffixes, whole 4 KiB pages only. */
    for ( i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++ )
    {
        int rc;

        v = 7;
        rc = xl_ppr_parse_size(sizes[i].s, &v);
        CHECK(sizes[i].pages < 0 ? rc && v == 7
                                 : !rc && v == (uint64_t)sizes[i].pages,
              "size '%s': rc %d, %lu pages", sizes[i].s, rc,
              (unsigned long)v);
    }
}

/* CMD, split on blanks (at most 16 words), through parser FN. */
static int parse(xl_ppr_parse_fn *fn, const char *cmd, union xl_ppr_args *u,
                 char *err)
{
    char line[256], *argv[17], *t;
    int argc = 0;

    snprintf(line, sizeof(line), "%s", cmd);
    for ( t = strtok(line, " "); t && argc < 16; t = strtok(NULL, " ") )
        argv[argc++] = t;
    argv[argc] = NULL;
    err[0] = '\0';
    return fn(argc, argv, u, err, XL_PPR_ERR_LEN);
}

/* CMD is refused by FN with an error of one line that holds MSG. */
static void expect_err(xl_ppr_parse_fn *fn, const char *cmd, const char *msg)
{
    union xl_ppr_args u;
    char err[XL_PPR_ERR_LEN];

    CHECK(parse(fn, cmd, &u, err) == -1, "'%s' accepted", cmd);
    CHECK(strstr(err, msg), "'%s': error '%s' lacks '%s'", cmd, err, msg);
    CHECK(!strchr(err, '\n'), "'%s': error not one line", cmd);
}

static void expect_policy_err(const char *cmd, const char *msg)
{
    expect_err(xl_ppr_parse_policy_args, cmd, msg);
}

static void test_policy_args(void)
{
    union xl_ppr_args u;
    struct xl_ppr_policy_args *a = &u.policy;
    xl_ppr_parse_fn *pol = xl_ppr_parse_policy_args;
    struct xen_ppr_policy p;
    char err[XL_PPR_ERR_LEN];

    CHECK(!parse(pol, "policy guest1", &u, err), "%s", err);
    CHECK(a->domain && !strcmp(a->domain, "guest1") && !a->is_default &&
          !xl_ppr_opts_any(&a->opts), "plain domain");

    CHECK(!parse(pol, "policy 3 --reclaim off --scan-ms=250 --min-age 0 "
                 "--reserve 64", &u, err), "%s", err);
    CHECK(!strcmp(a->domain, "3"), "domain id");
    CHECK(a->opts.set[XL_PPR_KEY_RECLAIM] && a->opts.reclaim == 0,
          "reclaim");
    CHECK(a->opts.set[XL_PPR_KEY_SCAN_MS] && a->opts.scan_ms == 250, "scan");
    CHECK(a->opts.set[XL_PPR_KEY_MIN_AGE] && a->opts.min_age_ms == 0, "age");
    CHECK(a->opts.set[XL_PPR_KEY_RESERVE] && a->opts.reserve_mib == 64,
          "reserve");
    CHECK(!xl_ppr_opts_dedup(&a->opts), "no dedup knob");

    CHECK(!parse(pol, "policy --default --dedup on --share-group g1", &u,
                 err), "%s", err);
    CHECK(a->is_default && !a->domain && xl_ppr_opts_dedup(&a->opts) &&
          a->opts.dedup == 1 && !strcmp(a->opts.share_group, "g1"),
          "default + dedup");

    CHECK(!parse(pol, "policy -- -odd-name", &u, err) &&
          !strcmp(a->domain, "-odd-name"), "-- domain");
    CHECK(parse(pol, "policy x -h", &u, err) == XL_PPR_ARGS_HELP, "help");
    CHECK(parse(pol, "policy --help", &u, err) == XL_PPR_ARGS_HELP,
          "--help");

    expect_policy_err("policy", "no domain");
    expect_policy_err("policy --default g1", "not both");
    expect_policy_err("policy a b", "more than one domain");
    expect_policy_err("policy g --scan-ms 99", "--scan-ms: '99'");
    expect_policy_err("policy g --scan-ms 3600001", "100 to 3600000");
    expect_policy_err("policy g --scan-ms", "needs a value");
    expect_policy_err("policy g --min-age 50", "--min-age");
    expect_policy_err("policy g --min-age 3600001", "--min-age");
    expect_policy_err("policy g --reserve -5", "--reserve");
    expect_policy_err("policy g --reserve 8796093022209", "--reserve");
    expect_policy_err("policy g --reclaim maybe", "not on or off");
    expect_policy_err("policy g --dedup 2", "--dedup");
    expect_policy_err("policy g --share-group a/b", "--share-group");
    expect_policy_err("policy g --reclaim on --reclaim off", "twice");
    expect_policy_err("policy g --bogus 1", "unknown option");
    expect_policy_err("policy g -x", "unknown option");
    expect_policy_err("policy g --scan-msx=5", "unknown option");

    /* --host: the watermarks, and nothing else. */
    CHECK(!parse(pol, "policy --host", &u, err) && a->is_host &&
          !a->domain && !xl_ppr_opts_any(&a->opts), "--host: %s", err);
    CHECK(!parse(pol, "policy --host --wmark-min 8 --wmark-high=1g", &u,
                 err), "%s", err);
    CHECK(a->opts.set[XL_PPR_KEY_WMARK_MIN] &&
          !a->opts.set[XL_PPR_KEY_WMARK_LOW] &&
          a->opts.set[XL_PPR_KEY_WMARK_HIGH] &&
          a->opts.wmark_pages[0] == 2048 &&
          a->opts.wmark_pages[2] == 262144, "wmark values");
    expect_policy_err("policy --host g1", "not with a domain");
    expect_policy_err("policy --host --default", "not with a domain");
    expect_policy_err("policy --host --reclaim on", "--reclaim is a knob");
    expect_policy_err("policy --host --share-group web", "--share-group");
    expect_policy_err("policy g --wmark-low 8", "--wmark-low goes with");
    expect_policy_err("policy --default --wmark-high 8", "with --host");
    expect_policy_err("policy --host --wmark-min lots", "--wmark-min: 'lots'");
    expect_policy_err("policy --host --wmark-min 5k", "whole 4 KiB pages");
    expect_policy_err("policy --host --wmark-low", "needs a value");

    /* apply: only the knobs given change; check mirrors the hypervisor. */
    CHECK(!parse(pol, "policy g --reclaim on --reserve 16", &u, err), "%s",
          err);
    p = (struct xen_ppr_policy){ .domid = 3, .flags = 0, .period_ms = 5000,
                                 .min_age_ms = 200, .reserve_mib = 0 };
    xl_ppr_policy_apply(&a->opts, &p);
    CHECK(p.flags == XEN_PPR_POLICY_RECLAIM && p.period_ms == 5000 &&
          p.min_age_ms == 200 && p.reserve_mib == 16 && p.domid == 3,
          "apply");
    CHECK(!xl_ppr_policy_check(&p, err, sizeof(err)), "%s", err);
    p.period_ms = 99;
    CHECK(xl_ppr_policy_check(&p, err, sizeof(err)), "period 99");
    p.period_ms = 100;
    p.min_age_ms = 99;
    CHECK(xl_ppr_policy_check(&p, err, sizeof(err)), "min age 99");
    p.min_age_ms = 0;
    p.flags = 2;
    CHECK(xl_ppr_policy_check(&p, err, sizeof(err)), "flag 2");
    p.flags = 0;
    p.reserve_mib = XL_PPR_RESERVE_MAX_MIB + 1;
    CHECK(xl_ppr_policy_check(&p, err, sizeof(err)), "reserve");
    p.reserve_mib = XL_PPR_RESERVE_MAX_MIB;
    CHECK(!xl_ppr_policy_check(&p, err, sizeof(err)), "%s", err);
}

static void test_other_args(void)
{
    union xl_ppr_args u;
    char err[XL_PPR_ERR_LEN];

    CHECK(!parse(xl_ppr_parse_list_args, "list -j g1 2", &u, err) &&
          u.list.json && !u.list.lng && u.list.ndoms == 2 &&
          !strcmp(u.list.doms[1], "2"), "list -j doms");
    CHECK(!parse(xl_ppr_parse_list_args, "list", &u, err) && !u.list.json &&
          !u.list.lng && !u.list.ndoms, "list");
    expect_err(xl_ppr_parse_list_args, "list -l -j", "exclude");
    expect_err(xl_ppr_parse_list_args, "list -x", "unknown option");

    CHECK(!parse(xl_ppr_parse_top_args, "top -b -n 2 -d 1", &u, err) &&
          u.top.batch && u.top.iterations == 2 && u.top.delay == 1,
          "top -b");
    CHECK(!parse(xl_ppr_parse_top_args, "top", &u, err) && !u.top.batch &&
          !u.top.iterations && u.top.delay == 3, "top defaults");
    expect_err(xl_ppr_parse_top_args, "top -d 0", "-d: '0'");
    expect_err(xl_ppr_parse_top_args, "top -n", "needs a value");
    expect_err(xl_ppr_parse_top_args, "top extra", "unknown argument");

    CHECK(!parse(xl_ppr_parse_info_args, "info -p", &u, err) &&
          u.info.pages_only, "info -p");
    CHECK(parse(xl_ppr_parse_info_args, "info --help", &u, err) ==
          XL_PPR_ARGS_HELP, "info --help");
    expect_err(xl_ppr_parse_info_args, "info -x", "unknown option '-x'");

    CHECK(!parse(xl_ppr_parse_create_args, "create -n -f -p g.cfg", &u,
                 err) && u.create.dry && u.create.force && u.create.paused &&
          !strcmp(u.create.cfg, "g.cfg"), "create -n -f -p: %s", err);
    CHECK(!parse(xl_ppr_parse_create_args, "create --force g.cfg", &u,
                 err) && u.create.force && !u.create.dry, "--force");
    expect_err(xl_ppr_parse_create_args, "create", "no configuration");
    expect_err(xl_ppr_parse_create_args, "create a b", "unexpected");
    expect_err(xl_ppr_parse_create_args, "create -x a", "unexpected");
    CHECK(parse(xl_ppr_parse_help_args, "help -h", &u, err) ==
          XL_PPR_ARGS_HELP, "help -h");
}

static void test_wmarks(void)
{
    union xl_ppr_args u;
    struct xl_ppr_policy_opts *o = &u.policy.opts;
    struct xen_mem_pressure p, now = { .min_pages = 1773,
                                       .low_pages = 3546,
                                       .high_pages = 5319,
                                       .free_pages = 600000 };
    char err[XL_PPR_ERR_LEN];

    /* One given: the others keep their value. */
    CHECK(!parse(xl_ppr_parse_policy_args, "policy --host --wmark-low 16",
                 &u, err), "%s", err);
    p = now;
    CHECK(!xl_ppr_wmark_apply(o, &p, 786432, err, sizeof(err)), "%s", err);
    CHECK(p.min_pages == 1773 && p.low_pages == 4096 &&
          p.high_pages == 5319, "low alone");

    CHECK(!parse(xl_ppr_parse_policy_args, "policy --host --wmark-low 32",
                 &u, err), "%s", err);
    p = now;
    CHECK(xl_ppr_wmark_apply(o, &p, 786432, err, sizeof(err)) &&
          strstr(err, "the low watermark (32 MiB) would be above the high "
                 "one (21276 KiB)"), "low above high: %s", err);

    CHECK(!parse(xl_ppr_parse_policy_args, "policy --host --wmark-min 8 "
                 "--wmark-low 4 --wmark-high 64", &u, err), "%s", err);
    p = now;
    CHECK(xl_ppr_wmark_apply(o, &p, 786432, err, sizeof(err)) &&
          strstr(err, "the min watermark (8 MiB) would be above the low "
                 "one (4 MiB)"), "min above low: %s", err);

    CHECK(!parse(xl_ppr_parse_policy_args, "policy --host --wmark-high 4g",
                 &u, err), "%s", err);
    p = now;
    CHECK(xl_ppr_wmark_apply(o, &p, 786432, err, sizeof(err)) &&
          strstr(err, "more than the host's memory (3072 MiB)"),
          "beyond memory: %s", err);
    CHECK(!parse(xl_ppr_parse_policy_args, "policy --host --wmark-high 3g",
                 &u, err), "%s", err);
    p = now;
    CHECK(!xl_ppr_wmark_apply(o, &p, 786432, err, sizeof(err)) &&
          p.high_pages == 786432, "high == memory: %s", err);

    /* Restoring exact page values, also those not whole MiB. */
    CHECK(!parse(xl_ppr_parse_policy_args, "policy --host --wmark-min 7092k "
                 "--wmark-low 14184k --wmark-high 21276k", &u, err), "%s",
          err);
    p = (struct xen_mem_pressure){ .min_pages = 2048, .low_pages = 4096,
                                   .high_pages = 8192 };
    CHECK(!xl_ppr_wmark_apply(o, &p, 786432, err, sizeof(err)) &&
          p.min_pages == 1773 && p.low_pages == 3546 &&
          p.high_pages == 5319, "restore: %s", err);
}

static void test_config(void)
{
    struct xl_ppr_cfg c;
    char path[] = "/tmp/xl-ppr-test-XXXXXX";
    char err[XL_PPR_ERR_LEN];
    static const struct {
        const char *text, *err;
    } bad[] = {
        { "name=\"g\"\nppr_scan_ms=20\n", "ppr_scan_ms: '20'" },
        { "name=\"g\"\nppr_reclaim=\"maybe\"\n", "ppr_reclaim" },
        { "name=\"g\"\nppr_min_age=[1]\n", "ppr_min_age: not a single" },
        { "name=\"g\"\nppr_share_group=\"a b\"\n", "ppr_share_group" },
        { "memory=128\n", "no domain name" },
        { "name=\"g\"\nmemory=\n", "syntax error" },
        { "name=\"g\"\nmemory=0\n", "memory: not a number from 1" },
        { "name=\"g\"\nvcpus=\"x\"\n", "vcpus: not a number" },
        { "name=\"g\"\ntype=\"kvm\"\n", "type: 'kvm'" },
    };
    size_t i;
    int fd;

    fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if ( fd < 0 )
        return;
    close(fd);
    write_file(path, "name = \"web1\"\nmemory = 256\ntype = \"pvh\"\n"
               "ppr_reclaim = \"off\"\nppr_scan_ms = 250\nppr_min_age = 0\n"
               "ppr_reserve = 32\nppr_dedup = 1\n"
               "ppr_share_group = \"tier-a\"\n");
    CHECK(!xl_ppr_read_config(path, &c, err, sizeof(err)), "%s", err);
    CHECK(!strcmp(c.name, "web1"), "name '%s'", c.name);
    CHECK(c.opts.set[XL_PPR_KEY_RECLAIM] && !c.opts.reclaim &&
          c.opts.scan_ms == 250 && c.opts.set[XL_PPR_KEY_MIN_AGE] &&
          !c.opts.min_age_ms && c.opts.reserve_mib == 32 &&
          c.opts.dedup == 1 && !strcmp(c.opts.share_group, "tier-a"),
          "config values");
    CHECK(c.guest.type == XL_PPR_GUEST_PVH && c.guest.memory_mib == 256 &&
          c.guest.maxmem_mib == 256 && c.guest.vcpus == 1 && c.guest.hap,
          "guest size");

    write_file(path, "name = \"plain\"\n");
    CHECK(!xl_ppr_read_config(path, &c, err, sizeof(err)) &&
          !xl_ppr_opts_any(&c.opts), "no ppr keys");
    CHECK(c.guest.type == XL_PPR_GUEST_PV && c.guest.memory_mib == 32 &&
          c.guest.vcpus == 1, "xl's defaults");

    write_file(path, "name = \"h\"\nbuilder = \"hvm\"\nmemory = 1024\n"
               "maxmem = 2048\nvcpus = 2\nmaxvcpus = 4\nhap = 0\n");
    CHECK(!xl_ppr_read_config(path, &c, err, sizeof(err)), "%s", err);
    CHECK(c.guest.type == XL_PPR_GUEST_HVM && c.guest.memory_mib == 1024 &&
          c.guest.maxmem_mib == 2048 && c.guest.vcpus == 4 && !c.guest.hap,
          "maxmem, maxvcpus, hap");

    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        write_file(path, bad[i].text);
        err[0] = '\0';
        CHECK(xl_ppr_read_config(path, &c, err, sizeof(err)),
              "bad config %zu accepted", i);
        CHECK(strstr(err, bad[i].err) && !strchr(err, '\n'),
              "bad config %zu: '%s' lacks '%s'", i, err, bad[i].err);
    }
    unlink(path);
    CHECK(xl_ppr_read_config(path, &c, err, sizeof(err)) &&
          strstr(err, "No such file"), "missing file: '%s'", err);
}

static void sample(struct xl_ppr_dom d[2])
{
    memset(d, 0, 2 * sizeof(*d));
    d[0].domid = 0;
    strcpy(d[0].name, "Domain-0");
    d[0].tot_pages = 131072;
    d[0].have_policy = 1;
    d[0].policy = (struct xen_ppr_policy){ .flags = XEN_PPR_POLICY_RECLAIM,
                                           .period_ms = 5000 };
    d[1].domid = 7;
    strcpy(d[1].name, "web1");
    d[1].tot_pages = 40000;
    d[1].registered = 1;
    d[1].stats.nr_entries = 65536;
    d[1].stats.seen_free = 25600;       /* 100 MiB */
    d[1].stats.reclaimed = 20480;       /* 80 MiB */
    d[1].stats.frames_returned = 20480;
    d[1].stats.refaulted = 2560;        /* 10 MiB */
    d[1].stats.scan_ns = 12345678;
    d[1].have_policy = 1;
    d[1].policy = (struct xen_ppr_policy){ .domid = 7, .period_ms = 250,
                                           .min_age_ms = 100,
                                           .reserve_mib = 32 };
    d[1].reclaim_rate = 42;
}

static int starts(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static const char *line_of(const char *s, const char *start)
{
    static char buf[256];
    const char *p = strstr(s, start);

    if ( !p )
        return "";
    snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(p, "\n"), p);
    return buf;
}


static uint64_t saved(const struct xen_ppr_stats *s)
{
    return xl_ppr_stat(&xl_ppr_stats_schema, s, "saved_pages", XL_PPR_RAW);
}

/* Does OUT have a `KEY : value` line? */
static int has_key(const char *out, const char *key)
{
    size_t n = strlen(key);
    const char *p;

    for ( p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p )
        if ( !strncmp(p, key, n) && (p[n] == ' ' || p[n] == ':') )
            return 1;
    return 0;
}

/* The key a view shows field F under: its name, or the older one. */
static const char *key_of(const struct xl_ppr_field *f, int lng)
{
    if ( !strcmp(f->name, "seen_free") )
        return "guest_freed";
    if ( lng && !strcmp(f->name, "scan_ns") )
        return "scan_cpu_us";
    return f->name;
}
static void test_text_output(void)
{
    static const char *const long_lines[] = {
        "reclaimed           : 20480\n",
        "saved_pages         : 17920\n",
        "policy_reclaim      : off\npolicy_scan_ms      : 250\n"
        "policy_min_age_ms   : 100\npolicy_reserve_mib  : 32\n",
        "dedup               : not available",
        "registered          : no\n",     /* Domain-0 */
    };
    size_t i;
    struct xl_ppr_dom d[2];
    struct xl_ppr_host h;
    char *out = NULL;
    const char *l;

    sample(d);
    CHECK(saved(&d[1].stats) == 17920, "saved");
    d[0].stats.refaulted = 5;
    CHECK(saved(&d[0].stats) == 0, "saved never negative");
    d[0].stats.refaulted = 0;

    CAPTURE(out, xl_ppr_print_list(f, d, 2));
    CHECK(starts(out, "Name                    ID PPR Reclaim Scan(ms) "
                 " Mem(MiB)     Freed Reclaimed Refaulted     Saved    "
                 "Merged ShareGroup\n"), "list header:\n%s", out);
    l = line_of(out, "web1");
    CHECK(!strcmp(l, "web1                     7 yes off          250   "
                  "    156       100        80        10        70       "
                  "n/a n/a"), "list web1: '%s'", l);
    l = line_of(out, "Domain-0");
    CHECK(!strcmp(l, "Domain-0                 0 no  on          5000   "
                  "    512         -         -         -         -       "
                  "n/a n/a"), "list dom0: '%s'", l);
    free(out);

    d[1].dedup = (struct xl_ppr_dedup){ .compiled = 1, .avail = 1, .on = 1,
                                        .merged = 2560, .shared = 2000,
                                        .zero = 560, .group = 9 };
    CAPTURE(out, xl_ppr_print_list(f, d, 2));
    l = line_of(out, "web1");
    CHECK(!strcmp(l, "web1                     7 yes off          250   "
                  "    156       100        80        10        70       "
                  " 10 9"), "list dedup web1: '%s'", l);
    free(out);
    CAPTURE(out, xl_ppr_print_long(f, &d[1], 1));
    CHECK(strstr(out, "dedup               : on\n"
                 "dedup_merged_pages  : 2560\n"
                 "dedup_shared_pages  : 2000\n"
                 "dedup_zero_pages    : 560\n"
                 "share_group         : 9\n"), "long dedup:\n%s", out);
    free(out);
    sample(d);

    CAPTURE(out, xl_ppr_print_long(f, d, 2));
    CHECK(strstr(out, "name                : web1\n"
                 "domid               : 7\n"
                 "tot_pages           : 40000\n"
                 "registered          : yes\n"), "long:\n%s", out);
    for ( i = 0; i < sizeof(long_lines) / sizeof(long_lines[0]); i++ )
        CHECK(strstr(out, long_lines[i]), "long lacks '%s':\n%s",
              long_lines[i], out);
    free(out);

    CAPTURE(out, xl_ppr_print_policy(f, &d[1], 1));
    CHECK(!strcmp(out, "Name                    ID Reclaim Scan(ms) "
                  "MinAge(ms) Reserve(MiB) Dedup ShareGroup\n"
                  "web1                     7 off          250        100"
                  "           32 n/a   n/a\n"), "policy:\n%s", out);
    free(out);
    d[1].domid = DOMID_INVALID;
    d[1].dedup = (struct xl_ppr_dedup){ .avail = 1, .on = 1 };
    strcpy(d[1].name, "(default)");
    CAPTURE(out, xl_ppr_print_policy(f, &d[1], 0));
    CHECK(!strcmp(out, "(default)                - off          250     "
                  "   100           32 on    own\n"), "default:\n%s", out);
    free(out);
    d[1].dedup.group = 77;
    d[1].have_policy = 0;
    CAPTURE(out, xl_ppr_print_policy(f, &d[1], 0));
    CHECK(!strcmp(out, "(default)                - n/a            -     "
                  "     -            - on    77\n"), "no PPR:\n%s", out);
    free(out);

    sample(d);
    memset(&h, 0, sizeof(h));
    h.ppr = XL_PPR_ENABLED;
    h.version = 0x00030007;     /* the format, not this ABI's version */
    h.have_policy = 1;
    h.defpol = d[0].policy;
    h.have_stats = 1;
    h.totals = d[1].stats;
    CAPTURE(out, xl_ppr_print_host(f, &h));
    CHECK(strstr(out, "ppr_compiled_in     : yes\nppr_enabled         : yes\n"
                 "ppr_interface       : 3.7\n"
                 "ppr_default_reclaim : on\n"), "host:\n%s", out);
    CHECK(strstr(out, "ppr_frames_returned : 20480\n"), "host returned");
    CHECK(strstr(out, "ppr_saved_mib       : 70\n"), "host saved");
    CHECK(strstr(out, "ppr_scan_cpu_ms     : 12\n"), "host cpu");
    CHECK(strstr(out, "dedup               : not available"), "host dedup");
    free(out);

    memset(&h, 0, sizeof(h));
    h.ppr = XL_PPR_ABSENT;
    CAPTURE(out, xl_ppr_print_host(f, &h));
    CHECK(!strcmp(out, "ppr_compiled_in     : no\n"
                  "ppr_enabled         : no (hypervisor without ppr_op)\n"
                  "dedup_compiled_in   : no\n"
                  "dedup               : not available (hypervisor without "
                  "PageONE)\n"), "host absent:\n%s", out);
    free(out);
    h.dedup = (struct xl_ppr_dedup){ .compiled = 1 };
    CAPTURE(out, xl_ppr_print_host(f, &h));
    CHECK(strstr(out, "dedup_compiled_in   : yes\n"
                 "dedup               : not available (pageone=0"),
          "dedup disabled:\n%s", out);
    free(out);
    h.dedup = (struct xl_ppr_dedup){ .compiled = 1, .avail = 1, .on = 1,
                                     .cpu_ns = 7000000 };
    h.dedup.stats = (struct xen_pageone_stats){ .pages_shared = 250,
                                                .zero_pages = 50,
                                                .shared_frames = 100,
                                                .frames_saved = 250 };
    CAPTURE(out, xl_ppr_print_host(f, &h));
    CHECK(strstr(out, "dedup               : running\n"
                 "dedup_merged_pages  : 300\n"
                 "dedup_shared_frames : 100\n"
                 "dedup_zero_pages    : 50\n"
                 "dedup_saved_pages   : 250\n"
                 "dedup_cpu_ms        : 7\n"), "dedup host:\n%s", out);
    free(out);

    h.ppr = XL_PPR_ENABLED;
    h.totals = d[1].stats;
    h.dedup = (struct xl_ppr_dedup){ 0 };
    CAPTURE(out, xl_ppr_print_top(f, &h, d, 2));
    CHECK(starts(out, "xl-ppr top: PPR enabled, 70 MiB saved, 20480 "
                 "frames returned, 2560 refaulted, scan CPU 12 ms; dedup "
                 "n/a\n"), "top head:\n%s", out);
    l = line_of(out, "web1");
    CHECK(!strcmp(l, "web1                     7 yes off           156     "
                  "   70        10        42       n/a"), "top: '%s'", l);
    free(out);
    h.dedup = (struct xl_ppr_dedup){ .avail = 1, .on = 1 };
    h.dedup.stats.frames_saved = 2560;
    CAPTURE(out, xl_ppr_print_top(f, &h, d, 2));
    CHECK(strstr(out, "; dedup running, 10 MiB saved\n"), "top dedup:\n%s",
          out);
    free(out);
}


/* Every field of the ABI's lists shows, with no list of them here. */
static void test_every_field(void)
{
    const struct xl_ppr_schema *sc = &xl_ppr_stats_schema;
    const struct xl_ppr_schema *po = &xl_pageone_stats_schema;
    struct xl_ppr_dom d[2];
    char *out = NULL, key[64];
    size_t i;

    CHECK(sc->nr >= 3 && !strcmp(sc->fields[0].name, "nr_entries") &&
          !strcmp(sc->fields[sc->nr - 1].name, "saved_pages"),
          "PPR schema ends");
    CHECK(!strcmp(sc->fields[sc->nr - 2].name, "free_last_pass"),
          "free_last_pass is the last ABI field");
    for ( i = 0; i < sc->nr; i++ )
        CHECK(sc->fields[i].derive ||
              sc->fields[i].off + sc->fields[i].size <=
              sizeof(struct xen_ppr_stats), "field %s", sc->fields[i].name);
    CHECK(xl_ppr_stat(sc, &d[0].stats, "no_such_counter", XL_PPR_RAW) == 0,
          "unknown name");

    sample(d);
    d[1].stats.free_last_pass = 4321;
    d[1].dedup = (struct xl_ppr_dedup){ .avail = 1, .on = 1 };
    d[1].dedup.stats.frames_saved = -3;
    d[1].dedup.stats.cow_breaks = 77;
    CAPTURE(out, xl_ppr_print_long(f, &d[1], 1));
    for ( i = 0; i < sc->nr; i++ )
        CHECK(has_key(out, key_of(&sc->fields[i], 1)), "long lacks %s:\n%s",
              key_of(&sc->fields[i], 1), out);
    for ( i = 0; i < po->nr; i++ )
    {
        snprintf(key, sizeof(key), "group_%s", po->fields[i].name);
        CHECK(has_key(out, key), "long lacks %s", key);
    }
    CHECK(strstr(out, "free_last_pass      : 4321\n"), "long free_last_pass");
    CHECK(strstr(out, "group_frames_saved  : -3\n"), "long signed");
    CHECK(strstr(out, "group_cow_breaks    : 77\n"), "long group");
    CHECK(strstr(out, "scan_cpu_us         : 12345\n"), "long scan us");
    free(out);

    out = xl_ppr_json_list(&d[1], 1);
    CHECK(out, "json");
    for ( i = 0; out && i < sc->nr; i++ )
    {
        snprintf(key, sizeof(key), "\"%s\": ", key_of(&sc->fields[i], 0));
        CHECK(strstr(out, key), "json lacks %s", key);
    }
    for ( i = 0; out && i < po->nr; i++ )
    {
        snprintf(key, sizeof(key), "\"%s\": ", po->fields[i].name);
        CHECK(strstr(strstr(out, "\"group_stats\"") ?: "", key),
              "json group_stats lacks %s", key);
    }
    CHECK(out && strstr(out, "\"frames_saved\": -3"), "json signed");
    CHECK(out && strstr(out, "\"scan_ns\": 12345678"), "json scan_ns");
    free(out);
}

static void test_pressure(void)
{
    struct xen_mem_pressure p = {
        .min_pages = 1773, .low_pages = 3546, .high_pages = 5319,
        .free_pages = 600000, .waiting = 2,
        .waits = { [XEN_MEMW_COW] = 5, [XEN_MEMW_REFAULT] = 6,
                   [XEN_MEMW_LIMIT] = 7 },
        .wait_ns = 2500000000ULL, .wait_max_ns = 900000000ULL,
        .refused = 11, .reserve_used = 12,
    };
    char *out = NULL;

    CAPTURE(out, xl_ppr_print_pressure(f, &p, 0));
    CHECK(!strcmp(out, "mem_pressure        : none\n"
                  "mem_free_pages      : 600000\n"
                  "mem_free_mib        : 2344\n"
                  "wmark_min_pages     : 1773\n"
                  "wmark_min_mib       : 7\n"
                  "wmark_low_pages     : 3546\n"
                  "wmark_low_mib       : 14\n"
                  "wmark_high_pages    : 5319\n"
                  "wmark_high_mib      : 21\n"
                  "mem_vcpus_waiting   : 2\n"
                  "mem_waits_cow       : 5\n"
                  "mem_waits_refault   : 6\n"
                  "mem_waits_limit     : 7\n"
                  "mem_wait_total_ms   : 2500\n"
                  "mem_wait_longest_ms : 900\n"
                  "mem_alloc_refused   : 11\n"
                  "mem_reserve_used    : 12\n"), "pressure:\n%s", out);
    free(out);

    p.free_pages = 4000;
    CAPTURE(out, xl_ppr_print_pressure(f, &p, 1));
    CHECK(starts(out, "mem_pressure        : below high\n") &&
          strstr(out, "wmark_high_mib      : 21\n") &&
          !strstr(out, "mem_waits"), "levels only:\n%s", out);
    free(out);
    p.free_pages = 3000;
    CAPTURE(out, xl_ppr_print_pressure(f, &p, 1));
    CHECK(starts(out, "mem_pressure        : below low\n"), "low: %s", out);
    free(out);
    p.free_pages = 10;
    CAPTURE(out, xl_ppr_print_pressure(f, &p, 1));
    CHECK(starts(out, "mem_pressure        : below min\n"), "min: %s", out);
    free(out);
}
static void test_json(void)
{
    struct xl_ppr_dom d[2];
    char *s, ebuf[128];
    yajl_val root, v;
    const char *p_reclaimed[] = { "stats", "reclaimed", NULL };
    const char *p_name[] = { "name", NULL };
    const char *p_scan[] = { "policy", "scan_ms", NULL };
    const char *p_reclaim[] = { "policy", "reclaim", NULL };
    const char *p_stats[] = { "stats", NULL };
    const char *p_dedup[] = { "dedup", NULL };
    const char *p_reg[] = { "registered", NULL };

    sample(d);
    strcpy(d[1].name, "we\"b\\1");
    s = xl_ppr_json_list(d, 2);
    CHECK(s, "json");
    if ( !s )
        return;
    root = yajl_tree_parse(s, ebuf, sizeof(ebuf));
    CHECK(root && YAJL_IS_ARRAY(root) && root->u.array.len == 2,
          "json array: %s\n%s", ebuf, s);
    if ( root && YAJL_IS_ARRAY(root) && root->u.array.len == 2 )
    {
        yajl_val d0 = root->u.array.values[0], d1 = root->u.array.values[1];

        v = yajl_tree_get(d1, p_name, yajl_t_string);
        CHECK(v && YAJL_IS_STRING(v) && !strcmp(v->u.string, "we\"b\\1"),
              "json name");
        v = yajl_tree_get(d1, p_reclaimed, yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == 20480, "json reclaimed");
        v = yajl_tree_get(d1, p_scan, yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == 250, "json scan_ms");
        v = yajl_tree_get(d1, p_reclaim, yajl_t_any);
        CHECK(v && YAJL_IS_FALSE(v), "json reclaim false");
        v = yajl_tree_get(d1, p_reg, yajl_t_any);
        CHECK(v && YAJL_IS_TRUE(v), "json registered");
        v = yajl_tree_get(d0, p_stats, yajl_t_any);
        CHECK(v && YAJL_IS_NULL(v), "json dom0 stats null");
        v = yajl_tree_get(d0, p_dedup, yajl_t_any);
        CHECK(v && YAJL_IS_NULL(v), "json dedup null");
    }
    /* One key per line, so that shell scripts can grep a counter. */
    CHECK(strstr(s, "\"reclaimed\": 20480"), "json greppable:\n%s", s);
    yajl_tree_free(root);
    free(s);

    d[1].dedup = (struct xl_ppr_dedup){ .avail = 1, .on = 1, .merged = 5,
                                        .group = 3 };
    s = xl_ppr_json_list(&d[1], 1);
    root = s ? yajl_tree_parse(s, ebuf, sizeof(ebuf)) : NULL;
    CHECK(root && YAJL_IS_ARRAY(root) && root->u.array.len == 1, "json 1");
    if ( root && YAJL_IS_ARRAY(root) && root->u.array.len == 1 )
    {
        const char *p_group[] = { "dedup", "share_group", NULL };
        const char *p_on[] = { "dedup", "enabled", NULL };

        v = yajl_tree_get(root->u.array.values[0], p_group, yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == 3, "json group");
        v = yajl_tree_get(root->u.array.values[0], p_on, yajl_t_any);
        CHECK(v && YAJL_IS_TRUE(v), "json dedup on");
    }
    yajl_tree_free(root);
    free(s);

    s = xl_ppr_json_list(d, 0);
    CHECK(s && (root = yajl_tree_parse(s, ebuf, sizeof(ebuf))) &&
          YAJL_IS_ARRAY(root) && !root->u.array.len, "json empty");
    yajl_tree_free(root);
    free(s);
}


int main(void)
{
    test_caps();
    test_values();
    test_policy_args();
    test_other_args();
    test_wmarks();
    test_config();
    test_text_output();
    test_every_field();
    test_pressure();
    test_json();
    return check_done("xl-ppr unit tests");
}
