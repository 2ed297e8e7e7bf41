/* SPDX-License-Identifier: MIT */
/*
 * hvdetect.c - find Xen and the instruction that enters it.
 *
 * No hypercall page: the driver issues VMCALL or VMMCALL itself, chosen by
 * CPU vendor, as Xen's own Windows drivers do since XSA-466.  Xen places
 * its CPUID leaves at 0x40000000, or at 0x40000100 when viridian (the
 * Hyper-V enlightenments Windows guests usually run with) takes the first
 * range.
 */
#include "wppr.h"

#define CPUID_VENDOR                    0x00000000U
#define CPUID_FEATURES                  0x00000001U
#define CPUID_ECX_HYPERVISOR            (1U << 31)
#define CPUID_XEN_LEAF_FIRST            0x40000000U
#define CPUID_XEN_LEAF_VIRIDIAN         0x40000100U

enum { EAX, EBX, ECX, EDX };

/* The 12 signature bytes in ebx, ecx, edx order (vendor: ebx, edx, ecx). */
static bool sig_is(uint32_t a, uint32_t b, uint32_t c, const char *s)
{
    uint32_t want[3];
    unsigned int i;

    for ( i = 0; i < 3; i++ )
        want[i] = (uint32_t)(uint8_t)s[4 * i] |
                  (uint32_t)(uint8_t)s[4 * i + 1] << 8 |
                  (uint32_t)(uint8_t)s[4 * i + 2] << 16 |
                  (uint32_t)(uint8_t)s[4 * i + 3] << 24;

    return a == want[0] && b == want[1] && c == want[2];
}

enum wppr_insn wppr_cpu_insn(struct wppr_os *os)
{
    uint32_t r[4];

    wppr_os_cpuid(os, CPUID_VENDOR, r);
    if ( sig_is(r[EBX], r[EDX], r[ECX], "GenuineIntel") ||
         sig_is(r[EBX], r[EDX], r[ECX], "CentaurHauls") ||
         sig_is(r[EBX], r[EDX], r[ECX], "  Shanghai  ") )
        return WPPR_INSN_VMCALL;
    if ( sig_is(r[EBX], r[EDX], r[ECX], "AuthenticAMD") ||
         sig_is(r[EBX], r[EDX], r[ECX], "HygonGenuine") )
        return WPPR_INSN_VMMCALL;

    return WPPR_INSN_NONE;
}

/* Base of Xen's CPUID leaves, or 0 if not running on Xen. */
uint32_t wppr_xen_leaf(struct wppr_os *os)
{
    static const uint32_t bases[] = {
        CPUID_XEN_LEAF_FIRST, CPUID_XEN_LEAF_VIRIDIAN,
    };
    uint32_t r[4];
    unsigned int i;

    /* Without the hypervisor bit the 0x4000xxxx leaves are not defined. */
    wppr_os_cpuid(os, CPUID_FEATURES, r);
    if ( !(r[ECX] & CPUID_ECX_HYPERVISOR) )
        return 0;

    for ( i = 0; i < sizeof(bases) / sizeof(bases[0]); i++ )
    {
        wppr_os_cpuid(os, bases[i], r);
        /* Xen has at least the version and hypercall-page leaves. */
        if ( sig_is(r[EBX], r[ECX], r[EDX], "XenVMMXenVMM") &&
             r[EAX] >= bases[i] + 2 )
            return bases[i];
    }

    return 0;
}

bool wppr_detect(struct wppr *w)
{
    uint32_t r[4];

    w->xen_leaf = wppr_xen_leaf(w->os);
    if ( !w->xen_leaf )
    {
        w->off_reason = "not-xen";
        return false;
    }

    wppr_os_cpuid(w->os, w->xen_leaf + 1, r);
    w->xen_version = r[EAX];

    w->insn = wppr_cpu_insn(w->os);
    if ( w->insn == WPPR_INSN_NONE )
    {
        w->off_reason = "unknown-cpu-vendor";
        return false;
    }

    return true;
}
