/*
 * dvm-xsread: read one xenstore path and print its value, for the osstest
 * dom0 scripts (the harness's busybox dom0 has xl but no xenstore-read).
 * Talks to xenstored's socket directly: static, no Xen libraries.
 *
 *   dvm-xsread PATH
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int xsread(const char *path)
{
    static const char *socks[] = { "/var/run/xenstored/socket",
                                   "/run/xenstored/socket" };
    struct { uint32_t type, req_id, tx_id, len; } hdr;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char reply[4096];
    unsigned int i;
    int fd = -1;

    for ( i = 0; i < 2 && fd < 0; i++ )
    {
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        strncpy(sa.sun_path, socks[i], sizeof(sa.sun_path) - 1);
        if ( fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) )
        {
            close(fd);
            fd = -1;
        }
    }
    if ( fd < 0 )
    {
        perror("dvm-xsread: xenstored socket");
        return 2;
    }
    hdr.type = 2;       /* XS_READ */
    hdr.req_id = 1;
    hdr.tx_id = 0;
    hdr.len = strlen(path) + 1;
    if ( write(fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
         write(fd, path, hdr.len) != (ssize_t)hdr.len ||
         read(fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
         hdr.len >= sizeof(reply) )
    {
        fprintf(stderr, "dvm-xsread: xenstore i/o error\n");
        return 2;
    }
    for ( i = 0; i < hdr.len; )
    {
        ssize_t r = read(fd, reply + i, hdr.len - i);

        if ( r <= 0 )
            return 2;
        i += r;
    }
    reply[hdr.len] = 0;
    close(fd);
    if ( hdr.type != 2 )
    {
        fprintf(stderr, "dvm-xsread: %s\n", reply);
        return 1;
    }
    printf("%s\n", reply);
    return 0;
}

int main(int argc, char **argv)
{
    if ( argc != 2 )
    {
        fprintf(stderr, "usage: dvm-xsread PATH\n");
        return 2;
    }
    return xsread(argv[1]);
}
