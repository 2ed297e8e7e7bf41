/* SPDX-License-Identifier: MIT */
/*
 * pe_tool - what objdump does not say about a PE image.
 *
 *   pe_tool checksum FILE       exit 0 if the optional header's CheckSum
 *                               is the image's checksum (Windows refuses
 *                               to load a driver whose checksum is wrong)
 *   pe_tool fix-checksum FILE   store the right one
 *   pe_tool sections FILE       one line per section: name, raw
 *                               Characteristics in hex, and W/X flags
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN_MEM_EXECUTE                 0x20000000U
#define SCN_MEM_WRITE                   0x80000000U

static unsigned char *img;
static size_t len;

static uint32_t rd16(size_t off)
{
    return off + 2 <= len ? (uint32_t)img[off] | (uint32_t)img[off + 1] << 8
                          : 0;
}

static uint32_t rd32(size_t off)
{
    return rd16(off) | rd16(off + 2) << 16;
}

static int load(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;

    if ( !f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0x40 ||
         fseek(f, 0, SEEK_SET) )
        goto bad;
    len = (size_t)n;
    img = malloc(len);
    if ( !img || fread(img, 1, len, f) != len )
        goto bad;
    fclose(f);
    if ( img[0] != 'M' || img[1] != 'Z' ||
         memcmp(img + rd32(0x3c), "PE\0\0", 4) )
    {
        fprintf(stderr, "%s: not a PE image\n", path);
        return -1;
    }
    return 0;
 bad:
    fprintf(stderr, "%s: cannot read\n", path);
    if ( f )
        fclose(f);
    return -1;
}

/* Offset of the optional header's CheckSum (same in PE32 and PE32+). */
static size_t checksum_off(void)
{
    return rd32(0x3c) + 24 + 64;
}

/* As CheckSumMappedFile: 16-bit one's-complement sum, plus the length. */
static uint32_t compute(void)
{
    size_t skip = checksum_off(), i;
    uint64_t sum = 0;

    for ( i = 0; i < len; i += 2 )
    {
        if ( i == skip || i == skip + 2 )
            continue;
        sum += i + 1 < len ? rd16(i) : img[i];
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = (sum & 0xffff) + (sum >> 16);

    return (uint32_t)(sum + len);
}

static int sections(void)
{
    size_t coff = rd32(0x3c) + 4;
    unsigned int n = rd16(coff + 2), i;
    size_t sec = coff + 20 + rd16(coff + 16);

    for ( i = 0; i < n; i++, sec += 40 )
    {
        uint32_t ch = rd32(sec + 36);
        char name[9] = { 0 };

        if ( sec + 40 > len )
            return 1;
        memcpy(name, img + sec, 8);
        printf("%-8s %08x %s%s\n", name, ch, ch & SCN_MEM_WRITE ? "W" : "-",
               ch & SCN_MEM_EXECUTE ? "X" : "-");
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t want;

    if ( argc != 3 || load(argv[2]) )
    {
        fprintf(stderr, "usage: pe_tool checksum|fix-checksum|sections FILE\n");
        return 2;
    }

    if ( !strcmp(argv[1], "sections") )
        return sections();

    want = compute();
    if ( !strcmp(argv[1], "checksum") )
    {
        uint32_t have = rd32(checksum_off());

        printf("checksum stored %08x computed %08x\n", have, want);
        return have == want ? 0 : 1;
    }
    if ( !strcmp(argv[1], "fix-checksum") )
    {
        FILE *f = fopen(argv[2], "r+b");
        unsigned char b[4] = { want, want >> 8, want >> 16, want >> 24 };

        if ( !f || fseek(f, (long)checksum_off(), SEEK_SET) ||
             fwrite(b, 1, 4, f) != 4 || fclose(f) )
        {
            fprintf(stderr, "%s: cannot write\n", argv[2]);
            return 1;
        }
        return 0;
    }

    fprintf(stderr, "unknown command %s\n", argv[1]);
    return 2;
}
