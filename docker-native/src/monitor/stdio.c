/* The container's stdio: three pipes, or a pty whose master the runtime sends
 * over a console socket (runc's --console-socket protocol); reading output
 * into the log and to attached clients, and feeding stdin without blocking. */
#include "monitor.h"
#include "cleanup.h"

#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int
set_nonblock (int fd, dn_error_t *err)
{
  int flags = fcntl (fd, F_GETFL);
  if (flags < 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return dn_make_error (err, errno, "fcntl O_NONBLOCK");
  return 0;
}

static void
stream_eof (struct monitor *m, int stream)
{
  log_finish (m, stream);
  watch_close (m, &m->out[stream]);
  m->open_streams--;
  loop_stream_closed (m);
}

static void
output_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  /* Static: the one read buffer of the process, touched only once output flows. */
  static char buf[65536];
  int stream = (w == &m->out[STREAM_STDERR]) ? STREAM_STDERR : STREAM_STDOUT;
  (void) events;

  ssize_t n = read (w->fd, buf, sizeof buf);
  if (n > 0)
    {
      log_output (m, stream, buf, (size_t) n);
      attach_broadcast (m, stream, buf, (size_t) n);
      if (!m->output_paused)
        stdio_apply_backpressure (m);
      return;
    }
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  /* EOF, or EIO from a pty master once the last slave fd is closed. */
  stream_eof (m, stream);
}

/* Stops reading the container's output while an attached client is far
 * behind, and resumes once none is: the container then blocks on its pipe. */
void
stdio_apply_backpressure (struct monitor *m)
{
  bool pause = attach_backlogged (m);
  if (pause == m->output_paused)
    return;
  m->output_paused = pause;
  for (int s = 0; s < 2; s++)
    {
      if (m->out[s].fd < 0)
        continue;
      /* Out of the epoll set, not just without EPOLLIN: a hang-up is reported regardless of the mask. */
      if (pause)
        watch_unregister (m, &m->out[s]);
      else
        {
          dn_error_t err = NULL;
          if (watch_set (m, &m->out[s], EPOLLIN, &err) < 0)
            dn_error_release (&err);
        }
    }
}

void
stdio_close_streams (struct monitor *m)
{
  for (int s = 0; s < 2; s++)
    if (m->out[s].fd >= 0)
      stream_eof (m, s);
}

static void
stdin_really_close (struct monitor *m)
{
  watch_close (m, &m->in);
  m->stdin_len = 0;
  m->stdin_close_pending = false;
}

/* Writes what the pipe takes; returns false when the container's stdin is gone. */
static bool
stdin_write (struct monitor *m, const char *data, size_t len, size_t *written)
{
  *written = 0;
  while (*written < len)
    {
      ssize_t n = write (m->in.fd, data + *written, len - *written);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return true;
      if (n < 0)
        return false;
      *written += (size_t) n;
    }
  return true;
}

static void
stdin_writable (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) w;
  (void) events;
  size_t n;
  if (!stdin_write (m, m->stdin_buf, m->stdin_len, &n))
    {
      stdin_really_close (m);
      attach_stdin_resumed (m);
      return;
    }
  memmove (m->stdin_buf, m->stdin_buf + n, m->stdin_len - n);
  m->stdin_len -= n;
  if (m->stdin_len > 0)
    return;
  if (m->stdin_close_pending)
    stdin_really_close (m);
  else
    {
      dn_error_t err = NULL;
      /* Nothing pending: stop polling for writability until the pipe fills again. */
      if (watch_set (m, &m->in, 0, &err) < 0)
        dn_error_release (&err);
    }
  attach_stdin_resumed (m);
}

bool
stdio_has_stdin (struct monitor *m)
{
  return m->in.fd >= 0 && !m->stdin_close_pending;
}

bool
stdio_stdin_accepting (struct monitor *m)
{
  return stdio_has_stdin (m) && m->stdin_len == 0;
}

void
stdio_stdin_feed (struct monitor *m, const char *data, size_t len)
{
  if (!stdio_has_stdin (m))
    return;
  size_t n = 0;
  if (m->stdin_len == 0 && !stdin_write (m, data, len, &n))
    {
      stdin_really_close (m);
      return;
    }
  size_t rest = len - n;
  if (rest > sizeof m->stdin_buf - m->stdin_len)
    rest = sizeof m->stdin_buf - m->stdin_len; /* callers read at most the buffer size; never hit */
  memcpy (m->stdin_buf + m->stdin_len, data + n, rest);
  m->stdin_len += rest;
  if (m->stdin_len > 0)
    {
      dn_error_t err = NULL;
      if (watch_set (m, &m->in, EPOLLOUT, &err) < 0)
        {
          dn_error_release (&err);
          stdin_really_close (m);
        }
    }
}

void
stdio_close_stdin (struct monitor *m)
{
  if (m->in.fd < 0)
    return;
  m->stdin_close_pending = true;
  if (m->stdin_len == 0 || m->exited)
    stdin_really_close (m);
}

int
stdio_resize (struct monitor *m, unsigned rows, unsigned cols, dn_error_t *err)
{
  if (!m->opt.terminal)
    return dn_make_error (err, 0, "the container has no terminal");
  if (m->out[STREAM_STDOUT].fd < 0)
    return dn_make_error (err, 0, "the terminal is closed");
  if (rows > 0xffff || cols > 0xffff)
    return dn_make_error (err, 0, "size out of range");
  struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };
  if (ioctl (m->out[STREAM_STDOUT].fd, TIOCSWINSZ, &ws) < 0)
    return dn_make_error (err, errno, "TIOCSWINSZ");
  return 0;
}

