/* Runs the OCI runtime (runc's CLI): create, start and delete, or exec in
 * exec mode, each a child we wait for while keeping the tail of its stderr,
 * whose last line becomes the error the engine sees. */
#include "monitor.h"
#include "cleanup.h"
#include "fs.h"
#include "signals.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 16

struct args
{
  const char *v[MAX_ARGS + 1];
  int n;
};

/* The tail of what the runtime wrote on stderr. */
struct capture
{
  char buf[4096];
  size_t len;
};

static void
args_push (struct args *a, const char *s)
{
  if (a->n < MAX_ARGS)
    a->v[a->n++] = s;
  a->v[a->n] = NULL;
}

static void
args_init (struct monitor *m, struct args *a)
{
  a->n = 0;
  args_push (a, m->opt.runtime);
  if (m->opt.runtime_root)
    {
      args_push (a, "--root");
      args_push (a, m->opt.runtime_root);
    }
}

/* Reads what is available without blocking; returns 1 at EOF. */
static int
capture_read (int fd, struct capture *c)
{
  for (;;)
    {
      char tmp[1024];
      ssize_t n = read (fd, tmp, sizeof tmp);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return 0;
      if (n == 0)
        return 1;
      size_t k = (size_t) n; /* always below sizeof c->buf */
      if (c->len + k > sizeof c->buf)
        {
          size_t drop = c->len + k - sizeof c->buf;
          memmove (c->buf, c->buf + drop, c->len - drop);
          c->len -= drop;
        }
      memcpy (c->buf + c->len, tmp, k);
      c->len += k;
    }
}

/* Decodes the msg="..." of a logrus text line (runc's format) in place. */
static char *
logrus_msg (char *line)
{
  char *p = strstr (line, "msg=\"");
  if (p == NULL)
    return line;
  char *src = p + 5, *dst = p + 5, *start = p + 5;
  for (; *src && *src != '"'; src++)
    {
      if (*src == '\\' && src[1])
        {
          src++;
          *dst++ = *src == 'n' ? ' ' : *src == 't' ? ' ' : *src;
        }
      else
        *dst++ = *src;
    }
  *dst = '\0';
  return start;
}

/* The last non-empty line of the capture, or NULL. */
static char *
capture_error_line (struct capture *c)
{
  size_t end = c->len;
  while (end > 0 && (c->buf[end - 1] == '\n' || c->buf[end - 1] == '\r' || c->buf[end - 1] == ' '))
    end--;
  if (end == 0)
    return NULL;
  size_t start = end;
  while (start > 0 && c->buf[start - 1] != '\n')
    start--;
  cleanup_free char *line = xmalloc (end - start + 1);
  memcpy (line, c->buf + start, end - start);
  line[end - start] = '\0';
  for (char *s = line; *s; s++)
    if ((unsigned char) *s < 0x20)
      *s = ' ';
  return xstrdup (logrus_msg (line));
}

static pid_t
spawn (struct args *a, int in, int out, int errfd, dn_error_t *err)
{
  pid_t pid = fork ();
  if (pid < 0)
    return dn_make_error (err, errno, "fork");
  if (pid > 0)
    return pid;

  /* Ignored signals and the blocked mask survive exec, ours and those our
   * launcher left (make ignores 32 and 33): neither runtime nor container may inherit them. */
  dn_signals_reset_all ();
  /* Every fd we pass is above 2 (ours are /dev/null), so these dup2 calls cannot clobber each other. */
  if (dup2 (in, 0) < 0 || dup2 (out, 1) < 0 || dup2 (errfd, 2) < 0)
    _exit (127);
  execvp (a->v[0], (char **) a->v);
  dprintf (2, "exec `%s`: %s\n", a->v[0], strerror (errno));
  _exit (127);
}

/* Waits for PID while draining CAPTURE_FD (non-blocking), so a chatty runtime
 * cannot fill the pipe and hang; the runtime's exit, not EOF, ends the wait
 * because the container may hold the same pipe. */
static int
wait_runtime (pid_t pid, int capture_fd, struct capture *cap)
{
  int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && capture_fd >= 0)
    {
      struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = capture_fd, .events = POLLIN } };
      for (;;)
        {
          int n = poll (p, p[1].fd >= 0 ? 2 : 1, -1);
          if (n < 0 && errno != EINTR)
            break;
          if (n > 0 && p[1].fd >= 0 && p[1].revents && capture_read (capture_fd, cap))
            p[1].fd = -1;
          if (n > 0 && p[0].revents)
            break;
        }
    }
  if (pidfd >= 0)
    close (pidfd);

  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (capture_fd >= 0)
    capture_read (capture_fd, cap);
  return status;
}

static int
status_error (const char *what, int status, struct capture *cap, dn_error_t *err)
{
  cleanup_free char *line = capture_error_line (cap);
  if (line)
    return dn_make_error (err, 0, "%s", line);
  if (WIFSIGNALED (status))
    return dn_make_error (err, 0, "runtime %s killed by signal %d", what, WTERMSIG (status));
  return dn_make_error (err, 0, "runtime %s exited with status %d", what, WEXITSTATUS (status));
}

