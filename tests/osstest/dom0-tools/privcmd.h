/* SPDX-License-Identifier: MIT */
/*
 * Linux's privcmd hypercall ioctl (include/uapi/xen/privcmd.h), for the
 * dom0 test tools, which are built static without libxenctrl.
 */
#ifndef DVM_PRIVCMD_H
#define DVM_PRIVCMD_H

#include <stdint.h>
#include <sys/ioctl.h>

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

#endif /* DVM_PRIVCMD_H */