static int
watch_output (struct monitor *m, int stream, int fd, dn_error_t *err)
{
  m->out[stream].fd = fd;
  m->out[stream].cb = output_ready;
  m->open_streams++;
  if (set_nonblock (fd, err) < 0)
    return -1;
  return watch_set (m, &m->out[stream], EPOLLIN, err);
}

/* The pipes exist before the launch (in exec mode that may be a START much
 * later), so stdin an attached client sends early waits in its pipe. */
static int
prepare_pipes (struct monitor *m, dn_error_t *err)
{
  struct pending_pipes *pp = &m->pipes;
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return dn_make_error (err, errno, "pipe");
  pp->out_r = p[0];
  pp->child_out = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return dn_make_error (err, errno, "pipe");
  pp->err_r = p[0];
  pp->child_err = p[1];
  if (set_nonblock (pp->err_r, err) < 0)
    return -1;
  if (m->opt.stdin_open)
    {
      if (pipe2 (p, O_CLOEXEC) < 0)
        return dn_make_error (err, errno, "pipe");
      pp->child_in = p[0];
      m->in.fd = p[1];
      if (set_nonblock (m->in.fd, err) < 0)
        return -1;
    }
  return 0;
}

static int
launch_with_pipes (struct monitor *m, dn_error_t *err)
{
  struct pending_pipes *pp = &m->pipes;
  int r = runtime_launch (m, pp->child_in >= 0 ? pp->child_in : m->devnull, pp->child_out, pp->child_err, pp->err_r,
                          NULL, err);
  /* Only the process keeps its ends, so its exit is our EOF. */
  close_and_reset (&pp->child_in);
  close_and_reset (&pp->child_out);
  close_and_reset (&pp->child_err);
  if (r < 0)
    return -1;
  int out_r = steal_fd (&pp->out_r), err_r = steal_fd (&pp->err_r);
  if (watch_output (m, STREAM_STDOUT, out_r, err) < 0)
    {
      close (err_r);
      return -1;
    }
  return watch_output (m, STREAM_STDERR, err_r, err);
}

/* A private directory for the console socket: short enough for sun_path,
 * and nobody else can connect to it while the runtime runs. */
struct console_dir
{
  char dir[64];
  char path[80];
};

static void
console_dir_cleanup (struct console_dir *d)
{
  if (d->path[0])
    unlink (d->path);
  if (d->dir[0])
    rmdir (d->dir);
}

static int
console_listen (struct console_dir *d, dn_error_t *err)
{
  strcpy (d->dir, "/tmp/berth-console-XXXXXX");
  if (mkdtemp (d->dir) == NULL)
    {
      d->dir[0] = '\0';
      return dn_make_error (err, errno, "mkdtemp `/tmp/berth-console-XXXXXX`");
    }
  snprintf (d->path, sizeof d->path, "%s/console.sock", d->dir);

  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "socket");
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  strcpy (sa.sun_path, d->path);
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    return dn_make_error (err, errno, "bind `%s`", d->path);
  if (listen (fd, 1) < 0)
    return dn_make_error (err, errno, "listen `%s`", d->path);
  return steal_fd (&fd);
}

/* Receives the pty master the runtime sent; it already exited, so the
 * connection and its message are queued and nothing here blocks. */
static int
console_receive (int listen_fd, dn_error_t *err)
{
  cleanup_close int conn = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return dn_make_error (err, errno == EAGAIN ? 0 : errno, "the runtime sent no terminal");
  char data[256];
  struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
  union
  {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  if (n < 0)
    return dn_make_error (err, errno, "receive the terminal from the runtime");
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN (sizeof (int)))
    return dn_make_error (err, 0, "the runtime sent no terminal fd");
  int fd;
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

static int
launch_with_terminal (struct monitor *m, dn_error_t *err)
{
  __attribute__ ((cleanup (console_dir_cleanup))) struct console_dir d = { .dir = "", .path = "" };
  cleanup_close int lfd = console_listen (&d, err);
  if (lfd < 0)
    return -1;
  int p[2];
  if (pipe2 (p, O_CLOEXEC | O_NONBLOCK) < 0)
    return dn_make_error (err, errno, "pipe");
  cleanup_close int cap_r = p[0], cap_w = p[1];

  if (runtime_launch (m, m->devnull, m->devnull, cap_w, cap_r, d.path, err) < 0)
    return -1;
  /* From here on the process exists; the caller abandons it if we fail. */
  int master = console_receive (lfd, err);
  if (master < 0 || watch_output (m, STREAM_STDOUT, master, err) < 0)
    return -1;
  if (m->opt.stdin_open)
    {
      /* Its own fd, so closing the container's stdin leaves the output side open. */
      m->in.fd = fcntl (master, F_DUPFD_CLOEXEC, 3);
      if (m->in.fd < 0)
        return dn_make_error (err, errno, "dup the terminal");
    }
  return 0;
}

int
stdio_prepare (struct monitor *m, dn_error_t *err)
{
  m->in.cb = stdin_writable;
  if (m->opt.terminal)
    return 0;
  return prepare_pipes (m, err);
}

int
stdio_launch (struct monitor *m, dn_error_t *err)
{
  if (m->opt.terminal)
    return launch_with_terminal (m, err);
  return launch_with_pipes (m, err);
}
