/* The cgroup module's front: mode detection, the handle, and everything that
 * is the same for v1 and v2 (making and removing directories, joining,
 * listing and signalling processes). Limits and freezing are dispatched to
 * cgroup_v1.c or cgroup_v2.c through struct dn_cgroup_backend.
 *
 * An existing leaf directory is an error, not something to join: the
 * runtime makes a fresh cgroup per container, so a leftover means a bug or a
 * name clash, and reusing it would mix two containers' processes. */
#include "cgroup_internal.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#define DEFAULT_ROOT "/sys/fs/cgroup"

/* How long destroy waits, over all hierarchies, for exiting processes. */
#define RMDIR_WAIT_MS 1000
#define RMDIR_PAUSE_NS 10000000L

static char *root_override;
static int testing_mode = -1;

void
dn_cgroup_set_root (const char *root)
{
  free (root_override);
  root_override = root ? xstrdup (root) : NULL;
}

const char *
dn_cgroup_root (void)
{
  return root_override ? root_override : DEFAULT_ROOT;
}

void
dn_cgroup_set_mode_for_testing (int mode)
{
  testing_mode = mode;
}

bool
dn_cgroup_testing (void)
{
  return testing_mode >= 0;
}

int
dn_cgroup_detect_mode (enum dn_cgroup_mode *mode, dn_error_t *err)
{
  struct statfs st;
  if (dn_cgroup_testing ())
    {
      *mode = (enum dn_cgroup_mode) testing_mode;
      return 0;
    }
  if (statfs (dn_cgroup_root (), &st) < 0)
    return dn_make_error (err, errno, "statfs `%s`", dn_cgroup_root ());
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    {
      *mode = DN_CGROUP_V2;
      return 0;
    }
  cleanup_free char *unified = xasprintf ("%s/unified", dn_cgroup_root ());
  if (statfs (unified, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    *mode = DN_CGROUP_HYBRID;
  else
    *mode = DN_CGROUP_V1;
  return 0;
}

int
dn_cgroup_normalize_path (const char *path, char **out, dn_error_t *err)
{
  if (path == NULL || path[0] != '/')
    return dn_make_error (err, EINVAL, "cgroup path `%s` is not absolute", path ? path : "(null)");
  cleanup_free char *norm = xmalloc (strlen (path) + 1);
  size_t len = 0;
  const char *p = path;
  while (*p)
    {
      while (*p == '/')
        p++;
      size_t n = strcspn (p, "/");
      if (n == 0)
        break;
      if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return dn_make_error (err, EINVAL, "cgroup path `%s` has a `.` or `..` component", path);
      norm[len++] = '/';
      memcpy (norm + len, p, n);
      len += n;
      p += n;
    }
  norm[len] = '\0';
  if (len == 0)
    return dn_make_error (err, EINVAL, "cgroup path `%s` names the root cgroup", path);
  *out = steal_pointer (&norm);
  return 0;
}

int
dn_cgroup_write (const char *dir, const char *file, const char *value, dn_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  /* Fixture trees have no kernel files, so testing mode creates them. */
  int flags = O_WRONLY | O_TRUNC | O_CLOEXEC | (dn_cgroup_testing () ? O_CREAT : 0);
  cleanup_close int fd = open (path, flags, 0644);
  if (fd < 0)
    return dn_make_error (err, errno, "write `%s` = `%s`", file, value);
  /* The kernel parses each write(2) as one value, so it must not be split. */
  size_t len = strlen (value);
  ssize_t n = TEMP_FAILURE_RETRY (write (fd, value, len));
  if (n < 0)
    return dn_make_error (err, errno, "write `%s` = `%s`", file, value);
  if ((size_t) n != len)
    return dn_make_error (err, EIO, "write `%s` = `%s`: short write", file, value);
  return 0;
}

int
dn_cgroup_read (const char *dir, const char *file, char **out, dn_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  char *buf = NULL;
  size_t len = 0;
  if (dn_read_file_at (AT_FDCWD, path, &buf, &len, err) < 0)
    return -1;
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
    buf[--len] = '\0';
  *out = buf;
  return 0;
}

bool
dn_cgroup_file_exists (const char *dir, const char *file)
{
  cleanup_free char *path = xasprintf ("%s/%s", dir, file);
  return access (path, F_OK) == 0;
}

/* In testing mode a fixture directory holds plain files that rmdir would
 * trip over; remove them, but only when no child cgroup is left. */
static int
unlink_fixture_files (const char *path)
{
  cleanup_dir DIR *d = opendir (path);
  if (d == NULL)
    return -1;
  for (int pass = 0; pass < 2; pass++)
    {
      struct dirent *de;
      rewinddir (d);
      while ((de = readdir (d)))
        {
          struct stat st;
          if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -1;
          if (pass == 0 && S_ISDIR (st.st_mode))
            {
              errno = ENOTEMPTY;
              return -1;
            }
          if (pass == 1 && unlinkat (dirfd (d), de->d_name, 0) < 0)
            return -1;
        }
    }
  return 0;
}

static int
remove_dir (const char *path)
{
  if (dn_cgroup_testing () && unlink_fixture_files (path) < 0)
    return -1;
  return rmdir (path);
}

static void
forget_created (dn_cgroup_t *cg)
{
  for (size_t i = 0; i < cg->n_created; i++)
    free (cg->created[i]);
  free (cg->created);
  cg->created = NULL;
  cg->n_created = 0;
}

/* Undoes a failed dn_cgroup_create, newest directory first. */
static void
remove_created (dn_cgroup_t *cg)
{
  for (size_t i = cg->n_created; i > 0; i--)
    remove_dir (cg->created[i - 1]);
  forget_created (cg);
}

static void
record_created (dn_cgroup_t *cg, const char *path)
{
  cg->created = xrealloc (cg->created, sizeof (char *) * (cg->n_created + 1));
  cg->created[cg->n_created++] = xstrdup (path);
}

/* One pass of dn_cgroup_make_dirs; *vanished tells that a level disappeared
 * under it (a concurrent destroy removing an empty parent), worth a retry. */
static int
make_dirs_once (dn_cgroup_t *cg, const struct dn_cgroup_dir *dir,
                int (*level_cb) (dn_cgroup_t *, const char *, const char *, dn_error_t *), bool *vanished,
                dn_error_t *err)
{
  cleanup_free char *p = xstrdup (dir->path);
  cleanup_free char *parent = xstrdup (dir->mount);
  size_t start = strlen (dir->mount);

  *vanished = false;
  for (char *s = p + start + 1;; s++)
    {
      if (*s != '/' && *s != '\0')
        continue;
      bool leaf = *s == '\0';
      *s = '\0';
      if (mkdir (p, 0755) == 0)
        record_created (cg, p);
      else if (errno == EEXIST && leaf)
        return dn_make_error (err, EEXIST, "already exists in `%s`", p);
      else if (errno != EEXIST)
        {
          *vanished = errno == ENOENT;
          return dn_make_error (err, errno, "mkdir `%s`", p);
        }
      if (level_cb && level_cb (cg, parent, p, err) < 0)
        {
          *vanished = dn_cgroup_err_status (err) == ENOENT;
          return -1;
        }
      if (leaf)
        return 0;
      free (parent);
      parent = xstrdup (p);
      *s = '/';
    }
}

int
dn_cgroup_make_dirs (dn_cgroup_t *cg, const struct dn_cgroup_dir *dir,
                     int (*level_cb) (dn_cgroup_t *cg, const char *parent, const char *level, dn_error_t *err),
                     dn_error_t *err)
{
  for (int attempt = 0;; attempt++)
    {
      bool vanished;
      if (make_dirs_once (cg, dir, level_cb, &vanished, err) == 0)
        return 0;
      if (!vanished || attempt == 3)
        return -1;
      dn_error_release (err);
    }
}

void
dn_cgroup_add_dir (dn_cgroup_t *cg, const char *controllers, const char *mount)
{
  cg->dirs = xrealloc (cg->dirs, sizeof (*cg->dirs) * (cg->n_dirs + 1));
  struct dn_cgroup_dir *d = &cg->dirs[cg->n_dirs++];
  d->controllers = controllers ? xstrdup (controllers) : NULL;
  d->mount = xstrdup (mount);
  d->path = xasprintf ("%s%s", mount, cg->path);
}

void
dn_cgroup_dirs_free (struct dn_cgroup_dir *dirs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (dirs[i].controllers);
      free (dirs[i].mount);
      free (dirs[i].path);
    }
  free (dirs);
}

void
dn_cgroup_free (dn_cgroup_t *cg)
{
  if (cg == NULL)
    return;
  dn_cgroup_dirs_free (cg->dirs, cg->n_dirs);
  forget_created (cg);
  free (cg->path);
  free (cg);
}

/* Builds a handle for path with the directories of every hierarchy, creating nothing. */
static int
open_handle (const char *path, dn_cgroup_t **out, dn_error_t *err)
{
  cleanup_cgroup dn_cgroup_t *cg = xmalloc0 (sizeof (*cg));
  if (dn_cgroup_normalize_path (path, &cg->path, err) < 0 || dn_cgroup_detect_mode (&cg->mode, err) < 0)
    return -1;
  cg->backend = cg->mode == DN_CGROUP_V2 ? &dn_cgroup_v2_backend : &dn_cgroup_v1_backend;
  if (cg->backend->init_dirs (cg, err) < 0)
    return -1;
  if (cg->n_dirs == 0)
    return dn_make_error (err, ENOENT, "no cgroup hierarchy found under `%s`", dn_cgroup_root ());
  *out = steal_pointer (&cg);
  return 0;
}

static int
check_resources (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  if (res && res->unified && json_object_object_length (res->unified) > 0 && cg->mode != DN_CGROUP_V2)
    return dn_make_error (err, EOPNOTSUPP, "linux.resources.unified requires cgroup v2");
  return 0;
}

int
dn_cgroup_create (const char *cgroups_path, const char *id, const struct dn_cgroup_resources *res,
                  dn_cgroup_t **out, dn_error_t *err)
{
  cleanup_free char *raw = NULL;
  cleanup_cgroup dn_cgroup_t *cg = NULL;

  if (cgroups_path == NULL || *cgroups_path == '\0')
    {
      if (id == NULL || *id == '\0' || strchr (id, '/'))
        return dn_make_error (err, EINVAL, "container id `%s` cannot name a cgroup", id ? id : "(null)");
      raw = xasprintf ("/berth/%s", id);
    }
  else if (strchr (cgroups_path, ':'))
    return dn_make_error (err, EINVAL, "cgroupsPath `%s`: systemd slices are not supported, give a path",
                          cgroups_path);
  else
    /* A relative path is taken from the hierarchy root, not (as runc does)
     * from the runtime's own cgroup, whose place depends on who started it. */
    raw = cgroups_path[0] == '/' ? xstrdup (cgroups_path) : xasprintf ("/%s", cgroups_path);

  if (open_handle (raw, &cg, err) < 0)
    return dn_error_wrap (err, "cgroup %s", raw);
  if (check_resources (cg, res, err) < 0 || cg->backend->create (cg, err) < 0
      || (res && cg->backend->apply (cg, res, err) < 0))
    {
      remove_created (cg);
      return dn_error_wrap (err, "cgroup %s", cg->path);
    }
  forget_created (cg);
  *out = steal_pointer (&cg);
  return 0;
}

int
dn_cgroup_load (const char *cgroup_path, dn_cgroup_t **out, dn_error_t *err)
{
  cleanup_cgroup dn_cgroup_t *cg = NULL;
  if (open_handle (cgroup_path, &cg, err) < 0)
    return dn_error_wrap (err, "cgroup %s", cgroup_path ? cgroup_path : "(null)");

  /* Keep the hierarchies where the directory still exists, so a delete
   * that was interrupted half-way can be finished. */
  size_t kept = 0;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      struct stat st;
      if (stat (cg->dirs[i].path, &st) == 0 && S_ISDIR (st.st_mode))
        cg->dirs[kept++] = cg->dirs[i];
      else
        {
          free (cg->dirs[i].controllers);
          free (cg->dirs[i].mount);
          free (cg->dirs[i].path);
        }
    }
  cg->n_dirs = kept;
  if (kept == 0)
    return dn_make_error (err, ENOENT, "cgroup %s does not exist", cg->path);
  *out = steal_pointer (&cg);
  return 0;
}

