/* xl-ppr: native unit tests of the formatting helpers. */

#include <stdio.h>
#include <string.h>

#include <xenctrl.h>

#include "../xl-ppr.h"

static int failures;

static void expect_caps(uint32_t caps, size_t len, const char *want)
{
    char buf[XL_PPR_CAPS_LEN];

    memset(buf, 'X', sizeof(buf));
    xl_ppr_format_caps(buf, len, caps);
    if ( strcmp(buf, want) )
    {
        printf("FAIL caps %#x len %zu: got '%s' want '%s'\n",
               caps, len, buf, want);
        failures++;
    }
}

int main(void)
{
    expect_caps(0, sizeof(char[XL_PPR_CAPS_LEN]), "");
    expect_caps(XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hvm |
                XEN_SYSCTL_PHYSCAP_hap, XL_PPR_CAPS_LEN, "pv hvm hap");
    expect_caps(XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_shadow,
                XL_PPR_CAPS_LEN, "hap shadow");
    /* Truncation never splits a word nor overruns the buffer. */
    expect_caps(XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hvm, 6, "pv");
    expect_caps(XEN_SYSCTL_PHYSCAP_pv, 1, "");

    printf("%s: xl-ppr format tests\n", failures ? "FAILURE" : "SUCCESS");
    return failures ? 1 : 0;
}
