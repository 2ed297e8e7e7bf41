/* SPDX-License-Identifier: MIT */
/*
 * driver.c - DriverEntry, unload and shutdown of the dvmppr service.
 *
 * A legacy (non-PnP) kernel service: it needs no device stack, only a
 * device object to receive IRP_MJ_SHUTDOWN.  Whatever it finds, it loads:
 * without Xen or PPR it stays OFF (see service.c).
 */
#include "os_win.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD dvmppr_unload;
static DRIVER_DISPATCH dvmppr_shutdown;

/* In the image's data: non-paged, as the kernel objects in it must be. */
static struct wppr_os the_os;
static struct wppr the_driver;
static PDEVICE_OBJECT shutdown_device;

static NTSTATUS dvmppr_shutdown(PDEVICE_OBJECT dev, PIRP irp)
{
    (void)dev;
    wppr_shutdown(&the_driver);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static VOID dvmppr_unload(PDRIVER_OBJECT drv)
{
    (void)drv;
    if ( shutdown_device )
    {
        IoUnregisterShutdownNotification(shutdown_device);
        IoDeleteDevice(shutdown_device);
        shutdown_device = NULL;
    }
    wppr_unload(&the_driver);
    wppr_os_fini(&the_os);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING registry_path)
{
    NTSTATUS st;

    wppr_init(&the_driver, &the_os);
    st = wppr_os_init(&the_os, &the_driver, registry_path);
    if ( !NT_SUCCESS(st) )
        return st;

    drv->DriverUnload = dvmppr_unload;
    drv->MajorFunction[IRP_MJ_SHUTDOWN] = dvmppr_shutdown;

    /* Unnamed: nothing can open it, it only hears about shutdown. */
    st = IoCreateDevice(drv, 0, NULL, FILE_DEVICE_UNKNOWN,
                        FILE_DEVICE_SECURE_OPEN, FALSE, &shutdown_device);
    if ( NT_SUCCESS(st) &&
         !NT_SUCCESS(IoRegisterShutdownNotification(shutdown_device)) )
    {
        IoDeleteDevice(shutdown_device);
        shutdown_device = NULL;
    }
    if ( !shutdown_device )
        wppr_os_log(&the_os, WPPR_LOG_WARN,
                    "no shutdown notification: Xen unregisters at "
                    "domain destruction\n");

    wppr_load(&the_driver);
    return STATUS_SUCCESS;
}
