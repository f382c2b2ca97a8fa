#include "container.h"
#include "cgroup.h"
#include "cleanup.h"
#include "fs.h"
#include "init.h"
#include "namespaces.h"
#include "spec.h"
#include "sync.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return xasprintf ("%s.%09ldZ", buf, ts.tv_nsec);
}

static int
write_pid_file (const char *path, pid_t pid, dn_error_t *err)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", pid);
  return dn_write_file_atomic (path, buf, (size_t) n, err);
}

static int
write_oom_score (const struct dn_spec *spec, pid_t pid, dn_error_t *err)
{
  if (!spec->process.has_oom_score_adj)
    return 0;
  char path[64], val[16];
  snprintf (path, sizeof path, "/proc/%d/oom_score_adj", pid);
  int n = snprintf (val, sizeof val, "%d", spec->process.oom_score_adj);
  return dn_write_file_at (AT_FDCWD, path, val, (size_t) n, err);
}

/* What create has made so far, undone in reverse when a later step fails. */
struct create_undo
{
  const char *root;
  const char *id;
  bool state_dir;
  dn_cgroup_t *cgroup;
  pid_t child;
};

static void
undo_create (struct create_undo *u)
{
  if (u->child > 0)
    {
      kill (u->child, SIGKILL);
      TEMP_FAILURE_RETRY (waitpid (u->child, NULL, 0));
    }
  if (u->cgroup)
    {
      dn_error_t ignored = NULL;
      dn_cgroup_kill_all (u->cgroup, SIGKILL, &ignored);
      dn_error_release (&ignored);
      dn_cgroup_destroy (u->cgroup, &ignored);
      dn_error_release (&ignored);
      dn_cgroup_free (u->cgroup);
    }
  if (u->state_dir)
    {
      dn_error_t ignored = NULL;
      dn_state_remove (u->root, u->id, &ignored);
      dn_error_release (&ignored);
    }
}

static int
spawn_init (const struct dn_spec *spec, int fifo_fd, int console_fd, struct create_undo *u, int *sync_out,
            dn_error_t *err)
{
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return dn_make_error (err, errno, "socketpair");
  /* A raw clone without a new stack behaves as fork, but creates the
   * namespaces so that the child is pid 1 of its own pid namespace. */
  pid_t pid = (pid_t) syscall (SYS_clone, (unsigned long) dn_ns_clone_flags (spec) | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      int saved = errno;
      close (pair[0]);
      close (pair[1]);
      return dn_make_error (err, saved, "clone the container init");
    }
  if (pid == 0)
    {
      close (pair[0]);
      struct dn_init_args args = { .spec = spec, .sync_fd = pair[1], .fifo_fd = fifo_fd, .console_fd = console_fd };
      dn_init_run (&args);
    }
  close (pair[1]);
  u->child = pid;
  *sync_out = pair[0];
  return 0;
}

/* The nodes every container gets, allowed in the devices cgroup after the
 * spec's own rules, as runc does: its template denies everything and relies
 * on this list. "m" on any device lets mknod work; opening needs a rule. */
static const struct dn_cgroup_device_rule default_device_rules[] = {
  { true, 'c', -1, -1, "m" },  { true, 'b', -1, -1, "m" },  { true, 'c', 1, 3, "rwm" },
  { true, 'c', 1, 5, "rwm" },  { true, 'c', 1, 7, "rwm" },  { true, 'c', 1, 8, "rwm" },
  { true, 'c', 1, 9, "rwm" },  { true, 'c', 5, 0, "rwm" },  { true, 'c', 5, 1, "rwm" },
  { true, 'c', 5, 2, "rwm" },  { true, 'c', 136, -1, "rwm" }, { true, 'c', 10, 200, "rwm" },
};

