/* The process's terminal, as runc's --console-socket protocol has it: the
 * pty comes from the container's own devpts, and its master is sent over a
 * unix socket with SCM_RIGHTS to whoever owns the container's stdio. */
#ifndef DN_TERMINAL_H
#define DN_TERMINAL_H

#include "error.h"
#include "spec.h"

/* Connects to the console socket; called on the host, before any namespace is entered. */
int dn_terminal_connect (const char *path, dn_error_t *err);
/* Opens a pty from /dev/ptmx as the caller sees it (inside the container),
 * sized as the process asks; name (at least 64 bytes) gets the slave's path. */
int dn_terminal_open_pty (const struct dn_process *p, int *master, int *slave, char *name, dn_error_t *err);
/* Sends the master over console_fd, closes both, and makes the slave the
 * stdio and controlling terminal of the calling session leader. */
int dn_terminal_hand_over (int console_fd, int master, int slave, dn_error_t *err);

#endif
