/*
 * dvm-kexec: kexec a PVH guest into a kernel through its PVH entry.
 *
 *   dvm-kexec payload BZIMAGE        the bzImage's compressed ELF, on stdout
 *   dvm-kexec pvh VMLINUX INITRD RSDP "COMMAND LINE"
 *
 * For kexec tests of the guest driver (it unregisters the array on the
 * way, docs/ppr-linux.md).  Linux's own kexec loaders enter a bzImage by
 * its 64-bit entry, which boots the next kernel as an HVM guest with
 * neither Xen's start info nor the RSDP it carries.  This loads the ELF
 * kernel (the bzImage's payload, gunzipped) with kexec_load(2) as Xen's
 * domain builder does for a PVH guest: its PT_LOAD segments at their
 * physical addresses, the initrd above them, and one page below them
 * holding a struct hvm_start_info, the module list, the command line and
 * a trampoline.  relocate_kernel enters the trampoline in 64-bit mode on
 * an identity map; it leaves long mode (compatibility mode, paging off,
 * EFER.LME clear) and jumps to XEN_ELFNOTE_PHYS32_ENTRY with %ebx
 * pointing at the start info, as docs/misc/pvh.pandoc in Xen says.  The
 * memory map is left out (memmap_entries = 0): the next kernel asks Xen.
 *
 * On Xen a guest's kexec is a soft reset, which the toolstack finishes
 * (the ppr-kexec job's dvm-softreset) before the vCPU goes on here.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE            4096UL
#define ALIGN_UP(x, a)  (((x) + (a) - 1) & ~((a) - 1))

/* Xen's public arch-x86/hvm/start_info.h, version 1. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578
#define XEN_ELFNOTE_PHYS32_ENTRY  18

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

/*
 * The trampoline, position independent: its 64-bit half finds its own
 * GDT and the two words that main() fills in by %rip.  GDT: 0x08 flat
 * 32-bit code, 0x10 flat data.
 */
extern const uint8_t tramp_start[], tramp_end[], tramp_si[], tramp_entry[];
__asm__ (
    "    .pushsection .rodata\n"
    "    .balign 16\n"
    "tramp_start:\n"
    "    .code64\n"
    "    leaq   tramp_gdt(%rip), %rax\n"
    "    movq   %rax, tramp_gdtr+2(%rip)\n"
    "    lgdt   tramp_gdtr(%rip)\n"
    "    movl   tramp_si(%rip), %ebx\n"
    "    movl   tramp_entry(%rip), %esi\n"
    "    pushq  $0x08\n"
    "    leaq   1f(%rip), %rax\n"
    "    pushq  %rax\n"
    "    lretq\n"
    "    .code32\n"
    "1:  movl   $0x10, %eax\n"
    "    movl   %eax, %ds\n"
    "    movl   %eax, %es\n"
    "    movl   %eax, %ss\n"
    "    movl   %cr0, %eax\n"
    "    andl   $0x7fffffff, %eax\n"   /* PG off: out of long mode */
    "    movl   %eax, %cr0\n"
    "    movl   $0xc0000080, %ecx\n"   /* EFER */
    "    rdmsr\n"
    "    andl   $~0x100, %eax\n"       /* LME */
    "    wrmsr\n"
    "    xorl   %eax, %eax\n"
    "    movl   %eax, %cr4\n"
    "    jmp    *%esi\n"
    "    .code64\n"
    "    .balign 8\n"
    "tramp_gdt:\n"
    "    .quad  0\n"
    "    .quad  0x00cf9a000000ffff\n"
    "    .quad  0x00cf92000000ffff\n"
    "tramp_gdtr:\n"
    "    .word  3 * 8 - 1\n"
    "    .quad  0\n"
    "    .balign 4\n"
    "tramp_si:\n"
    "    .long  0\n"
    "tramp_entry:\n"
    "    .long  0\n"
    "tramp_end:\n"
    "    .popsection\n");

