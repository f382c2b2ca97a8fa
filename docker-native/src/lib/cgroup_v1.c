/* cgroup v1 (also the v1 half of hybrid hosts): every controller is its own
 * hierarchy, found in /proc/self/mountinfo, and the container gets the same
 * path in each. On hybrid hosts the controller-less cgroup2 at
 * <root>/unified gets a mirror directory too, as runc makes, so tools that
 * read the unified hierarchy see the container. */
#include "cgroup_internal.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The hierarchies the container joins; other mounted ones (net_cls,
 * hugetlb, ...) are left as they are, so the container inherits the
 * runtime's cgroup there. */
static const char *const wanted[] = { "cpu",     "cpuacct", "cpuset", "memory",       "devices",
                                      "freezer", "blkio",   "pids",   "name=systemd", NULL };

/* runc's numbers: freezing a v1 cgroup whose tasks keep forking can stay
 * FREEZING, and re-writing FROZEN with an occasional thaw gets through. */
#define FREEZE_TRIES 1000
#define FREEZE_THAW_EVERY 50
#define FREEZE_THAW_PAUSE_NS 10000000L

static bool
is_dir (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static bool
has_token (const char *list, const char *token)
{
  size_t n = strlen (token);
  for (const char *p = list; p && *p;)
    {
      size_t len = strcspn (p, ",");
      if (len == n && strncmp (p, token, n) == 0)
        return true;
      p += len;
      if (*p == ',')
        p++;
    }
  return false;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void
unescape (char *s)
{
  char *w = s;
  for (char *r = s; *r; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char) (((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

/* Handles one mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS". The mount's ROOT is assumed to be
 * "/", which holds outside a cgroup namespace. */
static void
parse_line (char *line, struct dn_cgroup_dir **dirs, size_t *n)
{
  char *fields[6] = { NULL };
  char *save = NULL, *tok;
  int i = 0;
  for (tok = strtok_r (line, " ", &save); tok && i < 6; tok = strtok_r (NULL, " ", &save))
    fields[i++] = tok;
  if (i < 6)
    return;
  while (tok && strcmp (tok, "-") != 0)
    tok = strtok_r (NULL, " ", &save);
  char *fstype = strtok_r (NULL, " ", &save);
  char *source = strtok_r (NULL, " ", &save);
  char *superopts = strtok_r (NULL, " ", &save);
  if (fstype == NULL || source == NULL || superopts == NULL || strcmp (fstype, "cgroup") != 0)
    return;

  cleanup_free char *controllers = xstrdup ("");
  for (size_t w = 0; wanted[w]; w++)
    if (has_token (superopts, wanted[w]))
      {
        char *joined = xasprintf ("%s%s%s", controllers, *controllers ? "," : "", wanted[w]);
        free (controllers);
        controllers = joined;
      }
  if (*controllers == '\0')
    return;
  /* A hierarchy bind-mounted twice is the same hierarchy: keep the first. */
  for (size_t k = 0; k < *n; k++)
    if (strcmp ((*dirs)[k].controllers, controllers) == 0)
      return;

  unescape (fields[4]);
  *dirs = xrealloc (*dirs, sizeof (**dirs) * (*n + 1));
  (*dirs)[*n] = (struct dn_cgroup_dir){ .controllers = steal_pointer (&controllers), .mount = xstrdup (fields[4]) };
  (*n)++;
}

void
dn_cgroup_v1_parse_mountinfo (const char *text, struct dn_cgroup_dir **dirs, size_t *n)
{
  cleanup_free char *copy = xstrdup (text);
  char *save = NULL;
  *dirs = NULL;
  *n = 0;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    parse_line (line, dirs, n);
}

static int
v1_init_dirs (dn_cgroup_t *cg, dn_error_t *err)
{
  if (dn_cgroup_testing ())
    {
      /* Fixture trees lay hierarchies out as <root>/<controller>. */
      for (size_t w = 0; wanted[w]; w++)
        {
          const char *eq = strchr (wanted[w], '=');
          cleanup_free char *mount = xasprintf ("%s/%s", dn_cgroup_root (), eq ? eq + 1 : wanted[w]);
          if (is_dir (mount))
            dn_cgroup_add_dir (cg, wanted[w], mount);
        }
    }
  else
    {
      cleanup_free char *text = NULL;
      struct dn_cgroup_dir *found = NULL;
      size_t n = 0;
      if (dn_read_file_at (AT_FDCWD, "/proc/self/mountinfo", &text, NULL, err) < 0)
        return -1;
      dn_cgroup_v1_parse_mountinfo (text, &found, &n);
      for (size_t i = 0; i < n; i++)
        dn_cgroup_add_dir (cg, found[i].controllers, found[i].mount);
      dn_cgroup_dirs_free (found, n);
    }

  if (cg->mode == DN_CGROUP_HYBRID)
    {
      cleanup_free char *unified = xasprintf ("%s/unified", dn_cgroup_root ());
      if (is_dir (unified))
        dn_cgroup_add_dir (cg, "unified", unified);
    }
  return 0;
}

/* The container's directory in the hierarchy of controller, or NULL. */
static const char *
find_dir (dn_cgroup_t *cg, const char *controller)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (has_token (cg->dirs[i].controllers, controller))
      return cg->dirs[i].path;
  return NULL;
}

static int
need_dir (dn_cgroup_t *cg, const char *controller, const char **dir, dn_error_t *err)
{
  *dir = find_dir (cg, controller);
  if (*dir == NULL)
    return dn_make_error (err, ENOENT, "cgroup v1 controller `%s` is not mounted", controller);
  return 0;
}

static int
write_int (const char *dir, const char *file, int64_t value, dn_error_t *err)
{
  char buf[24];
  snprintf (buf, sizeof buf, "%" PRId64, value);
  return dn_cgroup_write (dir, file, buf, err);
}

/* A new cpuset cgroup starts with empty cpus and mems, and no task may join
 * it until both are filled: copy them from the parent, level by level. */
static int
copy_cpuset (dn_cgroup_t *cg, const char *parent, const char *level, dn_error_t *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  (void) cg;
  for (size_t i = 0; i < 2; i++)
    {
      cleanup_free char *mine = NULL;
      cleanup_free char *theirs = NULL;
      dn_error_t ignored = NULL;
      /* Fixture directories start without the file: same as empty. */
      if (dn_cgroup_read (level, files[i], &mine, &ignored) < 0)
        dn_error_release (&ignored);
      if (mine && *mine)
        continue;
      if (dn_cgroup_read (parent, files[i], &theirs, err) < 0
          || dn_cgroup_write (level, files[i], theirs, err) < 0)
        return -1;
    }
  return 0;
}

static int
v1_create (dn_cgroup_t *cg, dn_error_t *err)
{
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      bool cpuset = has_token (cg->dirs[i].controllers, "cpuset");
      if (dn_cgroup_make_dirs (cg, &cg->dirs[i], cpuset ? copy_cpuset : NULL, err) < 0)
        return -1;
    }
  return 0;
}

static int
set_memory (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  const char *dir;
  if (!res->has_memory_limit && !res->has_memory_swap && !res->has_memory_reservation)
    return 0;
  if (need_dir (cg, "memory", &dir, err) < 0)
    return -1;

  bool has_swap = res->has_memory_swap;
  int64_t swap = res->memory_swap;
  /* As runc: "unlimited memory" without a swap setting lifts memsw too,
   * when the kernel has swap accounting at all. */
  if (res->has_memory_limit && res->memory_limit == -1 && !has_swap
      && dn_cgroup_file_exists (dir, "memory.memsw.limit_in_bytes"))
    {
      has_swap = true;
      swap = -1;
    }

  /* The kernel keeps memsw >= memory at every step: when the new memsw is
   * above the current memory limit write it first, else write memory first. */
  bool swap_first = false;
  if (res->has_memory_limit && has_swap)
    {
      cleanup_free char *cur = NULL;
      dn_error_t ignored = NULL;
      if (swap == -1)
        swap_first = true;
      else if (dn_cgroup_read (dir, "memory.limit_in_bytes", &cur, &ignored) == 0)
        swap_first = strtoull (cur, NULL, 10) < (unsigned long long) swap;
      dn_error_release (&ignored);
    }

  for (int step = 0; step < 2; step++)
    {
      bool do_swap = (step == 0) == swap_first;
      if (do_swap && has_swap && write_int (dir, "memory.memsw.limit_in_bytes", swap, err) < 0)
        {
          if (dn_cgroup_err_status (err) == EINVAL)
            return dn_error_wrap (err, "memory+swap must be at least the memory limit");
          return -1;
        }
      if (!do_swap && res->has_memory_limit && write_int (dir, "memory.limit_in_bytes", res->memory_limit, err) < 0)
        return -1;
    }

  if (res->has_memory_reservation
      && write_int (dir, "memory.soft_limit_in_bytes", res->memory_reservation, err) < 0)
    return -1;
  return 0;
}

static int
set_cpu (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  const char *dir;
  if (!res->has_cpu_shares && !res->has_cpu_quota && !res->has_cpu_period)
    return 0;
  if (need_dir (cg, "cpu", &dir, err) < 0)
    return -1;

  if (res->has_cpu_shares)
    {
      cleanup_free char *back = NULL;
      if (write_int (dir, "cpu.shares", (int64_t) res->cpu_shares, err) < 0
          || dn_cgroup_read (dir, "cpu.shares", &back, err) < 0)
        return -1;
      /* The kernel clamps silently; a limit other than the one asked for is an error. */
      if (strtoull (back, NULL, 10) != res->cpu_shares)
        return dn_make_error (err, 0, "cpu.shares: the kernel took %s instead of %" PRIu64 " (allowed: 2..262144)",
                              back, res->cpu_shares);
    }

  /* Period before quota; but a smaller period can be refused (EINVAL) while
   * the old quota/new period would exceed the parent's, so then retry it
   * after the quota, as runc does. */
  bool period_pending = false;
  if (res->has_cpu_period && write_int (dir, "cpu.cfs_period_us", (int64_t) res->cpu_period, err) < 0)
    {
      if (dn_cgroup_err_status (err) != EINVAL || !res->has_cpu_quota)
        return -1;
      dn_error_release (err);
      period_pending = true;
    }
  if (res->has_cpu_quota && write_int (dir, "cpu.cfs_quota_us", res->cpu_quota, err) < 0)
    return -1;
  if (period_pending && write_int (dir, "cpu.cfs_period_us", (int64_t) res->cpu_period, err) < 0)
    return -1;
  return 0;
}

static int
set_blkio_weight (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  const char *dir;
  if (!res->has_blkio_weight)
    return 0;
  if (need_dir (cg, "blkio", &dir, err) < 0)
    return -1;
  /* CFQ's blkio.weight is gone from current kernels; BFQ offers the same
   * knob as blkio.bfq.weight. */
  if (write_int (dir, "blkio.weight", res->blkio_weight, err) == 0)
    return 0;
  if (dn_cgroup_err_status (err) != ENOENT)
    return -1;
  dn_error_t bfq_err = NULL;
  if (write_int (dir, "blkio.bfq.weight", res->blkio_weight, &bfq_err) == 0)
    {
      dn_error_release (err);
      return 0;
    }
  dn_error_release (&bfq_err);
  return dn_error_wrap (err, "no blkio.weight nor blkio.bfq.weight");
}

static int
set_devices (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  const char *dir;
  if (res->n_device_rules == 0)
    return 0;
  if (need_dir (cg, "devices", &dir, err) < 0)
    return -1;
  /* Order matters: the usual spec denies everything, then allows a few. */
  for (size_t i = 0; i < res->n_device_rules; i++)
    {
      const struct dn_cgroup_device_rule *rule = &res->device_rules[i];
      cleanup_free char *text = dn_cgroup_device_rule_string (rule);
      if (dn_cgroup_write (dir, rule->allow ? "devices.allow" : "devices.deny", text, err) < 0)
        return -1;
    }
  return 0;
}

static int
v1_apply (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  const char *dir;
  if (res->cpuset_cpus || res->cpuset_mems)
    {
      if (need_dir (cg, "cpuset", &dir, err) < 0)
        return -1;
      if (res->cpuset_cpus && dn_cgroup_write (dir, "cpuset.cpus", res->cpuset_cpus, err) < 0)
        return -1;
      if (res->cpuset_mems && dn_cgroup_write (dir, "cpuset.mems", res->cpuset_mems, err) < 0)
        return -1;
    }
  if (set_memory (cg, res, err) < 0 || set_cpu (cg, res, err) < 0)
    return -1;
  if (res->has_pids_limit)
    {
      /* runc's reading: zero or negative means no limit. */
      if (need_dir (cg, "pids", &dir, err) < 0
          || (res->pids_limit > 0 ? write_int (dir, "pids.max", res->pids_limit, err)
                                  : dn_cgroup_write (dir, "pids.max", "max", err))
                 < 0)
        return -1;
    }
  if (set_blkio_weight (cg, res, err) < 0 || set_devices (cg, res, err) < 0)
    return -1;
  return 0;
}

static int
v1_freeze (dn_cgroup_t *cg, bool frozen, dn_error_t *err)
{
  const char *dir;
  if (need_dir (cg, "freezer", &dir, err) < 0)
    return -1;
  if (!frozen)
    return dn_cgroup_write (dir, "freezer.state", "THAWED", err);

  for (int i = 0; i < FREEZE_TRIES; i++)
    {
      cleanup_free char *state = NULL;
      if (i % FREEZE_THAW_EVERY == FREEZE_THAW_EVERY - 1)
        {
          struct timespec pause = { 0, FREEZE_THAW_PAUSE_NS };
          dn_cgroup_write (dir, "freezer.state", "THAWED", NULL);
          nanosleep (&pause, NULL);
        }
      if (dn_cgroup_write (dir, "freezer.state", "FROZEN", err) < 0
          || dn_cgroup_read (dir, "freezer.state", &state, err) < 0)
        break;
      if (strcmp (state, "FROZEN") == 0)
        return 0;
      if (strcmp (state, "FREEZING") != 0)
        {
          dn_make_error (err, 0, "freezer.state is `%s` after writing FROZEN", state);
          break;
        }
    }
  if (err && *err == NULL)
    dn_make_error (err, EBUSY, "freezer.state stays FREEZING");
  /* Never leave a cgroup half-frozen behind an error. */
  dn_cgroup_write (dir, "freezer.state", "THAWED", NULL);
  return -1;
}

static int
v1_is_frozen (dn_cgroup_t *cg, bool *frozen, dn_error_t *err)
{
  const char *dir;
  cleanup_free char *state = NULL;
  if (need_dir (cg, "freezer", &dir, err) < 0 || dn_cgroup_read (dir, "freezer.state", &state, err) < 0)
    return -1;
  /* FREEZING is not frozen yet: some task may still run. */
  *frozen = strcmp (state, "FROZEN") == 0;
  return 0;
}

static const char *
v1_procs_dir (dn_cgroup_t *cg)
{
  /* Every hierarchy holds the same processes; prefer the one that is frozen
   * while kill_all reads it. */
  static const char *const order[] = { "freezer", "pids", "memory", NULL };
  for (size_t i = 0; order[i]; i++)
    {
      const char *dir = find_dir (cg, order[i]);
      if (dir)
        return dir;
    }
  return cg->dirs[0].path;
}

const struct dn_cgroup_backend dn_cgroup_v1_backend = {
  .init_dirs = v1_init_dirs,
  .create = v1_create,
  .apply = v1_apply,
  .freeze = v1_freeze,
  .is_frozen = v1_is_frozen,
  .procs_dir = v1_procs_dir,
};
