/* SPDX-License-Identifier: MIT */
/*
 * worker.c - the driver's thread.
 *
 * It waits on the memory manager's LowMemoryCondition and
 * HighMemoryCondition events, its stop event and its periodic timer:
 *
 *  LOW    give back chunk after chunk while the condition holds
 *  HIGH   take one chunk (the wait returns again at once while memory
 *         stays high, the limit is not reached and nothing went wrong)
 *  TIMER  end the back-off, check that Xen still knows the array,
 *         publish the status
 *
 * Both memory events stay signalled while their condition holds, so the
 * worker only waits on one when it can act on it: HIGH when it may take,
 * LOW when it holds something.  Otherwise it would spin.
 */
#include "wppr.h"

unsigned int wppr_wait_mask(const struct wppr *w)
{
    unsigned int mask = WPPR_EV_BIT(WPPR_EV_STOP) |
                        WPPR_EV_BIT(WPPR_EV_TIMER);

    if ( w->held_pages )
        mask |= WPPR_EV_BIT(WPPR_EV_LOW);
    if ( wppr_may_take(w) )
        mask |= WPPR_EV_BIT(WPPR_EV_HIGH);

    return mask;
}

void wppr_worker_step(struct wppr *w, enum wppr_event ev)
{
    wppr_os_lock(w->os);
    switch ( ev )
    {
    case WPPR_EV_LOW:
        wppr_give_while_low(w);
        break;

    case WPPR_EV_HIGH:
        wppr_take_chunk(w);
        break;

    case WPPR_EV_TIMER:
        w->backoff = false;
        wppr_check_registration(w);
        break;

    default:
        break;
    }
    wppr_os_unlock(w->os);

    if ( ev == WPPR_EV_TIMER )
        wppr_publish(w);
}

void wppr_worker_run(struct wppr *w)
{
    for ( ;; )
    {
        enum wppr_event ev;
        unsigned int mask;

        wppr_os_lock(w->os);
        mask = wppr_wait_mask(w);
        wppr_os_unlock(w->os);

        ev = wppr_os_wait(w->os, mask);
        if ( ev == WPPR_EV_STOP )
            break;
        wppr_worker_step(w, ev);
    }
}
