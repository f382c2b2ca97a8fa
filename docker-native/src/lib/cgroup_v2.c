/* cgroup v2 (unified): one directory under the root. Controllers reach it
 * only once every ancestor lists them in cgroup.subtree_control, so create
 * enables them from the root down. Device rules need an eBPF program on v2,
 * which docker-native does not load: they are parsed but not enforced here,
 * the device nodes the spec creates being the container's only access. */
#include "cgroup_internal.h"
#include "cleanup.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>

/* The controllers the runtime sets limits with. */
static const char *const wanted[] = { "cpu", "cpuset", "io", "memory", "pids", NULL };

/* As runc: a freeze stuck for this long (a task in uninterruptible sleep) fails. */
#define FREEZE_TIMEOUT_MS 10000

static int
v2_init_dirs (dn_cgroup_t *cg, dn_error_t *err)
{
  (void) err;
  dn_cgroup_add_dir (cg, NULL, dn_cgroup_root ());
  return 0;
}

/* "+cpu +io ..." for the wanted controllers the root offers, in its order. */
static int
enable_string (char **out, dn_error_t *err)
{
  cleanup_free char *avail = NULL;
  if (dn_cgroup_read (dn_cgroup_root (), "cgroup.controllers", &avail, err) < 0)
    return -1;
  cleanup_free char *res = xstrdup ("");
  char *save = NULL;
  for (char *tok = strtok_r (avail, " \n", &save); tok; tok = strtok_r (NULL, " \n", &save))
    for (size_t w = 0; wanted[w]; w++)
      if (strcmp (tok, wanted[w]) == 0)
        {
          char *joined = xasprintf ("%s%s+%s", res, *res ? " " : "", tok);
          free (res);
          res = joined;
        }
  *out = steal_pointer (&res);
  return 0;
}

/* Called for each level below the root: enables the controllers in its
 * parent. Failures are left for the limit writes to report (a controller
 * may be unavailable, e.g. rootless or nested), as runc does. */
