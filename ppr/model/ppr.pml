/*
 * SPDX-License-Identifier: MIT
 *
 * ppr.pml - Promela model of the PPR protocol (docs/ppr-abi.md).
 *
 * One guest page, two machine frames, a guest with two vCPUs (each with
 * its own TLB that may hold a stale translation until the hypervisor's
 * flush, and may drop entries at any time) and the hypervisor's scanner.
 * The p2m entry is RAM, RECL ("reclaiming": frame kept, access faults and
 * waits for the batch to end) or EMPTY (access faults and populates a
 * zeroed frame).
 *
 * Safety properties (assertions):
 *  - no write to an in-use page is ever lost (every read returns the last
 *    value written since the page was allocated, a freed page that was
 *    not reclaimed keeps its contents);
 *  - a reclaimed page reads as zero after the refault;
 *  - a frame is never freed twice, never freed while mapped or while
 *    cached in a TLB, and the guest never touches a freed frame.
 *
 * -DHOSTILE replaces the well-behaved guest with one that writes any byte
 * value at any time and touches the page at will: the frame properties
 * must still hold.
 *
 * Mutants (must FAIL): -DMUTANT_FREE_BEFORE_CONFIRM frees the frame before
 * the confirm cmpxchg, -DMUTANT_NO_FLUSH skips the TLB flush,
 * -DMUTANT_NO_ZERO populates a refaulted page without scrubbing it.
 */

#define INUSE           0
#define FREE            1
#define AGED            2
#define RECLAIMING      3
#define RECLAIMED       4
#define GARBAGE         5   /* any other byte value */

#define RAM             0
#define RECL            1
#define EMPTY           2

#define NF              2
#define NV              2
#define POISON          7

#ifndef ROUNDS
#define ROUNDS          3
#endif

byte st = INUSE;            /* the page's state byte */
byte p2m_t = RAM;
byte p2m_f = 0;
bool fused[NF];             /* frame allocated to the domain */
byte mem[NF];               /* frame contents */
bool tlb_v[NV];
byte tlb_f[NV];

/* Guest memory access on vCPU cpu; a read returns into out. */
inline access(cpu, wr, val, out)
{
    do
    :: atomic { tlb_v[cpu] ->
           assert(fused[tlb_f[cpu]]);   /* never touch a freed frame */
           if
           :: wr -> mem[tlb_f[cpu]] = val
           :: else -> out = mem[tlb_f[cpu]]
           fi
       };
       break
    :: tlb_v[cpu] -> tlb_v[cpu] = 0     /* eviction */
    :: atomic { !tlb_v[cpu] && p2m_t == RAM ->
           tlb_v[cpu] = 1; tlb_f[cpu] = p2m_f }
    :: atomic { !tlb_v[cpu] && p2m_t == EMPTY ->
           /* refault: populate a zeroed frame, fix up the state byte */
           if
           :: !fused[0] -> p2m_f = 0
           :: !fused[1] -> p2m_f = 1
           fi;
           fused[p2m_f] = 1; p2m_t = RAM;
#ifndef MUTANT_NO_ZERO
           mem[p2m_f] = 0;
#endif
           if
           :: st == RECLAIMED -> st = INUSE
           :: else -> skip
           fi }
    :: !tlb_v[cpu] && p2m_t == RECL ->
           (p2m_t != RECL)              /* wait for the batch to end */
    od
}

inline pick(cpu)
{
    if
    :: cpu = 0
    :: cpu = 1
    fi
}

inline free_frame(f)
{
    atomic {
        assert(fused[f]);                           /* no double free */
        assert(p2m_t == RECL && p2m_f == f);        /* not mapped */
        assert(!(tlb_v[0] && tlb_f[0] == f));       /* not TLB-cached */
        assert(!(tlb_v[1] && tlb_f[1] == f));
        fused[f] = 0; mem[f] = POISON; p2m_t = EMPTY
    }
}

#ifndef HOSTILE
active proctype Guest()
{
    byte r, old, v = 1, cpu, i, expect;

    fused[0] = 1;                   /* frame 0 backs the page initially */
    pick(cpu); access(cpu, 1, v, r); expect = v;

    do
    :: i < ROUNDS ->
        /* free: xchg(FREE); the page was ours, so old is INUSE */
        atomic { old = st; st = FREE };
        assert(old == INUSE);

        /* alloc: xchg(INUSE) */
        atomic { old = st; st = INUSE };
        pick(cpu); access(cpu, 0, 0, r);
        if
        :: old == RECLAIMED -> assert(r == 0)
        :: else ->
            assert(old == FREE || old == AGED || old == RECLAIMING);
            assert(r == expect)
        fi;

        v++;
        pick(cpu); access(cpu, 1, v, r); expect = v;
        pick(cpu); access(cpu, 0, 0, r);
        assert(r == expect);
        i++
    :: else -> break
    od;

    pick(cpu); access(cpu, 0, 0, r);
    assert(r == expect)
}
#else
active proctype Guest()
{
    byte r, cpu, i;

    fused[0] = 1;
    do
    :: i < 4 ->
        if
        :: st = INUSE
        :: st = FREE
        :: st = AGED
        :: st = RECLAIMING
        :: st = RECLAIMED
        :: st = GARBAGE
        :: pick(cpu); access(cpu, 1, i + 1, r)
        :: pick(cpu); access(cpu, 0, 0, r)
        fi;
        i++
    :: else -> break
    od
}
#endif

active proctype Hypervisor()
{
    byte f;
    bool ok;

end:
    do
    :: atomic { st == FREE -> st = AGED }           /* second chance */
    :: atomic { st == AGED -> st = RECLAIMING } ->  /* claim */
        if
        :: atomic { p2m_t == RAM -> p2m_t = RECL; f = p2m_f } ->
#ifndef MUTANT_NO_FLUSH
            atomic { tlb_v[0] = 0; tlb_v[1] = 0 };  /* one flush */
#endif
#ifdef MUTANT_FREE_BEFORE_CONFIRM
            free_frame(f); p2m_t = RECL;
#endif
            atomic {                                /* confirm */
                if
                :: st == RECLAIMING -> st = RECLAIMED; ok = 1
                :: else -> ok = 0
                fi
            };
            if
            :: ok ->
#ifndef MUTANT_FREE_BEFORE_CONFIRM
                free_frame(f)
#else
                p2m_t = EMPTY
#endif
            :: else ->                              /* restore */
                atomic { assert(p2m_t == RECL); p2m_t = RAM }
            fi
        :: atomic { p2m_t == RAM ->                 /* unmap refused */
            if
            :: st == RECLAIMING -> st = FREE
            :: else -> skip
            fi }
        :: atomic { p2m_t == EMPTY ->               /* nothing behind it */
            if
            :: st == RECLAIMING -> st = RECLAIMED
            :: else -> skip
            fi }
        fi
    od
}
