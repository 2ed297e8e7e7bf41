/*
 * A guest reaches no other domain through ppr_op or pageone_op
 * (docs/ppr-abi.md 2.4, 2.5; docs/pageone-xen.md): the statistics and
 * policy of dom0, the host's totals (DOMID_XEN), the defaults
 * (DOMID_INVALID) and the memory-pressure watermarks are refused with
 * -EPERM, a domid that names no domain with -ESRCH; the guest may not set
 * even its own policy; every pageone_op is the toolstack's.  A refused
 * call writes nothing into the caller's buffer.
 */
#include <string.h>

#include "lib.h"

const char test_title[] = "PPR and PageONE: no reach into other domains";

/* A domid that names no domain in the flight's boots. */
#define NO_SUCH_DOMID 0x7000

static void stats_refused(domid_t domid, long want, const char *what)
{
    unsigned char buf[sizeof(struct xen_ppr_stats)];

    memset(buf, 0xa5, sizeof(buf));
    xtf_expect(xtf_ppr_get_stats(domid, sizeof(buf), buf), want,
               "get_stats(%s)", what);
    if ( !xtf_untouched(buf, sizeof(buf), 0xa5) )
        xtf_failure("get_stats(%s) wrote into the buffer", what);
}

static void policy_refused(unsigned int cmd, domid_t domid, long want,
                           const char *what)
{
    struct xen_ppr_policy p = {
        .domid = domid, .flags = XEN_PPR_POLICY_RECLAIM,
        .period_ms = XEN_PPR_PERIOD_MIN_MS,
    };

    xtf_expect(xtf_ppr_op(cmd, &p), want, "%s_policy(%s)",
               cmd == XEN_PPROP_set_policy ? "set" : "get", what);
    if ( cmd == XEN_PPROP_get_policy &&
         (p.domid != domid || p.flags != XEN_PPR_POLICY_RECLAIM ||
          p.period_ms != XEN_PPR_PERIOD_MIN_MS || p.min_age_ms ||
          p.reserve_mib) )
        xtf_failure("get_policy(%s) wrote into the buffer", what);
}

static void pageone_refused(unsigned int cmd, domid_t domid,
                            const char *what)
{
    /* Big enough for each command's structure. */
    union {
        struct xen_pageone_info info;
        struct xen_pageone_set set;
        struct xen_pageone_domain dom;
        struct xen_pageone_audit audit;
    } u;
    long rc;

    memset(&u, 0, sizeof(u));
    if ( cmd == XEN_PAGEONE_OP_domain_get || cmd == XEN_PAGEONE_OP_domain_set )
    {
        u.dom.domid = domid;
        u.dom.mask = XEN_PAGEONE_DSET_DEDUP;
        u.dom.flags = XEN_PAGEONE_D_DEDUP;
    }
    else if ( cmd == XEN_PAGEONE_OP_audit )
    {
        u.audit.nr_doms = 1;
        u.audit.domids[0] = domid;
    }
    else if ( cmd == XEN_PAGEONE_OP_set )
        u.set.period_ms = 100;

    rc = xtf_pageone_op(cmd, &u);
    /*
     * With PageONE off, a domain's state is nobody's (-EOPNOTSUPP before
     * the domain is looked up); a hypervisor without it has no pageone_op.
     */
    if ( rc == -XEN_ENOSYS ||
         (rc == -XEN_EOPNOTSUPP && (cmd == XEN_PAGEONE_OP_domain_get ||
                                    cmd == XEN_PAGEONE_OP_domain_set)) )
        xtf_info("pageone_op %u (%s): %s", cmd, what, xtf_strerror(rc));
    else
        xtf_expect(rc, -XEN_EPERM, "pageone_op %u (%s)", cmd, what);
}

void test_main(void)
{
    struct xen_ppr_query q;
    struct xen_mem_pressure mp;
    domid_t self;

    xtf_need_ppr(&q);
    self = xtf_own_domid();
    xtf_info("this is d%u", self);
    if ( self == 0 )
        xtf_skip("running in dom0: nothing is foreign to it");

    stats_refused(0, -XEN_EPERM, "dom0");
    stats_refused(DOMID_XEN, -XEN_EPERM, "DOMID_XEN");
    stats_refused(DOMID_INVALID, -XEN_ESRCH, "DOMID_INVALID");
    stats_refused(NO_SUCH_DOMID, -XEN_ESRCH, "no such domain");

    policy_refused(XEN_PPROP_get_policy, 0, -XEN_EPERM, "dom0");
    policy_refused(XEN_PPROP_set_policy, 0, -XEN_EPERM, "dom0");
    policy_refused(XEN_PPROP_get_policy, DOMID_INVALID, -XEN_EPERM,
                   "the defaults");
    policy_refused(XEN_PPROP_set_policy, DOMID_INVALID, -XEN_EPERM,
                   "the defaults");
    /* DOMID_XEN is no domain of the domain list. */
    policy_refused(XEN_PPROP_get_policy, DOMID_XEN, -XEN_ESRCH, "DOMID_XEN");
    policy_refused(XEN_PPROP_set_policy, DOMID_XEN, -XEN_ESRCH, "DOMID_XEN");
    policy_refused(XEN_PPROP_set_policy, NO_SUCH_DOMID, -XEN_ESRCH,
                   "no such domain");
    /* A guest may read its own policy, never set it. */
    policy_refused(XEN_PPROP_set_policy, self, -XEN_EPERM, "itself");

    memset(&mp, 0xa5, sizeof(mp));
    xtf_expect(xtf_ppr_op(XEN_PPROP_get_pressure, &mp), -XEN_EPERM,
               "get_pressure");
    if ( !xtf_untouched(&mp, sizeof(mp), 0xa5) )
        xtf_failure("get_pressure wrote into the buffer");
    memset(&mp, 0, sizeof(mp));
    mp.min_pages = 1;
    mp.low_pages = 2;
    mp.high_pages = 3;
    xtf_expect(xtf_ppr_op(XEN_PPROP_set_pressure, &mp), -XEN_EPERM,
               "set_pressure");

    pageone_refused(XEN_PAGEONE_OP_info, 0, "info");
    pageone_refused(XEN_PAGEONE_OP_set, 0, "set");
    pageone_refused(XEN_PAGEONE_OP_domain_get, 0, "dom0");
    pageone_refused(XEN_PAGEONE_OP_domain_set, 0, "dom0");
    pageone_refused(XEN_PAGEONE_OP_domain_get, self, "itself");
    pageone_refused(XEN_PAGEONE_OP_domain_set, self, "itself");
    pageone_refused(XEN_PAGEONE_OP_audit, self, "audit of itself");
}
