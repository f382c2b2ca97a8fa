#include "namespaces.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>

static const int ns_flags[DN_NS_COUNT] = {
  [DN_NS_USER] = CLONE_NEWUSER, [DN_NS_IPC] = CLONE_NEWIPC, [DN_NS_UTS] = CLONE_NEWUTS,
  [DN_NS_NET] = CLONE_NEWNET,   [DN_NS_PID] = CLONE_NEWPID, [DN_NS_MOUNT] = CLONE_NEWNS,
  [DN_NS_CGROUP] = CLONE_NEWCGROUP,
};

int
dn_ns_clone_flags (const struct dn_spec *spec)
{
  int flags = 0;
  for (int i = 0; i < DN_NS_COUNT; i++)
    if (spec->ns_new[i] && i != DN_NS_CGROUP)
      flags |= ns_flags[i];
  return flags;
}

static int
join (const struct dn_spec *spec, int ns, dn_error_t *err)
{
  cleanup_close int fd = open (spec->ns_path[ns], O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return dn_make_error (err, errno, "open namespace `%s`", spec->ns_path[ns]);
  if (setns (fd, ns_flags[ns]) < 0)
    return dn_make_error (err, errno, "join namespace `%s`", spec->ns_path[ns]);
  return 0;
}

int
dn_ns_join_paths (const struct dn_spec *spec, dn_error_t *err)
{
  /* The user namespace comes first: it decides what the other joins may do. */
  for (int i = 0; i < DN_NS_COUNT; i++)
    if (spec->ns_path[i] && i != DN_NS_PID && join (spec, i, err) < 0)
      return -1;
  return 0;
}

int
dn_ns_join_pid (const struct dn_spec *spec, dn_error_t *err)
{
  return spec->ns_path[DN_NS_PID] ? join (spec, DN_NS_PID, err) : 0;
}

static int
write_map (pid_t pid, const char *file, const struct dn_id_map *maps, size_t n, dn_error_t *err)
{
  size_t cap = 64 * (n + 1), used = 0;
  cleanup_free char *text = xmalloc (cap);
  for (size_t i = 0; i < n; i++)
    used += (size_t) snprintf (text + used, cap - used, "%u %u %u\n", maps[i].container_id, maps[i].host_id,
                               maps[i].size);
  cleanup_free char *path = xasprintf ("/proc/%d/%s", pid, file);
  if (dn_write_file_at (AT_FDCWD, path, text, used, err) < 0)
    return dn_error_wrap (err, "user namespace");
  return 0;
}

int
dn_ns_write_id_maps (const struct dn_spec *spec, pid_t pid, dn_error_t *err)
{
  if (!spec->ns_new[DN_NS_USER])
    return 0;
  if (write_map (pid, "uid_map", spec->uid_maps, spec->n_uid_maps, err) < 0)
    return -1;
  return write_map (pid, "gid_map", spec->gid_maps, spec->n_gid_maps, err);
}
