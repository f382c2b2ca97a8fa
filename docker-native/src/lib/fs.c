#include "fs.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, data, len));
      if (n < 0)
        return -1;
      data += n;
      len -= (size_t) n;
    }
  return 0;
}

int
dn_write_file_at (int dirfd, const char *name, const char *data, size_t len, dn_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return dn_make_error (err, errno, "open `%s`", name);
  if (write_all (fd, data, len) < 0)
    return dn_make_error (err, errno, "write `%s` to `%s`", data, name);
  return 0;
}

int
dn_write_file_mode (const char *path, const char *data, mode_t mode, dn_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0)
    return dn_make_error (err, errno, "open `%s`", path);
  if (write_all (fd, data, strlen (data)) < 0)
    return dn_make_error (err, errno, "write `%s`", path);
  return 0;
}

static int
write_file_replacing (const char *path, const char *data, size_t len, bool durable, dn_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp", path);
  cleanup_close int fd = open (tmp, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return dn_make_error (err, errno, "open `%s`", tmp);
  if (write_all (fd, data, len) < 0 || (durable && fsync (fd) < 0))
    {
      int saved = errno;
      unlink (tmp);
      return dn_make_error (err, saved, "write `%s`", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return dn_make_error (err, saved, "rename `%s`", tmp);
    }
  return 0;
}

int
dn_write_file_atomic (const char *path, const char *data, size_t len, dn_error_t *err)
{
  return write_file_replacing (path, data, len, false, err);
}

int
dn_write_file_durable (const char *path, const char *data, size_t len, dn_error_t *err)
{
  return write_file_replacing (path, data, len, true, err);
}

int
dn_read_file_at (int dirfd, const char *name, char **out, size_t *len, dn_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return dn_make_error (err, errno, "open `%s`", name);
  size_t cap = 4096, used = 0;
  cleanup_free char *buf = xmalloc (cap + 1);
  for (;;)
    {
      if (used == cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap + 1);
        }
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf + used, cap - used));
      if (n < 0)
        return dn_make_error (err, errno, "read `%s`", name);
      if (n == 0)
        break;
      used += (size_t) n;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
dn_mkdir_p (const char *path, mode_t mode, dn_error_t *err)
{
  cleanup_free char *p = xstrdup (path);
  for (char *s = p + 1; *s; s++)
    {
      if (*s != '/')
        continue;
      *s = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return dn_make_error (err, errno, "mkdir `%s`", p);
      *s = '/';
    }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return dn_make_error (err, errno, "mkdir `%s`", p);
  return 0;
}

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  int r = (flag == FTW_DP) ? rmdir (path) : unlink (path);
  return (r < 0 && errno != ENOENT) ? -1 : 0;
}

int
dn_remove_tree (const char *path, dn_error_t *err)
{
  if (nftw (path, remove_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0 && errno != ENOENT)
    return dn_make_error (err, errno, "remove `%s`", path);
  return 0;
}
