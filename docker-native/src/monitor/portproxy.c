/* --publish tcp|udp:HOST_IP:HOST_PORT:CONTAINER_IP:CONTAINER_PORT: the
 * userland proxy of a published port, as docker-proxy is one. The monitor
 * binds the host port before the container is created, so a port in use
 * fails the launch with nothing left behind, and holds it for the
 * container's life; each TCP connection accepted is relayed to the
 * container's address through the monitor's epoll loop, with a buffer per
 * direction, half-closes passed on, and no thread or process of its own.
 * UDP is relayed by udpproxy.c. */
#include "monitor.h"
#include "cleanup.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define RELAY_BUF 65536

struct relay;

/* One direction of a connection: bytes read from `from` wait in buf for `to`. */
struct half
{
  char buf[RELAY_BUF];
  size_t start, len;
  bool eof; /* `from` said EOF: shut `to` for writing once buf is empty */
};

struct relay
{
  struct watch client;   /* accepted on the host port */
  struct watch upstream; /* connected to the container */
  bool connected;
  struct half up;   /* client -> container */
  struct half down; /* container -> client */
  int shut;         /* directions finished, 2 when both are */
  struct relay *next;
};

static struct relay *relays;
/* Relays ended during one epoll batch, freed after it: a later event of the batch may name them. */
static struct relay *graveyard;

int
port_parse (const char *spec, struct port_publish *p, dn_error_t *err)
{
  static const char usage[] = "is not tcp|udp:HOST_IP:HOST_PORT:CONTAINER_IP:CONTAINER_PORT";
  memset (p, 0, sizeof *p);
  cleanup_free char *copy = xstrdup (spec);
  char *parts[5];
  char *save = NULL;
  int n = 0;
  for (char *s = strtok_r (copy, ":", &save); s && n < 6; s = strtok_r (NULL, ":", &save))
    {
      if (n == 5)
        return dn_make_error (err, 0, "--publish: `%s` %s", spec, usage);
      parts[n++] = s;
    }
  if (n != 5 || (strcmp (parts[0], "tcp") != 0 && strcmp (parts[0], "udp") != 0))
    return dn_make_error (err, 0, "--publish: `%s` %s", spec, usage);
  p->udp = parts[0][0] == 'u';
  char *end;
  long hp = strtol (parts[2], &end, 10);
  /* Port 0 would have the kernel pick one nobody asked for; the engine picks host ports itself. */
  if (p->udp && *end == '\0' && hp == 0)
    return dn_make_error (err, 0, "--publish: host port 0 in `%s`: the engine must pick the udp host port", spec);
  if (*end || hp < 1 || hp > 65535)
    return dn_make_error (err, 0, "--publish: invalid host port `%s`", parts[2]);
  long cp = strtol (parts[4], &end, 10);
  if (*end || cp < 1 || cp > 65535)
    return dn_make_error (err, 0, "--publish: invalid container port `%s`", parts[4]);
  if (inet_pton (AF_INET, parts[1], &p->host_ip) != 1 || inet_pton (AF_INET, parts[3], &p->container_ip) != 1)
    return dn_make_error (err, 0, "--publish: `%s` needs IPv4 addresses", spec);
  p->host_port = (uint16_t) hp;
  p->container_port = (uint16_t) cp;
  p->listen.fd = -1;
  return 0;
}

static void relay_events (struct monitor *m, struct relay *r);

static void
relay_free (struct monitor *m, struct relay *r)
{
  watch_close (m, &r->client);
  watch_close (m, &r->upstream);
  for (struct relay **pp = &relays; *pp; pp = &(*pp)->next)
    if (*pp == r)
      {
        *pp = r->next;
        break;
      }
  r->next = graveyard;
  graveyard = r;
}

void
ports_free_graveyard (void)
{
  while (graveyard)
    {
      struct relay *r = graveyard;
      graveyard = r->next;
      free (r);
    }
  udp_free_graveyard ();
}

/* Moves what it can from one socket to the other; returns -1 when the relay must end. */
static int
pump (int from, int to, struct half *h, bool can_read)
{
  if (can_read && !h->eof && h->len == 0)
    {
      ssize_t n = read (from, h->buf, sizeof h->buf);
      if (n > 0)
        {
          h->start = 0;
          h->len = (size_t) n;
        }
      else if (n == 0)
        h->eof = true;
      else if (errno != EAGAIN && errno != EINTR)
        return -1;
    }
  while (h->len > 0)
    {
      ssize_t n = send (to, h->buf + h->start, h->len, MSG_NOSIGNAL);
      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            break;
          return -1;
        }
      h->start += (size_t) n;
      h->len -= (size_t) n;
    }
  return 0;
}

