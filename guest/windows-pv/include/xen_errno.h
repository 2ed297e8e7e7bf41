/* SPDX-License-Identifier: MIT */
/*
 * The error values Xen's hypercalls return (negated), as in Xen's public
 * errno.h.  Windows has no errno.h in kernel mode and its CRT values are
 * not Xen's, so the driver names them here.
 */
#ifndef __WPPR_XEN_ERRNO_H__
#define __WPPR_XEN_ERRNO_H__

#define XEN_EPERM                       1
#define XEN_ENOENT                      2
#define XEN_ESRCH                       3
#define XEN_E2BIG                       7
#define XEN_ENOMEM                      12
#define XEN_EFAULT                      14
#define XEN_EEXIST                      17
#define XEN_EINVAL                      22
#define XEN_ENOSYS                      38
#define XEN_EOPNOTSUPP                  95

#endif /* __WPPR_XEN_ERRNO_H__ */
