/* SPDX-License-Identifier: MIT */
/*
 * power.c - sleep, hibernate and resume.
 *
 * \Callback\PowerState reports PO_CB_SYSTEM_STATE_LOCK with Argument2 0
 * before the system leaves S0 (S3, S4, and the hibernation behind Fast
 * Startup) and 1 when it is back.  Before sleeping the driver gives every
 * page back and unregisters: Xen then finishes any batch, no entry stays
 * RECLAIMING, and a hibernation image holds no reclaimed pages.  On resume
 * it registers again: after S4 the guest is a new domain.
 *
 * Should a notification be missed, nothing breaks: the tick's
 * registration check (registration.c) finds a new domain by itself.
 */
#include "wppr.h"

static void power_sleep(struct wppr *w)
{
    if ( w->state != WPPR_ON && w->state != WPPR_LOST )
        return;

    w->c.sleeps++;
    wppr_give_all(w);
    if ( wppr_unregister(w) )
        wppr_os_log(w->os, WPPR_LOG_WARN, "unregister before sleep: %s\n",
                    wppr_errname(w->last_rc));
    w->state = WPPR_ASLEEP;
}

static void power_resume(struct wppr *w)
{
    int64_t rc;

    if ( w->state != WPPR_ASLEEP )
        return;

    w->c.resumes++;
    w->backoff = false;
    rc = w->registered ? 0 : wppr_register(w);
    if ( rc )
    {
        wppr_os_log(w->os, WPPR_LOG_WARN, "register after resume: %s\n",
                    wppr_errname(rc));
        w->state = WPPR_LOST;
        w->off_reason = "registration-lost";
        return;
    }
    w->state = WPPR_ON;
    w->off_reason = NULL;
}

/*
 * can_block: the platform is at an IRQL where it may wait for the driver
 * lock and call the memory manager (PASSIVE_LEVEL).  Callback objects may
 * notify at up to DISPATCH_LEVEL; such a notification is counted and
 * otherwise ignored.
 */
void wppr_power_notify(struct wppr *w, uintptr_t arg1, uintptr_t arg2,
                       bool can_block)
{
    /* AC/DC and power policy changes are not ours. */
    if ( arg1 != WPPR_PO_CB_SYSTEM_STATE_LOCK )
        return;

    if ( !can_block )
    {
        __atomic_fetch_add(&w->c.power_ignored, 1, __ATOMIC_RELAXED);
        return;
    }

    wppr_os_lock(w->os);
    if ( arg2 == 0 )
        power_sleep(w);
    else
        power_resume(w);
    wppr_os_unlock(w->os);
}
