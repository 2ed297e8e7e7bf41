/* xl-ppr: hypervisor calls (ppr_op and pageone_op through libxencall). */
#ifndef XL_PPR_HV_H
#define XL_PPR_HV_H

#include "xl-ppr.h"

struct xencall_handle;

struct xl_ppr_hv {
    struct xencall_handle *xcall;
    void *buf;                  /* one hypercall-safe page */
};

/* All return 0 or -errno (the hypervisor's error). */
int xl_ppr_hv_open(struct xl_ppr_hv *hv);
void xl_ppr_hv_close(struct xl_ppr_hv *hv);
int xl_ppr_hv_query(struct xl_ppr_hv *hv, struct xen_ppr_query *q);
int xl_ppr_hv_get_stats(struct xl_ppr_hv *hv, domid_t domid,
                        struct xen_ppr_stats *s);
int xl_ppr_hv_get_policy(struct xl_ppr_hv *hv, domid_t domid,
                         struct xen_ppr_policy *p);
int xl_ppr_hv_set_policy(struct xl_ppr_hv *hv,
                         const struct xen_ppr_policy *p);
/*
 * The host's watermarks and memory waits (1.2; whether or not PPR is on).
 * Setting reads the three watermarks only.
 */
int xl_ppr_hv_get_pressure(struct xl_ppr_hv *hv, struct xen_mem_pressure *p);
int xl_ppr_hv_set_pressure(struct xl_ppr_hv *hv,
                           const struct xen_mem_pressure *p);
/* Fill H; -ENOSYS (h->ppr == XL_PPR_ABSENT) when Xen has no ppr_op. */
int xl_ppr_hv_probe(struct xl_ppr_hv *hv, struct xl_ppr_host *h);

/* PageONE (pageone_op, abi/pageone.h). */
void xl_ppr_dedup_probe(struct xl_ppr_hv *hv, struct xl_ppr_host *h);
int xl_ppr_dedup_get(struct xl_ppr_hv *hv, domid_t domid,
                     struct xl_ppr_dedup *d);
int xl_ppr_dedup_set(struct xl_ppr_hv *hv, domid_t domid, int set_dedup,
                     int dedup, int set_group, uint32_t group);
int xl_ppr_dedup_get_default_group(struct xl_ppr_hv *hv, uint32_t *group);
int xl_ppr_dedup_set_default_group(struct xl_ppr_hv *hv, uint32_t group);

/* One line, for "xl-ppr: <what>: <this>". */
const char *xl_ppr_strerror(int rc);

#endif /* XL_PPR_HV_H */
