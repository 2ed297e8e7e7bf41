/* SPDX-License-Identifier: MIT */
/*
 * os_win.c - wppr_os.h on the Windows kernel, documented interfaces only.
 *
 * Thin on purpose: one or two kernel calls per function, no policy.  The
 * logic that decides what to call when is in the portable files, which
 * the host tests run against a mock of this layer.
 */
#include "os_win.h"

#include <stdarg.h>

/* The ABI's frame list is the MDL's PFN array, used in place. */
_Static_assert(sizeof(PFN_NUMBER) == sizeof(uint64_t), "PFN_NUMBER");
_Static_assert(PAGE_SIZE == 1U << WPPR_PAGE_SHIFT, "4 KiB pages");
_Static_assert(WPPR_PO_CB_SYSTEM_STATE_LOCK == PO_CB_SYSTEM_STATE_LOCK,
               "PO_CB_SYSTEM_STATE_LOCK");
/* LLP64: the reason the ABI shim spells every type with a size. */
_Static_assert(sizeof(ULONG) == 4 && sizeof(unsigned long) == 4, "LLP64");

/* Not in mingw-w64's wdm.h (Windows 8 and later). */
#ifndef MdlMappingNoExecute
#define MdlMappingNoExecute             0x40000000
#endif

/* Pool tag "DvmP", as it reads in a pool dump. */
#define WPPR_TAG                        ((ULONG)'D' | (ULONG)'v' << 8 | \
                                         (ULONG)'m' << 16 | (ULONG)'P' << 24)

/* Windows 10 2004 and later; looked up, as older systems lack it. */
typedef PPHYSICAL_MEMORY_RANGE NTAPI mm_ranges_ex2_fn(PVOID partition,
                                                      ULONG flags);

static void init_ustr(PUNICODE_STRING u, PCWSTR s)
{
    RtlInitUnicodeString(u, s);
}

/* ------------------------------------------------------------------ CPU */
/* wppr_os_cpuid and wppr_os_hypercall2 are in cpu_x86.c. */

/* --------------------------------------------------------------- memory */

static PMDL mdl_of(struct wppr_os_mem *m)
{
    return (PMDL)m;
}

bool wppr_os_ram_ranges(struct wppr_os *os, wppr_range_fn *fn, void *ctx)
{
    UNICODE_STRING name;
    mm_ranges_ex2_fn *ex2;
    PPHYSICAL_MEMORY_RANGE r;
    unsigned int i;

    (void)os;
    init_ustr(&name, L"MmGetPhysicalMemoryRangesEx2");
    ex2 = (mm_ranges_ex2_fn *)MmGetSystemRoutineAddress(&name);
    r = ex2 ? ex2(NULL, 0) : MmGetPhysicalMemoryRanges();
    if ( !r )
        return false;

    /* The list ends with an all-zero entry. */
    for ( i = 0; r[i].BaseAddress.QuadPart || r[i].NumberOfBytes.QuadPart;
          i++ )
        fn(ctx, (uint64_t)r[i].BaseAddress.QuadPart >> WPPR_PAGE_SHIFT,
           (uint64_t)r[i].NumberOfBytes.QuadPart >> WPPR_PAGE_SHIFT);
    ExFreePool(r);

    return true;
}

struct wppr_os_mem *wppr_os_alloc_pages(struct wppr_os *os, uint64_t nr_pages,
                                        uint64_t pfn_limit,
                                        enum wppr_alloc kind)
{
    PHYSICAL_ADDRESS low, high, skip;
    ULONG flags;

    (void)os;
    low.QuadPart = 0;
    skip.QuadPart = 0;
    /* Physical addresses have at most 52 bits on x86-64. */
    if ( pfn_limit >= 1ULL << (52 - WPPR_PAGE_SHIFT) )
        high.QuadPart = (LONGLONG)((1ULL << 52) - 1);
    else
        high.QuadPart = (LONGLONG)((pfn_limit << WPPR_PAGE_SHIFT) - 1);

    /*
     * The array must be zeroed and complete.  A chunk is never touched, so
     * zeroing it would only cost a refault of pages Xen already reclaimed.
     */
    flags = kind == WPPR_ALLOC_ARRAY ? MM_ALLOCATE_FULLY_REQUIRED
                                     : MM_DONT_ZERO_ALLOCATION;

    return (struct wppr_os_mem *)
        MmAllocatePagesForMdlEx(low, high, skip,
                                (SIZE_T)(nr_pages << WPPR_PAGE_SHIFT),
                                MmCached, flags);
}

