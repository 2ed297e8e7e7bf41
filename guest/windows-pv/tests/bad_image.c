/* SPDX-License-Identifier: MIT */
/*
 * bad_image.c - a PE image that breaks every rule tests/check_pe.sh
 * enforces, linked on purpose without the driver's flags: the checker
 * must fail on it, or it checks nothing.
 */
__declspec(dllimport) void __stdcall ExitProcess(unsigned int code);
__declspec(dllimport) void *MmMapIoSpace(unsigned long long pa,
                                         unsigned long long size, int type);

/* A section both writable and executable. */
__asm__(".section .wx,\"wx\"\n"
        ".globl wx_code\n"
        "wx_code: ret\n"
        ".text\n");

int DriverEntry(void)
{
    return MmMapIoSpace(0, 0, 0) != 0;
}

void not_the_driver_entry(void)
{
    ExitProcess(DriverEntry());
}
