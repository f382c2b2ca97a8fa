/* Private to the cgroup module: the handle, the backend table that
 * cgroup_v1.c and cgroup_v2.c fill, helpers cgroup.c shares with both, and
 * the pure helpers of cgroup_resources.c that the unit tests call. */
#ifndef DN_CGROUP_INTERNAL_H
#define DN_CGROUP_INTERNAL_H

#include "cgroup.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The container's directory in one hierarchy (v1 has several, v2 one). */
struct dn_cgroup_dir
{
  char *controllers; /* v1: "memory", "cpu,cpuacct", "name=systemd" or "unified" (hybrid mirror); v2: NULL */
  char *mount;       /* where the hierarchy is mounted; never removed */
  char *path;        /* mount + the cgroup path */
};

struct dn_cgroup_backend;

struct dn_cgroup_s
{
  enum dn_cgroup_mode mode;
  const struct dn_cgroup_backend *backend;
  char *path; /* normalized absolute cgroup path, the same in every hierarchy */
  struct dn_cgroup_dir *dirs;
  size_t n_dirs;
  char **created; /* directories made by the running dn_cgroup_create, oldest first */
  size_t n_created;
};

struct dn_cgroup_backend
{
  /* Fills cg->dirs from the mounted hierarchies; creates nothing. */
  int (*init_dirs) (dn_cgroup_t *cg, dn_error_t *err);
  /* Makes the container's directories (recording them in cg->created) and
   * prepares each level so processes may join (cpuset copy, subtree_control). */
  int (*create) (dn_cgroup_t *cg, dn_error_t *err);
  /* Writes the limits of res; used by create and update. */
  int (*apply) (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err);
  /* Freezes or thaws, returning once the kernel reports the new state. */
  int (*freeze) (dn_cgroup_t *cg, bool frozen, dn_error_t *err);
  /* Reports whether the kernel considers the cgroup frozen. */
  int (*is_frozen) (dn_cgroup_t *cg, bool *frozen, dn_error_t *err);
  /* The directory whose cgroup.procs lists the container's processes. */
  const char *(*procs_dir) (dn_cgroup_t *cg);
};

extern const struct dn_cgroup_backend dn_cgroup_v1_backend;
extern const struct dn_cgroup_backend dn_cgroup_v2_backend;

/* Testing mode, for fixture trees on a plain file system where statfs cannot
 * tell the mode: dn_cgroup_detect_mode returns the forced mode, v1 finds each
 * hierarchy at <root>/<controller> instead of in /proc/self/mountinfo, writes
 * create missing files, and removing a directory first unlinks its files.
 * Pass -1 to go back to the real behaviour. */
void dn_cgroup_set_mode_for_testing (int mode);
bool dn_cgroup_testing (void);
/* The root set by dn_cgroup_set_root: where v2 (or hybrid's unified) lives
 * and where detection looks; real v1 hierarchies come from mountinfo. */
const char *dn_cgroup_root (void);

/* Helpers of cgroup.c for both backends. */

/* Writes value to dir/file in one write(2); the error names file and value. */
int dn_cgroup_write (const char *dir, const char *file, const char *value, dn_error_t *err);
/* Reads dir/file with trailing whitespace removed; *out is owned by the caller. */
int dn_cgroup_read (const char *dir, const char *file, char **out, dn_error_t *err);
/* Whether dir/file exists: some kernel files depend on configuration (swap
 * accounting, the I/O scheduler). */
bool dn_cgroup_file_exists (const char *dir, const char *file);
/* The errno of a pending error, 0 when there is none (or err is NULL). */
static inline int
dn_cgroup_err_status (dn_error_t *err)
{
  return (err && *err) ? (*err)->status : 0;
}
/* Creates dir->path level by level below dir->mount, recording new levels in
 * cg->created. After each level exists (new or not) level_cb, when given, is
 * called with the level and its parent. An existing leaf is an EEXIST error. */
int dn_cgroup_make_dirs (dn_cgroup_t *cg, const struct dn_cgroup_dir *dir,
                         int (*level_cb) (dn_cgroup_t *cg, const char *parent, const char *level, dn_error_t *err),
                         dn_error_t *err);
/* Adds a directory to cg->dirs; the strings are copied. */
void dn_cgroup_add_dir (dn_cgroup_t *cg, const char *controllers, const char *mount);

/* Normalizes an absolute cgroup path ("//a/b/" -> "/a/b"); refuses "." and
 * ".." components and the root itself. Pure, unit-tested. */
int dn_cgroup_normalize_path (const char *path, char **out, dn_error_t *err);
/* Frees an array of dirs and their strings. */
void dn_cgroup_dirs_free (struct dn_cgroup_dir *dirs, size_t n);

/* In cgroup_v1.c, pure, unit-tested: parses /proc/self/mountinfo text into
 * the v1 hierarchies that hold the controllers the runtime uses (path left
 * NULL); cgroup2 and other file systems are skipped. */
void dn_cgroup_v1_parse_mountinfo (const char *text, struct dn_cgroup_dir **dirs, size_t *n);

/* Pure helpers of cgroup_resources.c, unit-tested. */

/* Formats a limit for v2 files: -1 -> "max", else decimal; buf >= 24 bytes. */
const char *dn_cgroup_format_limit (int64_t value, char *buf, size_t size);
/* runc's log-quadratic map of v1 cpu.shares (2..262144) onto v2 cpu.weight
 * (1..10000); 0 (unset) maps to 0. */
uint64_t dn_cgroup_shares_to_weight (uint64_t shares);
/* Maps blkio.weight 10..1000 onto io.weight 1..10000; 0 stays 0. */
uint64_t dn_cgroup_blkio_to_io_weight (uint64_t weight);
/* The v2 memory.swap.max value for the spec's memory+swap (as runc): sets
 * *set false when nothing is to be written, *swap -1 for "max". */
int dn_cgroup_v2_swap (const struct dn_cgroup_resources *res, bool *set, int64_t *swap, dn_error_t *err);
/* The v2 cpu.max value ("quota period", "max period", or just the quota when
 * no period is given); NULL when neither is set. Owned by the caller. */
char *dn_cgroup_v2_cpu_max (const struct dn_cgroup_resources *res);
/* A v1 devices rule as the kernel reads it: "c 1:3 rwm", "a *:* rwm". */
char *dn_cgroup_device_rule_string (const struct dn_cgroup_device_rule *rule);

#endif
