/* Container lifecycle as the OCI runtime spec defines it: create, start,
 * state, kill, delete, plus pause and resume. Each verb loads the state
 * written by create and acts on the recorded process and cgroup. */
#ifndef DN_CONTAINER_H
#define DN_CONTAINER_H

#include "error.h"
#include "state.h"

#include <stdbool.h>
#include <sys/types.h>

struct dn_create_opts
{
  const char *root;
  const char *id;
  const char *bundle;
  const char *pid_file;       /* may be NULL */
  const char *console_socket; /* required when the spec asks for a terminal */
};

/* Creates the container and leaves its init waiting for `start`. *pid gets its host pid. */
int dn_container_create (const struct dn_create_opts *opts, pid_t *pid, dn_error_t *err);
int dn_container_start (const char *root, const char *id, dn_error_t *err);
int dn_container_kill (const char *root, const char *id, int sig, bool all, dn_error_t *err);
int dn_container_delete (const char *root, const char *id, bool force, dn_error_t *err);
int dn_container_pause (const char *root, const char *id, bool pause, dn_error_t *err);
/* Loads the state and derives the status in one step. */
int dn_container_state (const char *root, const char *id, struct dn_state **st, enum dn_status *status,
                        dn_error_t *err);

/* Signal names as runc takes them: "KILL", "SIGKILL" or "9". */
int dn_signal_parse (const char *name, int *sig, dn_error_t *err);

#endif
