/* xl-ppr: shared definitions (pure helpers are unit-tested natively). */
#ifndef XL_PPR_H
#define XL_PPR_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes. */
#define XL_PPR_ERR_USAGE 2   /* bad command line */
#define XL_PPR_ERR_ENV   3   /* not on Xen, not root, feature missing */
#define XL_PPR_ERR_XEN   4   /* the hypervisor refused or failed */

#define XL_PPR_CAPS_LEN  64

/* Render XEN_SYSCTL_PHYSCAP_* bits as `xl info`'s virt_caps words. */
void xl_ppr_format_caps(char *buf, size_t len, uint32_t caps);

#endif /* XL_PPR_H */
