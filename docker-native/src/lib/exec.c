#include "exec.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "fs.h"
#include "process.h"
#include "signals.h"
#include "spec.h"
#include "sync.h"
#include "terminal.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The order of the joins: the user namespace decides what the others may
 * do, and the mount namespace goes last because it takes our root away. */
static const struct
{
  const char *name;
  int flag;
} namespaces[] = {
  { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS }, { "net", CLONE_NEWNET },
  { "pid", CLONE_NEWPID },   { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};
#define N_NAMESPACES (sizeof namespaces / sizeof namespaces[0])

struct exec_ctx
{
  const struct dn_state *st;
  const struct dn_spec *spec; /* the container's: its seccomp filter and user namespace */
  const struct dn_process *proc;
  int sync_fd;
  int console_fd;
};

static char **
strv_copy (char *const *v, size_t extra)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  char **out = xmalloc0 ((n + extra + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    out[i] = xstrdup (v[i]);
  return out;
}

static int
parse_id (const char *s, const char *what, uint32_t *out, dn_error_t *err)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  if (*s < '0' || *s > '9' || *end || errno || v > UINT32_MAX)
    return dn_make_error (err, 0, "--user: bad %s `%s` (numeric UID[:GID] only)", what, s);
  *out = (uint32_t) v;
  return 0;
}

/* The container's own process with exec's command-line overrides, as runc: a
 * terminal only with --tty, the env extended, uid and gid replaced. */
static int
process_from_container (const struct dn_exec_opts *o, struct dn_spec *spec, struct dn_process *p, dn_error_t *err)
{
  *p = spec->process;
  memset (&spec->process, 0, sizeof spec->process);
  dn_strv_free (p->args);
  p->args = strv_copy (o->args, 0);
  if (p->args[0] == NULL)
    return dn_make_error (err, 0, "exec needs a command");
  size_t n_env = 0, n_add = 0;
  while (p->env && p->env[n_env])
    n_env++;
  while (o->env && o->env[n_add])
    n_add++;
  p->env = xrealloc (p->env, (n_env + n_add + 1) * sizeof (char *));
  for (size_t i = 0; i < n_add; i++)
    {
      if (strchr (o->env[i], '=') == NULL)
        return dn_make_error (err, 0, "--env `%s`: expected KEY=VALUE", o->env[i]);
      p->env[n_env + i] = xstrdup (o->env[i]);
    }
  p->env[n_env + n_add] = NULL;
  if (o->cwd)
    {
      if (o->cwd[0] != '/')
        return dn_make_error (err, 0, "--cwd `%s` is not absolute", o->cwd);
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  if (o->user)
    {
      cleanup_free char *uid = xstrdup (o->user);
      char *gid = strchr (uid, ':');
      if (gid)
        *gid++ = '\0';
      if (parse_id (uid, "uid", &p->uid, err) < 0 || (gid && parse_id (gid, "gid", &p->gid, err) < 0))
        return -1;
    }
  p->terminal = o->tty;
  return 0;
}

/* A process file replaces the container's process; what it leaves out of
 * capabilities, rlimits and no_new_privileges is the container's, as in runc. */
static int
process_from_file (const char *path, struct dn_spec *spec, struct dn_process **out, dn_error_t *err)
{
  cleanup_free char *text = NULL;
  if (dn_read_file_at (AT_FDCWD, path, &text, NULL, err) < 0)
    return dn_error_wrap (err, "--process");
  cleanup_process struct dn_process *p = NULL;
  if (dn_process_parse (text, &p, err) < 0)
    return dn_error_wrap (err, "--process `%s`", path);
  if (!p->has_caps)
    {
      p->has_caps = spec->process.has_caps;
      memcpy (p->caps, spec->process.caps, sizeof p->caps);
    }
  if (p->n_rlimits == 0)
    {
      p->rlimits = steal_pointer (&spec->process.rlimits);
      p->n_rlimits = spec->process.n_rlimits;
      spec->process.n_rlimits = 0;
    }
  if (!p->has_no_new_privileges)
    p->no_new_privileges = spec->process.no_new_privileges;
  *out = steal_pointer (&p);
  return 0;
}

static int
build_process (const struct dn_exec_opts *o, struct dn_spec *spec, struct dn_process **out, dn_error_t *err)
{
  if (o->process_file)
    return process_from_file (o->process_file, spec, out, err);
  cleanup_process struct dn_process *p = xmalloc0 (sizeof *p);
  if (process_from_container (o, spec, p, err) < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
}

/* In the helper: opens the init's namespaces that differ from ours and its root. */
static int
open_targets (const struct dn_state *st, int ns_fds[N_NAMESPACES], int *root_fd, dn_error_t *err)
{
  for (size_t i = 0; i < N_NAMESPACES; i++)
    {
      char theirs[64], ours[64];
      snprintf (theirs, sizeof theirs, "/proc/%d/ns/%s", (int) st->pid, namespaces[i].name);
      snprintf (ours, sizeof ours, "/proc/self/ns/%s", namespaces[i].name);
      int fd = open (theirs, O_RDONLY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT && access (ours, F_OK) < 0)
        continue; /* a namespace type this kernel does not have */
      if (fd < 0)
        return dn_make_error (err, errno, "open `%s`", theirs);
      struct stat a, b;
      if (fstat (fd, &a) == 0 && stat (ours, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        close (fd);
      else
        ns_fds[i] = fd;
    }
  char root[64];
  snprintf (root, sizeof root, "/proc/%d/root", (int) st->pid);
  *root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*root_fd < 0)
    return dn_make_error (err, errno, "open `%s`", root);
  /* The pid might have been reused before the opens: check it is still the init. */
  if (!dn_state_process_alive (st))
    return dn_make_error (err, ESRCH, "container process %d", (int) st->pid);
  return 0;
}

static void
close_all (int *fds, size_t n)
{
  for (size_t i = 0; i < n; i++)
    close_and_reset (&fds[i]);
}

/* In the helper: the cgroup first, while the host's cgroupfs is still in view, then the namespaces and root. */
static int
join_container (const struct exec_ctx *c, dn_error_t *err)
{
  if (c->st->cgroup_path)
    {
      cleanup_cgroup dn_cgroup_t *cg = NULL;
      if (dn_cgroup_load (c->st->cgroup_path, &cg, err) < 0 || dn_cgroup_enter (cg, getpid (), err) < 0)
        return -1;
    }
  int ns_fds[N_NAMESPACES];
  for (size_t i = 0; i < N_NAMESPACES; i++)
    ns_fds[i] = -1;
  cleanup_close int root_fd = -1;
  int r = open_targets (c->st, ns_fds, &root_fd, err);
  for (size_t i = 0; r == 0 && i < N_NAMESPACES; i++)
    {
      if (ns_fds[i] < 0)
        continue;
      if (setns (ns_fds[i], namespaces[i].flag) < 0)
        r = dn_make_error (err, errno, "join the container's %s namespace", namespaces[i].name);
      else if (namespaces[i].flag == CLONE_NEWUSER && (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0))
        r = dn_make_error (err, errno, "become root in the container's user namespace");
    }
  close_all (ns_fds, N_NAMESPACES);
  if (r < 0)
    return -1;
  /* setns(CLONE_NEWNS) leaves us at the namespace's root, not the container's pivoted one. */
  if (fchdir (root_fd) < 0 || chroot (".") < 0)
    return dn_make_error (err, errno, "enter the container's root");
  return 0;
}

/* In the process, before execve: the same steps as the container's init. */
static int
prepare_process (const struct exec_ctx *c, char **exe, dn_error_t *err)
{
  const struct dn_process *p = c->proc;
  if (setsid () < 0)
    return dn_make_error (err, errno, "setsid");
  if (p->terminal)
    {
      /* Inside the container's mount namespace and root, so from its own devpts. */
      char name[64];
      int master = -1, slave = -1;
      if (dn_terminal_open_pty (p, &master, &slave, name, err) < 0
          || dn_terminal_hand_over (c->console_fd, master, slave, err) < 0)
        return -1;
    }
  if (dn_process_enter_cwd (p, false, err) < 0 || dn_process_set_limits (p, err) < 0
      || dn_process_find_executable (p, exe, err) < 0)
    return -1;
  bool in_userns = c->spec->ns_new[DN_NS_USER] || c->spec->ns_path[DN_NS_USER];
  return dn_process_drop_privileges (p, c->spec->seccomp, in_userns, err);
}

__attribute__ ((noreturn)) static void
run_process (const struct exec_ctx *c)
{
  dn_error_t err = NULL;
  cleanup_free char *exe = NULL;
  /* Nothing the runtime's caller blocked or ignored may reach the process. */
  dn_signals_reset_all ();
  if (prepare_process (c, &exe, &err) == 0)
    dn_process_exec (exe, c->proc, c->spec->seccomp, &err);
  /* The socket closes on a successful execve; a message before that is the failure. */
  dn_sync_send (c->sync_fd, DN_SYNC_ERROR, err->msg, NULL);
  _exit (127);
}

__attribute__ ((noreturn)) static void
run_helper (const struct exec_ctx *c)
{
  dn_error_t err = NULL;
  /* Non-dumpable, so nothing in the container can ptrace us or read our fds
   * while we still hold host resources (CVE-2016-9962); the process inherits it until execve. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (join_container (c, &err) < 0)
    {
      dn_sync_send (c->sync_fd, DN_SYNC_ERROR, err->msg, NULL);
      _exit (1);
    }
  /* A fork is what puts a process in the joined pid namespace; CLONE_PARENT makes it the runtime's child. */
  pid_t pid = (pid_t) syscall (SYS_clone, (unsigned long) (CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      dn_make_error (&err, errno, "fork in the container");
      dn_sync_send (c->sync_fd, DN_SYNC_ERROR, err->msg, NULL);
      _exit (1);
    }
  if (pid == 0)
    run_process (c);
  char buf[24];
  snprintf (buf, sizeof buf, "%d", (int) pid);
  dn_sync_send (c->sync_fd, DN_SYNC_PID, buf, NULL);
  _exit (0);
}

/* Reads the helper's and the process's messages until every copy of the
 * socket is closed: by their exit, or by the process's successful execve. */
static int
await_process (int sync_fd, pid_t *pid, char **failure, dn_error_t *err)
{
  for (;;)
    {
      enum dn_sync type;
      cleanup_free char *msg = NULL;
      dn_error_t e = NULL;
      if (dn_sync_recv (sync_fd, &type, &msg, &e) < 0)
        {
          if (e->status == EPIPE)
            {
              dn_error_release (&e);
              return 0;
            }
          *err = e;
          return -1;
        }
      if (type == DN_SYNC_PID)
        *pid = (pid_t) atoi (msg);
      else if (type == DN_SYNC_ERROR && *failure == NULL)
        *failure = steal_pointer (&msg);
    }
}

static void
reap (pid_t pid, bool kill_first)
{
  if (pid <= 0)
    return;
  if (kill_first)
    kill (pid, SIGKILL);
  TEMP_FAILURE_RETRY (waitpid (pid, NULL, 0));
}

static int
spawn (const struct exec_ctx *base, pid_t *pid_out, dn_error_t *err)
{
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return dn_make_error (err, errno, "socketpair");
  pid_t helper = fork ();
  if (helper < 0)
    {
      int saved = errno;
      close (pair[0]);
      close (pair[1]);
      return dn_make_error (err, saved, "fork");
    }
  if (helper == 0)
    {
      close (pair[0]);
      struct exec_ctx c = *base;
      c.sync_fd = pair[1];
      run_helper (&c);
    }
  close (pair[1]);
  cleanup_close int sync_fd = pair[0];
  cleanup_free char *failure = NULL;
  pid_t pid = 0;
  int r = await_process (sync_fd, &pid, &failure, err);
  int status = 0;
  TEMP_FAILURE_RETRY (waitpid (helper, &status, 0));
  if (r == 0 && failure)
    r = dn_make_error (err, 0, "%s", failure);
  else if (r == 0 && pid <= 0)
    r = dn_make_error (err, 0, "exec: the helper ended (status %d) before starting the process", status);
  if (r < 0)
    {
      /* The process either failed and exits by itself or must not run unreported. */
      reap (pid, failure == NULL);
      return -1;
    }
  *pid_out = pid;
  return 0;
}

int
dn_container_exec (const struct dn_exec_opts *o, pid_t *pid_out, dn_error_t *err)
{
  cleanup_state struct dn_state *st = NULL;
  enum dn_status status;
  if (dn_state_check_id (o->id, err) < 0 || dn_container_state (o->root, o->id, &st, &status, err) < 0)
    return -1;
  if (status != DN_STATUS_RUNNING)
    return dn_make_error (err, 0, "cannot exec in container `%s`: it is %s", o->id, dn_status_name (status));
  cleanup_spec struct dn_spec *spec = NULL;
  if (dn_spec_load (st->bundle, &spec, err) < 0)
    return dn_error_wrap (err, "load the container's spec");
  cleanup_process struct dn_process *proc = NULL;
  if (build_process (o, spec, &proc, err) < 0)
    return -1;
  if (proc->terminal && o->console_socket == NULL)
    return dn_make_error (err, 0, "process.terminal needs --console-socket");
  cleanup_close int console_fd = -1;
  if (proc->terminal && (console_fd = dn_terminal_connect (o->console_socket, err)) < 0)
    return -1;

  struct exec_ctx c = { .st = st, .spec = spec, .proc = proc, .sync_fd = -1, .console_fd = console_fd };
  pid_t pid = 0;
  if (spawn (&c, &pid, err) < 0)
    return -1;
  if (o->pid_file)
    {
      char buf[24];
      int n = snprintf (buf, sizeof buf, "%d", (int) pid);
      if (dn_write_file_atomic (o->pid_file, buf, (size_t) n, err) < 0)
        {
          reap (pid, true);
          return -1;
        }
    }
  *pid_out = pid;
  return 0;
}