static int
enable_in_parent (dn_cgroup_t *cg, const char *parent, const char *level, dn_error_t *err)
{
  cleanup_free char *all = NULL;
  (void) cg;
  (void) level;
  if (enable_string (&all, err) < 0)
    return -1;
  if (*all == '\0' || dn_cgroup_write (parent, "cgroup.subtree_control", all, NULL) == 0)
    return 0;
  /* One refused controller fails the whole write: enable them one by one. */
  char *save = NULL;
  for (char *tok = strtok_r (all, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    dn_cgroup_write (parent, "cgroup.subtree_control", tok, NULL);
  return 0;
}

static int
v2_create (dn_cgroup_t *cg, dn_error_t *err)
{
  return dn_cgroup_make_dirs (cg, &cg->dirs[0], enable_in_parent, err);
}

static int
set_memory (const char *dir, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  char buf[24];
  bool swap_set;
  int64_t swap;

  if (dn_cgroup_v2_swap (res, &swap_set, &swap, err) < 0)
    return -1;
  if (res->has_memory_limit
      && dn_cgroup_write (dir, "memory.max", dn_cgroup_format_limit (res->memory_limit, buf, sizeof buf), err) < 0)
    return -1;
  if (swap_set && dn_cgroup_write (dir, "memory.swap.max", dn_cgroup_format_limit (swap, buf, sizeof buf), err) < 0)
    {
      /* Without swap accounting, "no swap" and "unlimited swap" both hold. */
      if (dn_cgroup_err_status (err) != ENOENT || (swap != 0 && swap != -1))
        return -1;
      dn_error_release (err);
    }
  if (res->has_memory_reservation
      && dn_cgroup_write (dir, "memory.low", dn_cgroup_format_limit (res->memory_reservation, buf, sizeof buf), err)
             < 0)
    return -1;
  return 0;
}

static int
set_cpu (const char *dir, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  char buf[24];
  if (res->has_cpu_shares)
    {
      snprintf (buf, sizeof buf, "%" PRIu64, dn_cgroup_shares_to_weight (res->cpu_shares));
      if (dn_cgroup_write (dir, "cpu.weight", buf, err) < 0)
        return -1;
    }
  cleanup_free char *max = dn_cgroup_v2_cpu_max (res);
  if (max && dn_cgroup_write (dir, "cpu.max", max, err) < 0)
    return -1;
  if (res->cpuset_cpus && dn_cgroup_write (dir, "cpuset.cpus", res->cpuset_cpus, err) < 0)
    return -1;
  if (res->cpuset_mems && dn_cgroup_write (dir, "cpuset.mems", res->cpuset_mems, err) < 0)
    return -1;
  return 0;
}

static int
set_io (const char *dir, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  char buf[24];
  if (!res->has_blkio_weight)
    return 0;
  /* BFQ takes the v1 scale as it is; otherwise io.weight with runc's mapping. */
  if (dn_cgroup_file_exists (dir, "io.bfq.weight"))
    {
      snprintf (buf, sizeof buf, "%u", (unsigned) res->blkio_weight);
      return dn_cgroup_write (dir, "io.bfq.weight", buf, err);
    }
  snprintf (buf, sizeof buf, "%" PRIu64, dn_cgroup_blkio_to_io_weight (res->blkio_weight));
  return dn_cgroup_write (dir, "io.weight", buf, err);
}

static int
v2_apply (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  const char *dir = cg->dirs[0].path;
  char buf[24];
  if (set_memory (dir, res, err) < 0 || set_cpu (dir, res, err) < 0)
    return -1;
  /* runc's reading: zero or negative means no limit. */
  if (res->has_pids_limit)
    {
      dn_cgroup_format_limit (res->pids_limit > 0 ? res->pids_limit : -1, buf, sizeof buf);
      if (dn_cgroup_write (dir, "pids.max", buf, err) < 0)
        return -1;
    }
  if (set_io (dir, res, err) < 0)
    return -1;
  /* res->device_rules: not enforced on v2, see the top of this file. */
  if (res->unified)
    {
      /* Written last so that they override the translated values, as in runc. */
      json_object_object_foreach (res->unified, key, val)
        if (dn_cgroup_write (dir, key, json_object_get_string (val), err) < 0)
          return dn_error_wrap (err, "linux.resources.unified");
    }
  return 0;
}

/* Reads the "frozen" field of cgroup.events into *state: 0, 1, or -1 when
 * the field is missing. */
static int
read_frozen (const char *dir, int *state, dn_error_t *err)
{
  cleanup_free char *events = NULL;
  if (dn_cgroup_read (dir, "cgroup.events", &events, err) < 0)
    return -1;
  *state = -1;
  for (char *line = events; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, "frozen ", 7) == 0)
      *state = line[7] == '1';
  return 0;
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for cgroup.events to say "frozen <want>". The kernel raises a
 * modify event on each change of the file, so inotify wakes us up. */
static int
wait_frozen (const char *dir, bool want, dn_error_t *err)
{
  cleanup_free char *events = xasprintf ("%s/cgroup.events", dir);
  cleanup_close int ifd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  if (ifd < 0)
    return dn_make_error (err, errno, "inotify_init1");
  if (inotify_add_watch (ifd, events, IN_MODIFY) < 0)
    return dn_make_error (err, errno, "watch `%s`", events);

  int64_t deadline = now_ms () + FREEZE_TIMEOUT_MS;
  for (;;)
    {
      /* Read after the watch exists, so no change can slip in between. A
       * missing field (a file caught while rewritten) means "not yet". */
      int state;
      if (read_frozen (dir, &state, err) < 0)
        return -1;
      if (state == (int) want)
        return 0;
      int64_t left = deadline - now_ms ();
      if (left <= 0)
        return dn_make_error (err, ETIMEDOUT, "waiting for `frozen %d` in `%s`", want, events);
      struct pollfd pfd = { .fd = ifd, .events = POLLIN };
      if (poll (&pfd, 1, (int) left) < 0 && errno != EINTR)
        return dn_make_error (err, errno, "poll `%s`", events);
      char buf[4096];
      while (read (ifd, buf, sizeof buf) > 0)
        ;
    }
}

static int
v2_freeze (dn_cgroup_t *cg, bool frozen, dn_error_t *err)
{
  const char *dir = cg->dirs[0].path;
  if (dn_cgroup_write (dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  if (wait_frozen (dir, frozen, err) < 0)
    {
      /* Never leave a cgroup half-frozen behind an error. */
      if (frozen)
        dn_cgroup_write (dir, "cgroup.freeze", "0", NULL);
      return -1;
    }
  return 0;
}

static int
v2_is_frozen (dn_cgroup_t *cg, bool *frozen, dn_error_t *err)
{
  int state;
  if (read_frozen (cg->dirs[0].path, &state, err) < 0)
    return -1;
  if (state < 0)
    return dn_make_error (err, 0, "no `frozen` field in `%s/cgroup.events`", cg->dirs[0].path);
  *frozen = state == 1;
  return 0;
}

static const char *
v2_procs_dir (dn_cgroup_t *cg)
{
  return cg->dirs[0].path;
}

const struct dn_cgroup_backend dn_cgroup_v2_backend = {
  .init_dirs = v2_init_dirs,
  .create = v2_create,
  .apply = v2_apply,
  .freeze = v2_freeze,
  .is_frozen = v2_is_frozen,
  .procs_dir = v2_procs_dir,
};