static void
add_device_rules (const struct dn_spec *spec, struct dn_cgroup_resources *res)
{
  size_t n_default = sizeof default_device_rules / sizeof default_device_rules[0];
  size_t total = res->n_device_rules + spec->n_devices + n_default;
  res->device_rules = xrealloc (res->device_rules, total * sizeof *res->device_rules);
  struct dn_cgroup_device_rule *r = res->device_rules + res->n_device_rules;
  /* The spec's linux.devices are created in /dev, so they must be usable too. */
  for (size_t i = 0; i < spec->n_devices; i++)
    *r++ = (struct dn_cgroup_device_rule){ true, spec->devices[i].type == 'b' ? 'b' : 'c', spec->devices[i].major,
                                           spec->devices[i].minor, "rwm" };
  memcpy (r, default_device_rules, sizeof default_device_rules);
  res->n_device_rules = total;
}

static int
record_created (const struct dn_create_opts *opts, const struct dn_spec *spec, struct create_undo *u, dn_error_t *err)
{
  cleanup_free char *created = now_rfc3339 ();
  struct dn_state st = { .id = (char *) opts->id,
                         .bundle = spec->bundle,
                         .rootfs = spec->rootfs,
                         .cgroup_path = (char *) dn_cgroup_path (u->cgroup),
                         .oci_version = spec->oci_version,
                         .created = created,
                         .pid = u->child,
                         .annotations = spec->annotations };
  if (dn_proc_start_time (u->child, &st.start_time, NULL) < 0)
    return dn_make_error (err, errno, "read the start time of pid %d", u->child);
  if (dn_state_write (opts->root, &st, err) < 0)
    return -1;
  return opts->pid_file ? write_pid_file (opts->pid_file, u->child, err) : 0;
}

/* Every step of create; the caller undoes what u records when one fails. */
static int
create_steps (const struct dn_create_opts *opts, const struct dn_spec *spec, const struct dn_cgroup_resources *res,
              struct create_undo *u, dn_error_t *err)
{
  cleanup_close int console_fd = -1, fifo_fd = -1, sync_fd = -1;
  cleanup_free char *fifo = xasprintf ("%s/%s/%s", opts->root, opts->id, DN_EXEC_FIFO);
  cleanup_free char *msg = NULL;

  if (dn_state_create_dir (opts->root, opts->id, err) < 0)
    return -1;
  u->state_dir = true;
  if (mkfifo (fifo, 0622) < 0)
    return dn_make_error (err, errno, "mkfifo `%s`", fifo);
  /* mkfifo honours the umask, and a non-root container user must be able to open it for writing. */
  if (chmod (fifo, 0622) < 0)
    return dn_make_error (err, errno, "chmod `%s`", fifo);
  fifo_fd = open (fifo, O_PATH | O_CLOEXEC);
  if (fifo_fd < 0)
    return dn_make_error (err, errno, "open `%s`", fifo);
  if (spec->process.terminal && (console_fd = dn_terminal_connect (opts->console_socket, err)) < 0)
    return -1;
  if (dn_cgroup_create (spec->cgroups_path, opts->id, res, &u->cgroup, err) < 0)
    return -1;
  if (dn_ns_join_pid (spec, err) < 0 || spawn_init (spec, fifo_fd, console_fd, u, &sync_fd, err) < 0)
    return -1;
  if (dn_ns_write_id_maps (spec, u->child, err) < 0 || dn_cgroup_enter (u->cgroup, u->child, err) < 0
      || write_oom_score (spec, u->child, err) < 0 || dn_sync_send (sync_fd, DN_SYNC_GO, NULL, err) < 0)
    return -1;
  enum dn_sync type;
  if (dn_sync_recv (sync_fd, &type, &msg, err) < 0)
    return dn_error_wrap (err, "container init");
  if (type != DN_SYNC_READY)
    return dn_make_error (err, 0, "%s", msg && *msg ? msg : "container init failed");
  return record_created (opts, spec, u, err);
}

