/* xl-ppr: output formatting helpers, free of libxenctrl for unit tests. */

#include <stdio.h>
#include <string.h>

#include <xenctrl.h>

#include "xl-ppr.h"

void xl_ppr_format_caps(char *buf, size_t len, uint32_t caps)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { XEN_SYSCTL_PHYSCAP_pv, "pv" },
        { XEN_SYSCTL_PHYSCAP_hvm, "hvm" },
        { XEN_SYSCTL_PHYSCAP_hap, "hap" },
        { XEN_SYSCTL_PHYSCAP_shadow, "shadow" },
        { XEN_SYSCTL_PHYSCAP_directio, "directio" },
    };
    size_t i, used = 0;

    if ( !len )
        return;
    buf[0] = '\0';
    for ( i = 0; i < sizeof(names) / sizeof(names[0]); i++ )
    {
        size_t n;

        if ( !(caps & names[i].bit) )
            continue;
        n = strlen(names[i].name) + (used ? 1 : 0);
        if ( n >= len - used )
            break;              /* Never print half a word. */
        snprintf(buf + used, len - used, "%s%s", used ? " " : "",
                 names[i].name);
        used += n;
    }
}
