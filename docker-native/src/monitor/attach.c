/* The attach socket: one request line per connection (ATTACH, RESIZE, START,
 * CLOSE-STDIN, NET-ATTACH, NET-DETACH); attached clients get output as Docker's multiplexed frames
 * and may feed the container's stdin. A client more than CLIENT_BACKLOG
 * behind pauses the container's output, as dockerd's 1 MB attach pipes do,
 * so a slow reader gets every byte; CLIENT_BUF_MAX is only a safety net. */
#include "monitor.h"
#include "cleanup.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

/* Room for a NET-ATTACH with every field at its longest (under 200 bytes) and then some. */
#define REQUEST_MAX 512
#define CLIENT_BACKLOG (1024 * 1024)
#define CLIENT_BUF_MAX (8 * 1024 * 1024)
#define CLIENT_BUF_KEEP (64 * 1024)

enum client_state
{
  CLIENT_REQUEST,  /* reading the request line */
  CLIENT_ATTACHED, /* streaming */
  CLIENT_CLOSING   /* flushing a reply or the last output, then closed */
};

struct client
{
  struct watch w; /* first, so loop.c's &c->w converts back */
  struct client *next;
  enum client_state state;
  bool want[2];
  bool want_stdin;
  bool stdin_done; /* its stdin part ended (EOF or gone) */
  bool rd_eof;     /* nothing more to read from it */
  bool parked;     /* out of epoll: it hung up while stdin was full */
  char req[REQUEST_MAX];
  size_t req_len;
  char *obuf;
  size_t ooff, olen, ocap;
};

static void client_ready (struct monitor *m, struct watch *w, uint32_t events);

static void
client_update (struct monitor *m, struct client *c)
{
  if (c->w.fd < 0 || c->parked)
    return;
  uint32_t ev = 0;
  if (c->state == CLIENT_REQUEST)
    ev |= EPOLLIN;
  else if (c->state == CLIENT_ATTACHED && !c->rd_eof)
    {
      /* A stdin client waits while the container's stdin is full; that is the backpressure. */
      if (!c->want_stdin || c->stdin_done || !stdio_has_stdin (m) || stdio_stdin_accepting (m))
        ev |= EPOLLIN;
    }
  if (c->olen > c->ooff)
    ev |= EPOLLOUT;
  dn_error_t err = NULL;
  if (watch_set (m, &c->w, ev, &err) < 0)
    dn_error_release (&err);
}

static void
client_stdin_done (struct monitor *m, struct client *c)
{
  if (!c->want_stdin || c->stdin_done)
    return;
  c->stdin_done = true;
  if (m->opt.stdin_once && !m->exited)
    stdio_close_stdin (m);
}

static void
client_drop (struct monitor *m, struct client *c)
{
  if (c->w.fd < 0)
    return;
  for (struct client **pp = &m->clients; *pp; pp = &(*pp)->next)
    if (*pp == c)
      {
        *pp = c->next;
        break;
      }
  client_stdin_done (m, c);
  watch_close (m, &c->w);
  if (m->listen.fd >= 0 && m->listen.events == 0 && watch_set (m, &m->listen, EPOLLIN, NULL) < 0)
    watch_unregister (m, &m->listen);
  free (c->obuf);
  c->obuf = NULL;
  c->olen = c->ooff = 0;
  stdio_apply_backpressure (m);
  /* Freed after the epoll batch: a later event of this batch may still point here. */
  c->next = m->graveyard;
  m->graveyard = c;
}

void
attach_free_graveyard (struct monitor *m)
{
  while (m->graveyard)
    {
      struct client *c = m->graveyard;
      m->graveyard = c->next;
      free (c);
    }
}

