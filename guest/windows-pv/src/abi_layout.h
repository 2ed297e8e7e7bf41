/* SPDX-License-Identifier: MIT */
/*
 * abi_layout.h - the ABI structures as docs/ppr-abi.md lays them out,
 * asserted at compile time.  Included by the files that pass these
 * structures to Xen, so the assertions run in the mingw-w64 (LLP64) build
 * of the driver as well as in the Linux (LP64) build of the host tests.
 */
#ifndef __WPPR_ABI_LAYOUT_H__
#define __WPPR_ABI_LAYOUT_H__

#include "wppr_platform.h"

#define WPPR_ABI_SIZE(type, size) \
    _Static_assert(sizeof(type) == (size), "size of " #type)
#define WPPR_ABI_AT(type, field, off) \
    _Static_assert(offsetof(type, field) == (off), #type "." #field)

/* The frame list is an array of 8-byte gfns; a handle is 8 bytes. */
WPPR_ABI_SIZE(xen_pfn_t, 8);
WPPR_ABI_SIZE(XEN_GUEST_HANDLE(xen_pfn_t), 8);
_Static_assert(_Alignof(XEN_GUEST_HANDLE(xen_pfn_t)) == 8, "handle align");
WPPR_ABI_SIZE(domid_t, 2);

WPPR_ABI_SIZE(struct xen_ppr_query, 24);
WPPR_ABI_AT(struct xen_ppr_query, version, 0);
WPPR_ABI_AT(struct xen_ppr_query, features, 4);
WPPR_ABI_AT(struct xen_ppr_query, max_entries, 8);
WPPR_ABI_AT(struct xen_ppr_query, max_frames, 16);
WPPR_ABI_AT(struct xen_ppr_query, stats_size, 20);

WPPR_ABI_SIZE(struct xen_ppr_register, 24);
WPPR_ABI_AT(struct xen_ppr_register, frame_list, 0);
WPPR_ABI_AT(struct xen_ppr_register, nr_frames, 8);
WPPR_ABI_AT(struct xen_ppr_register, flags, 12);
WPPR_ABI_AT(struct xen_ppr_register, nr_entries, 16);

WPPR_ABI_SIZE(struct xen_ppr_unregister, 8);
WPPR_ABI_AT(struct xen_ppr_unregister, flags, 0);
WPPR_ABI_AT(struct xen_ppr_unregister, pad, 4);

WPPR_ABI_SIZE(struct xen_ppr_get_stats, 24);
WPPR_ABI_AT(struct xen_ppr_get_stats, domid, 0);
WPPR_ABI_AT(struct xen_ppr_get_stats, pad, 2);
WPPR_ABI_AT(struct xen_ppr_get_stats, size, 8);
WPPR_ABI_AT(struct xen_ppr_get_stats, stats, 16);

/*
 * 8-byte fields, only ever appended to: 160 bytes in 1.1, more later.
 * The driver passes its size and reads the fields it names, whose offsets
 * never move.
 */
_Static_assert(sizeof(struct xen_ppr_stats) >= 160 &&
               sizeof(struct xen_ppr_stats) % 8 == 0, "xen_ppr_stats");
WPPR_ABI_AT(struct xen_ppr_stats, size, 0);
WPPR_ABI_AT(struct xen_ppr_stats, nr_entries, 8);
WPPR_ABI_AT(struct xen_ppr_stats, passes, 16);
WPPR_ABI_AT(struct xen_ppr_stats, reclaimed, 64);
WPPR_ABI_AT(struct xen_ppr_stats, refaulted, 88);
WPPR_ABI_AT(struct xen_ppr_stats, frames_returned, 104);
WPPR_ABI_AT(struct xen_ppr_stats, sync_returned, 152);

WPPR_ABI_SIZE(struct xen_ppr_policy, 24);
WPPR_ABI_AT(struct xen_ppr_policy, domid, 0);
WPPR_ABI_AT(struct xen_ppr_policy, flags, 4);
WPPR_ABI_AT(struct xen_ppr_policy, reserve_mib, 16);

/* One array frame holds the state bytes of this many pfns. */
_Static_assert(XEN_PPR_ENTRIES_PER_FRAME == 4096, "one byte per 4 KiB page");

#endif /* __WPPR_ABI_LAYOUT_H__ */
