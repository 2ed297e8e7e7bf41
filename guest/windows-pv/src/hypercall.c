/* SPDX-License-Identifier: MIT */
/*
 * hypercall.c - HYPERVISOR_ppr_op for the driver.
 *
 * The hypercall number and sub-ops come from abi/ppr.h only: the number
 * is the fork's to choose and may move.  Arguments are addresses in the
 * driver's (non-paged) memory: Xen reads them through the guest's page
 * tables, as it does for every HVM hypercall.
 */
#include "wppr.h"
#include "xen_errno.h"

int64_t wppr_ppr_op(struct wppr *w, unsigned int cmd, void *arg)
{
    return wppr_os_hypercall2(w->os, w->insn, __HYPERVISOR_ppr_op, cmd, arg);
}

const char *wppr_errname(int64_t rc)
{
    switch ( -rc )
    {
    case 0:                 return "0";
    case XEN_EPERM:         return "-EPERM";
    case XEN_ENOENT:        return "-ENOENT";
    case XEN_ESRCH:         return "-ESRCH";
    case XEN_E2BIG:         return "-E2BIG";
    case XEN_ENOMEM:        return "-ENOMEM";
    case XEN_EFAULT:        return "-EFAULT";
    case XEN_EEXIST:        return "-EEXIST";
    case XEN_EINVAL:        return "-EINVAL";
    case XEN_ENOSYS:        return "-ENOSYS";
    case XEN_EOPNOTSUPP:    return "-EOPNOTSUPP";
    default:                return "-E?";
    }
}
