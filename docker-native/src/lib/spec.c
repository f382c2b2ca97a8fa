#include "spec.h"
#include "cleanup.h"
#include "fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Typed accessors: each returns -1 with a message naming the JSON field. */

static int
get_member (json_object *obj, const char *key, json_type type, const char *where, json_object **out,
            dn_error_t *err)
{
  json_object *v = NULL;
  *out = NULL;
  if (obj == NULL || !json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (type == json_type_double && json_object_is_type (v, json_type_int))
    ;
  else if (!json_object_is_type (v, type))
    return dn_make_error (err, 0, "%s.%s: expected %s", where, key, json_type_to_name (type));
  *out = v;
  return 1;
}

static int
get_string (json_object *obj, const char *key, const char *where, char **out, dn_error_t *err)
{
  json_object *v;
  int r = get_member (obj, key, json_type_string, where, &v, err);
  if (r <= 0)
    return r;
  *out = xstrdup (json_object_get_string (v));
  return 1;
}

static int
get_bool (json_object *obj, const char *key, const char *where, bool *out, dn_error_t *err)
{
  json_object *v;
  int r = get_member (obj, key, json_type_boolean, where, &v, err);
  if (r <= 0)
    return r;
  *out = json_object_get_boolean (v);
  return 1;
}

static int
get_int64 (json_object *obj, const char *key, const char *where, int64_t *out, dn_error_t *err)
{
  json_object *v;
  int r = get_member (obj, key, json_type_int, where, &v, err);
  if (r <= 0)
    return r;
  errno = 0;
  *out = json_object_get_int64 (v);
  if (errno == EINVAL)
    return dn_make_error (err, 0, "%s.%s: not an integer", where, key);
  return 1;
}

static int
get_uint32 (json_object *obj, const char *key, const char *where, uint32_t *out, dn_error_t *err)
{
  int64_t v = 0;
  int r = get_int64 (obj, key, where, &v, err);
  if (r <= 0)
    return r;
  if (v < 0 || v > UINT32_MAX)
    return dn_make_error (err, 0, "%s.%s: %lld is out of range", where, key, (long long) v);
  *out = (uint32_t) v;
  return 1;
}

static int
get_strv (json_object *obj, const char *key, const char *where, char ***out, dn_error_t *err)
{
  json_object *v;
  int r = get_member (obj, key, json_type_array, where, &v, err);
  if (r < 0)
    return r;
  size_t n = r ? json_object_array_length (v) : 0;
  char **strv = xmalloc0 ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    {
      json_object *s = json_object_array_get_idx (v, i);
      if (!json_object_is_type (s, json_type_string))
        {
          dn_strv_free (strv);
          return dn_make_error (err, 0, "%s.%s[%zu]: expected string", where, key, i);
        }
      strv[i] = xstrdup (json_object_get_string (s));
    }
  *out = strv;
  return r;
}

int
dn_cap_from_name (const char *name, int *out, dn_error_t *err)
{
  cap_value_t v;
  if (strncmp (name, "CAP_", 4) != 0 || name[4] == '\0')
    return dn_make_error (err, 0, "unknown capability `%s`", name);
  cleanup_free char *lower = xstrdup (name);
  for (char *p = lower; *p; p++)
    *p = (char) tolower ((unsigned char) *p);
  if (cap_from_name (lower, &v) < 0 || v < 0 || v > 63)
    return dn_make_error (err, 0, "unknown capability `%s`", name);
  *out = v;
  return 0;
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int
dn_rlimit_from_name (const char *name, int *out, dn_error_t *err)
{
  for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strcmp (name, rlimit_names[i].name) == 0)
      {
        *out = rlimit_names[i].resource;
        return 0;
      }
  return dn_make_error (err, 0, "unknown rlimit `%s`", name);
}

static const struct
{
  const char *name;
  bool clear;
  unsigned long flag;
} mount_flags[] = {
  { "ro", false, MS_RDONLY },          { "rw", true, MS_RDONLY },
  { "nosuid", false, MS_NOSUID },      { "suid", true, MS_NOSUID },
  { "nodev", false, MS_NODEV },        { "dev", true, MS_NODEV },
  { "noexec", false, MS_NOEXEC },      { "exec", true, MS_NOEXEC },
  { "sync", false, MS_SYNCHRONOUS },   { "async", true, MS_SYNCHRONOUS },
  { "dirsync", false, MS_DIRSYNC },    { "remount", false, MS_REMOUNT },
  { "noatime", false, MS_NOATIME },    { "atime", true, MS_NOATIME },
  { "nodiratime", false, MS_NODIRATIME }, { "diratime", true, MS_NODIRATIME },
  { "relatime", false, MS_RELATIME },  { "norelatime", true, MS_RELATIME },
  { "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
  { "bind", false, MS_BIND },          { "rbind", false, MS_BIND | MS_REC },
  { "defaults", false, 0 },
};

static const struct
{
  const char *name;
  unsigned long flag;
} propagation_flags[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int
propagation_from_name (const char *name, unsigned long *out)
{
  for (size_t i = 0; i < sizeof propagation_flags / sizeof propagation_flags[0]; i++)
    if (strcmp (name, propagation_flags[i].name) == 0)
      {
        *out = propagation_flags[i].flag;
        return 0;
      }
  return -1;
}

int
dn_mount_options_parse (json_object *options, struct dn_mount *m, dn_error_t *err)
{
  size_t n = options ? json_object_array_length (options) : 0;
  size_t data_len = 0;
  cleanup_free char *data = xmalloc0 (1);
  for (size_t i = 0; i < n; i++)
    {
      json_object *o = json_object_array_get_idx (options, i);
      if (!json_object_is_type (o, json_type_string))
        return dn_make_error (err, 0, "mount `%s`: options[%zu]: expected string",
                              m->destination, i);
      const char *opt = json_object_get_string (o);
      bool known = false;
      for (size_t j = 0; j < sizeof mount_flags / sizeof mount_flags[0]; j++)
        if (strcmp (opt, mount_flags[j].name) == 0)
          {
            if (mount_flags[j].clear)
              m->flags &= ~mount_flags[j].flag;
            else
              m->flags |= mount_flags[j].flag;
            known = true;
            break;
          }
      if (known)
        continue;
      if (propagation_from_name (opt, &m->propagation) == 0)
        continue;
      /* runc-only hints that have no kernel meaning. */
      if (strcmp (opt, "tmpcopyup") == 0 || strcmp (opt, "nocopyup") == 0)
        continue;
      if (strcmp (opt, "idmap") == 0 || strcmp (opt, "ridmap") == 0)
        return dn_make_error (err, 0, "mount `%s`: option `%s` is not supported",
                              m->destination, opt);
      size_t l = strlen (opt);
      data = xrealloc (data, data_len + l + 2);
      if (data_len)
        data[data_len++] = ',';
      memcpy (data + data_len, opt, l + 1);
      data_len += l;
    }
  if (m->flags & MS_BIND)
    m->bind = true;
  m->data = data_len ? steal_pointer (&data) : NULL;
  return 0;
}

static const char *
bundle_path (struct dn_spec *s, const char *p, char **owned)
{
  if (p[0] == '/')
    return p;
  *owned = xasprintf ("%s/%s", s->bundle, p);
  return *owned;
}

/* Refuses destinations that climb out of the root lexically; symlinks are
 * checked when the mount is made, inside the rootfs. */
static int
check_destination (const char *dest, dn_error_t *err)
{
  if (dest[0] != '/')
    return dn_make_error (err, 0, "mount destination `%s` is not absolute", dest);
  int depth = 0;
  const char *p = dest;
  while (*p)
    {
      while (*p == '/')
        p++;
      const char *end = strchrnul (p, '/');
      size_t len = (size_t) (end - p);
      if (len == 2 && p[0] == '.' && p[1] == '.')
        {
          if (--depth < 0)
            return dn_make_error (err, 0, "mount destination `%s` escapes the container root",
                                  dest);
        }
      else if (len > 0 && !(len == 1 && p[0] == '.'))
        depth++;
      p = end;
    }
  return 0;
}

static int
parse_mounts (struct dn_spec *s, json_object *root, dn_error_t *err)
{
  json_object *mounts;
  int r = get_member (root, "mounts", json_type_array, "spec", &mounts, err);
  if (r <= 0)
    return r;
  s->n_mounts = json_object_array_length (mounts);
  s->mounts = xmalloc0 (s->n_mounts * sizeof (struct dn_mount) + 1);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      json_object *m = json_object_array_get_idx (mounts, i);
      struct dn_mount *dm = &s->mounts[i];
      json_object *options;
      cleanup_free char *where = xasprintf ("mounts[%zu]", i);
      if (!json_object_is_type (m, json_type_object))
        return dn_make_error (err, 0, "%s: expected object", where);
      if (get_string (m, "destination", where, &dm->destination, err) < 0)
        return -1;
      if (dm->destination == NULL)
        return dn_make_error (err, 0, "%s: destination is required", where);
      if (check_destination (dm->destination, err) < 0)
        return -1;
      if (get_string (m, "type", where, &dm->type, err) < 0 || get_string (m, "source", where, &dm->source, err) < 0
          || get_member (m, "options", json_type_array, where, &options, err) < 0)
        return -1;
      if (dn_mount_options_parse (options, dm, err) < 0)
        return -1;
      if (dm->type && strcmp (dm->type, "bind") == 0)
        dm->bind = true;
      if (dm->bind)
        {
          if (dm->source == NULL)
            return dn_make_error (err, 0, "%s: a bind mount needs a source", where);
          cleanup_free char *owned = NULL;
          const char *abs = bundle_path (s, dm->source, &owned);
          if (owned)
            {
              free (dm->source);
              dm->source = steal_pointer (&owned);
            }
          (void) abs;
        }
    }
  return 0;
}

static int
parse_caps (struct dn_process *s, json_object *process, dn_error_t *err)
{
  static const char *const names[DN_CAP_SETS] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
  json_object *caps;
  int r = get_member (process, "capabilities", json_type_object, "process", &caps, err);
  if (r <= 0)
    return r;
  s->has_caps = true;
  for (int set = 0; set < DN_CAP_SETS; set++)
    {
      cleanup_strv char **list = NULL;
      if (get_strv (caps, names[set], "process.capabilities", &list, err) < 0)
        return -1;
      for (char **c = list; *c; c++)
        {
          int v;
          if (dn_cap_from_name (*c, &v, err) < 0)
            return dn_error_wrap (err, "process.capabilities.%s", names[set]);
          s->caps[set] |= 1ULL << v;
        }
    }
  return 0;
}

static int
parse_rlimits (struct dn_process *s, json_object *process, dn_error_t *err)
{
  json_object *rl;
  int r = get_member (process, "rlimits", json_type_array, "process", &rl, err);
  if (r <= 0)
    return r;
  s->n_rlimits = json_object_array_length (rl);
  s->rlimits = xmalloc0 (s->n_rlimits * sizeof (struct dn_rlimit) + 1);
  for (size_t i = 0; i < s->n_rlimits; i++)
    {
      json_object *o = json_object_array_get_idx (rl, i);
      cleanup_free char *type = NULL;
      int64_t soft = 0, hard = 0;
      if (get_string (o, "type", "process.rlimits", &type, err) < 0
          || get_int64 (o, "soft", "process.rlimits", &soft, err) < 0
          || get_int64 (o, "hard", "process.rlimits", &hard, err) < 0)
        return -1;
      if (type == NULL)
        return dn_make_error (err, 0, "process.rlimits[%zu]: type is required", i);
      if (dn_rlimit_from_name (type, &s->rlimits[i].resource, err) < 0)
        return dn_error_wrap (err, "process.rlimits[%zu]", i);
      /* JSON carries RLIM_INFINITY as its unsigned value, which json-c clamps. */
      s->rlimits[i].soft = (soft < 0 || soft == INT64_MAX) ? RLIM_INFINITY : (rlim_t) soft;
      s->rlimits[i].hard = (hard < 0 || hard == INT64_MAX) ? RLIM_INFINITY : (rlim_t) hard;
      if (s->rlimits[i].soft > s->rlimits[i].hard)
        return dn_make_error (err, 0, "%s: soft limit exceeds hard limit", type);
    }
  return 0;
}

/* The process object, in config.json or standalone; errors name fields as "process.x". */
static int
parse_process_object (struct dn_process *s, json_object *process, dn_error_t *err)
{
  json_object *user, *console, *gids;
  if (!json_object_is_type (process, json_type_object))
    return dn_make_error (err, 0, "process: expected object");
  if (get_bool (process, "terminal", "process", &s->terminal, err) < 0)
    return -1;
  if (get_member (process, "consoleSize", json_type_object, "process", &console, err) < 0)
    return -1;
  if (console)
    {
      uint32_t h = 0, w = 0;
      if (get_uint32 (console, "height", "process.consoleSize", &h, err) < 0
          || get_uint32 (console, "width", "process.consoleSize", &w, err) < 0)
        return -1;
      s->console_height = (unsigned short) h;
      s->console_width = (unsigned short) w;
    }
  if (get_member (process, "user", json_type_object, "process", &user, err) < 0)
    return -1;
  uint32_t uid = 0, gid = 0, umask_v = 0;
  if (get_uint32 (user, "uid", "process.user", &uid, err) < 0 || get_uint32 (user, "gid", "process.user", &gid, err) < 0)
    return -1;
  int r = get_uint32 (user, "umask", "process.user", &umask_v, err);
  if (r < 0)
    return -1;
  s->uid = uid;
  s->gid = gid;
  s->has_umask = r > 0;
  s->umask = (mode_t) (umask_v & 0777);
  if (get_member (user, "additionalGids", json_type_array, "process.user", &gids, err) < 0)
    return -1;
  s->n_additional_gids = gids ? json_object_array_length (gids) : 0;
  s->additional_gids = xmalloc0 (s->n_additional_gids * sizeof (gid_t) + 1);
  for (size_t i = 0; i < s->n_additional_gids; i++)
    {
      json_object *g = json_object_array_get_idx (gids, i);
      int64_t v = json_object_get_int64 (g);
      if (!json_object_is_type (g, json_type_int) || v < 0 || v > UINT32_MAX)
        return dn_make_error (err, 0, "process.user.additionalGids[%zu]: expected a gid", i);
      s->additional_gids[i] = (gid_t) v;
    }
  if (get_strv (process, "args", "process", &s->args, err) < 0 || get_strv (process, "env", "process", &s->env, err) < 0
      || get_string (process, "cwd", "process", &s->cwd, err) < 0)
    return -1;
  if (s->args[0] == NULL)
    return dn_make_error (err, 0, "process.args must not be empty");
  if (s->cwd == NULL)
    s->cwd = xstrdup ("/");
  if (s->cwd[0] != '/')
    return dn_make_error (err, 0, "process.cwd `%s` is not absolute", s->cwd);
  if (parse_caps (s, process, err) < 0 || parse_rlimits (s, process, err) < 0)
    return -1;
  r = get_bool (process, "noNewPrivileges", "process", &s->no_new_privileges, err);
  if (r < 0)
    return -1;
  s->has_no_new_privileges = r > 0;
  int64_t oom = 0;
  r = get_int64 (process, "oomScoreAdj", "process", &oom, err);
  if (r < 0)
    return -1;
  if (r > 0 && (oom < -1000 || oom > 1000))
    return dn_make_error (err, 0, "process.oomScoreAdj %lld is outside -1000..1000", (long long) oom);
  s->has_oom_score_adj = r > 0;
  s->oom_score_adj = (int) oom;
  return 0;
}

static int
parse_process (struct dn_spec *s, json_object *root, dn_error_t *err)
{
  json_object *process;
  if (get_member (root, "process", json_type_object, "spec", &process, err) < 0)
    return -1;
  if (process == NULL)
    return dn_make_error (err, 0, "process is required");
  return parse_process_object (&s->process, process, err);
}

static int
parse_root (struct dn_spec *s, json_object *root, dn_error_t *err)
{
  json_object *r;
  cleanup_free char *path = NULL, *owned = NULL;
  if (get_member (root, "root", json_type_object, "spec", &r, err) < 0 || get_string (r, "path", "root", &path, err) < 0
      || get_bool (r, "readonly", "root", &s->root_readonly, err) < 0)
    return -1;
  if (path == NULL)
    return dn_make_error (err, 0, "root.path is required");
  const char *abs = bundle_path (s, path, &owned);
  char resolved[PATH_MAX];
  if (realpath (abs, resolved) == NULL)
    return dn_make_error (err, errno, "rootfs `%s`", abs);
  struct stat st;
  if (stat (resolved, &st) < 0)
    return dn_make_error (err, errno, "rootfs `%s`", resolved);
  if (!S_ISDIR (st.st_mode))
    return dn_make_error (err, ENOTDIR, "rootfs `%s`", resolved);
  s->rootfs = xstrdup (resolved);
  return 0;
}

static int
ns_from_name (const char *name)
{
  static const char *const names[DN_NS_COUNT] = {
    [DN_NS_USER] = "user", [DN_NS_IPC] = "ipc",     [DN_NS_UTS] = "uts",       [DN_NS_NET] = "network",
    [DN_NS_PID] = "pid",   [DN_NS_MOUNT] = "mount", [DN_NS_CGROUP] = "cgroup",
  };
  for (int i = 0; i < DN_NS_COUNT; i++)
    if (strcmp (name, names[i]) == 0)
      return i;
  return -1;
}

static int
parse_id_maps (json_object *linux_obj, const char *key, struct dn_id_map **out, size_t *n, dn_error_t *err)
{
  json_object *maps;
  int r = get_member (linux_obj, key, json_type_array, "linux", &maps, err);
  if (r < 0)
    return -1;
  *n = r ? json_object_array_length (maps) : 0;
  *out = xmalloc0 (*n * sizeof (struct dn_id_map) + 1);
  for (size_t i = 0; i < *n; i++)
    {
      json_object *m = json_object_array_get_idx (maps, i);
      cleanup_free char *where = xasprintf ("linux.%s[%zu]", key, i);
      if (get_uint32 (m, "containerID", where, &(*out)[i].container_id, err) < 0
          || get_uint32 (m, "hostID", where, &(*out)[i].host_id, err) < 0
          || get_uint32 (m, "size", where, &(*out)[i].size, err) < 0)
        return -1;
      if ((*out)[i].size == 0)
        return dn_make_error (err, 0, "%s: size must be positive", where);
    }
  return 0;
}

static int
parse_devices (struct dn_spec *s, json_object *linux_obj, dn_error_t *err)
{
  json_object *devs;
  int r = get_member (linux_obj, "devices", json_type_array, "linux", &devs, err);
  if (r < 0)
    return -1;
  s->n_devices = r ? json_object_array_length (devs) : 0;
  s->devices = xmalloc0 (s->n_devices * sizeof (struct dn_device) + 1);
  for (size_t i = 0; i < s->n_devices; i++)
    {
      json_object *d = json_object_array_get_idx (devs, i);
      struct dn_device *dev = &s->devices[i];
      cleanup_free char *type = NULL;
      int64_t major = 0, minor = 0;
      uint32_t mode = 0666, uid = 0, gid = 0;
      if (get_string (d, "path", "linux.devices", &dev->path, err) < 0
          || get_string (d, "type", "linux.devices", &type, err) < 0
          || get_int64 (d, "major", "linux.devices", &major, err) < 0
          || get_int64 (d, "minor", "linux.devices", &minor, err) < 0
          || get_uint32 (d, "fileMode", "linux.devices", &mode, err) < 0
          || get_uint32 (d, "uid", "linux.devices", &uid, err) < 0
          || get_uint32 (d, "gid", "linux.devices", &gid, err) < 0)
        return -1;
      if (dev->path == NULL || type == NULL || dev->path[0] != '/' || strlen (type) != 1 || !strchr ("cbup", type[0]))
        return dn_make_error (err, 0, "linux.devices[%zu]: needs an absolute path and type c, b, u or p",
                              i);
      if (check_destination (dev->path, err) < 0)
        return -1;
      dev->type = type[0] == 'u' ? 'c' : type[0];
      dev->major = (unsigned) major;
      dev->minor = (unsigned) minor;
      dev->mode = (mode_t) (mode & 07777);
      dev->uid = uid;
      dev->gid = gid;
    }
  return 0;
}

static int
parse_sysctls (struct dn_spec *s, json_object *linux_obj, dn_error_t *err)
{
  json_object *sys;
  int r = get_member (linux_obj, "sysctl", json_type_object, "linux", &sys, err);
  if (r <= 0)
    return r;
  s->n_sysctls = (size_t) json_object_object_length (sys);
  s->sysctls = xmalloc0 (s->n_sysctls * sizeof (struct dn_sysctl) + 1);
  size_t i = 0;
  json_object_object_foreach (sys, key, val)
  {
    if (!json_object_is_type (val, json_type_string))
      return dn_make_error (err, 0, "linux.sysctl.%s: expected string", key);
    if (strstr (key, "..") || strchr (key, '/'))
      return dn_make_error (err, 0, "linux.sysctl: invalid key `%s`", key);
    s->sysctls[i].key = xstrdup (key);
    s->sysctls[i].value = xstrdup (json_object_get_string (val));
    i++;
  }
  return 0;
}

static int
parse_linux (struct dn_spec *s, json_object *root, dn_error_t *err)
{
  json_object *lx, *nss;
  if (get_member (root, "linux", json_type_object, "spec", &lx, err) < 0)
    return -1;
  if (lx == NULL)
    return dn_make_error (err, 0, "linux is required");
  if (get_member (lx, "namespaces", json_type_array, "linux", &nss, err) < 0)
    return -1;
  size_t n = nss ? json_object_array_length (nss) : 0;
  for (size_t i = 0; i < n; i++)
    {
      json_object *ns = json_object_array_get_idx (nss, i);
      cleanup_free char *type = NULL, *path = NULL;
      if (get_string (ns, "type", "linux.namespaces", &type, err) < 0
          || get_string (ns, "path", "linux.namespaces", &path, err) < 0)
        return -1;
      int idx = type ? ns_from_name (type) : -1;
      if (idx < 0)
        return dn_make_error (err, 0, "linux.namespaces[%zu]: unknown type `%s`", i,
                              type ? type : "(none)");
      if (s->ns_new[idx] || s->ns_path[idx])
        return dn_make_error (err, 0, "linux.namespaces: `%s` given twice", type);
      if (path && path[0])
        s->ns_path[idx] = steal_pointer (&path);
      else
        s->ns_new[idx] = true;
    }
  if (!s->ns_new[DN_NS_MOUNT] && !s->ns_path[DN_NS_MOUNT])
    return dn_make_error (err, 0, "linux.namespaces must include a mount namespace");
  if (parse_id_maps (lx, "uidMappings", &s->uid_maps, &s->n_uid_maps, err) < 0
      || parse_id_maps (lx, "gidMappings", &s->gid_maps, &s->n_gid_maps, err) < 0)
    return -1;
  if (s->ns_new[DN_NS_USER] && (s->n_uid_maps == 0 || s->n_gid_maps == 0))
    return dn_make_error (err, 0, "a new user namespace needs uidMappings and gidMappings");
  if (get_string (lx, "cgroupsPath", "linux", &s->cgroups_path, err) < 0
      || get_member (lx, "resources", json_type_object, "linux", &s->resources, err) < 0
      || get_member (lx, "seccomp", json_type_object, "linux", &s->seccomp, err) < 0
      || get_strv (lx, "maskedPaths", "linux", &s->masked_paths, err) < 0
      || get_strv (lx, "readonlyPaths", "linux", &s->readonly_paths, err) < 0)
    return -1;
  for (char **p = s->masked_paths; *p; p++)
    if (check_destination (*p, err) < 0)
      return -1;
  for (char **p = s->readonly_paths; *p; p++)
    if (check_destination (*p, err) < 0)
      return -1;
  cleanup_free char *prop = NULL;
  if (get_string (lx, "rootfsPropagation", "linux", &prop, err) < 0)
    return -1;
  if (prop && prop[0] && propagation_from_name (prop, &s->rootfs_propagation) < 0)
    return dn_make_error (err, 0, "linux.rootfsPropagation: unknown value `%s`", prop);
  return parse_devices (s, lx, err) < 0 ? -1 : parse_sysctls (s, lx, err);
}

static int
spec_parse (const char *text, const char *bundle, struct dn_spec **out, dn_error_t *err)
{
  enum json_tokener_error jerr = json_tokener_success;
  json_object *root = json_tokener_parse_verbose (text, &jerr);
  if (root == NULL)
    return dn_make_error (err, 0, "invalid JSON: %s", json_tokener_error_desc (jerr));
  cleanup_spec struct dn_spec *s = xmalloc0 (sizeof *s);
  s->json = root;
  s->bundle = xstrdup (bundle);
  if (!json_object_is_type (root, json_type_object))
    return dn_make_error (err, 0, "expected a JSON object");
  if (get_string (root, "ociVersion", "spec", &s->oci_version, err) < 0)
    return -1;
  if (s->oci_version == NULL)
    return dn_make_error (err, 0, "ociVersion is required");
  json_object *hooks;
  if (get_member (root, "hooks", json_type_object, "spec", &hooks, err) < 0)
    return -1;
  if (hooks && json_object_object_length (hooks) > 0)
    return dn_make_error (err, 0, "hooks are not supported");
  if (parse_process (s, root, err) < 0 || parse_root (s, root, err) < 0)
    return -1;
  if (get_string (root, "hostname", "spec", &s->hostname, err) < 0
      || get_string (root, "domainname", "spec", &s->domainname, err) < 0
      || get_member (root, "annotations", json_type_object, "spec", &s->annotations, err) < 0)
    return -1;
  if (parse_mounts (s, root, err) < 0 || parse_linux (s, root, err) < 0)
    return -1;
  if ((s->hostname || s->domainname) && !s->ns_new[DN_NS_UTS] && !s->ns_path[DN_NS_UTS])
    return dn_make_error (err, 0, "hostname needs a private UTS namespace");
  *out = steal_pointer (&s);
  return 0;
}

int
dn_spec_parse (const char *text, const char *bundle, struct dn_spec **out, dn_error_t *err)
{
  /* One prefix for every message, so the same parsers serve a standalone process object. */
  if (spec_parse (text, bundle, out, err) < 0)
    return dn_error_wrap (err, "config.json");
  return 0;
}

int
dn_process_parse (const char *text, struct dn_process **out, dn_error_t *err)
{
  enum json_tokener_error jerr = json_tokener_success;
  json_object *root = json_tokener_parse_verbose (text, &jerr);
  if (root == NULL)
    return dn_make_error (err, 0, "invalid JSON: %s", json_tokener_error_desc (jerr));
  cleanup_process struct dn_process *p = xmalloc0 (sizeof *p);
  int r = parse_process_object (p, root, err);
  json_object_put (root);
  if (r < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
}

void
dn_process_clear (struct dn_process *p)
{
  free (p->rlimits);
  free (p->additional_gids);
  dn_strv_free (p->args);
  dn_strv_free (p->env);
  free (p->cwd);
  memset (p, 0, sizeof *p);
}

void
dn_process_free (struct dn_process *p)
{
  if (p == NULL)
    return;
  dn_process_clear (p);
  free (p);
}

int
dn_spec_load (const char *bundle, struct dn_spec **out, dn_error_t *err)
{
  char abs[PATH_MAX];
  if (realpath (bundle, abs) == NULL)
    return dn_make_error (err, errno, "bundle `%s`", bundle);
  cleanup_free char *text = NULL;
  cleanup_close int dirfd = open (abs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dirfd < 0)
    return dn_make_error (err, errno, "bundle `%s`", abs);
  if (dn_read_file_at (dirfd, "config.json", &text, NULL, err) < 0)
    return dn_error_wrap (err, "bundle `%s`", abs);
  return dn_spec_parse (text, abs, out, err);
}

void
dn_spec_free (struct dn_spec *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      free (s->mounts[i].destination);
      free (s->mounts[i].type);
      free (s->mounts[i].source);
      free (s->mounts[i].data);
    }
  for (size_t i = 0; i < s->n_devices; i++)
    free (s->devices[i].path);
  for (size_t i = 0; i < s->n_sysctls; i++)
    {
      free (s->sysctls[i].key);
      free (s->sysctls[i].value);
    }
  for (int i = 0; i < DN_NS_COUNT; i++)
    free (s->ns_path[i]);
  free (s->mounts);
  free (s->devices);
  free (s->sysctls);
  free (s->uid_maps);
  free (s->gid_maps);
  dn_process_clear (&s->process);
  dn_strv_free (s->masked_paths);
  dn_strv_free (s->readonly_paths);
  free (s->rootfs);
  free (s->hostname);
  free (s->domainname);
  free (s->cgroups_path);
  free (s->oci_version);
  free (s->bundle);
  if (s->json)
    json_object_put (s->json);
  free (s);
}