uint64_t wppr_os_mem_pages(const struct wppr_os_mem *m)
{
    return MmGetMdlByteCount((PMDL)m) >> WPPR_PAGE_SHIFT;
}

const uint64_t *wppr_os_mem_pfns(const struct wppr_os_mem *m)
{
    return (const uint64_t *)MmGetMdlPfnArray((PMDL)m);
}

void wppr_os_free_pages(struct wppr_os *os, struct wppr_os_mem *m)
{
    (void)os;
    MmFreePagesFromMdl(mdl_of(m));
    /* MmFreePagesFromMdl leaves the MDL itself to the caller. */
    ExFreePool(mdl_of(m));
}

void *wppr_os_map(struct wppr_os *os, struct wppr_os_mem *m)
{
    (void)os;
    return MmMapLockedPagesSpecifyCache(mdl_of(m), KernelMode, MmCached,
                                        NULL, FALSE,
                                        NormalPagePriority |
                                        MdlMappingNoExecute);
}

void wppr_os_unmap(struct wppr_os *os, struct wppr_os_mem *m, void *va)
{
    (void)os;
    MmUnmapLockedPages(va, mdl_of(m));
}

void *wppr_os_zalloc(struct wppr_os *os, size_t size)
{
    void *p = ExAllocatePoolWithTag(NonPagedPoolNx, size, WPPR_TAG);

    (void)os;
    if ( p )
        RtlZeroMemory(p, size);
    return p;
}

void wppr_os_free(struct wppr_os *os, void *p)
{
    (void)os;
    ExFreePoolWithTag(p, WPPR_TAG);
}

/* --------------------------------------------------- threads and events */

void wppr_os_lock(struct wppr_os *os)
{
    KeWaitForSingleObject(&os->lock, Executive, KernelMode, FALSE, NULL);
}

void wppr_os_unlock(struct wppr_os *os)
{
    KeReleaseMutex(&os->lock, FALSE);
}

enum wppr_event wppr_os_wait(struct wppr_os *os, unsigned int mask)
{
    PVOID objects[WPPR_NR_EVENTS];
    enum wppr_event which[WPPR_NR_EVENTS];
    ULONG n = 0;
    NTSTATUS st;
    int e;

    for ( e = 0; e < WPPR_NR_EVENTS; e++ )
        if ( mask & WPPR_EV_BIT(e) )
        {
            objects[n] = os->objects[e];
            which[n++] = (enum wppr_event)e;
        }

    /* Kernel mode, not alertable: only the objects can end the wait. */
    st = KeWaitForMultipleObjects(n, objects, WaitAny, Executive, KernelMode,
                                  FALSE, NULL, os->wait_blocks);
    if ( st >= STATUS_WAIT_0 && st < STATUS_WAIT_0 + (NTSTATUS)n )
        return which[st - STATUS_WAIT_0];

    /* Not expected; a tick re-evaluates everything and is harmless. */
    return WPPR_EV_TIMER;
}

bool wppr_os_event_state(struct wppr_os *os, enum wppr_event ev)
{
    return KeReadStateEvent((PRKEVENT)os->objects[ev]) != 0;
}

static PKEVENT open_condition(PCWSTR name, PHANDLE handle)
{
    UNICODE_STRING u;

    init_ustr(&u, name);
    return IoCreateNotificationEvent(&u, handle);
}

