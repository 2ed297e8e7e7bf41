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

/* Hypercall OP with up to two arguments; the ioctl's result (errno set). */
static inline long privcmd_hypercall(int fd, uint64_t op, uint64_t a1,
                                     uint64_t a2)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a1, a2 } };

    return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

#endif /* DVM_PRIVCMD_H */
