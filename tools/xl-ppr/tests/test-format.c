/*
 * xl-ppr: native unit tests of the pure helpers: argument parsing, value
 * validation, xl config keys, text and JSON output.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <yajl/yajl_tree.h>

#include "../xl-ppr.h"
#include "../config.h"

static int failures, checks;

#define CHECK(cond, ...)                                                 \
    do {                                                                 \
        checks++;                                                        \
        if ( !(cond) )                                                   \
        {                                                                \
            failures++;                                                  \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
            printf(__VA_ARGS__);                                         \
            printf("\n");                                                \
        }                                                                \
    } while ( 0 )

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
    uint64_t v = 7;
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
}

/* Split a command line on blanks (test helper, at most 16 words). */
static int split(char *line, char **argv)
{
    int n = 0;
    char *t;

    for ( t = strtok(line, " "); t && n < 16; t = strtok(NULL, " ") )
        argv[n++] = t;
    argv[n] = NULL;
    return n;
}

static int policy_args(const char *cmd, struct xl_ppr_policy_args *a,
                       char *err)
{
    char line[256], *argv[17];
    int argc;

    snprintf(line, sizeof(line), "%s", cmd);
    argc = split(line, argv);
    err[0] = '\0';
    return xl_ppr_parse_policy_args(argc, argv, a, err, XL_PPR_ERR_LEN);
}

static void expect_policy_err(const char *cmd, const char *msg)
{
    struct xl_ppr_policy_args a;
    char err[XL_PPR_ERR_LEN];

    CHECK(policy_args(cmd, &a, err) == -1, "'%s' accepted", cmd);
    CHECK(strstr(err, msg), "'%s': error '%s' lacks '%s'", cmd, err, msg);
    CHECK(!strchr(err, '\n'), "'%s': error not one line", cmd);
}

static void test_policy_args(void)
{
    struct xl_ppr_policy_args a;
    struct xen_ppr_policy p;
    char err[XL_PPR_ERR_LEN];

    CHECK(!policy_args("policy guest1", &a, err), "%s", err);
    CHECK(a.domain && !strcmp(a.domain, "guest1") && !a.is_default &&
          !xl_ppr_opts_any(&a.opts), "plain domain");

    CHECK(!policy_args("policy 3 --reclaim off --scan-ms=250 --min-age 0 "
                       "--reserve 64", &a, err), "%s", err);
    CHECK(!strcmp(a.domain, "3"), "domain id");
    CHECK(a.opts.set[XL_PPR_KEY_RECLAIM] && a.opts.reclaim == 0, "reclaim");
    CHECK(a.opts.set[XL_PPR_KEY_SCAN_MS] && a.opts.scan_ms == 250, "scan");
    CHECK(a.opts.set[XL_PPR_KEY_MIN_AGE] && a.opts.min_age_ms == 0, "age");
    CHECK(a.opts.set[XL_PPR_KEY_RESERVE] && a.opts.reserve_mib == 64,
          "reserve");
    CHECK(!xl_ppr_opts_dedup(&a.opts), "no dedup knob");

    CHECK(!policy_args("policy --default --dedup on --share-group g1",
                       &a, err), "%s", err);
    CHECK(a.is_default && !a.domain && xl_ppr_opts_dedup(&a.opts) &&
          a.opts.dedup == 1 && !strcmp(a.opts.share_group, "g1"),
          "default + dedup");

    CHECK(!policy_args("policy -- -odd-name", &a, err) &&
          !strcmp(a.domain, "-odd-name"), "-- domain");
    CHECK(!policy_args("policy x -h", &a, err) && a.help, "help");
    CHECK(!policy_args("policy --help", &a, err) && a.help, "--help");

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

    /* apply: only the knobs given change; check mirrors the hypervisor. */
    CHECK(!policy_args("policy g --reclaim on --reserve 16", &a, err), "%s",
          err);
    p = (struct xen_ppr_policy){ .domid = 3, .flags = 0, .period_ms = 5000,
                                 .min_age_ms = 200, .reserve_mib = 0 };
    xl_ppr_policy_apply(&a.opts, &p);
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

static void test_list_top_args(void)
{
    struct xl_ppr_list_args l;
    struct xl_ppr_top_args t;
    char line[128], *argv[17], err[XL_PPR_ERR_LEN];
    int argc;

    strcpy(line, "list -j g1 2");
    argc = split(line, argv);
    CHECK(!xl_ppr_parse_list_args(argc, argv, &l, err, sizeof(err)) &&
          l.json && !l.lng && l.ndoms == 2 && !strcmp(l.doms[1], "2"),
          "list -j doms");
    strcpy(line, "list");
    argc = split(line, argv);
    CHECK(!xl_ppr_parse_list_args(argc, argv, &l, err, sizeof(err)) &&
          !l.json && !l.lng && !l.ndoms, "list");
    strcpy(line, "list -l -j");
    argc = split(line, argv);
    CHECK(xl_ppr_parse_list_args(argc, argv, &l, err, sizeof(err)),
          "list -l -j");
    strcpy(line, "list -x");
    argc = split(line, argv);
    CHECK(xl_ppr_parse_list_args(argc, argv, &l, err, sizeof(err)),
          "list -x");

    strcpy(line, "top -b -n 2 -d 1");
    argc = split(line, argv);
    CHECK(!xl_ppr_parse_top_args(argc, argv, &t, err, sizeof(err)) &&
          t.batch && t.iterations == 2 && t.delay == 1, "top -b");
    strcpy(line, "top");
    argc = split(line, argv);
    CHECK(!xl_ppr_parse_top_args(argc, argv, &t, err, sizeof(err)) &&
          !t.batch && !t.iterations && t.delay == 3, "top defaults");
    strcpy(line, "top -d 0");
    argc = split(line, argv);
    CHECK(xl_ppr_parse_top_args(argc, argv, &t, err, sizeof(err)), "-d 0");
    strcpy(line, "top -n");
    argc = split(line, argv);
    CHECK(xl_ppr_parse_top_args(argc, argv, &t, err, sizeof(err)), "-n");
    strcpy(line, "top extra");
    argc = split(line, argv);
    CHECK(xl_ppr_parse_top_args(argc, argv, &t, err, sizeof(err)), "extra");
}

static void test_config(void)
{
    struct xl_ppr_policy_opts o;
    char path[] = "/tmp/xl-ppr-test-XXXXXX", name[XL_PPR_NAME_LEN];
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
    };
    FILE *f;
    size_t i;
    int fd;

    fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if ( fd < 0 )
        return;
    f = fdopen(fd, "w");
    fprintf(f, "name = \"web1\"\nmemory = 256\ntype = \"pvh\"\n"
            "ppr_reclaim = \"off\"\nppr_scan_ms = 250\nppr_min_age = 0\n"
            "ppr_reserve = 32\nppr_dedup = 1\n"
            "ppr_share_group = \"tier-a\"\n");
    fclose(f);
    CHECK(!xl_ppr_read_config(path, &o, name, sizeof(name), err,
                              sizeof(err)), "%s", err);
    CHECK(!strcmp(name, "web1"), "name '%s'", name);
    CHECK(o.set[XL_PPR_KEY_RECLAIM] && !o.reclaim && o.scan_ms == 250 &&
          o.set[XL_PPR_KEY_MIN_AGE] && !o.min_age_ms &&
          o.reserve_mib == 32 && o.dedup == 1 &&
          !strcmp(o.share_group, "tier-a"), "config values");

    f = fopen(path, "w");
    fprintf(f, "name = \"plain\"\nmemory = 256\n");
    fclose(f);
    CHECK(!xl_ppr_read_config(path, &o, name, sizeof(name), err,
                              sizeof(err)) && !xl_ppr_opts_any(&o),
          "no ppr keys");

    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        f = fopen(path, "w");
        fputs(bad[i].text, f);
        fclose(f);
        err[0] = '\0';
        CHECK(xl_ppr_read_config(path, &o, name, sizeof(name), err,
                                 sizeof(err)), "bad config %zu accepted", i);
        CHECK(strstr(err, bad[i].err) && !strchr(err, '\n'),
              "bad config %zu: '%s' lacks '%s'", i, err, bad[i].err);
    }
    unlink(path);
    CHECK(xl_ppr_read_config(path, &o, name, sizeof(name), err,
                             sizeof(err)) && strstr(err, "No such file"),
          "missing file: '%s'", err);
}