static VOID NTAPI worker_main(PVOID ctx)
{
    struct wppr_os *os = ctx;

    wppr_worker_run(os->w);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static void close_conditions(struct wppr_os *os)
{
    if ( os->low_handle )
        ZwClose(os->low_handle);
    if ( os->high_handle )
        ZwClose(os->high_handle);
    os->low_handle = os->high_handle = NULL;
    os->low = os->high = NULL;
    os->objects[WPPR_EV_LOW] = os->objects[WPPR_EV_HIGH] = NULL;
}

bool wppr_os_thread_start(struct wppr_os *os, struct wppr *w,
                          uint32_t period_ms)
{
    OBJECT_ATTRIBUTES oa;
    LARGE_INTEGER due;
    NTSTATUS st;

    (void)w;            /* os->w, since wppr_os_init() */
    os->low = open_condition(L"\\KernelObjects\\LowMemoryCondition",
                             &os->low_handle);
    os->high = open_condition(L"\\KernelObjects\\HighMemoryCondition",
                              &os->high_handle);
    if ( !os->low || !os->high )
    {
        wppr_os_log(os, WPPR_LOG_ERROR,
                    "cannot open the memory condition events\n");
        close_conditions(os);
        return false;
    }
    os->objects[WPPR_EV_LOW] = os->low;
    os->objects[WPPR_EV_HIGH] = os->high;

    due.QuadPart = -(LONGLONG)period_ms * 10000;    /* relative, 100 ns */
    KeSetTimerEx(&os->timer, due, (LONG)period_ms, NULL);

    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    st = PsCreateSystemThread(&os->thread, THREAD_ALL_ACCESS, &oa, NULL,
                              NULL, worker_main, os);
    if ( !NT_SUCCESS(st) )
    {
        KeCancelTimer(&os->timer);
        close_conditions(os);
        os->thread = NULL;
        return false;
    }

    return true;
}

void wppr_os_thread_stop(struct wppr_os *os)
{
    KeSetEvent(&os->stop, IO_NO_INCREMENT, FALSE);
    /* The thread's handle is signalled once it has left our code. */
    ZwWaitForSingleObject(os->thread, FALSE, NULL);
    ZwClose(os->thread);
    os->thread = NULL;
    KeCancelTimer(&os->timer);
    close_conditions(os);
}

static VOID NTAPI power_callback(PVOID ctx, PVOID arg1, PVOID arg2)
{
    struct wppr_os *os = ctx;

    /* Unregistering waits for this rundown: no call outlives unload. */
    if ( !ExAcquireRundownProtection(&os->power_rundown) )
        return;
    wppr_power_notify(os->w, (uintptr_t)arg1, (uintptr_t)arg2,
                      KeGetCurrentIrql() == PASSIVE_LEVEL);
    ExReleaseRundownProtection(&os->power_rundown);
}

bool wppr_os_power_register(struct wppr_os *os, struct wppr *w)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;

    (void)w;            /* os->w, since wppr_os_init() */
    init_ustr(&name, L"\\Callback\\PowerState");
    InitializeObjectAttributes(&oa, &name,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    /* Open the system's object; never create it. */
    if ( !NT_SUCCESS(ExCreateCallback(&os->power_object, &oa, FALSE, TRUE)) )
        return false;

    ExInitializeRundownProtection(&os->power_rundown);
    os->power_registration = ExRegisterCallback(os->power_object,
                                                power_callback, os);
    if ( !os->power_registration )
    {
        ObDereferenceObject(os->power_object);
        os->power_object = NULL;
        return false;
    }

    return true;
}

void wppr_os_power_unregister(struct wppr_os *os)
{
    ExUnregisterCallback(os->power_registration);
    ExWaitForRundownProtectionRelease(&os->power_rundown);
    ObDereferenceObject(os->power_object);
    os->power_registration = NULL;
    os->power_object = NULL;
}

uint64_t wppr_os_now_us(struct wppr_os *os)
{
    (void)os;
    return KeQueryInterruptTime() / 10;
}

/* ------------------------------------------------------------ reporting */

static const PCWSTR knob_names[WPPR_NR_KNOBS] = {
    [WPPR_KNOB_DISABLE] = L"Disable",
    [WPPR_KNOB_CAP_MIB] = L"CapMiB",
    [WPPR_KNOB_RESERVE_MIB] = L"ReserveMiB",
    [WPPR_KNOB_CHUNK_PAGES] = L"ChunkPages",
    [WPPR_KNOB_PERIOD_MS] = L"PeriodMs",
};

bool wppr_os_knob(struct wppr_os *os, enum wppr_knob knob, uint32_t *val)
{
    union {
        KEY_VALUE_PARTIAL_INFORMATION info;
        UCHAR bytes[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    } buf;
    UNICODE_STRING name;
    ULONG len;
    ULONG v;

    if ( !os->params_key )
        return false;

    init_ustr(&name, knob_names[knob]);
    if ( !NT_SUCCESS(ZwQueryValueKey(os->params_key, &name,
                                     KeyValuePartialInformation, &buf,
                                     sizeof(buf), &len)) ||
         buf.info.Type != REG_DWORD || buf.info.DataLength != sizeof(ULONG) )
        return false;

    RtlCopyMemory(&v, buf.info.Data, sizeof(v));
    *val = v;
    return true;
}

void wppr_os_log(struct wppr_os *os, enum wppr_log_level level,
                 const char *fmt, ...)
{
    static const ULONG levels[] = {
        [WPPR_LOG_ERROR] = DPFLTR_ERROR_LEVEL,
        [WPPR_LOG_WARN] = DPFLTR_WARNING_LEVEL,
        [WPPR_LOG_INFO] = DPFLTR_INFO_LEVEL,
    };
    va_list ap;

    (void)os;
    va_start(ap, fmt);
    vDbgPrintExWithPrefix("dvmppr: ", DPFLTR_IHVDRIVER_ID, levels[level],
                          fmt, ap);
    va_end(ap);
}

/* Registry value names are short ASCII; widen into a bounded buffer. */
#define NAME_MAX_CHARS                  32
#define TEXT_MAX_CHARS                  48

static void widen(WCHAR *dst, size_t cap, const char *src)
{
    size_t i;

    for ( i = 0; i + 1 < cap && src[i]; i++ )
        dst[i] = (WCHAR)(unsigned char)src[i];
    dst[i] = 0;
}

static void set_qword(HANDLE key, const char *name, uint64_t v)
{
    WCHAR wname[NAME_MAX_CHARS];
    UNICODE_STRING u;
    ULONGLONG q = v;

    widen(wname, NAME_MAX_CHARS, name);
    init_ustr(&u, wname);
    ZwSetValueKey(key, &u, 0, REG_QWORD, &q, sizeof(q));
}

static void set_text(HANDLE key, const char *name, const char *text)
{
    WCHAR wname[NAME_MAX_CHARS], wtext[TEXT_MAX_CHARS];
    UNICODE_STRING u;
    size_t n;

    widen(wname, NAME_MAX_CHARS, name);
    widen(wtext, TEXT_MAX_CHARS, text);
    for ( n = 0; wtext[n]; n++ )
        ;
    init_ustr(&u, wname);
    ZwSetValueKey(key, &u, 0, REG_SZ, wtext,
                  (ULONG)((n + 1) * sizeof(WCHAR)));
}

void wppr_os_publish(struct wppr_os *os, const struct wppr_status *st)
{
    unsigned int i;

    if ( !os->status_key )
        return;

    set_text(os->status_key, "State", st->state);
    set_text(os->status_key, "OffReason", st->off_reason);
    set_text(os->status_key, "LastError", st->last_error);
    for ( i = 0; i < st->n; i++ )
        set_qword(os->status_key, st->v[i].name, st->v[i].value);
}

/* -------------------------------------------------------- init and fini */

static HANDLE open_subkey(HANDLE parent, PCWSTR name, bool create)
{
    UNICODE_STRING u;
    OBJECT_ATTRIBUTES oa;
    HANDLE key = NULL;
    NTSTATUS st;

    init_ustr(&u, name);
    InitializeObjectAttributes(&oa, &u,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               parent, NULL);
    st = create ? ZwCreateKey(&key, KEY_ALL_ACCESS, &oa, 0, NULL,
                              REG_OPTION_VOLATILE, NULL)
                : ZwOpenKey(&key, KEY_READ, &oa);

    return NT_SUCCESS(st) ? key : NULL;
}

NTSTATUS wppr_os_init(struct wppr_os *os, struct wppr *w,
                      PUNICODE_STRING registry_path)
{
    OBJECT_ATTRIBUTES oa;
    HANDLE service = NULL;

    RtlZeroMemory(os, sizeof(*os));
    os->w = w;
    KeInitializeMutex(&os->lock, 0);
    KeInitializeEvent(&os->stop, NotificationEvent, FALSE);
    /* A synchronization timer: one wait satisfied per period. */
    KeInitializeTimerEx(&os->timer, SynchronizationTimer);
    os->objects[WPPR_EV_STOP] = &os->stop;
    os->objects[WPPR_EV_TIMER] = &os->timer;

    /* Knobs and status are optional: a missing key means defaults. */
    InitializeObjectAttributes(&oa, registry_path,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    if ( NT_SUCCESS(ZwOpenKey(&service, KEY_ALL_ACCESS, &oa)) )
    {
        os->params_key = open_subkey(service, L"Parameters", false);
        os->status_key = open_subkey(service, L"State", true);
        ZwClose(service);
    }

    return STATUS_SUCCESS;
}

void wppr_os_fini(struct wppr_os *os)
{
    if ( os->params_key )
        ZwClose(os->params_key);
    if ( os->status_key )
        ZwClose(os->status_key);
    os->params_key = os->status_key = NULL;
}
