/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PPR core's platform (ppr_platform.h, PPR_PLATFORM_HEADER) in KVM:
 * Linux's atomics, and the ABI header as abi/ppr.h is, copied next to
 * this file by the build (scripts/build-kvm.sh).
 */
#ifndef __ARCH_X86_KVM_PPR_KVM_PLATFORM_H
#define __ARCH_X86_KVM_PPR_KVM_PLATFORM_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "ppr.h"

#define ppr_xchg8(p, v)		xchg(p, (uint8_t)(v))
#define ppr_cmpxchg8(p, o, n)	cmpxchg(p, (uint8_t)(o), (uint8_t)(n))
#define ppr_read8(p)		READ_ONCE(*(p))
#define ppr_read64(p)		READ_ONCE(*(const uint64_t *)(p))
#define ppr_write8(p, v)	WRITE_ONCE(*(p), (uint8_t)(v))
#define ppr_likely(x)		likely(x)
#define ppr_unlikely(x)		unlikely(x)

#endif /* __ARCH_X86_KVM_PPR_KVM_PLATFORM_H */