/* Output of FN(f) into a malloc'ed string. */
#define CAPTURE(out, call)                                               \
    do {                                                                 \
        size_t len_;                                                     \
        FILE *f = open_memstream(&(out), &len_);                         \
        call;                                                            \
        fclose(f);                                                       \
    } while ( 0 )

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

static void test_text_output(void)
{
    struct xl_ppr_dom d[2];
    struct xl_ppr_host h;
    char *out = NULL;
    const char *l;

    sample(d);
    CHECK(xl_ppr_saved_pages(&d[1].stats) == 17920, "saved");
    d[0].stats.refaulted = 5;
    CHECK(xl_ppr_saved_pages(&d[0].stats) == 0, "saved never negative");
    d[0].stats.refaulted = 0;

    CAPTURE(out, xl_ppr_print_list(f, d, 2, 0));
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
    CAPTURE(out, xl_ppr_print_list(f, d, 2, 1));
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
    CHECK(strstr(out, "reclaimed           : 20480\n"), "long reclaimed");
    CHECK(strstr(out, "saved_pages         : 17920\n"), "long saved");
    CHECK(strstr(out, "policy_reclaim      : off\n"
                 "policy_scan_ms      : 250\n"
                 "policy_min_age_ms   : 100\n"
                 "policy_reserve_mib  : 32\n"), "long policy:\n%s", out);
    CHECK(strstr(out, "dedup               : not available"), "long dedup");
    CHECK(strstr(out, "registered          : no\n"), "long dom0");
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
    h.version = XEN_PPR_INTERFACE_VERSION;
    h.have_policy = 1;
    h.defpol = d[0].policy;
    h.have_stats = 1;
    h.totals = d[1].stats;
    CAPTURE(out, xl_ppr_print_host(f, &h));
    CHECK(strstr(out, "ppr_compiled_in     : yes\nppr_enabled         : yes\n"
                 "ppr_interface       : 1.1\n"
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
                                     .merged = 300, .shared = 100,
                                     .zero = 50, .saved = 250,
                                     .cpu_ns = 7000000 };
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
    h.dedup = (struct xl_ppr_dedup){ .avail = 1, .on = 1, .saved = 2560 };
    CAPTURE(out, xl_ppr_print_top(f, &h, d, 2));
    CHECK(strstr(out, "; dedup running, 10 MiB saved\n"), "top dedup:\n%s",
          out);
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
    test_list_top_args();
    test_config();
    test_text_output();
    test_json();

    printf("%s: xl-ppr unit tests (%d checks, %d failed)\n",
           failures ? "FAILURE" : "SUCCESS", checks, failures);
    return failures ? 1 : 0;
}
