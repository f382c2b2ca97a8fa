/* `exec`: one more process in a running container, as runc's exec and
 * nsenter do it. A helper child joins the container's cgroup and each of its
 * init's namespaces that differ from ours (user first, mount last), moves to
 * its root, and forks the process with CLONE_PARENT, so the process is our
 * child, inside the pid namespace. The process takes the container's seccomp
 * filter, and its capabilities, rlimits and no_new_privileges unless the
 * process given says otherwise. The caller only hears of success once the
 * process has exec'd. */
#ifndef DN_EXEC_H
#define DN_EXEC_H

#include "error.h"

#include <stdbool.h>
#include <sys/types.h>

struct dn_exec_opts
{
  const char *root;
  const char *id;
  /* An OCI process object (runc's --process); NULL: the container's own
   * process with the overrides below. */
  const char *process_file;
  char *const *args; /* the command (NULL-terminated), without process_file */
  char *const *env;  /* K=V entries added to the env (NULL-terminated), or NULL */
  const char *cwd;   /* NULL: the container's */
  const char *user;  /* "UID[:GID]", or NULL: the container's */
  bool tty;
  const char *console_socket; /* required with a terminal */
  const char *pid_file;       /* may be NULL */
};

/* Starts the process; *pid is its host pid, a child of the caller. */
int dn_container_exec (const struct dn_exec_opts *opts, pid_t *pid, dn_error_t *err);

#endif
