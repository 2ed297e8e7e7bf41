/* SPDX-License-Identifier: MIT */
/*
 * service.c - the driver's life: load, shutdown, unload, and its status.
 *
 * Load never fails the service: a driver that finds no Xen, or a Xen
 * without PPR, stays loaded and OFF, holding nothing and running nothing,
 * and says why in its status.  That keeps one image for every guest and
 * makes "why is it not reclaiming" a registry lookup.
 */
#include "wppr.h"

void wppr_init(struct wppr *w, struct wppr_os *os)
{
    __builtin_memset(w, 0, sizeof(*w));
    w->os = os;
    w->state = WPPR_OFF;
    w->off_reason = "not-started";
}

const char *wppr_state_name(enum wppr_state s)
{
    switch ( s )
    {
    case WPPR_OFF:      return "off";
    case WPPR_ON:       return "on";
    case WPPR_LOST:     return "lost";
    case WPPR_ASLEEP:   return "asleep";
    case WPPR_STOPPED:  return "stopped";
    }
    return "?";
}

void wppr_load(struct wppr *w)
{
    wppr_config_load(w);
    if ( w->cfg.disabled )
    {
        w->off_reason = "disabled";
        goto off;
    }
    if ( !wppr_detect(w) || !wppr_query(w) || !wppr_array_setup(w) )
        goto off;

    if ( wppr_register(w) )
    {
        w->off_reason = "register-failed";
        wppr_os_log(w->os, WPPR_LOG_WARN, "off: registration failed (%s)\n",
                    wppr_errname(w->last_rc));
        wppr_array_teardown(w);
        goto off;
    }

    wppr_balloon_limit(w);
    w->state = WPPR_ON;
    w->off_reason = NULL;
    if ( !wppr_os_thread_start(w->os, w, w->cfg.period_ms) )
    {
        w->state = WPPR_OFF;
        w->off_reason = "no-worker";
        wppr_array_teardown(w);
        goto off;
    }
    w->thread_running = true;

    /* Without it sleep still works: the tick finds the new domain. */
    w->power_registered = wppr_os_power_register(w->os, w);
    if ( !w->power_registered )
        wppr_os_log(w->os, WPPR_LOG_WARN,
                    "no power notifications: pages are kept across sleep\n");

    wppr_os_log(w->os, WPPR_LOG_INFO,
                "on: %llu entries in %u frames, interface 0x%x features 0x%x, "
                "may hold %llu of %llu pages\n",
                (unsigned long long)w->arr.nr_entries, w->nr_frames,
                w->query.version, w->query.features,
                (unsigned long long)w->limit_pages,
                (unsigned long long)w->ram_pages);
    wppr_publish(w);
    return;

 off:
    w->state = WPPR_OFF;
    wppr_os_log(w->os, WPPR_LOG_INFO, "off: %s\n", w->off_reason);
    wppr_publish(w);
}

/* The domain is going away or being reset: leave Xen nothing to scan. */
void wppr_shutdown(struct wppr *w)
{
    wppr_os_lock(w->os);
    if ( w->state != WPPR_OFF )
    {
        wppr_give_all(w);
        if ( wppr_unregister(w) )
            wppr_os_log(w->os, WPPR_LOG_WARN, "unregister at shutdown: %s\n",
                        wppr_errname(w->last_rc));
        w->state = WPPR_STOPPED;
    }
    wppr_os_unlock(w->os);
}

void wppr_unload(struct wppr *w)
{
    /* Nothing else runs in the driver after these two. */
    if ( w->thread_running )
        wppr_os_thread_stop(w->os);
    w->thread_running = false;
    if ( w->power_registered )
        wppr_os_power_unregister(w->os);
    w->power_registered = false;

    wppr_os_lock(w->os);
    wppr_give_all(w);
    if ( w->state != WPPR_OFF )
        w->state = WPPR_STOPPED;
    wppr_os_unlock(w->os);

    wppr_array_teardown(w);
    wppr_publish(w);
    wppr_os_log(w->os, WPPR_LOG_INFO, "unloaded\n");
}

static void put(struct wppr_status *st, const char *name, uint64_t value)
{
    if ( st->n < WPPR_STATUS_MAX )
        st->v[st->n++] = (struct wppr_status_value){ name, value };
}

/* Driver lock held. */
void wppr_status(struct wppr *w, struct wppr_status *st)
{
    const struct wppr_counters *c = &w->c;

    st->state = wppr_state_name(w->state);
    st->off_reason = w->off_reason ? w->off_reason : "-";
    st->last_error = w->last_rc ? wppr_errname(w->last_rc) : "-";
    st->n = 0;

    put(st, "XenVersion", w->xen_version);
    put(st, "Interface", w->query.version);
    put(st, "Features", w->query.features);
    put(st, "Registered", w->registered);
    put(st, "NrEntries", w->arr.nr_entries);
    put(st, "NrFrames", w->nr_frames);
    put(st, "RamPages", w->ram_pages);
    put(st, "LimitPages", w->limit_pages);
    put(st, "HeldPages", w->held_pages);
    put(st, "HeldChunks", w->held_chunks);
    put(st, "ChunksTaken", c->chunks_taken);
    put(st, "PagesTaken", c->pages_taken);
    put(st, "ChunksGiven", c->chunks_given);
    put(st, "PagesGiven", c->pages_given);
    put(st, "ShortChunks", c->short_chunks);
    put(st, "SlowChunks", c->slow_chunks);
    put(st, "FailedAllocs", c->failed_allocs);
    put(st, "OutOfRange", c->out_of_range);
    put(st, "LowEvents", c->low_events);
    put(st, "GivenReclaimed", c->given_reclaimed);
    put(st, "GivenRaced", c->given_raced);
    put(st, "OddMarks", c->odd_marks);
    put(st, "Reregistered", c->reregistered);
    put(st, "Rearmed", c->rearmed);
    put(st, "RegisterFailures", c->register_failures);
    put(st, "StaleReplaced", c->stale_replaced);
    put(st, "Sleeps", c->sleeps);
    put(st, "Resumes", c->resumes);
    put(st, "PowerIgnored",
        __atomic_load_n(&c->power_ignored, __ATOMIC_RELAXED));
    put(st, "ArrayLeaked", w->array_leaked);
    /* Xen's view, as of the last tick. */
    put(st, "XenReclaimed", w->xen.reclaimed);
    put(st, "XenFramesReturned", w->xen.frames_returned);
    put(st, "XenRefaulted", w->xen.refaulted);
    put(st, "XenPasses", w->xen.passes);
}

static bool status_equal(const struct wppr_status *a,
                         const struct wppr_status *b)
{
    unsigned int i;

    if ( a->state != b->state || a->off_reason != b->off_reason ||
         a->last_error != b->last_error || a->n != b->n )
        return false;
    for ( i = 0; i < a->n; i++ )
        if ( a->v[i].name != b->v[i].name || a->v[i].value != b->v[i].value )
            return false;

    return true;
}

/* Only the worker (or load/unload, when it is not running) publishes. */
void wppr_publish(struct wppr *w)
{
    struct wppr_status st;
    bool changed;

    wppr_os_lock(w->os);
    wppr_status(w, &st);
    changed = !status_equal(&st, &w->published);
    if ( changed )
        w->published = st;
    wppr_os_unlock(w->os);

    if ( changed )
        wppr_os_publish(w->os, &st);
}
