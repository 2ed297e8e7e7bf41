/*
 * xl-ppr info: the host, as `xl info` shows it, then its memory pressure
 * and the PPR and PageONE state and totals.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cmds.h"
#include "output.h"

/* Xen's version, capabilities and memory, as `xl info` prints them. */
static void print_xen(xc_interface *xch, const xc_physinfo_t *pi)
{
    xen_extraversion_t extra = { 0 };
    char caps[XL_PPR_CAPS_LEN];
    int ver = xc_version(xch, XENVER_version, NULL);

    xc_version(xch, XENVER_extraversion, &extra);
    xl_ppr_format_caps(caps, sizeof(caps), pi->capabilities);

    xl_ppr_kv(stdout, "xen_version", "%d.%d%s", ver >> 16, ver & 0xffff,
              extra);
    xl_ppr_kv(stdout, "dynamicvm", "%s",
              strstr(extra, "dynamicvm") ? "yes" : "no (stock Xen)");
    xl_ppr_kv(stdout, "virt_caps", "%s", caps);
    xl_ppr_kv(stdout, "nr_cpus", "%u", pi->nr_cpus);
    xl_ppr_kv(stdout, "total_pages", "%" PRIu64, (uint64_t)pi->total_pages);
    xl_ppr_kv(stdout, "free_pages", "%" PRIu64, (uint64_t)pi->free_pages);
    xl_ppr_kv(stdout, "outstanding_pages", "%" PRIu64,
              (uint64_t)pi->outstanding_pages);
    xl_ppr_kv(stdout, "total_memory_mib", "%" PRIu64,
              (uint64_t)pi->total_pages >> 8);
    xl_ppr_kv(stdout, "free_memory_mib", "%" PRIu64,
              (uint64_t)pi->free_pages >> 8);
}

static void print_pressure(struct xl_ppr_hv *hv)
{
    struct xen_mem_pressure p;
    int rc = xl_ppr_hv_get_pressure(hv, &p);

    if ( !rc )
        xl_ppr_print_pressure(stdout, &p, 0);
    else
        xl_ppr_kv(stdout, "mem_pressure", "not available (%s)",
                  rc == -ENOSYS ? "hypervisor without ppr_op" :
                  rc == -EINVAL ? "hypervisor without memory watermarks"
                                : xl_ppr_strerror(rc));
}

int xl_ppr_cmd_info(const union xl_ppr_args *u)
{
    const struct xl_ppr_info_args *a = &u->info;
    struct xl_ppr_session s;
    xc_physinfo_t pi = { 0 };
    int rc;

    /* -p is polled by scripts, often: no more than one call for it. */
    rc = xl_ppr_open(&s, XL_PPR_WITH_XC |
                         (a->pages_only ? 0 : XL_PPR_WITH_HV));
    if ( rc )
        return rc;
    if ( xc_physinfo(s.xch, &pi) )
    {
        fprintf(stderr, "xl-ppr: XEN_SYSCTL_physinfo failed: %s\n",
                strerror(errno));
        xl_ppr_close(&s);
        return XL_PPR_ERR_XEN;
    }

    if ( a->pages_only )
        printf("%" PRIu64 "\n", (uint64_t)pi.free_pages);
    else
    {
        print_xen(s.xch, &pi);
        print_pressure(&s.hv);
        xl_ppr_print_host(stdout, &s.h);
    }
    xl_ppr_close(&s);
    return 0;
}