int
dn_container_create (const struct dn_create_opts *opts, pid_t *pid_out, dn_error_t *err)
{
  cleanup_spec struct dn_spec *spec = NULL;
  struct dn_cgroup_resources res = { 0 };
  if (dn_state_check_id (opts->id, err) < 0 || dn_spec_load (opts->bundle, &spec, err) < 0)
    return -1;
  if (spec->process.terminal && opts->console_socket == NULL)
    return dn_make_error (err, 0, "process.terminal needs --console-socket");
  if (dn_cgroup_resources_parse (spec->resources, &res, err) < 0)
    return -1;
  add_device_rules (spec, &res);
  struct create_undo u = { .root = opts->root, .id = opts->id };
  int r = create_steps (opts, spec, &res, &u, err);
  if (r < 0)
    undo_create (&u);
  else
    {
      *pid_out = u.child;
      dn_cgroup_free (u.cgroup);
    }
  dn_cgroup_resources_release (&res);
  return r;
}

int
dn_container_state (const char *root, const char *id, struct dn_state **st, enum dn_status *status, dn_error_t *err)
{
  cleanup_state struct dn_state *s = NULL;
  if (dn_state_load (root, id, &s, err) < 0 || dn_state_status (root, s, status, err) < 0)
    return -1;
  *st = steal_pointer (&s);
  return 0;
}

static int
pidfd_of (const struct dn_state *st, dn_error_t *err)
{
  int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "pidfd_open %d", st->pid);
  /* The pid might have been reused between the check and the open. */
  if (!dn_state_process_alive (st))
    {
      close (fd);
      return dn_make_error (err, ESRCH, "container process %d", st->pid);
    }
  return fd;
}

int
dn_container_start (const char *root, const char *id, dn_error_t *err)
{
  cleanup_state struct dn_state *st = NULL;
  enum dn_status status;
  if (dn_container_state (root, id, &st, &status, err) < 0)
    return -1;
  if (status != DN_STATUS_CREATED)
    return dn_make_error (err, 0, "cannot start a container that is %s", dn_status_name (status));
  cleanup_close int pidfd = pidfd_of (st, err);
  if (pidfd < 0)
    return -1;
  cleanup_free char *fifo = xasprintf ("%s/%s/%s", root, id, DN_EXEC_FIFO);
  /* Non-blocking, with the init's pidfd beside it: an init that died before
   * start must give an error, not a start that hangs forever. */
  cleanup_close int fd = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return dn_make_error (err, errno, "open `%s`", fifo);
  struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
  if (TEMP_FAILURE_RETRY (poll (pfd, 2, -1)) < 0)
    return dn_make_error (err, errno, "wait for the container init");
  char c;
  if (!(pfd[0].revents & POLLIN) || TEMP_FAILURE_RETRY (read (fd, &c, 1)) != 1)
    return dn_make_error (err, 0, "container init exited before start");
  if (unlink (fifo) < 0)
    return dn_make_error (err, errno, "unlink `%s`", fifo);
  return 0;
}

