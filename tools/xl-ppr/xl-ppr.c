/*
 * xl-ppr: xl-style control of Dynamic VM's memory engines (PPR reclaim and
 * PageONE dedup).
 *
 * This first cut carries the host-wide `info` verb, which the osstest
 * harness uses to read Xen's free memory to the page.  The per-domain and
 * policy verbs are added as the hypervisor sides land.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>

#include "xl-ppr.h"

static void usage_main(FILE *f)
{
    fprintf(f,
            "Usage: xl-ppr <verb> [options]\n"
            "\n"
            "Verbs:\n"
            "  info      host-wide memory and feature summary\n"
            "  help      this text\n"
            "\n"
            "Run `xl-ppr <verb> -h` for the options of a verb.\n");
}

static void usage_info(FILE *f)
{
    fprintf(f,
            "Usage: xl-ppr info [-p|--pages]\n"
            "\n"
            "Print the hypervisor version, virtualisation capabilities and\n"
            "host memory.  With -p print only Xen's free page count (exact,\n"
            "in 4 KiB pages), for scripts.\n");
}

static int open_xc(xc_interface **xch)
{
    if ( access("/proc/xen/privcmd", F_OK) && access("/dev/xen/privcmd", F_OK) )
    {
        fprintf(stderr, "xl-ppr: not running on Xen (no privcmd device)\n");
        return XL_PPR_ERR_ENV;
    }
    *xch = xc_interface_open(NULL, NULL, 0);
    if ( *xch )
        return 0;
    if ( geteuid() != 0 )
        fprintf(stderr, "xl-ppr: must be run as root\n");
    else
        fprintf(stderr, "xl-ppr: cannot open the hypervisor interface: %s\n",
                strerror(errno));
    return XL_PPR_ERR_ENV;
}

static int cmd_info(int argc, char **argv)
{
    xc_interface *xch;
    xc_physinfo_t pi = { 0 };
    xen_extraversion_t extra = { 0 };
    char caps[XL_PPR_CAPS_LEN];
    int pages_only = 0, i, rc, ver;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") )
        {
            usage_info(stdout);
            return 0;
        }
        if ( !strcmp(argv[i], "-p") || !strcmp(argv[i], "--pages") )
            pages_only = 1;
        else
        {
            fprintf(stderr, "xl-ppr info: unknown option '%s'\n", argv[i]);
            usage_info(stderr);
            return XL_PPR_ERR_USAGE;
        }
    }

    rc = open_xc(&xch);
    if ( rc )
        return rc;

    if ( xc_physinfo(xch, &pi) )
    {
        fprintf(stderr, "xl-ppr: XEN_SYSCTL_physinfo failed: %s\n",
                strerror(errno));
        xc_interface_close(xch);
        return XL_PPR_ERR_XEN;
    }

    if ( pages_only )
    {
        printf("%" PRIu64 "\n", (uint64_t)pi.free_pages);
        xc_interface_close(xch);
        return 0;
    }

    ver = xc_version(xch, XENVER_version, NULL);
    xc_version(xch, XENVER_extraversion, &extra);
    xl_ppr_format_caps(caps, sizeof(caps), pi.capabilities);

    printf("%-20s: %d.%d%s\n", "xen_version", ver >> 16, ver & 0xffff,
           extra);
    printf("%-20s: %s\n", "dynamicvm",
           strstr(extra, "dynamicvm") ? "yes" : "no (stock Xen)");
    printf("%-20s: %s\n", "virt_caps", caps);
    printf("%-20s: %u\n", "nr_cpus", pi.nr_cpus);
    printf("%-20s: %" PRIu64 "\n", "total_pages", (uint64_t)pi.total_pages);
    printf("%-20s: %" PRIu64 "\n", "free_pages", (uint64_t)pi.free_pages);
    printf("%-20s: %" PRIu64 "\n", "outstanding_pages",
           (uint64_t)pi.outstanding_pages);
    printf("%-20s: %" PRIu64 "\n", "total_memory_mib",
           (uint64_t)pi.total_pages >> 8);
    printf("%-20s: %" PRIu64 "\n", "free_memory_mib",
           (uint64_t)pi.free_pages >> 8);

    xc_interface_close(xch);
    return 0;
}

int main(int argc, char **argv)
{
    if ( argc < 2 )
    {
        usage_main(stderr);
        return XL_PPR_ERR_USAGE;
    }
    if ( !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
         !strcmp(argv[1], "--help") )
    {
        usage_main(stdout);
        return 0;
    }
    if ( !strcmp(argv[1], "info") )
        return cmd_info(argc - 1, argv + 1);

    fprintf(stderr, "xl-ppr: unknown verb '%s' (try `xl-ppr help`)\n",
            argv[1]);
    return XL_PPR_ERR_USAGE;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