static void
half_finish (struct half *h, int to, int *shut)
{
  if (h->eof && h->len == 0 && h->start != (size_t) -1)
    {
      shutdown (to, SHUT_WR);
      h->start = (size_t) -1; /* marks the direction done */
      (*shut)++;
    }
}

/* Re-registers both sockets for what each direction now waits on. */
static void
relay_rearm (struct monitor *m, struct relay *r)
{
  uint32_t client_ev = 0, upstream_ev = 0;
  if (!r->connected)
    upstream_ev = EPOLLOUT;
  else
    {
      if (!r->up.eof && r->up.len == 0)
        client_ev |= EPOLLIN;
      if (r->up.len > 0)
        upstream_ev |= EPOLLOUT;
      if (!r->down.eof && r->down.len == 0)
        upstream_ev |= EPOLLIN;
      if (r->down.len > 0)
        client_ev |= EPOLLOUT;
    }
  /* A socket with nothing to wait for is taken out of the set; EPOLL_CTL_MOD to 0 would still report HUP. */
  if (client_ev)
    watch_set (m, &r->client, client_ev, NULL);
  else
    watch_unregister (m, &r->client);
  if (upstream_ev)
    watch_set (m, &r->upstream, upstream_ev, NULL);
  else
    watch_unregister (m, &r->upstream);
}

static void
relay_events (struct monitor *m, struct relay *r)
{
  if (!r->connected)
    {
      int soerr = 0;
      socklen_t len = sizeof soerr;
      if (getsockopt (r->upstream.fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 || soerr != 0)
        {
          relay_free (m, r);
          return;
        }
      r->connected = true;
    }
  if (pump (r->client.fd, r->upstream.fd, &r->up, true) < 0 || pump (r->upstream.fd, r->client.fd, &r->down, true) < 0)
    {
      relay_free (m, r);
      return;
    }
  half_finish (&r->up, r->upstream.fd, &r->shut);
  half_finish (&r->down, r->client.fd, &r->shut);
  if (r->shut == 2)
    {
      relay_free (m, r);
      return;
    }
  relay_rearm (m, r);
}

static void
client_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  relay_events (m, (struct relay *) ((char *) w - offsetof (struct relay, client)));
}

static void
upstream_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  relay_events (m, (struct relay *) ((char *) w - offsetof (struct relay, upstream)));
}

static void
accept_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  struct port_publish *p = (struct port_publish *) ((char *) w - offsetof (struct port_publish, listen));
  for (;;)
    {
      int fd = accept4 (w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        return;
      int up = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (p->container_port),
                                .sin_addr = p->container_ip };
      if (up < 0 || (connect (up, (struct sockaddr *) &to, sizeof to) < 0 && errno != EINPROGRESS))
        {
          /* Nothing listens in the container: the client sees its connection closed, as with docker-proxy. */
          close (fd);
          if (up >= 0)
            close (up);
          continue;
        }
      struct relay *r = xmalloc0 (sizeof *r);
      r->client = (struct watch){ .fd = fd, .cb = client_ready };
      r->upstream = (struct watch){ .fd = up, .cb = upstream_ready };
      r->next = relays;
      relays = r;
      relay_rearm (m, r);
    }
}

int
ports_listen (struct monitor *m, dn_error_t *err)
{
  for (size_t i = 0; i < m->opt.n_publish; i++)
    {
      struct port_publish *p = &m->opt.publish[i];
      if (p->udp)
        {
          if (udp_listen (m, p, err) < 0)
            return -1;
          continue;
        }
      int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return dn_make_error (err, errno, "socket");
      int one = 1;
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (p->host_port), .sin_addr = p->host_ip };
      char ip[INET_ADDRSTRLEN];
      inet_ntop (AF_INET, &p->host_ip, ip, sizeof ip);
      if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
        {
          int saved = errno;
          close (fd);
          return dn_make_error (err, saved, "Bind for %s:%u failed", ip, p->host_port);
        }
      if (listen (fd, 128) < 0)
        {
          int saved = errno;
          close (fd);
          return dn_make_error (err, saved, "listen on %s:%u", ip, p->host_port);
        }
      p->listen = (struct watch){ .fd = fd, .cb = accept_ready };
      if (watch_set (m, &p->listen, EPOLLIN, err) < 0)
        return -1;
    }
  return 0;
}

void
ports_close (struct monitor *m)
{
  for (size_t i = 0; i < m->opt.n_publish; i++)
    if (m->opt.publish[i].listen.fd >= 0)
      watch_close (m, &m->opt.publish[i].listen);
  while (relays)
    relay_free (m, relays);
  udp_close_all (m);
}
