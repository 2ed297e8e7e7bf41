/* SPDX-License-Identifier: MIT */
/*
 * cpu_x86.c - CPUID and the hypercall instruction, for x86-64 Windows.
 *
 * A Xen HVM hypercall takes the op in rax and its arguments in rdi, rsi,
 * rdx, r10, r8, and returns in rax.  rdi and rsi are callee-saved in the
 * Windows x64 ABI, so they are outputs here and the compiler preserves
 * them.  A debug build of Xen overwrites the argument registers a
 * hypercall does not use, hence the clobbers.  Xen refuses hypercalls
 * from outside ring 0 (-EPERM): this runs in the kernel only.
 */
#include "os_win.h"
#include "xen_errno.h"

void wppr_os_cpuid(struct wppr_os *os, uint32_t leaf, uint32_t regs[4])
{
    (void)os;
    __asm__ __volatile__("cpuid"
                         : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]),
                           "=d"(regs[3])
                         : "a"(leaf), "c"(0));
}

int64_t wppr_os_hypercall2(struct wppr_os *os, enum wppr_insn insn,
                           uint64_t op, uint64_t a1, void *a2)
{
    uint64_t rax = op, rdi = a1, rsi = (uintptr_t)a2;

    (void)os;
    switch ( insn )
    {
    case WPPR_INSN_VMCALL:
        __asm__ __volatile__("vmcall"
                             : "+a"(rax), "+D"(rdi), "+S"(rsi)
                             :
                             : "rdx", "r8", "r10", "memory");
        break;

    case WPPR_INSN_VMMCALL:
        __asm__ __volatile__("vmmcall"
                             : "+a"(rax), "+D"(rdi), "+S"(rsi)
                             :
                             : "rdx", "r8", "r10", "memory");
        break;

    default:
        return -XEN_ENOSYS;
    }

    return (int64_t)rax;
}
