/*
 * dvm-kexec: load a kernel with kexec_file_load(2) and reboot into it.
 *
 *   dvm-kexec KERNEL INITRD "COMMAND LINE"
 *
 * For kexec tests of the guest driver (it unregisters the array on the
 * way, docs/ppr-linux.md): busybox has no kexec applet and kexec-tools
 * needs its library closure; the file based call needs neither, the
 * kernel parses the bzImage itself.  On Xen a guest's kexec is a soft
 * reset, which Xen 4.17's libxl does for HVM guests only: xl destroys a
 * PVH guest that kexecs (docs/memory-pressure.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int kfd, ifd;

    if ( argc != 4 )
    {
        fprintf(stderr, "usage: dvm-kexec KERNEL INITRD \"CMDLINE\"\n");
        return 2;
    }
    kfd = open(argv[1], O_RDONLY);
    ifd = open(argv[2], O_RDONLY);
    if ( kfd < 0 || ifd < 0 )
    {
        perror("dvm-kexec: open");
        return 1;
    }
    if ( syscall(SYS_kexec_file_load, kfd, ifd, strlen(argv[3]) + 1,
                 argv[3], 0UL) )
    {
        fprintf(stderr, "dvm-kexec: kexec_file_load: %s\n", strerror(errno));
        return 1;
    }
    printf("DVM-KEXEC-LOADED kernel=%s\n", argv[1]);
    fflush(stdout);
    sync();
    /* The kernel's shutdown path runs the drivers' shutdown hooks first. */
    reboot(LINUX_REBOOT_CMD_KEXEC);
    fprintf(stderr, "dvm-kexec: reboot: %s\n", strerror(errno));
    return 1;
}
