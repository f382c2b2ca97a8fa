/* The container's filesystem view, built inside its new mount namespace:
 * the spec's mounts placed safely inside the rootfs, /dev populated,
 * pivot_root, then masked and read-only paths. Every mount target is resolved
 * through directory fds and mounted via its /proc/self/fd path, so a symlink
 * planted in the image cannot redirect a mount onto the host. */
#ifndef DN_ROOTFS_H
#define DN_ROOTFS_H

#include "error.h"
#include "spec.h"

/* Before pivot_root: propagation, the rootfs bind, the spec's mounts, devices. */
int dn_rootfs_prepare (const struct dn_spec *spec, dn_error_t *err);
/* Makes the rootfs the new / and detaches the old root. */
int dn_rootfs_pivot (const char *rootfs, dn_error_t *err);
/* After pivot_root: sysctls, masked and read-only paths, a read-only root, propagation. */
int dn_rootfs_finalize (const struct dn_spec *spec, dn_error_t *err);
/* Allocates the container's terminal from its own devpts, binds the slave on
 * /dev/console and returns the master (caller sends it) and slave fds. */
int dn_rootfs_setup_console (const struct dn_spec *spec, int *master, int *slave, dn_error_t *err);

/* Resolves path (absolute, container view) below rootfd without ever leaving it:
 * absolute symlinks restart at rootfd and ".." above the root is an error.
 * With create, missing directories are made and a missing last component is
 * made as a directory (or an empty file when last_is_file). Returns an O_PATH fd. */
int dn_resolve_in_root (int rootfd, const char *path, bool create, bool last_is_file, dn_error_t *err);

#endif