/* Runs a runtime command with its stdio on /dev/null and its stderr captured. */
static int
run_simple (struct monitor *m, const char *what, struct args *a, dn_error_t *err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC | O_NONBLOCK) < 0)
    return dn_make_error (err, errno, "pipe");
  cleanup_close int rd = p[0];
  cleanup_close int wr = p[1];
  pid_t pid = spawn (a, m->devnull, m->devnull, wr, err);
  if (pid < 0)
    return -1;
  close_and_reset (&wr);
  struct capture cap = { .len = 0 };
  int status = wait_runtime (pid, rd, &cap);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return status_error (what, status, &cap, err);
  return 0;
}

static int
read_pid_file (const char *path, pid_t *pid, dn_error_t *err)
{
  cleanup_free char *data = NULL;
  if (dn_read_file_at (AT_FDCWD, path, &data, NULL, err) < 0)
    return dn_error_wrap (err, "read the container pid");
  char *end;
  long v = strtol (data, &end, 10);
  if (end == data || v <= 0)
    return dn_make_error (err, 0, "bad pid `%s` in `%s`", data, path);
  *pid = (pid_t) v;
  return 0;
}

static void
push_launch_args (struct monitor *m, struct args *a, const char *pid_file, const char *console_socket)
{
  args_init (m, a);
  if (m->opt.exec_process)
    {
      args_push (a, "exec");
      args_push (a, "--detach");
      args_push (a, "--process");
      args_push (a, m->opt.exec_process);
    }
  else
    {
      args_push (a, "create");
      args_push (a, "--bundle");
      args_push (a, m->opt.bundle);
    }
  args_push (a, "--pid-file");
  args_push (a, pid_file);
  if (console_socket)
    {
      args_push (a, "--console-socket");
      args_push (a, console_socket);
    }
  args_push (a, m->opt.id);
}

int
runtime_launch (struct monitor *m, int child_in, int child_out, int child_err, int capture_fd,
                const char *console_socket, dn_error_t *err)
{
  cleanup_free char *tmp_pid = NULL;
  const char *pid_file = m->opt.pid_file;
  if (pid_file == NULL)
    pid_file = tmp_pid = xasprintf ("%s.init-pid", m->opt.exit_file);
  unlink (pid_file);

  struct args a;
  push_launch_args (m, &a, pid_file, console_socket);
  /* An exec'd process runs as soon as the runtime lets go, and without a
   * terminal the capture is its stderr: that output stays in the pipe for
   * the loop, and only a failure's message is read here. */
  bool output_in_capture = m->opt.exec_process && console_socket == NULL;
  pid_t pid = spawn (&a, child_in, child_out, child_err, err);
  if (pid < 0)
    return -1;
  struct capture cap = { .len = 0 };
  int status = wait_runtime (pid, output_in_capture ? -1 : capture_fd, &cap);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      if (tmp_pid)
        unlink (tmp_pid);
      if (output_in_capture)
        capture_read (capture_fd, &cap);
      return status_error (m->opt.exec_process ? "exec" : "create", status, &cap, err);
    }

  int r = read_pid_file (pid_file, &m->pid, err);
  if (tmp_pid)
    unlink (tmp_pid);
  if (r < 0)
    {
      /* The runtime made a process we cannot watch; do not leave it behind. */
      runtime_abandon (m);
      return r;
    }
  /* Without a terminal the capture is the container's stderr: keep what the runtime said there. */
  if (console_socket == NULL && cap.len > 0)
    log_output (m, STREAM_STDERR, cap.buf, cap.len);
  return 0;
}

int
runtime_start (struct monitor *m, dn_error_t *err)
{
  if (m->opt.exec_process)
    {
      /* The process runs the moment the runtime execs it: record the start first. */
      struct timespec now;
      clock_gettime (CLOCK_REALTIME, &now);
      if (stdio_launch (m, err) < 0)
        return -1;
      m->started = true;
      m->started_at = now;
      return 0;
    }
  struct args a;
  args_init (m, &a);
  args_push (&a, "start");
  args_push (&a, m->opt.id);
  if (run_simple (m, "start", &a, err) < 0)
    return -1;
  m->started = true;
  clock_gettime (CLOCK_REALTIME, &m->started_at);
  return 0;
}

void
runtime_delete (struct monitor *m)
{
  struct args a;
  args_init (m, &a);
  args_push (&a, "delete");
  args_push (&a, "--force");
  args_push (&a, m->opt.id);
  dn_error_t err = NULL;
  /* Best effort: there is nobody left to tell, and the engine can still delete by hand. */
  run_simple (m, "delete", &a, &err);
  dn_error_release (&err);
}

void
runtime_abandon (struct monitor *m)
{
  if (m->opt.exec_process == NULL)
    runtime_delete (m);
  else if (m->pid > 0)
    kill (m->pid, SIGKILL); /* ours since the runtime exited (subreaper); reaped when we exit */
}
