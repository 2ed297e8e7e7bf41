/* SPDX-License-Identifier: MIT */
/*
 * os_win.h - the Windows kernel's side of wppr_os.h.
 *
 * Everything here lives in the driver image's data, which is non-paged:
 * the wait blocks and events are used at raised IRQL by the kernel.
 */
#ifndef __WPPR_OS_WIN_H__
#define __WPPR_OS_WIN_H__

#include <ntifs.h>

#include "wppr.h"

struct wppr_os {
    struct wppr *w;

    KMUTEX lock;

    /* The wait set, indexed by enum wppr_event. */
    PVOID objects[WPPR_NR_EVENTS];
    KWAIT_BLOCK wait_blocks[WPPR_NR_EVENTS];
    KEVENT stop;
    KTIMER timer;
    PKEVENT low, high;
    HANDLE low_handle, high_handle;

    HANDLE thread;

    PCALLBACK_OBJECT power_object;
    PVOID power_registration;
    EX_RUNDOWN_REF power_rundown;

    HANDLE params_key;          /* Services\dvmppr\Parameters, or NULL */
    HANDLE status_key;          /* Services\dvmppr\State (volatile) */
};

NTSTATUS wppr_os_init(struct wppr_os *os, struct wppr *w,
                      PUNICODE_STRING registry_path);
void wppr_os_fini(struct wppr_os *os);

#endif /* __WPPR_OS_WIN_H__ */
