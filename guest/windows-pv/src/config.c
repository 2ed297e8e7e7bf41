/* SPDX-License-Identifier: MIT */
/*
 * config.c - the registry knobs (DWORD values under
 * HKLM\SYSTEM\CurrentControlSet\Services\dvmppr\Parameters), read once
 * at load.  Out-of-range values are clamped, and the clamp is logged.
 */
#include "wppr.h"

static uint32_t clamp(struct wppr *w, const char *name, uint32_t v,
                      uint32_t lo, uint32_t hi)
{
    uint32_t c = v < lo ? lo : v > hi ? hi : v;

    if ( c != v )
        wppr_os_log(w->os, WPPR_LOG_WARN, "%s %u out of range, using %u\n",
                    name, v, c);
    return c;
}

void wppr_config_load(struct wppr *w)
{
    struct wppr_config *cfg = &w->cfg;
    uint32_t v;

    cfg->disabled = false;
    cfg->cap_pages = 0;
    cfg->reserve_pages = (uint64_t)WPPR_RESERVE_DEFAULT_MIB *
                         WPPR_PAGES_PER_MIB;
    cfg->chunk_pages = WPPR_CHUNK_DEFAULT_PAGES;
    cfg->period_ms = WPPR_PERIOD_DEFAULT_MS;

    if ( wppr_os_knob(w->os, WPPR_KNOB_DISABLE, &v) )
        cfg->disabled = v != 0;
    if ( wppr_os_knob(w->os, WPPR_KNOB_CAP_MIB, &v) )
        cfg->cap_pages = (uint64_t)v * WPPR_PAGES_PER_MIB;
    if ( wppr_os_knob(w->os, WPPR_KNOB_RESERVE_MIB, &v) )
        cfg->reserve_pages = (uint64_t)v * WPPR_PAGES_PER_MIB;
    if ( wppr_os_knob(w->os, WPPR_KNOB_CHUNK_PAGES, &v) )
        cfg->chunk_pages = clamp(w, "ChunkPages", v, 1,
                                 WPPR_CHUNK_MAX_PAGES);
    if ( wppr_os_knob(w->os, WPPR_KNOB_PERIOD_MS, &v) )
        cfg->period_ms = clamp(w, "PeriodMs", v, WPPR_PERIOD_MIN_MS,
                               WPPR_PERIOD_MAX_MS);
}