static const struct
{
  const char *name;
  int sig;
} signal_names[] = {
  { "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },     { "TRAP", SIGTRAP },
  { "ABRT", SIGABRT },   { "IOT", SIGIOT },       { "BUS", SIGBUS },     { "FPE", SIGFPE },     { "KILL", SIGKILL },
  { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },     { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },
  { "TERM", SIGTERM },   { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },   { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },     { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },   { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL },   { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

int
dn_signal_parse (const char *name, int *sig, dn_error_t *err)
{
  char *end = NULL;
  long v = strtol (name, &end, 10);
  if (*name && end && *end == '\0')
    {
      if (v <= 0 || v > SIGRTMAX)
        return dn_make_error (err, 0, "invalid signal `%s`", name);
      *sig = (int) v;
      return 0;
    }
  const char *n = strncmp (name, "SIG", 3) == 0 ? name + 3 : name;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcmp (n, signal_names[i].name) == 0)
      {
        *sig = signal_names[i].sig;
        return 0;
      }
  if (strncmp (n, "RTMIN", 5) == 0 || strncmp (n, "RTMAX", 5) == 0)
    {
      long off = n[5] ? strtol (n + 5, &end, 10) : 0;
      int s = n[2] == 'M' && n[3] == 'I' ? SIGRTMIN + (int) off : SIGRTMAX + (int) off;
      if ((n[5] == '\0' || (end && *end == '\0')) && s >= SIGRTMIN && s <= SIGRTMAX)
        {
          *sig = s;
          return 0;
        }
    }
  return dn_make_error (err, 0, "invalid signal `%s`", name);
}

int
dn_container_kill (const char *root, const char *id, int sig, bool all, dn_error_t *err)
{
  cleanup_state struct dn_state *st = NULL;
  enum dn_status status;
  if (dn_container_state (root, id, &st, &status, err) < 0)
    return -1;
  if (status == DN_STATUS_STOPPED)
    return dn_make_error (err, 0, "container `%s` is not running", id);
  if (all && st->cgroup_path)
    {
      cleanup_cgroup dn_cgroup_t *cg = NULL;
      if (dn_cgroup_load (st->cgroup_path, &cg, err) < 0)
        return -1;
      return dn_cgroup_kill_all (cg, sig, err);
    }
  cleanup_close int pidfd = pidfd_of (st, err);
  if (pidfd < 0)
    return -1;
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return dn_make_error (err, errno, "send signal %d to the container", sig);
  return 0;
}

static int
wait_for_exit (const struct dn_state *st, dn_error_t *err)
{
  int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  if (fd < 0)
    return errno == ESRCH ? 0 : dn_make_error (err, errno, "pidfd_open %d", st->pid);
  cleanup_close int pidfd = fd;
  if (!dn_state_process_alive (st))
    return 0;
  /* A pidfd becomes readable when the process exits, even when we are not its parent. */
  struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
  int r = TEMP_FAILURE_RETRY (poll (&pfd, 1, 10000));
  if (r <= 0)
    return dn_make_error (err, r < 0 ? errno : ETIMEDOUT, "wait for container process %d to exit", st->pid);
  return 0;
}

int
dn_container_delete (const char *root, const char *id, bool force, dn_error_t *err)
{
  cleanup_state struct dn_state *st = NULL;
  enum dn_status status;
  if (dn_container_state (root, id, &st, &status, err) < 0)
    return -1;
  if ((status == DN_STATUS_RUNNING || status == DN_STATUS_PAUSED) && !force)
    return dn_make_error (err, 0, "cannot delete container `%s` that is not stopped: %s", id,
                          dn_status_name (status));
  cleanup_cgroup dn_cgroup_t *cg = NULL;
  if (st->cgroup_path && dn_cgroup_load (st->cgroup_path, &cg, err) < 0)
    return -1;
  if (status != DN_STATUS_STOPPED)
    {
      /* A created container is deleted without --force, as runc does. */
      if (cg && dn_cgroup_kill_all (cg, SIGKILL, err) < 0)
        return -1;
      cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, st->pid, 0);
      if (pidfd >= 0 && dn_state_process_alive (st))
        syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      if (cg && status == DN_STATUS_PAUSED && dn_cgroup_freeze (cg, false, err) < 0)
        return -1;
      if (wait_for_exit (st, err) < 0)
        return -1;
    }
  if (cg)
    {
      /* Processes that escaped the pid namespace's teardown still hold the cgroup. */
      dn_error_t ignored = NULL;
      dn_cgroup_kill_all (cg, SIGKILL, &ignored);
      dn_error_release (&ignored);
      if (dn_cgroup_destroy (cg, err) < 0)
        return -1;
    }
  return dn_state_remove (root, id, err);
}

int
dn_container_pause (const char *root, const char *id, bool pause, dn_error_t *err)
{
  cleanup_state struct dn_state *st = NULL;
  enum dn_status status;
  if (dn_container_state (root, id, &st, &status, err) < 0)
    return -1;
  if (pause && status != DN_STATUS_RUNNING)
    return dn_make_error (err, 0, "container `%s` is not running", id);
  if (!pause && status != DN_STATUS_PAUSED)
    return dn_make_error (err, 0, "container `%s` is not paused", id);
  if (st->cgroup_path == NULL)
    return dn_make_error (err, 0, "container `%s` has no cgroup to freeze", id);
  cleanup_cgroup dn_cgroup_t *cg = NULL;
  if (dn_cgroup_load (st->cgroup_path, &cg, err) < 0)
    return -1;
  return dn_cgroup_freeze (cg, pause, err);
}
