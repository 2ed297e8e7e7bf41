/*
 * xl-ppr: the command table, as xl's xl_cmdtable.c: every verb with its
 * parser, its function, a summary for `xl-ppr help` and its -h text.
 */

#include <string.h>

#include "cmds.h"

#define XL_PPR_OPTS_HELP \
    "  --reclaim on|off     scan and reclaim guest-freed pages\n" \
    "  --scan-ms N          scan period, 100..3600000 ms\n" \
    "  --min-age N          shortest time between passes, also under\n" \
    "                       memory pressure: 0 or 100..3600000 ms\n" \
    "  --reserve MiB        never reclaim while the domain holds this\n" \
    "                       much memory or less (0: no floor)\n" \
    "  --dedup on|off       PageONE deduplication (when available)\n" \
    "  --share-group NAME   PageONE share group, 1-31 of [A-Za-z0-9_.-]\n"

#define XL_PPR_WMARK_HELP \
    "  --wmark-min SIZE     below it no guest gets memory from Xen's\n" \
    "                       heap but for copy-on-write breaks and PPR\n" \
    "                       refaults, which wait when it is gone\n" \
    "  --wmark-low SIZE     below it PageONE stops merging and PPR\n" \
    "                       reclaims at once\n" \
    "  --wmark-high SIZE    below it PPR scans sooner\n" \
    "                       (SIZE: MiB, or a number with k, m or g;\n" \
    "                       min <= low <= high <= the host's memory)\n"

const struct xl_ppr_cmd xl_ppr_cmd_table[] = {
    { "info", xl_ppr_parse_info_args, xl_ppr_cmd_info,
      "host-wide memory, pressure, features and PPR/dedup totals",
      "Usage: xl-ppr info [-p|--pages]\n"
      "\n"
      "Print the hypervisor version, virtualisation capabilities, host\n"
      "memory, the memory pressure (free heap, watermarks, vCPUs waiting\n"
      "for memory), whether PPR and PageONE dedup are compiled in and\n"
      "enabled, the default reclaim policy and the host-wide counters:\n"
      "frames reclaimed and refaulted, memory saved, scan passes and scan\n"
      "CPU.\n"
      "\n"
      "  -p, --pages   print only Xen's free page count (exact, in 4 KiB\n"
      "                pages), for scripts\n" },
    { "list", xl_ppr_parse_list_args, xl_ppr_cmd_list,
      "per-domain PPR and dedup state and policy",
      "Usage: xl-ppr list [-l|-j] [domain...]\n"
      "\n"
      "For every domain (or the ones named, by name or id): whether its\n"
      "guest registered a PPR array, the pages it freed, reclaimed and\n"
      "refaulted, the memory saved, merged/shared pages and share group\n"
      "(dedup) and its policy.  Sizes in the table are MiB.\n"
      "\n"
      "  -l, --long    every counter, in pages, one per line\n"
      "  -j, --json    JSON (an array of objects), counters in pages\n" },
    { "policy", xl_ppr_parse_policy_args, xl_ppr_cmd_policy,
      "show or set the reclaim, dedup and watermark policy",
      "Usage: xl-ppr policy <domain> [options]\n"
      "       xl-ppr policy --default [options]\n"
      "       xl-ppr policy --host [watermark options]\n"
      "\n"
      "Without options, print the policy of the domain (by name or id),\n"
      "with --default the policy given to domains created from now on, or\n"
      "with --host the watermarks on Xen's free heap.  With options,\n"
      "change those knobs and keep the others.  Every option is checked\n"
      "before anything is changed.\n"
      "\n"
      XL_PPR_OPTS_HELP
      "\n"
      "With --host:\n"
      XL_PPR_WMARK_HELP
      "\n"
      "Options also take the form --option=value.\n" },
    { "top", xl_ppr_parse_top_args, xl_ppr_cmd_top,
      "refreshing view of the memory saved per domain",
      "Usage: xl-ppr top [-b] [-n N] [-d S]\n"
      "\n"
      "Show host totals and, per domain, memory, memory saved by PPR,\n"
      "refaults, the reclaim rate over the last interval and merged pages,\n"
      "every S seconds.  Press q (or interrupt) to quit.\n"
      "\n"
      "  -b, --batch        no screen control, one frame after another\n"
      "  -n, --iterations N stop after N frames\n"
      "  -d, --delay S      seconds between frames (default 3)\n" },
    { "create", xl_ppr_parse_create_args, xl_ppr_cmd_create,
      "xl create, with admission and the ppr_* keys of the config",
      "Usage: xl-ppr create [-p] [-n] [-f] <config>\n"
      "\n"
      "Create a domain with `xl create -p <config>`, set the policy given\n"
      "by the ppr_* keys of the configuration file before the guest runs,\n"
      "then unpause it.  Keys (xl ignores them):\n"
      "\n"
      "  ppr_reclaim = \"on\"|\"off\"     ppr_scan_ms = N\n"
      "  ppr_min_age = N                ppr_reserve = MiB\n"
      "  ppr_dedup = \"on\"|\"off\"       ppr_share_group = \"NAME\"\n"
      "\n"
      "They are validated before the domain is created; if the policy\n"
      "cannot be set the domain is destroyed.\n"
      "\n"
      "First, the memory the guest needs (its memory plus what Xen takes\n"
      "for it, as libxl sizes it) is compared with Xen's free memory above\n"
      "the min watermark: if it fits, go on; if it fits only with what\n"
      "PPR can reclaim, warn and go on; otherwise create nothing.\n"
      "\n"
      "  -p             leave the domain paused\n"
      "  -n, --dry-run  only check the file, print the policy options and\n"
      "                 the admission verdict\n"
      "  -f, --force    create the domain even if it does not fit\n" },
    { "help", xl_ppr_parse_help_args, xl_ppr_cmd_help, "this text",
      "Usage: xl-ppr help\n\nList the verbs.\n" },
    { NULL },
};

const struct xl_ppr_cmd *xl_ppr_cmd_find(const char *name)
{
    const struct xl_ppr_cmd *c;

    for ( c = xl_ppr_cmd_table; c->name; c++ )
        if ( !strcmp(c->name, name) )
            return c;
    return NULL;
}

void xl_ppr_usage_main(FILE *f)
{
    const struct xl_ppr_cmd *c;

    fprintf(f, "Usage: xl-ppr <verb> [options]\n\nVerbs:\n");
    for ( c = xl_ppr_cmd_table; c->name; c++ )
        fprintf(f, "  %-8s %s\n", c->name, c->summary);
    fprintf(f, "\nRun `xl-ppr <verb> -h` for the options of a verb.  See "
            "xl-ppr(1).\n");
}

int xl_ppr_cmd_help(const union xl_ppr_args *a)
{
    xl_ppr_usage_main(stdout);
    return 0;
}
