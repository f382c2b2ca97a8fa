#include "init.h"
#include "capabilities.h"
#include "cleanup.h"
#include "fs.h"
#include "namespaces.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
send_fd (int sock, int fd, dn_error_t *err)
{
  char byte = 0;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  if (TEMP_FAILURE_RETRY (sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0)
    return dn_make_error (err, errno, "send the terminal to the console socket");
  return 0;
}

static char *
env_path (char **env)
{
  for (char **e = env; *e; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      return *e + 5;
  return NULL;
}

/* Finds args[0] as execvp would, but with the container's PATH. Returns owned. */
static int
lookup_executable (const struct dn_spec *spec, char **out, dn_error_t *err)
{
  const char *name = spec->args[0];
  if (strchr (name, '/'))
    {
      if (access (name, X_OK) < 0)
        return dn_make_error (err, errno, "exec: `%s`", name);
      *out = xstrdup (name);
      return 0;
    }
  const char *path = env_path (spec->env);
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

static int
enter_cwd (const struct dn_spec *spec, dn_error_t *err)
{
  if (chdir (spec->cwd) < 0)
    {
      dn_error_t ignored = NULL;
      if (errno != ENOENT || dn_mkdir_p (spec->cwd, 0755, &ignored) < 0 || chdir (spec->cwd) < 0)
        {
          dn_error_release (&ignored);
          return dn_make_error (err, errno, "chdir to cwd `%s`", spec->cwd);
        }
    }
  /* A cwd inherited from a leaked host fd shows as "(unreachable)" (CVE-2024-21626). */
  char buf[PATH_MAX];
  if (getcwd (buf, sizeof buf) == NULL || buf[0] != '/')
    return dn_make_error (err, 0, "cwd `%s` is outside the container: possible breakout detected", spec->cwd);
  return 0;
}

static int
set_limits (const struct dn_spec *spec, dn_error_t *err)
{
  for (size_t i = 0; i < spec->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = spec->rlimits[i].soft, .rlim_max = spec->rlimits[i].hard };
      if (setrlimit (spec->rlimits[i].resource, &rl) < 0)
        return dn_make_error (err, errno, "setrlimit %d", spec->rlimits[i].resource);
    }
  if (spec->has_umask)
    umask (spec->umask);
  return 0;
}

static int
switch_user (const struct dn_spec *spec, dn_error_t *err)
{
  bool in_userns = spec->ns_new[DN_NS_USER] || spec->ns_path[DN_NS_USER];
  if (spec->has_caps && dn_caps_drop_bounding (spec->caps[DN_CAP_BOUNDING], err) < 0)
    return -1;
  if (setgroups (spec->n_additional_gids, spec->additional_gids) < 0 && !(in_userns && errno == EPERM))
    return dn_make_error (err, errno, "setgroups");
  /* Keep the permitted set across setuid so the spec's sets can be applied after it. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresgid (spec->gid, spec->gid, spec->gid) < 0)
    return dn_make_error (err, errno, "setgid %u", spec->gid);
  if (setresuid (spec->uid, spec->uid, spec->uid) < 0)
    return dn_make_error (err, errno, "setuid %u", spec->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "prctl PR_SET_KEEPCAPS");
  if (spec->has_caps && dn_caps_apply (spec->caps, err) < 0)
    return -1;
  return 0;
}

static int
setup_terminal (const struct dn_init_args *a, dn_error_t *err)
{
  if (setsid () < 0)
    return dn_make_error (err, errno, "setsid");
  if (!a->spec->terminal)
    return 0;
  int master = -1, slave = -1;
  if (dn_rootfs_setup_console (a->spec, &master, &slave, err) < 0)
    return -1;
  int r = send_fd (a->console_fd, master, err);
  close (master);
  close (a->console_fd);
  if (r < 0)
    return -1;
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return dn_make_error (err, errno, "dup2 the terminal");
  close (slave);
  if (ioctl (0, TIOCSCTTY, 0) < 0)
    return dn_make_error (err, errno, "set the controlling terminal");
  return 0;
}

static int
setup (const struct dn_init_args *a, char **exe, dn_error_t *err)
{
  const struct dn_spec *spec = a->spec;
  enum dn_sync type;
  if (dn_sync_recv (a->sync_fd, &type, NULL, err) < 0)
    return -1;
  if (type != DN_SYNC_GO)
    return dn_make_error (err, 0, "sync: unexpected message %d", type);
  if (spec->ns_new[DN_NS_USER] && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
    return dn_make_error (err, errno, "become root in the user namespace");
  if (dn_ns_join_paths (spec, err) < 0)
    return -1;
  if (spec->ns_new[DN_NS_CGROUP] && unshare (CLONE_NEWCGROUP) < 0)
    return dn_make_error (err, errno, "unshare the cgroup namespace");
  if (spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return dn_make_error (err, errno, "sethostname `%s`", spec->hostname);
  if (spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return dn_make_error (err, errno, "setdomainname `%s`", spec->domainname);
  if (dn_rootfs_prepare (spec, err) < 0 || dn_rootfs_pivot (spec->rootfs, err) < 0)
    return -1;
  if (setup_terminal (a, err) < 0 || dn_rootfs_finalize (spec, err) < 0)
    return -1;
  if (enter_cwd (spec, err) < 0 || set_limits (spec, err) < 0)
    return -1;
  if (lookup_executable (spec, exe, err) < 0)
    return -1;
  if (spec->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "set no_new_privileges");
  /* Without no_new_privileges the kernel needs CAP_SYS_ADMIN to load a
   * filter, so it goes in before the capabilities are dropped. */
  if (spec->seccomp && !spec->no_new_privileges && dn_seccomp_load (spec->seccomp, err) < 0)
    return -1;
  return switch_user (spec, err);
}

/* Blocked and ignored signals survive execve; the container starts clean,
 * whatever its launcher (the runtime's `run`, a monitor) had set. */
static void
reset_signals (void)
{
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
}

void
dn_init_run (const struct dn_init_args *a)
{
  dn_error_t err = NULL;
  cleanup_free char *exe = NULL;
  /* Non-dumpable until exec, so nothing in the container can ptrace or read
   * this process's fds while it still holds host resources (CVE-2016-9962). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  reset_signals ();
  if (setup (a, &exe, &err) < 0)
    {
      dn_sync_send (a->sync_fd, DN_SYNC_ERROR, err->msg, NULL);
      _exit (1);
    }
  if (dn_sync_send (a->sync_fd, DN_SYNC_READY, NULL, &err) < 0)
    _exit (1);
  close (a->sync_fd);

  char fifo[64];
  snprintf (fifo, sizeof fifo, "/proc/self/fd/%d", a->fifo_fd);
  int w = open (fifo, O_WRONLY | O_CLOEXEC);
  if (w < 0 || TEMP_FAILURE_RETRY (write (w, "0", 1)) != 1)
    {
      fprintf (stderr, "berth-runtime: wait for start: %s\n", strerror (errno));
      _exit (127);
    }
  close (w);
  close (a->fifo_fd);

  if (a->spec->seccomp && a->spec->no_new_privileges && dn_seccomp_load (a->spec->seccomp, &err) < 0)
    {
      fprintf (stderr, "berth-runtime: %s\n", err->msg);
      _exit (127);
    }
  /* Nothing of the runtime's may cross into the container (CVE-2024-21626). */
  syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  execve (exe, a->spec->args, a->spec->env);
  fprintf (stderr, "berth-runtime: exec `%s`: %s\n", exe, strerror (errno));
  _exit (127);
}