static void __attribute__((noreturn)) die(const char *what)
{
    fprintf(stderr, "dvm-kexec: %s%s%s\n", what, errno ? ": " : "",
            errno ? strerror(errno) : "");
    exit(1);
}

static uint8_t *slurp(const char *path, size_t *size)
{
    struct stat st;
    uint8_t *p;
    int fd = open(path, O_RDONLY);

    if ( fd < 0 || fstat(fd, &st) )
        die(path);
    p = malloc(st.st_size ? st.st_size : 1);
    if ( !p || read(fd, p, st.st_size) != st.st_size )
        die(path);
    close(fd);
    *size = st.st_size;

    return p;
}

/* The bzImage's payload (Documentation/x86/boot.rst, protocol 2.08+). */
static int payload(const char *path)
{
    size_t size, off;
    uint8_t *b = slurp(path, &size);
    uint32_t poff, plen;
    unsigned int sects;

    errno = 0;
    if ( size < 0x250 || memcmp(b + 0x202, "HdrS", 4) ||
         *(uint16_t *)(b + 0x206) < 0x208 )
        die("not a bzImage with a payload");
    sects = b[0x1f1] ? b[0x1f1] : 4;
    memcpy(&poff, b + 0x248, 4);
    memcpy(&plen, b + 0x24c, 4);
    off = (sects + 1) * 512UL + poff;
    if ( off + plen > size || plen < 2 || b[off] != 0x1f || b[off + 1] != 0x8b )
        die("the bzImage's payload is not gzip (CONFIG_KERNEL_GZIP)");

    return fwrite(b + off, 1, plen, stdout) == plen ? 0 : 1;
}

/* The PVH entry: the XEN_ELFNOTE_PHYS32_ENTRY note of a PT_NOTE. */
static uint32_t pvh_entry(const uint8_t *elf, size_t size,
                          const Elf64_Phdr *ph, unsigned int n)
{
    unsigned int i;

    for ( i = 0; i < n; i++ )
    {
        size_t o = ph[i].p_offset, end = o + ph[i].p_filesz;

        if ( ph[i].p_type != PT_NOTE || end > size )
            continue;
        while ( o + sizeof(Elf64_Nhdr) <= end )
        {
            const Elf64_Nhdr *nh = (const void *)(elf + o);
            size_t name = o + sizeof(*nh);
            size_t desc = name + ALIGN_UP(nh->n_namesz, 4);

            if ( desc + nh->n_descsz > end )
                break;
            if ( nh->n_type == XEN_ELFNOTE_PHYS32_ENTRY &&
                 nh->n_namesz == 4 && !memcmp(elf + name, "Xen", 4) &&
                 nh->n_descsz >= 4 )
                return *(const uint32_t *)(elf + desc);
            o = desc + ALIGN_UP(nh->n_descsz, 4);
        }
    }
    errno = 0;
    die("the kernel has no PVH entry (XEN_ELFNOTE_PHYS32_ENTRY)");
}

