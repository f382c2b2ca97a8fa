/* The last steps before a container process execs, shared by the init of
 * `create` and by `exec`: the cwd, rlimits, the executable found in the
 * process's own PATH, and the switch to its user and capabilities. */
#ifndef DN_PROCESS_H
#define DN_PROCESS_H

#include "error.h"
#include "spec.h"

#include <json-c/json.h>
#include <stdbool.h>

/* Changes to p->cwd (made first when create is set, as the init does) and
 * checks that it lies inside the root (CVE-2024-21626). */
int dn_process_enter_cwd (const struct dn_process *p, bool create, dn_error_t *err);
/* Sets the rlimits and the umask. */
int dn_process_set_limits (const struct dn_process *p, dn_error_t *err);
/* Finds args[0] as execvp would, but with the process's PATH; *out is owned. */
int dn_process_find_executable (const struct dn_process *p, char **out, dn_error_t *err);
/* Drops the bounding set, switches groups, gid and uid keeping the permitted
 * set, then sets the five capability sets. in_userns: setgroups may be denied. */
int dn_process_switch_user (const struct dn_process *p, bool in_userns, dn_error_t *err);

/* no_new_privileges, the seccomp filter when it must come before the
 * capabilities are dropped (NNP off: loading needs CAP_SYS_ADMIN), then
 * dn_process_switch_user. seccomp may be NULL. */
int dn_process_drop_privileges (const struct dn_process *p, json_object *seccomp, bool in_userns, dn_error_t *err);
/* The seccomp filter when NNP lets it come last, every fd above 2
 * close-on-exec, then execve; returns only on failure. */
int dn_process_exec (const char *exe, const struct dn_process *p, json_object *seccomp, dn_error_t *err);

#endif
