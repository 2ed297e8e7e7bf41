/*
 * XEN_PPROP_query answers what the ABI says (docs/ppr-abi.md 2.1, 2.2):
 * this tree's interface version, every 1.x feature and no other, limits
 * that cover the guest's RAM in whole frames, the size of the stats
 * structure this tree defines; it writes the structure and nothing past
 * it, and answers the same twice.
 */
#include <string.h>

#include "lib.h"

const char test_title[] = "PPR query: version, features, limits";

/* Every feature of interface 1.2 (abi/ppr.h). */
#define ALL_FEATURES (XEN_PPR_F_AGING | XEN_PPR_F_ZERO_REFAULT | \
                      XEN_PPR_F_REMOTE_STATS | XEN_PPR_F_POLICY | \
                      XEN_PPR_F_PRESSURE)

void test_main(void)
{
    /* The structure, then bytes Xen must not write. */
    struct {
        struct xen_ppr_query q;
        unsigned char after[64];
    } buf;
    struct xen_ppr_query q, again;
    unsigned long ram_pfns = xtf_ram_max_pfn() + 1;

    xtf_need_ppr(&q);
    xtf_info("version %#x features %#x max_entries %llu max_frames %u "
             "stats_size %u; RAM up to pfn %#lx", q.version, q.features,
             (unsigned long long)q.max_entries, q.max_frames, q.stats_size,
             ram_pfns - 1);

    /* Xen and these tests are built from the same abi/ppr.h. */
    if ( XEN_PPR_VERSION_MAJOR(q.version) != 1 )
        xtf_failure("major version %u, expected 1",
                    XEN_PPR_VERSION_MAJOR(q.version));
    if ( q.version != XEN_PPR_INTERFACE_VERSION )
        xtf_failure("version %#x, abi/ppr.h says %#x", q.version,
                    XEN_PPR_INTERFACE_VERSION);
    if ( (q.features & ALL_FEATURES) != ALL_FEATURES )
        xtf_failure("features %#x lack %#x", q.features,
                    ALL_FEATURES & ~q.features);
    if ( q.features & ~ALL_FEATURES )
        xtf_failure("features %#x has unknown bits %#x", q.features,
                    q.features & ~ALL_FEATURES);
    if ( q.stats_size != sizeof(struct xen_ppr_stats) )
        xtf_failure("stats_size %u, abi/ppr.h's struct has %zu", q.stats_size,
                    sizeof(struct xen_ppr_stats));

    /* Whole frames, and enough of them for the guest's RAM. */
    if ( !q.max_entries || q.max_entries % XEN_PPR_ENTRIES_PER_FRAME )
        xtf_failure("max_entries %llu is not a multiple of %u",
                    (unsigned long long)q.max_entries,
                    XEN_PPR_ENTRIES_PER_FRAME);
    if ( q.max_frames != q.max_entries / XEN_PPR_ENTRIES_PER_FRAME )
        xtf_failure("max_frames %u for max_entries %llu", q.max_frames,
                    (unsigned long long)q.max_entries);
    if ( q.max_entries < ram_pfns )
        xtf_failure("max_entries %llu does not cover the guest's %lu pfns",
                    (unsigned long long)q.max_entries, ram_pfns);

    /* Exactly the structure is written. */
    memset(&buf, 0xa5, sizeof(buf));
    xtf_expect(xtf_ppr_op(XEN_PPROP_query, &buf.q), 0, "query again");
    if ( !xtf_untouched(buf.after, sizeof(buf.after), 0xa5) )
        xtf_failure("query wrote past its %zu bytes", sizeof(buf.q));
    again = buf.q;
    if ( memcmp(&again, &q, sizeof(q)) )
        xtf_failure("a second query answered differently (version %#x "
                    "features %#x max_entries %llu)", again.version,
                    again.features, (unsigned long long)again.max_entries);
}