static int pvh(const char *kpath, const char *ipath, const char *rsdp,
               const char *cmdline)
{
    struct kexec_segment seg[3];
    size_t ksize, isize, clen = strlen(cmdline) + 1;
    uint8_t *elf = slurp(kpath, &ksize), *initrd = slurp(ipath, &isize);
    uint8_t *image, *boot = calloc(1, PAGE);
    const Elf64_Ehdr *eh = (const void *)elf;
    const Elf64_Phdr *ph;
    uint64_t lo = UINT64_MAX, hi = 0, bootpa, initrdpa;
    struct hvm_start_info *si = (void *)boot;
    struct hvm_modlist_entry *mod = (void *)(si + 1);
    size_t tsize = tramp_end - tramp_start, toff = PAGE - ALIGN_UP(tsize, 16);
    uint32_t entry;
    unsigned int i;

    errno = 0;
    if ( ksize < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
         eh->e_ident[EI_CLASS] != ELFCLASS64 ||
         eh->e_phoff + eh->e_phnum * sizeof(*ph) > ksize )
        die("not a 64-bit ELF kernel");
    ph = (const void *)(elf + eh->e_phoff);
    for ( i = 0; i < eh->e_phnum; i++ )
    {
        if ( ph[i].p_type != PT_LOAD || !ph[i].p_memsz )
            continue;
        if ( ph[i].p_offset + ph[i].p_filesz > ksize )
            die("a PT_LOAD past the end of the file");
        if ( ph[i].p_paddr < lo )
            lo = ph[i].p_paddr;
        if ( ph[i].p_paddr + ph[i].p_memsz > hi )
            hi = ph[i].p_paddr + ph[i].p_memsz;
    }
    entry = pvh_entry(elf, ksize, ph, eh->e_phnum);
    lo &= ~(PAGE - 1);
    hi = ALIGN_UP(hi, PAGE);
    if ( lo < 0x200000 || hi > 0xffffffff || entry < lo || entry >= hi )
        die("the kernel's load addresses are not a PVH kernel's");

    /* One segment for all of the image, the holes between zeroed. */
    image = calloc(1, hi - lo);
    if ( !image )
        die("memory for the image");
    for ( i = 0; i < eh->e_phnum; i++ )
        if ( ph[i].p_type == PT_LOAD && ph[i].p_filesz )
            memcpy(image + ph[i].p_paddr - lo, elf + ph[i].p_offset,
                   ph[i].p_filesz);

    bootpa = lo - PAGE;
    initrdpa = ALIGN_UP(hi, 0x200000);
    if ( sizeof(*si) + sizeof(*mod) + clen > toff )
        die("command line too long");

    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->nr_modules = 1;
    si->modlist_paddr = bootpa + sizeof(*si);
    si->cmdline_paddr = bootpa + sizeof(*si) + sizeof(*mod);
    si->rsdp_paddr = strtoull(rsdp, NULL, 0);
    if ( !si->rsdp_paddr )
        die("no RSDP address");
    mod->paddr = initrdpa;
    mod->size = isize;
    memcpy(boot + sizeof(*si) + sizeof(*mod), cmdline, clen);
    memcpy(boot + toff, tramp_start, tsize);
    *(uint32_t *)(boot + toff + (tramp_si - tramp_start)) = bootpa;
    *(uint32_t *)(boot + toff + (tramp_entry - tramp_start)) = entry;

    seg[0] = (struct kexec_segment){ boot, PAGE, (void *)bootpa, PAGE };
    seg[1] = (struct kexec_segment){ image, hi - lo, (void *)lo, hi - lo };
    seg[2] = (struct kexec_segment){ initrd, isize, (void *)initrdpa,
                                     ALIGN_UP(isize, PAGE) };
    if ( syscall(SYS_kexec_load, bootpa + toff, 3UL, seg, 0UL) )
        die("kexec_load");
    printf("DVM-KEXEC-LOADED kernel=%s entry=%#x image=%#lx-%#lx "
           "initrd=%#lx+%#zx start_info=%#lx rsdp=%#lx\n", kpath, entry,
           (unsigned long)lo, (unsigned long)hi, (unsigned long)initrdpa,
           isize, (unsigned long)bootpa, (unsigned long)si->rsdp_paddr);
    fflush(stdout);
    sync();
    /* The kernel's shutdown path runs the drivers' reboot notifiers. */
    reboot(LINUX_REBOOT_CMD_KEXEC);
    die("reboot");
}

int main(int argc, char **argv)
{
    if ( argc == 3 && !strcmp(argv[1], "payload") )
        return payload(argv[2]);
    if ( argc == 6 && !strcmp(argv[1], "pvh") )
        return pvh(argv[2], argv[3], argv[4], argv[5]);
    fprintf(stderr,
            "usage: dvm-kexec payload BZIMAGE > PAYLOAD.gz\n"
            "       dvm-kexec pvh VMLINUX INITRD RSDP \"CMDLINE\"\n");
    return 2;
}
