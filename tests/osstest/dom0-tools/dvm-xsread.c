/*
 * dvm-xsread: read one xenstore path and print its value, for the osstest
 * dom0 scripts (the harness's busybox dom0 has xl but no xenstore-read).
 * Talks to xenstored's socket directly: static, no Xen libraries.
 *
 *   dvm-xsread PATH
 */
#include "xs.h"

int main(int argc, char **argv)
{
    char reply[4096];
    int rc;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: dvm-xsread PATH\n");
        return 2;
    }
    rc = xs_request(XS_READ, argv[1], strlen(argv[1]) + 1,
                    reply, sizeof(reply));
    if ( rc == 1 )
        fprintf(stderr, "dvm-xsread: %s\n", reply);
    if ( rc )
        return rc;
    printf("%s\n", reply);

    return 0;
}
