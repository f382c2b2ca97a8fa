#include "rootfs.h"
#include "cleanup.h"
#include "fs.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define MAX_SYMLINKS 40

static void
close_all (int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    close (fds[i]);
}

int
dn_resolve_in_root (int rootfd, const char *path, bool create, bool last_is_file, dn_error_t *err)
{
  /* A stack of directory fds: ".." pops it, so no lookup ever climbs above rootfd. */
  int stack[PATH_MAX / 2];
  size_t depth = 0;
  int links = 0;
  cleanup_free char *todo = xstrdup (path);
  stack[depth++] = dup (rootfd);
  if (stack[0] < 0)
    return dn_make_error (err, errno, "dup");

  char *rest = todo;
  while (rest && *rest)
    {
      while (*rest == '/')
        rest++;
      if (*rest == '\0')
        break;
      char *slash = strchr (rest, '/');
      if (slash)
        *slash = '\0';
      char *name = rest;
      rest = slash ? slash + 1 : NULL;
      bool last = rest == NULL || strspn (rest, "/") == strlen (rest);

      if (strcmp (name, ".") == 0)
        continue;
      if (strcmp (name, "..") == 0)
        {
          if (depth == 1)
            {
              close_all (stack, depth);
              return dn_make_error (err, 0, "path `%s` escapes the container root", path);
            }
          close (stack[--depth]);
          continue;
        }
      int fd = openat (stack[depth - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT && create)
        {
          int r = (last && last_is_file)
                      ? openat (stack[depth - 1], name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644)
                      : mkdirat (stack[depth - 1], name, 0755);
          if (r < 0 && errno != EEXIST)
            {
              int saved = errno;
              close_all (stack, depth);
              return dn_make_error (err, saved, "create `%s` in the container root", path);
            }
          if (last && last_is_file && r >= 0)
            close (r);
          fd = openat (stack[depth - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
      if (fd < 0)
        {
          int saved = errno;
          close_all (stack, depth);
          return dn_make_error (err, saved, "resolve `%s` in the container root", path);
        }
      struct stat st;
      if (fstat (fd, &st) < 0)
        {
          int saved = errno;
          close (fd);
          close_all (stack, depth);
          return dn_make_error (err, saved, "stat `%s`", path);
        }
      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (fd, "", target, sizeof target - 1);
          close (fd);
          if (n < 0 || ++links > MAX_SYMLINKS)
            {
              close_all (stack, depth);
              return dn_make_error (err, n < 0 ? errno : ELOOP, "follow symlink in `%s`", path);
            }
          target[n] = '\0';
          if (target[0] == '/')
            {
              /* An absolute link means the container's root, never the host's. */
              close_all (stack + 1, depth - 1);
              depth = 1;
            }
          char *next = xasprintf ("%s/%s", target, rest ? rest : "");
          free (todo);
          todo = next;
          rest = todo;
          continue;
        }
      if (!last)
        {
          if (!S_ISDIR (st.st_mode))
            {
              close (fd);
              close_all (stack, depth);
              return dn_make_error (err, ENOTDIR, "resolve `%s` in the container root", path);
            }
          if (depth >= sizeof stack / sizeof stack[0])
            {
              close (fd);
              close_all (stack, depth);
              return dn_make_error (err, ENAMETOOLONG, "resolve `%s`", path);
            }
          stack[depth++] = fd;
          continue;
        }
      close_all (stack, depth);
      return fd;
    }
  /* The path named the root itself. */
  int fd = openat (stack[0], ".", O_PATH | O_CLOEXEC);
  close_all (stack, depth);
  if (fd < 0)
    return dn_make_error (err, errno, "open the container root");
  return fd;
}

static char *
fd_path (int fd)
{
  return xasprintf ("/proc/self/fd/%d", fd);
}

static int
remount_with_flags (const char *target, unsigned long extra, dn_error_t *err)
{
  /* Keep the flags the mount already has: the kernel refuses to drop locked ones. */
  struct statvfs sv;
  if (statvfs (target, &sv) < 0)
    return dn_make_error (err, errno, "statvfs `%s`", target);
  unsigned long flags = MS_BIND | MS_REMOUNT | extra;
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  if (sv.f_flag & ST_RDONLY)
    flags |= MS_RDONLY;
  if (mount (NULL, target, NULL, flags, NULL) < 0)
    return dn_make_error (err, errno, "remount `%s`", target);
  return 0;
}

/* An O_PATH fd taken before a mount names the directory underneath it, so a
 * remount re-resolves the destination to reach the new mount. */
static int
remount_dest (int rootfd, const char *dest, unsigned long extra, dn_error_t *err)
{
  cleanup_close int fd = dn_resolve_in_root (rootfd, dest, false, false, err);
  if (fd < 0)
    return -1;
  cleanup_free char *path = fd_path (fd);
  return remount_with_flags (path, extra, err);
}

/* On cgroup v1 the container sees a tmpfs holding a read-only bind of its own
 * cgroup in every hierarchy, as runc and Docker give it; on v2 one cgroup2 mount. */
static int
mount_cgroup_fs (int rootfd, const struct dn_mount *m, int targetfd, dn_error_t *err)
{
  cleanup_free char *target = fd_path (targetfd);
  struct statfs sfs;
  if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    {
      if (mount ("cgroup2", target, "cgroup2", m->flags, NULL) < 0)
        return dn_make_error (err, errno, "mount cgroup2 on `%s`", m->destination);
      return 0;
    }
  if (mount ("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
    return dn_make_error (err, errno, "mount tmpfs on `%s`", m->destination);
  cleanup_file FILE *cg = fopen ("/proc/self/cgroup", "re");
  if (cg == NULL)
    return dn_make_error (err, errno, "open /proc/self/cgroup");
  char line[4096];
  while (fgets (line, sizeof line, cg))
    {
      line[strcspn (line, "\n")] = '\0';
      char *ctrl = strchr (line, ':');
      char *path = ctrl ? strchr (ctrl + 1, ':') : NULL;
      if (path == NULL)
        continue;
      *path++ = '\0';
      ctrl++;
      if (*ctrl == '\0')
        continue;
      const char *dir = strncmp (ctrl, "name=", 5) == 0 ? ctrl + 5 : ctrl;
      cleanup_free char *host = xasprintf ("/sys/fs/cgroup/%s%s", dir, path);
      if (access (host, F_OK) < 0)
        continue;
      cleanup_free char *rel = xasprintf ("%s/%s", m->destination, dir);
      cleanup_close int sub = dn_resolve_in_root (rootfd, rel, true, false, err);
      if (sub < 0)
        return -1;
      cleanup_free char *subpath = fd_path (sub);
      if (mount (host, subpath, NULL, MS_BIND | MS_REC, NULL) < 0)
        return dn_make_error (err, errno, "bind cgroup `%s`", host);
      if (remount_dest (rootfd, rel, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
        return -1;
    }
  return m->flags & MS_RDONLY ? remount_dest (rootfd, m->destination, MS_RDONLY, err) : 0;
}

static int
do_mount (int rootfd, const struct dn_mount *m, dn_error_t *err)
{
  bool is_file = false;
  if (m->bind)
    {
      struct stat st;
      if (stat (m->source, &st) < 0)
        return dn_make_error (err, errno, "bind source `%s`", m->source);
      is_file = !S_ISDIR (st.st_mode);
    }
  cleanup_close int targetfd = dn_resolve_in_root (rootfd, m->destination, true, is_file, err);
  if (targetfd < 0)
    return dn_error_wrap (err, "mount `%s`", m->destination);
  cleanup_free char *target = fd_path (targetfd);
  const char *type = m->type ? m->type : "none";

  if (m->bind)
    {
      if (mount (m->source, target, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
        return dn_make_error (err, errno, "bind `%s` on `%s`", m->source, m->destination);
      unsigned long extra = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
      if (extra && remount_dest (rootfd, m->destination, extra, err) < 0)
        return -1;
    }
  else if (strcmp (type, "cgroup") == 0)
    {
      if (mount_cgroup_fs (rootfd, m, targetfd, err) < 0)
        return -1;
    }
  else
    {
      int r = mount (m->source ? m->source : type, target, type, m->flags, m->data);
      /* Without a private network or ipc namespace the kernel refuses a fresh
       * sysfs or mqueue; runc binds the host's instead, read-only for sysfs. */
      if (r < 0 && errno == EPERM && (strcmp (type, "sysfs") == 0 || strcmp (type, "mqueue") == 0))
        {
          const char *src = type[0] == 's' ? "/sys" : "/dev/mqueue";
          r = mount (src, target, NULL, MS_BIND | MS_REC, NULL);
          if (r == 0 && (m->flags & MS_RDONLY) && remount_dest (rootfd, m->destination, MS_RDONLY, err) < 0)
            return -1;
        }
      if (r < 0)
        return dn_make_error (err, errno, "mount %s on `%s`", type, m->destination);
    }
  if (m->propagation)
    {
      cleanup_close int fd = dn_resolve_in_root (rootfd, m->destination, false, false, err);
      if (fd < 0)
        return -1;
      cleanup_free char *mounted = fd_path (fd);
      if (mount (NULL, mounted, NULL, m->propagation, NULL) < 0)
        return dn_make_error (err, errno, "set propagation of `%s`", m->destination);
    }
  return 0;
}

static const struct dn_device default_devices[] = {
  { "/dev/null", 'c', 1, 3, 0666, 0, 0 },    { "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
  { "/dev/full", 'c', 1, 7, 0666, 0, 0 },    { "/dev/random", 'c', 1, 8, 0666, 0, 0 },
  { "/dev/urandom", 'c', 1, 9, 0666, 0, 0 }, { "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

static int
make_device (int rootfd, const struct dn_device *d, bool in_userns, dn_error_t *err)
{
  cleanup_free char *parent = xstrdup (d->path);
  char *base = strrchr (parent, '/');
  *base++ = '\0';
  cleanup_close int dirfd = dn_resolve_in_root (rootfd, parent[0] ? parent : "/", true, false, err);
  if (dirfd < 0)
    return -1;
  cleanup_free char *dirpath = fd_path (dirfd);
  cleanup_close int dir = open (dirpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dir < 0)
    return dn_make_error (err, errno, "open `%s`", parent);
  unlinkat (dir, base, 0);
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  if (!in_userns && mknodat (dir, base, type | d->mode, makedev (d->major, d->minor)) == 0)
    {
      if (fchmodat (dir, base, d->mode, 0) < 0 || fchownat (dir, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
        return dn_make_error (err, errno, "set owner and mode of `%s`", d->path);
      return 0;
    }
  if (!in_userns && errno != EPERM)
    return dn_make_error (err, errno, "mknod `%s`", d->path);
  /* In a user namespace mknod is refused, so bind the host's node instead, as runc does. */
  cleanup_close int f = openat (dir, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (f < 0)
    return dn_make_error (err, errno, "create `%s`", d->path);
  cleanup_free char *target = fd_path (f);
  if (mount (d->path, target, NULL, MS_BIND, NULL) < 0)
    return dn_make_error (err, errno, "bind device `%s`", d->path);
  return 0;
}

static bool
dev_is_fresh_tmpfs (const struct dn_spec *spec)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (strcmp (spec->mounts[i].destination, "/dev") == 0)
      return !spec->mounts[i].bind;
  return false;
}

static int
populate_dev (int rootfd, const struct dn_spec *spec, dn_error_t *err)
{
  bool in_userns = spec->ns_new[DN_NS_USER] || spec->ns_path[DN_NS_USER];
  mode_t old = umask (0);
  int r = 0;
  for (size_t i = 0; r == 0 && i < sizeof default_devices / sizeof default_devices[0]; i++)
    {
      bool overridden = false;
      for (size_t j = 0; j < spec->n_devices; j++)
        overridden |= strcmp (spec->devices[j].path, default_devices[i].path) == 0;
      if (!overridden)
        r = make_device (rootfd, &default_devices[i], in_userns, err);
    }
  for (size_t i = 0; r == 0 && i < spec->n_devices; i++)
    r = make_device (rootfd, &spec->devices[i], in_userns, err);
  umask (old);
  if (r < 0)
    return -1;

  cleanup_close int devfd = dn_resolve_in_root (rootfd, "/dev", false, false, err);
  if (devfd < 0)
    return -1;
  cleanup_free char *devpath = fd_path (devfd);
  cleanup_close int dev = open (devpath, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dev < 0)
    return dn_make_error (err, errno, "open /dev");
  static const char *const links[][2] = {
    { "/proc/self/fd", "fd" },      { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" }, { "pts/ptmx", "ptmx" },
  };
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    {
      unlinkat (dev, links[i][1], 0);
      if (symlinkat (links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
        return dn_make_error (err, errno, "symlink /dev/%s", links[i][1]);
    }
  if (access ("/proc/kcore", F_OK) == 0 && symlinkat ("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
    return dn_make_error (err, errno, "symlink /dev/core");
  return 0;
}

int
dn_rootfs_prepare (const struct dn_spec *spec, dn_error_t *err)
{
  /* Nothing mounted for the container may propagate back to the host. */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return dn_make_error (err, errno, "make / rslave");
  if (mount (spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return dn_make_error (err, errno, "bind the rootfs `%s`", spec->rootfs);
  if (mount (NULL, spec->rootfs, NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return dn_make_error (err, errno, "make the rootfs private");
  cleanup_close int rootfd = open (spec->rootfs, O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (rootfd < 0)
    return dn_make_error (err, errno, "open the rootfs `%s`", spec->rootfs);
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (do_mount (rootfd, &spec->mounts[i], err) < 0)
      return -1;
  if (dev_is_fresh_tmpfs (spec) && populate_dev (rootfd, spec, err) < 0)
    return -1;
  return 0;
}

int
dn_rootfs_pivot (const char *rootfs, dn_error_t *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  cleanup_close int newroot = open (rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0 || newroot < 0)
    return dn_make_error (err, errno, "open the old or new root");
  if (fchdir (newroot) < 0)
    return dn_make_error (err, errno, "chdir to the rootfs");
  /* pivot_root(".", ".") stacks the old root on top of the new one; it is
   * then detached, which avoids needing a directory for it inside the image. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return dn_make_error (err, errno, "pivot_root");
  if (fchdir (oldroot) < 0)
    return dn_make_error (err, errno, "chdir to the old root");
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return dn_make_error (err, errno, "make the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return dn_make_error (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return dn_make_error (err, errno, "chdir /");
  return 0;
}

static int
write_sysctls (const struct dn_spec *spec, dn_error_t *err)
{
  for (size_t i = 0; i < spec->n_sysctls; i++)
    {
      cleanup_free char *path = xasprintf ("/proc/sys/%s", spec->sysctls[i].key);
      for (char *p = path + strlen ("/proc/sys/"); *p; p++)
        if (*p == '.')
          *p = '/';
      if (dn_write_file_at (AT_FDCWD, path, spec->sysctls[i].value, strlen (spec->sysctls[i].value), err) < 0)
        return dn_error_wrap (err, "sysctl %s", spec->sysctls[i].key);
    }
  return 0;
}

static int
mask_path (const char *path, dn_error_t *err)
{
  struct stat st;
  if (lstat (path, &st) < 0)
    return errno == ENOENT ? 0 : dn_make_error (err, errno, "stat masked path `%s`", path);
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", path, "tmpfs", MS_RDONLY, "size=0,nr_inodes=1") < 0)
        return dn_make_error (err, errno, "mask `%s`", path);
      return 0;
    }
  /* The node used for masking must really be /dev/null (CVE-2025-31133). */
  cleanup_close int null = open ("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat ns;
  if (null < 0 || fstat (null, &ns) < 0 || !S_ISCHR (ns.st_mode) || ns.st_rdev != makedev (1, 3))
    return dn_make_error (err, 0, "mask `%s`: /dev/null is not the null device", path);
  cleanup_free char *src = fd_path (null);
  if (mount (src, path, NULL, MS_BIND, NULL) < 0)
    return dn_make_error (err, errno, "mask `%s`", path);
  return 0;
}

static int
readonly_path (const char *path, dn_error_t *err)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return errno == ENOENT ? 0 : dn_make_error (err, errno, "bind read-only path `%s`", path);
  return remount_with_flags (path, MS_RDONLY | MS_REC, err);
}

int
dn_rootfs_finalize (const struct dn_spec *spec, dn_error_t *err)
{
  if (write_sysctls (spec, err) < 0)
    return -1;
  for (char **p = spec->readonly_paths; *p; p++)
    if (readonly_path (*p, err) < 0)
      return -1;
  for (char **p = spec->masked_paths; *p; p++)
    if (mask_path (*p, err) < 0)
      return -1;
  if (spec->root_readonly && remount_with_flags ("/", MS_RDONLY, err) < 0)
    return -1;
  if (spec->rootfs_propagation && mount (NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
    return dn_make_error (err, errno, "set rootfs propagation");
  return 0;
}

int
dn_rootfs_setup_console (const struct dn_spec *spec, int *master, int *slave, dn_error_t *err)
{
  char name[64];
  cleanup_close int m = -1, s = -1;
  if (dn_terminal_open_pty (&spec->process, &m, &s, name, err) < 0)
    return -1;
  int c = open ("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (c >= 0)
    close (c);
  if (mount (name, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return dn_make_error (err, errno, "bind `%s` on /dev/console", name);
  *master = steal_fd (&m);
  *slave = steal_fd (&s);
  return 0;
}
