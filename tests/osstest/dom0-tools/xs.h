/* SPDX-License-Identifier: MIT */
/*
 * One request to xenstored over its socket, for the static dom0 test
 * tools (the harness's busybox dom0 has no xenstore-* commands and the
 * tools link no Xen library).
 */
#ifndef DVM_XS_H
#define DVM_XS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

/*
 * xs_request TYPE ARGS ARGLEN REPLY SIZE: send one request (ARGS: its
 * NUL-separated strings, ARGLEN bytes in all) and read the answer into
 * REPLY, NUL-terminated.  Returns 0, 1 if xenstored answered XS_ERROR
 * (REPLY holds the errno name) or 2 on an I/O error.
 */
static int xs_request(uint32_t type, const char *args, uint32_t arglen,
                      char *reply, size_t size)
{
    static const char *socks[] = { "/var/run/xenstored/socket",
                                   "/run/xenstored/socket" };
    struct xsd_sockmsg hdr = { .type = type, .req_id = 1, .len = arglen };
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
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
        perror("xenstored socket");
        return 2;
    }
    if ( write(fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
         write(fd, args, arglen) != (ssize_t)arglen ||
         read(fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
         hdr.len >= size )
    {
        fprintf(stderr, "xenstore i/o error\n");
        close(fd);
        return 2;
    }
    for ( i = 0; i < hdr.len; )
    {
        ssize_t r = read(fd, reply + i, hdr.len - i);

        if ( r <= 0 )
        {
            close(fd);
            return 2;
        }
        i += r;
    }
    reply[hdr.len] = 0;
    close(fd);

    return hdr.type == XS_ERROR ? 1 : 0;
}

#endif /* DVM_XS_H */