const char *
dn_cgroup_path (const dn_cgroup_t *cg)
{
  return cg->path;
}

int
dn_cgroup_enter (dn_cgroup_t *cg, pid_t pid, dn_error_t *err)
{
  char buf[24];
  snprintf (buf, sizeof buf, "%d", (int) pid);
  for (size_t i = 0; i < cg->n_dirs; i++)
    if (dn_cgroup_write (cg->dirs[i].path, "cgroup.procs", buf, err) < 0)
      return dn_error_wrap (err, "cgroup %s: join %s", cg->path,
                            cg->dirs[i].controllers ? cg->dirs[i].controllers : "unified");
  return 0;
}

int
dn_cgroup_update (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err)
{
  if (res == NULL)
    return 0;
  if (check_resources (cg, res, err) < 0 || cg->backend->apply (cg, res, err) < 0)
    return dn_error_wrap (err, "cgroup %s", cg->path);
  return 0;
}

int
dn_cgroup_freeze (dn_cgroup_t *cg, bool frozen, dn_error_t *err)
{
  if (cg->backend->freeze (cg, frozen, err) < 0)
    return dn_error_wrap (err, "cgroup %s: %s", cg->path, frozen ? "freeze" : "thaw");
  return 0;
}

int
dn_cgroup_is_frozen (dn_cgroup_t *cg, bool *frozen, dn_error_t *err)
{
  if (cg->backend->is_frozen (cg, frozen, err) < 0)
    return dn_error_wrap (err, "cgroup %s", cg->path);
  return 0;
}

