/* Linux namespaces of a container: which to create with clone(2), which to
 * join by path with setns(2), and the user namespace's id maps. */
#ifndef DN_NAMESPACES_H
#define DN_NAMESPACES_H

#include "error.h"
#include "spec.h"

/* CLONE_NEW* flags for the namespaces the spec asks to create at clone time.
 * The cgroup namespace is left out: it is unshared after the process joined
 * its cgroup, so that the cgroup becomes the namespace's root. */
int dn_ns_clone_flags (const struct dn_spec *spec);
/* Joins every namespace the spec names by path, except pid (see dn_ns_join_pid). */
int dn_ns_join_paths (const struct dn_spec *spec, dn_error_t *err);
/* Joining a pid namespace only affects children, so the parent does it before clone. */
int dn_ns_join_pid (const struct dn_spec *spec, dn_error_t *err);
/* Writes /proc/<pid>/uid_map and gid_map. */
int dn_ns_write_id_maps (const struct dn_spec *spec, pid_t pid, dn_error_t *err);

#endif
