/* The container's rootfs as an overlayfs over the image layers, mounted at
 * <bundle>/rootfs in the monitor's (the host's) mount namespace before
 * `runtime create`, so any runtime finds it there, and unmounted once the
 * container is deleted or the launch failed. */
#include "monitor.h"
#include "cleanup.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Above this the absolute options risk the kernel's one-page limit on mount
 * data (with the fs type's own additions), so the paths are made relative. */
#define OVERLAY_OPTS_ABSOLUTE_MAX 3500

static char *
rootfs_path (struct monitor *m)
{
  return xasprintf ("%s/rootfs", m->opt.bundle);
}

/* Appends S to *BUF (of *LEN bytes), growing it. */
static void
append (char **buf, size_t *len, const char *s)
{
  size_t l = strlen (s);
  *buf = xrealloc (*buf, *len + l + 1);
  memcpy (*buf + *len, s, l + 1);
  *len += l;
}

/* PATH without the leading PREFIX and its slash (PREFIX is a directory above it). */
static const char *
relative_to (const char *path, const char *prefix)
{
  if (prefix == NULL)
    return path;
  size_t l = strlen (prefix);
  return path + l + (l > 1 ? 1 : 0);
}

/* overlay wants lowerdir topmost first; the engine gives the layers lowest
 * first (the image's order), so they are joined in reverse. */
static char *
build_options (struct monitor *m, const char *prefix)
{
  struct monitor_options *o = &m->opt;
  size_t n = 0, len = 0;
  while (o->overlay_lower[n])
    n++;
  char *buf = NULL;
  append (&buf, &len, "lowerdir=");
  for (size_t i = n; i-- > 0;)
    {
      append (&buf, &len, relative_to (o->overlay_lower[i], prefix));
      if (i > 0)
        append (&buf, &len, ":");
    }
  append (&buf, &len, ",upperdir=");
  append (&buf, &len, relative_to (o->overlay_upper, prefix));
  append (&buf, &len, ",workdir=");
  append (&buf, &len, relative_to (o->overlay_work, prefix));
  return buf;
}

/* Shortens *PREFIX to the directory that also holds PATH (component-wise). */
static void
common_dir (char **prefix, const char *path)
{
  cleanup_free char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  if (slash == dir)
    slash[1] = '\0';
  else if (slash)
    *slash = '\0';
  if (*prefix == NULL)
    {
      *prefix = steal_pointer (&dir);
      return;
    }
  size_t i = 0, last = 0;
  while ((*prefix)[i] && (*prefix)[i] == dir[i])
    {
      if ((*prefix)[i] == '/')
        last = i;
      i++;
    }
  if ((*prefix)[i] == '\0' && (dir[i] == '/' || dir[i] == '\0'))
    last = i;
  (*prefix)[last > 0 ? last : 1] = '\0';
}

/* The directory above every layer, upper and work dir: mounting from there
 * with relative paths is how moby keeps many layers within one page. */
static char *
common_parent (struct monitor *m)
{
  char *prefix = NULL;
  for (char **l = m->opt.overlay_lower; *l; l++)
    common_dir (&prefix, *l);
  common_dir (&prefix, m->opt.overlay_upper);
  common_dir (&prefix, m->opt.overlay_work);
  return prefix;
}

static int
do_mount (const char *target, const char *dir, const char *opts, dn_error_t *err)
{
  /* The monitor is single-threaded and works from "/"; the detour is brief. */
  if (dir && chdir (dir) < 0)
    return dn_make_error (err, errno, "overlay: chdir `%s`", dir);
  int r = mount ("overlay", target, "overlay", 0, opts);
  int saved = errno;
  if (dir && chdir ("/") < 0 && r == 0)
    {
      saved = errno;
      umount2 (target, MNT_DETACH);
      r = -1;
    }
  if (r < 0)
    return dn_make_error (err, saved, "mount the overlay rootfs on `%s`", target);
  return 0;
}

int
overlay_mount (struct monitor *m, dn_error_t *err)
{
  if (m->opt.overlay_lower == NULL)
    return 0;
  cleanup_free char *target = rootfs_path (m);
  cleanup_free char *opts = build_options (m, NULL);
  cleanup_free char *dir = NULL;
  if (strlen (opts) > OVERLAY_OPTS_ABSOLUTE_MAX)
    {
      dir = common_parent (m);
      free (opts);
      opts = build_options (m, dir);
      long page = sysconf (_SC_PAGESIZE);
      if ((long) strlen (opts) >= page)
        return dn_make_error (err, 0, "overlay: the mount options are %zu bytes even relative to `%s`; the kernel "
                                      "takes at most %ld",
                              strlen (opts), dir, page - 1);
    }

  if (mkdir (target, 0755) == 0)
    m->rootfs_made = true;
  else if (errno != EEXIST)
    return dn_make_error (err, errno, "mkdir `%s`", target);
  if (do_mount (target, dir, opts, err) < 0)
    {
      if (m->rootfs_made)
        rmdir (target);
      m->rootfs_made = false;
      return -1;
    }
  m->overlay_mounted = true;
  /* Private, so the mount neither spreads to peer namespaces nor outlives our unmount there. */
  if (mount (NULL, target, NULL, MS_PRIVATE, NULL) < 0)
    {
      int saved = errno;
      overlay_unmount (m);
      return dn_make_error (err, saved, "make the overlay rootfs `%s` private", target);
    }
  return 0;
}

void
overlay_unmount (struct monitor *m)
{
  cleanup_free char *target = rootfs_path (m);
  /* Lazy: a straggler that still holds a file in it must not keep the mount on the host. */
  if (m->overlay_mounted)
    umount2 (target, MNT_DETACH);
  m->overlay_mounted = false;
  if (m->rootfs_made)
    rmdir (target);
  m->rootfs_made = false;
}