int
dn_cgroup_pids (dn_cgroup_t *cg, pid_t **pids, size_t *n, dn_error_t *err)
{
  cleanup_free char *text = NULL;
  if (dn_cgroup_read (cg->backend->procs_dir (cg), "cgroup.procs", &text, err) < 0)
    return dn_error_wrap (err, "cgroup %s", cg->path);
  size_t count = 0, cap = 16;
  cleanup_free pid_t *list = xmalloc (sizeof (pid_t) * cap);
  for (char *s = text; *s;)
    {
      char *end;
      long v = strtol (s, &end, 10);
      if (end == s)
        break;
      if (count == cap)
        list = xrealloc (list, sizeof (pid_t) * (cap *= 2));
      list[count++] = (pid_t) v;
      s = end;
      while (*s == '\n')
        s++;
    }
  *pids = steal_pointer (&list);
  *n = count;
  return 0;
}

/* Hands a locally collected error to the caller's err (which may be NULL). */
static void
move_error (dn_error_t *err, dn_error_t *local)
{
  if (err)
    {
      dn_error_release (err);
      *err = steal_pointer (local);
    }
  else
    dn_error_release (local);
}

static int
signal_all (dn_cgroup_t *cg, int sig, dn_error_t *err)
{
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (dn_cgroup_pids (cg, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      return dn_make_error (err, errno, "cgroup %s: kill %d", cg->path, (int) pids[i]);
  return 0;
}

int
dn_cgroup_kill_all (dn_cgroup_t *cg, int sig, dn_error_t *err)
{
  /* As runc: freezing first keeps a forking process from escaping the
   * signal; without a working freezer the signal is sent anyway. */
  bool was_frozen = false, froze = false;
  if (cg->backend->is_frozen (cg, &was_frozen, NULL) < 0)
    was_frozen = false;
  if (!was_frozen)
    froze = cg->backend->freeze (cg, true, NULL) >= 0;

  int ret = signal_all (cg, sig, err);

  /* A paused container stays paused, except that SIGKILL must thaw it: v1
   * frozen tasks only die once they run again. */
  if (froze || (was_frozen && sig == SIGKILL))
    {
      dn_error_t thaw_err = NULL;
      if (cg->backend->freeze (cg, false, &thaw_err) < 0 && ret == 0)
        {
          move_error (err, &thaw_err);
          return dn_error_wrap (err, "cgroup %s: thaw", cg->path);
        }
      dn_error_release (&thaw_err);
    }
  return ret;
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* rmdir of a leaf, waiting until deadline for processes that are still
 * exiting (the kernel says EBUSY until the last one has left). */
static int
remove_leaf (const char *path, int64_t deadline, dn_error_t *err)
{
  for (;;)
    {
      if (remove_dir (path) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY || now_ms () >= deadline)
        return dn_make_error (err, errno, "rmdir `%s`", path);
      struct timespec pause = { 0, RMDIR_PAUSE_NS };
      nanosleep (&pause, NULL);
    }
}

/* Removes now-empty parents up to, not including, the hierarchy root; a
 * parent still in use by another container simply stays. */
static void
remove_parents (const struct dn_cgroup_dir *dir)
{
  cleanup_free char *p = xstrdup (dir->path);
  size_t root_len = strlen (dir->mount);
  for (;;)
    {
      char *slash = strrchr (p, '/');
      if (slash == NULL || (size_t) (slash - p) <= root_len)
        return;
      *slash = '\0';
      if (remove_dir (p) < 0)
        return;
    }
}

int
dn_cgroup_destroy (dn_cgroup_t *cg, dn_error_t *err)
{
  int ret = 0;
  int64_t deadline = now_ms () + RMDIR_WAIT_MS;
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      dn_error_t dir_err = NULL;
      if (remove_leaf (cg->dirs[i].path, deadline, &dir_err) < 0)
        {
          /* Go on with the other hierarchies; report the first failure. */
          if (ret == 0)
            {
              move_error (err, &dir_err);
              ret = dn_error_wrap (err, "cgroup %s", cg->path);
            }
          else
            dn_error_release (&dir_err);
          continue;
        }
      remove_parents (&cg->dirs[i]);
    }
  return ret;
}
