#include "process.h"
#include "capabilities.h"
#include "cleanup.h"
#include "fs.h"
#include "seccomp_filter.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *
env_path (char **env)
{
  for (char **e = env; *e; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      return *e + 5;
  return NULL;
}

int
dn_process_find_executable (const struct dn_process *p, char **out, dn_error_t *err)
{
  const char *name = p->args[0];
  if (strchr (name, '/'))
    {
      if (access (name, X_OK) < 0)
        return dn_make_error (err, errno, "exec: `%s`", name);
      *out = xstrdup (name);
      return 0;
    }
  const char *path = env_path (p->env);
  cleanup_free char *dirs = xstrdup (path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  char *save = NULL;
  for (char *d = strtok_r (dirs, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *cand = xasprintf ("%s/%s", d, name);
      struct stat st;
      if (stat (cand, &st) == 0 && S_ISREG (st.st_mode) && access (cand, X_OK) == 0)
        {
          *out = steal_pointer (&cand);
          return 0;
        }
    }
  return dn_make_error (err, 0, "exec: `%s`: executable file not found in $PATH", name);
}

int
dn_process_enter_cwd (const struct dn_process *p, bool create, dn_error_t *err)
{
  if (chdir (p->cwd) < 0)
    {
      dn_error_t ignored = NULL;
      if (!create || errno != ENOENT || dn_mkdir_p (p->cwd, 0755, &ignored) < 0 || chdir (p->cwd) < 0)
        {
          dn_error_release (&ignored);
          return dn_make_error (err, errno, "chdir to cwd `%s`", p->cwd);
        }
    }
  /* A cwd inherited from a leaked host fd shows as "(unreachable)" (CVE-2024-21626). */
  char buf[PATH_MAX];
  if (getcwd (buf, sizeof buf) == NULL || buf[0] != '/')
    return dn_make_error (err, 0, "cwd `%s` is outside the container: possible breakout detected", p->cwd);
  return 0;
}

int
dn_process_set_limits (const struct dn_process *p, dn_error_t *err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (p->rlimits[i].resource, &rl) < 0)
        return dn_make_error (err, errno, "setrlimit %d", p->rlimits[i].resource);
    }
  if (p->has_umask)
    umask (p->umask);
  return 0;
}

int
dn_process_switch_user (const struct dn_process *p, bool in_userns, dn_error_t *err)
{
  if (p->has_caps && dn_caps_drop_bounding (p->caps[DN_CAP_BOUNDING], err) < 0)
    return -1;
  if (setgroups (p->n_additional_gids, p->additional_gids) < 0 && !(in_userns && errno == EPERM))
    return dn_make_error (err, errno, "setgroups");
  /* Keep the permitted set across setuid so the spec's sets can be applied after it. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    return dn_make_error (err, errno, "setgid %u", p->gid);
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    return dn_make_error (err, errno, "setuid %u", p->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (p->has_caps && dn_caps_apply (p->caps, err) < 0)
    return -1;
  return 0;
}

int
dn_process_drop_privileges (const struct dn_process *p, json_object *seccomp, bool in_userns, dn_error_t *err)
{
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "set no_new_privileges");
  /* Without no_new_privileges the kernel needs CAP_SYS_ADMIN to load a
   * filter, so it goes in before the capabilities are dropped. */
  if (seccomp && !p->no_new_privileges && dn_seccomp_load (seccomp, err) < 0)
    return -1;
  return dn_process_switch_user (p, in_userns, err);
}

int
dn_process_exec (const char *exe, const struct dn_process *p, json_object *seccomp, dn_error_t *err)
{
  /* With no_new_privileges the filter can wait until now, so it need not allow the setup's syscalls. */
  if (seccomp && p->no_new_privileges && dn_seccomp_load (seccomp, err) < 0)
    return -1;
  /* Nothing of the runtime's may cross into the container (CVE-2024-21626). */
  syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  execve (exe, p->args, p->env);
  return dn_make_error (err, errno, "exec `%s`", exe);
}
