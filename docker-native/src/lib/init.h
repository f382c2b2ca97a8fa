/* The container's first process, from clone(2) to execve(2). It runs inside
 * the new namespaces, builds the filesystem, drops privileges and then waits
 * on the exec fifo until `start`. */
#ifndef DN_INIT_H
#define DN_INIT_H

#include "spec.h"

struct dn_init_args
{
  const struct dn_spec *spec;
  int sync_fd;    /* this side of the sync socket pair */
  int fifo_fd;    /* O_PATH fd of the exec fifo */
  int console_fd; /* connected console socket, or -1 without a terminal */
};

/* Never returns: execs the container process, or reports the failure to the
 * parent over the sync socket and exits. */
__attribute__ ((noreturn)) void dn_init_run (const struct dn_init_args *args);

#endif