/* Sends queued output; returns -1 when the client was dropped. */
static int
client_flush (struct monitor *m, struct client *c)
{
  while (c->olen > c->ooff)
    {
      ssize_t n = send (c->w.fd, c->obuf + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        {
          client_drop (m, c);
          return -1;
        }
      c->ooff += (size_t) n;
      m->attach_sent += (unsigned long long) n;
    }
  if (m->output_paused)
    stdio_apply_backpressure (m);
  if (c->olen == c->ooff)
    {
      c->olen = c->ooff = 0;
      /* A burst must not pin its buffer for the rest of the container's life. */
      if (c->ocap > CLIENT_BUF_KEEP)
        {
          free (c->obuf);
          c->obuf = NULL;
          c->ocap = 0;
        }
      if (c->state == CLIENT_CLOSING)
        {
          client_drop (m, c);
          return -1;
        }
    }
  client_update (m, c);
  return 0;
}

/* Appends to the output buffer; a client past CLIENT_BUF_MAX is dropped (-1). */
static int
client_queue (struct monitor *m, struct client *c, const char *data, size_t len)
{
  if (c->olen + len > c->ocap && c->ooff > 0)
    {
      memmove (c->obuf, c->obuf + c->ooff, c->olen - c->ooff);
      c->olen -= c->ooff;
      c->ooff = 0;
    }
  if (c->olen + len > c->ocap)
    {
      if (c->olen + len > CLIENT_BUF_MAX)
        {
          client_drop (m, c);
          return -1;
        }
      size_t cap = c->ocap ? c->ocap : 4096;
      while (cap < c->olen + len)
        cap *= 2;
      if (cap > CLIENT_BUF_MAX)
        cap = CLIENT_BUF_MAX;
      c->obuf = xrealloc (c->obuf, cap);
      c->ocap = cap;
    }
  memcpy (c->obuf + c->olen, data, len);
  c->olen += len;
  return 0;
}

static void
client_reply (struct monitor *m, struct client *c, const char *line)
{
  if (client_queue (m, c, line, strlen (line)) == 0)
    client_flush (m, c);
}

static void
client_reply_err (struct monitor *m, struct client *c, const char *msg)
{
  char line[1024];
  /* One byte spare for the newline; the reply is one line whatever the message holds. */
  snprintf (line, sizeof line - 1, "ERR %s", msg);
  for (char *s = line; *s; s++)
    if ((unsigned char) *s < 0x20)
      *s = ' ';
  strcat (line, "\n");
  client_reply (m, c, line);
}

static void
client_send_frame (struct monitor *m, struct client *c, int stream, const char *data, size_t len)
{
  unsigned char hdr[8] = { (unsigned char) (stream + 1), 0, 0, 0, (unsigned char) (len >> 24),
                           (unsigned char) (len >> 16), (unsigned char) (len >> 8), (unsigned char) len };
  size_t sent = 0;
  if (c->olen == c->ooff)
    {
      /* The common case, an idle client: straight to the socket, no copy. */
      struct iovec iov[2] = { { hdr, sizeof hdr }, { (void *) data, len } };
      struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
      ssize_t n = sendmsg (c->w.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        {
          client_drop (m, c);
          return;
        }
      sent = n > 0 ? (size_t) n : 0;
      if (sent == sizeof hdr + len)
        return;
    }
  if (sent < sizeof hdr && client_queue (m, c, (const char *) hdr + sent, sizeof hdr - sent) < 0)
    return;
  size_t skip = sent > sizeof hdr ? sent - sizeof hdr : 0;
  if (client_queue (m, c, data + skip, len - skip) < 0)
    return;
  client_update (m, c);
}

bool
attach_backlogged (const struct monitor *m)
{
  for (const struct client *c = m->clients; c; c = c->next)
    if (c->state == CLIENT_ATTACHED && !c->parked && c->olen - c->ooff > CLIENT_BACKLOG)
      return true;
  return false;
}

void
attach_broadcast (struct monitor *m, int stream, const char *data, size_t len)
{
  struct client *next;
  for (struct client *c = m->clients; c; c = next)
    {
      next = c->next;
      /* A parked client's peer is gone; sending would fail and lose its unread stdin. */
      if (c->state == CLIENT_ATTACHED && c->want[stream] && !c->parked)
        client_send_frame (m, c, stream, data, len);
    }
}

static bool
parse_uint (const char *s, unsigned *out)
{
  if (s == NULL || *s < '0' || *s > '9')
    return false;
  char *end;
  unsigned long v = strtoul (s, &end, 10);
  if (*end || v > 0xffffffffUL)
    return false;
  *out = (unsigned) v;
  return true;
}

/* ATTACH: the words name the streams; a bare ATTACH streams nothing but still
 * closes when the container exits, which makes it a wait. */
static void
request_attach (struct monitor *m, struct client *c, char *args)
{
  for (char *save = NULL, *w = strtok_r (args, " ", &save); w; w = strtok_r (NULL, " ", &save))
    {
      if (strcmp (w, "stdin") == 0)
        c->want_stdin = true;
      else if (strcmp (w, "stdout") == 0)
        c->want[STREAM_STDOUT] = true;
      else if (strcmp (w, "stderr") == 0)
        c->want[STREAM_STDERR] = true;
      else
        {
          cleanup_free char *msg = xasprintf ("unknown stream %s", w);
          c->state = CLIENT_CLOSING;
          client_reply_err (m, c, msg);
          return;
        }
    }
  c->state = CLIENT_ATTACHED;
  client_reply (m, c, "OK\n");
}

static void
request_done (struct monitor *m, struct client *c, dn_error_t *err, int r)
{
  c->state = CLIENT_CLOSING;
  if (r < 0)
    {
      client_reply_err (m, c, (*err)->msg);
      dn_error_release (err);
    }
  else
    client_reply (m, c, "OK\n");
}

static void
client_request (struct monitor *m, struct client *c, char *line)
{
  dn_error_t err = NULL;
  char *args = strchr (line, ' ');
  if (args)
    *args++ = '\0';
  else
    args = line + strlen (line);

  if (strcmp (line, "ATTACH") == 0)
    request_attach (m, c, args);
  else if (strcmp (line, "RESIZE") == 0)
    {
      unsigned rows, cols;
      char *save = NULL;
      char *r = strtok_r (args, " ", &save);
      char *k = strtok_r (NULL, " ", &save);
      int ret;
      if (!parse_uint (r, &rows) || !parse_uint (k, &cols) || strtok_r (NULL, " ", &save))
        ret = dn_make_error (&err, 0, "usage: RESIZE <rows> <cols>");
      else
        ret = stdio_resize (m, rows, cols, &err);
      request_done (m, c, &err, ret);
    }
  else if (strcmp (line, "START") == 0)
    {
      int ret;
      if (m->exited)
        ret = dn_make_error (&err, 0, "the container has exited");
      else if (m->started)
        ret = dn_make_error (&err, 0, "the container is already started");
      else
        ret = runtime_start (m, &err);
      request_done (m, c, &err, ret);
      /* After the reply is queued, so the client gets it before everyone is closed. */
      if (ret < 0 && m->opt.exec_process)
        loop_exec_failed (m);
    }
  else if (strcmp (line, "CLOSE-STDIN") == 0)
    {
      stdio_close_stdin (m);
      request_done (m, c, &err, 0);
    }
  else if (strcmp (line, "NET-ATTACH") == 0)
    {
      int ret = *args ? netns_attach (m, args, &err) : dn_make_error (&err, 0, "usage: NET-ATTACH <spec>");
      request_done (m, c, &err, ret);
    }
  else if (strcmp (line, "NET-DETACH") == 0)
    {
      int ret = *args && !strchr (args, ' ') ? netns_detach (m, args, &err)
                                             : dn_make_error (&err, 0, "usage: NET-DETACH <host-veth-name>");
      request_done (m, c, &err, ret);
    }
  else
    {
      c->state = CLIENT_CLOSING;
      client_reply (m, c, "ERR unknown request\n");
    }
}

/* Reads the request a byte at a time so nothing after its newline (stdin
 * data of an ATTACH) is consumed here; requests are short (a NET-ATTACH, the
 * longest, is under 200 bytes). */
static int
client_read_request (struct monitor *m, struct client *c)
{
  for (;;)
    {
      char ch;
      ssize_t n = read (c->w.fd, &ch, 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 0;
      if (n <= 0)
        {
          client_drop (m, c);
          return -1;
        }
      if (ch == '\n')
        {
          c->req[c->req_len] = '\0';
          if (c->req_len > 0 && c->req[c->req_len - 1] == '\r')
            c->req[c->req_len - 1] = '\0';
          client_request (m, c, c->req);
          return c->w.fd < 0 ? -1 : 0;
        }
      if (c->req_len + 1 >= sizeof c->req)
        {
          c->state = CLIENT_CLOSING;
          client_reply (m, c, "ERR request too long\n");
          return c->w.fd < 0 ? -1 : 0;
        }
      c->req[c->req_len++] = ch;
    }
}

static int
client_read_stdin (struct monitor *m, struct client *c)
{
  /* Never more than the stdin buffer holds, so a partial write always fits there. */
  static char buf[sizeof ((struct monitor *) 0)->stdin_buf];
  ssize_t n = read (c->w.fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return 0;
  if (n < 0)
    {
      client_drop (m, c);
      return -1;
    }
  if (n == 0)
    {
      c->rd_eof = true;
      client_stdin_done (m, c);
      return 0;
    }
  if (c->want_stdin && !c->stdin_done)
    stdio_stdin_feed (m, buf, (size_t) n);
  return 0;
}

static void
client_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  struct client *c = (struct client *) w;
  if (events & EPOLLERR)
    {
      client_drop (m, c);
      return;
    }
  if ((events & EPOLLOUT) && client_flush (m, c) < 0)
    return;
  if (events & EPOLLIN)
    {
      int r = 0;
      if (c->state == CLIENT_REQUEST)
        r = client_read_request (m, c);
      else if (c->state == CLIENT_ATTACHED && !c->rd_eof)
        r = client_read_stdin (m, c);
      if (r < 0)
        return;
    }
  if (events & EPOLLHUP)
    {
      /* The peer closed both ways: only its unread stdin still matters. */
      if (c->state == CLIENT_ATTACHED && !c->rd_eof && !(events & EPOLLIN))
        {
          /* Stdin is full: wait outside epoll, since a hung-up socket would wake us forever. */
          watch_unregister (m, &c->w);
          c->parked = true;
          return;
        }
      if (c->rd_eof || c->state == CLIENT_CLOSING)
        {
          client_drop (m, c);
          return;
        }
    }
  client_update (m, c);
}

void
attach_stdin_resumed (struct monitor *m)
{
  for (struct client *c = m->clients; c; c = c->next)
    {
      c->parked = false;
      client_update (m, c);
    }
}

static void
listen_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  for (int i = 0; i < 16; i++)
    {
      int fd = accept4 (w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0 && (errno == EMFILE || errno == ENFILE))
        {
          /* Out of fds: a pending connection would wake us forever; listen again when a client goes. */
          if (watch_set (m, w, 0, NULL) < 0)
            watch_unregister (m, w);
          return;
        }
      if (fd < 0)
        return;
      struct client *c = xmalloc0 (sizeof *c);
      c->w.fd = fd;
      c->w.cb = client_ready;
      c->state = CLIENT_REQUEST;
      c->next = m->clients;
      m->clients = c;
      client_update (m, c);
    }
}

/* A socket file left by a monitor that was killed would make bind fail; one
 * that still answers belongs to a live monitor and must not be taken over. */
static int
remove_stale_socket (const struct sockaddr_un *sa, dn_error_t *err)
{
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "socket");
  if (connect (fd, (const struct sockaddr *) sa, sizeof *sa) == 0)
    return dn_make_error (err, 0, "socket `%s` is in use by a running monitor", sa->sun_path);
  if (errno == ECONNREFUSED && unlink (sa->sun_path) < 0 && errno != ENOENT)
    return dn_make_error (err, errno, "remove stale socket `%s`", sa->sun_path);
  return 0;
}

int
attach_listen (struct monitor *m, dn_error_t *err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (m->opt.socket) >= sizeof sa.sun_path)
    return dn_make_error (err, 0, "socket path `%s` is too long (max %zu bytes)", m->opt.socket,
                          sizeof sa.sun_path - 1);
  strcpy (sa.sun_path, m->opt.socket);
  if (remove_stale_socket (&sa, err) < 0)
    return -1;

  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "socket");
  /* The umask, not a later chmod, so the socket is never reachable by others. */
  mode_t old = umask (0177);
  int r = bind (fd, (struct sockaddr *) &sa, sizeof sa);
  int saved = errno;
  umask (old);
  if (r < 0)
    return dn_make_error (err, saved, "bind `%s`", m->opt.socket);
  if (listen (fd, 32) < 0)
    {
      saved = errno;
      unlink (m->opt.socket);
      return dn_make_error (err, saved, "listen `%s`", m->opt.socket);
    }
  m->listen.fd = steal_fd (&fd);
  m->listen.cb = listen_ready;
  if (watch_set (m, &m->listen, EPOLLIN, err) < 0)
    {
      attach_unlink (m);
      return -1;
    }
  return 0;
}

void
attach_unlink (struct monitor *m)
{
  if (m->listen.fd < 0)
    return;
  watch_close (m, &m->listen);
  unlink (m->opt.socket);
}

void
attach_shutdown (struct monitor *m)
{
  struct client *next;
  for (struct client *c = m->clients; c; c = next)
    {
      next = c->next;
      if (c->state == CLIENT_REQUEST || c->parked)
        {
          client_drop (m, c);
          continue;
        }
      c->state = CLIENT_CLOSING;
      client_flush (m, c);
    }
}

void
attach_drop_all (struct monitor *m)
{
  while (m->clients)
    client_drop (m, m->clients);
}
