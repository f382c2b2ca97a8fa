/* Small file helpers: whole-file reads and writes, relative to a directory fd
 * where it matters, so callers never build paths they then race on. */
#ifndef DN_FS_H
#define DN_FS_H

#include "error.h"
#include <stddef.h>
#include <sys/types.h>

/* Writes len bytes to dirfd/name (O_WRONLY|O_TRUNC, no create); AT_FDCWD works. */
int dn_write_file_at (int dirfd, const char *name, const char *data, size_t len, dn_error_t *err);
/* Writes a string, creating the file with the given mode when needed. */
int dn_write_file_mode (const char *path, const char *data, mode_t mode, dn_error_t *err);
/* Writes to tmp then renames over path, so readers never see half a file. */
int dn_write_file_atomic (const char *path, const char *data, size_t len, dn_error_t *err);
/* As dn_write_file_atomic, and on disk before the rename: for records that must survive a crash of the machine. */
int dn_write_file_durable (const char *path, const char *data, size_t len, dn_error_t *err);
/* Reads a whole file into an owned NUL-terminated buffer. */
int dn_read_file_at (int dirfd, const char *name, char **out, size_t *len, dn_error_t *err);
/* mkdir -p; existing directories are fine. */
int dn_mkdir_p (const char *path, mode_t mode, dn_error_t *err);
/* rm -rf of a directory tree that holds no mounts (state dirs, test trees). */
int dn_remove_tree (const char *path, dn_error_t *err);

#endif
