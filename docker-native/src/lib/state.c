#include "state.h"
#include "cgroup.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

const char *
dn_status_name (enum dn_status st)
{
  switch (st)
    {
    case DN_STATUS_CREATED:
      return "created";
    case DN_STATUS_RUNNING:
      return "running";
    case DN_STATUS_PAUSED:
      return "paused";
    default:
      return "stopped";
    }
}

int
dn_state_check_id (const char *id, dn_error_t *err)
{
  size_t len = strlen (id);
  if (len == 0 || len > 1024)
    return dn_make_error (err, 0, "invalid container id `%s`", id);
  for (size_t i = 0; i < len; i++)
    {
      char c = id[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || (i > 0 && strchr ("_.+-", c));
      if (!ok)
        return dn_make_error (err, 0, "invalid container id `%s`", id);
    }
  return 0;
}

char *
dn_state_dir (const char *root, const char *id)
{
  return xasprintf ("%s/%s", root, id);
}

int
dn_state_create_dir (const char *root, const char *id, dn_error_t *err)
{
  if (dn_mkdir_p (root, 0700, err) < 0)
    return -1;
  cleanup_free char *dir = dn_state_dir (root, id);
  if (mkdir (dir, 0700) < 0)
    {
      if (errno == EEXIST)
        return dn_make_error (err, 0, "container with id `%s` already exists", id);
      return dn_make_error (err, errno, "mkdir `%s`", dir);
    }
  return 0;
}

int
dn_state_write (const char *root, const struct dn_state *st, dn_error_t *err)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "id", json_object_new_string (st->id));
  json_object_object_add (o, "pid", json_object_new_int (st->pid));
  json_object_object_add (o, "pidStartTime", json_object_new_uint64 (st->start_time));
  json_object_object_add (o, "bundle", json_object_new_string (st->bundle));
  json_object_object_add (o, "rootfs", json_object_new_string (st->rootfs));
  json_object_object_add (o, "created", json_object_new_string (st->created));
  json_object_object_add (o, "ociVersion", json_object_new_string (st->oci_version));
  if (st->cgroup_path)
    json_object_object_add (o, "cgroupPath", json_object_new_string (st->cgroup_path));
  if (st->annotations)
    json_object_object_add (o, "annotations", json_object_get (st->annotations));
  const char *text = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN);
  cleanup_free char *path = xasprintf ("%s/%s/state.json", root, st->id);
  int r = dn_write_file_atomic (path, text, strlen (text), err);
  json_object_put (o);
  return r;
}

static char *
dup_member (json_object *o, const char *key)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return xstrdup (json_object_get_string (v));
}

int
dn_state_load (const char *root, const char *id, struct dn_state **out, dn_error_t *err)
{
  if (dn_state_check_id (id, err) < 0)
    return -1;
  cleanup_free char *dir = dn_state_dir (root, id);
  cleanup_free char *text = NULL;
  cleanup_free char *path = xasprintf ("%s/state.json", dir);
  if (dn_read_file_at (AT_FDCWD, path, &text, NULL, err) < 0)
    {
      if ((*err)->status == ENOENT)
        {
          dn_error_release (err);
          return dn_make_error (err, 0, "container `%s` does not exist", id);
        }
      return -1;
    }
  json_object *o = json_tokener_parse (text);
  if (o == NULL || !json_object_is_type (o, json_type_object))
    {
      if (o)
        json_object_put (o);
      return dn_make_error (err, 0, "state of container `%s` is corrupt", id);
    }
  cleanup_state struct dn_state *st = xmalloc0 (sizeof *st);
  json_object *v;
  st->id = xstrdup (id);
  st->bundle = dup_member (o, "bundle");
  st->rootfs = dup_member (o, "rootfs");
  st->created = dup_member (o, "created");
  st->oci_version = dup_member (o, "ociVersion");
  st->cgroup_path = dup_member (o, "cgroupPath");
  if (json_object_object_get_ex (o, "pid", &v))
    st->pid = json_object_get_int (v);
  if (json_object_object_get_ex (o, "pidStartTime", &v))
    st->start_time = json_object_get_uint64 (v);
  if (json_object_object_get_ex (o, "annotations", &v))
    st->annotations = json_object_get (v);
  json_object_put (o);
  if (st->bundle == NULL || st->created == NULL || st->pid <= 0)
    return dn_make_error (err, 0, "state of container `%s` is corrupt", id);
  *out = steal_pointer (&st);
  return 0;
}

int
dn_proc_start_time (pid_t pid, unsigned long long *out, char *state_char)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  cleanup_free char *text = NULL;
  if (dn_read_file_at (AT_FDCWD, path, &text, NULL, NULL) < 0)
    return -1;
  /* The command name may hold spaces and parentheses, so parse after the last ')'. */
  char *p = strrchr (text, ')');
  if (p == NULL)
    {
      errno = EINVAL;
      return -1;
    }
  p += 2;
  if (state_char)
    *state_char = *p;
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        {
          errno = EINVAL;
          return -1;
        }
      p++;
    }
  *out = strtoull (p, NULL, 10);
  return 0;
}

bool
dn_state_process_alive (const struct dn_state *st)
{
  unsigned long long start;
  char state_char = 0;
  if (dn_proc_start_time (st->pid, &start, &state_char) < 0)
    return false;
  return start == st->start_time && state_char != 'Z' && state_char != 'X';
}

int
dn_state_status (const char *root, const struct dn_state *st, enum dn_status *out, dn_error_t *err)
{
  if (!dn_state_process_alive (st))
    {
      *out = DN_STATUS_STOPPED;
      return 0;
    }
  cleanup_free char *fifo = xasprintf ("%s/%s/%s", root, st->id, DN_EXEC_FIFO);
  if (access (fifo, F_OK) == 0)
    {
      *out = DN_STATUS_CREATED;
      return 0;
    }
  *out = DN_STATUS_RUNNING;
  if (st->cgroup_path)
    {
      cleanup_cgroup dn_cgroup_t *cg = NULL;
      bool frozen = false;
      if (dn_cgroup_load (st->cgroup_path, &cg, err) < 0 || dn_cgroup_is_frozen (cg, &frozen, err) < 0)
        return -1;
      if (frozen)
        *out = DN_STATUS_PAUSED;
    }
  return 0;
}

char *
dn_state_to_json (const struct dn_state *st, enum dn_status status)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "ociVersion", json_object_new_string (st->oci_version ? st->oci_version : "1.0.2"));
  json_object_object_add (o, "id", json_object_new_string (st->id));
  json_object_object_add (o, "status", json_object_new_string (dn_status_name (status)));
  json_object_object_add (o, "pid", json_object_new_int (status == DN_STATUS_STOPPED ? 0 : st->pid));
  json_object_object_add (o, "bundle", json_object_new_string (st->bundle));
  json_object_object_add (o, "rootfs", json_object_new_string (st->rootfs ? st->rootfs : ""));
  json_object_object_add (o, "created", json_object_new_string (st->created));
  json_object_object_add (o, "annotations", st->annotations ? json_object_get (st->annotations)
                                                            : json_object_new_object ());
  char *s = xstrdup (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
  json_object_put (o);
  return s;
}

int
dn_state_remove (const char *root, const char *id, dn_error_t *err)
{
  cleanup_free char *dir = dn_state_dir (root, id);
  return dn_remove_tree (dir, err);
}

void
dn_state_free (struct dn_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->cgroup_path);
  free (st->created);
  free (st->oci_version);
  if (st->annotations)
    json_object_put (st->annotations);
  free (st);
}
