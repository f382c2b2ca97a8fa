/* The parent/child protocol of `create` and `exec`, over a SOCK_SEQPACKET
 * pair: one message per packet, so a message is never split or merged. */
#ifndef DN_SYNC_H
#define DN_SYNC_H

#include "error.h"

#include <stdint.h>

enum dn_sync
{
  DN_SYNC_GO = 1, /* parent to child: id maps written, cgroup joined; go on with setup */
  DN_SYNC_READY,  /* child to parent: set up and waiting on the exec fifo for `start` */
  DN_SYNC_ERROR,  /* child to parent: setup failed; the payload is the message */
  DN_SYNC_PID,    /* exec's helper to parent: the host pid of the process it forked, in decimal */
};

int dn_sync_send (int fd, enum dn_sync type, const char *msg, dn_error_t *err);
/* Receives one message; *msg (owned) holds the payload of DN_SYNC_ERROR.
 * A peer that died gives an error with status EPIPE. */
int dn_sync_recv (int fd, enum dn_sync *type, char **msg, dn_error_t *err);

#endif
