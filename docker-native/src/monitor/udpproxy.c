/* --publish udp:HOST_IP:HOST_PORT:CONTAINER_IP:CONTAINER_PORT: docker-proxy's
 * UDP relay in the monitor's epoll loop. UDP has no connections, so each
 * client address seen on the host port gets a "flow": a socket connected to
 * the container's address, made on the client's first datagram. What the
 * container answers on that socket goes back to the client from the host
 * port's socket, so the client sees replies come from where it sent. A flow
 * ends after UDP_FLOW_IDLE_MS without a datagram either way (one timerfd,
 * armed for the least recently active flow) or, past UDP_FLOW_MAX flows on
 * one port, when it is that port's least recently active. */
#include "monitor.h"
#include "cleanup.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>

/* docker-proxy's UDPConnTrackTimeout; overridable at build time for tests. */
#ifndef UDP_FLOW_IDLE_MS
#define UDP_FLOW_IDLE_MS 90000
#endif
/* Per published port, so a flood of source ports cannot run the monitor out of fds. */
#ifndef UDP_FLOW_MAX
#define UDP_FLOW_MAX 1024
#endif
/* Datagrams relayed per wake-up, so one busy socket cannot starve the rest of the loop. */
#define UDP_BATCH 64

struct flow
{
  struct watch up; /* connected to the container */
  struct port_publish *port;
  struct sockaddr_in client;
  long long last;           /* CLOCK_MONOTONIC ms of the last datagram either way */
  struct flow *prev, *next; /* every flow, least recently active first */
};

static struct flow *oldest, *newest;
/* Flows ended during one epoll batch, freed after it: a later event of the batch may name them. */
static struct flow *graveyard;
static struct watch expiry = { .fd = -1 };
static bool expiry_armed;
/* The largest IPv4 datagram fits; one buffer serves every relay, since nothing is kept between calls. */
static char dgram[65536];

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
list_unlink (struct flow *f)
{
  *(f->prev ? &f->prev->next : &oldest) = f->next;
  *(f->next ? &f->next->prev : &newest) = f->prev;
  f->prev = f->next = NULL;
}

static void
list_append (struct flow *f)
{
  f->prev = newest;
  f->next = NULL;
  *(newest ? &newest->next : &oldest) = f;
  newest = f;
}

/* Marks activity: the flow moves to the end of the list, which stays ordered by `last`. */
static void
flow_touch (struct flow *f)
{
  f->last = now_ms ();
  if (f != newest)
    {
      list_unlink (f);
      list_append (f);
    }
}

static void
flow_free (struct monitor *m, struct flow *f)
{
  watch_close (m, &f->up);
  list_unlink (f);
  f->port->n_flows--;
  f->next = graveyard;
  graveyard = f;
}

void
udp_free_graveyard (void)
{
  while (graveyard)
    {
      struct flow *f = graveyard;
      graveyard = f->next;
      free (f);
    }
}

/* The timer may fire early (its flow was active since); expiry_ready then re-arms it. */
static void
expiry_arm (void)
{
  struct itimerspec its = { 0 };
  if (oldest)
    {
      long long ms = oldest->last + UDP_FLOW_IDLE_MS - now_ms ();
      if (ms < 1)
        ms = 1;
      its.it_value.tv_sec = ms / 1000;
      its.it_value.tv_nsec = (ms % 1000) * 1000000L;
    }
  timerfd_settime (expiry.fd, 0, &its, NULL);
  expiry_armed = oldest != NULL;
}

static void
expiry_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  uint64_t ticks;
  if (read (w->fd, &ticks, sizeof ticks) != sizeof ticks)
    return;
  long long now = now_ms ();
  while (oldest && now - oldest->last >= UDP_FLOW_IDLE_MS)
    flow_free (m, oldest);
  expiry_arm ();
}

/* The container's replies, back to the client from the host port. */
static void
container_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  struct flow *f = (struct flow *) ((char *) w - offsetof (struct flow, up));
  for (int i = 0; i < UDP_BATCH; i++)
    {
      ssize_t n = recv (w->fd, dgram, sizeof dgram, 0);
      if (n < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            return;
          /* ICMP port unreachable: nothing listens in the container yet; a later datagram may find it. */
          if (errno == ECONNREFUSED)
            continue;
          flow_free (m, f);
          return;
        }
      /* Dropped when the host socket is full, as the network itself would. */
      sendto (f->port->listen.fd, dgram, (size_t) n, MSG_DONTWAIT, (struct sockaddr *) &f->client, sizeof f->client);
      flow_touch (f);
    }
}

static struct flow *
flow_find (const struct port_publish *p, const struct sockaddr_in *from)
{
  /* Newest first: a client that is sending now was most likely sending a moment ago. */
  for (struct flow *f = newest; f; f = f->prev)
    if (f->port == p && f->client.sin_port == from->sin_port && f->client.sin_addr.s_addr == from->sin_addr.s_addr)
      return f;
  return NULL;
}

static struct flow *
flow_new (struct monitor *m, struct port_publish *p, const struct sockaddr_in *from)
{
  if (p->n_flows >= UDP_FLOW_MAX)
    for (struct flow *f = oldest; f; f = f->next)
      if (f->port == p)
        {
          flow_free (m, f);
          break;
        }
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (p->container_port), .sin_addr = p->container_ip };
  if (fd < 0 || connect (fd, (struct sockaddr *) &to, sizeof to) < 0)
    return NULL;
  struct flow *f = xmalloc0 (sizeof *f);
  f->up = (struct watch){ .fd = steal_fd (&fd), .cb = container_ready };
  f->port = p;
  f->client = *from;
  if (watch_set (m, &f->up, EPOLLIN, NULL) < 0)
    {
      close (f->up.fd);
      free (f);
      return NULL;
    }
  p->n_flows++;
  f->last = now_ms ();
  list_append (f);
  if (!expiry_armed)
    expiry_arm ();
  return f;
}

/* Datagrams from clients on the host port, each to its client's flow. */
static void
client_ready (struct monitor *m, struct watch *w, uint32_t events)
{
  (void) events;
  struct port_publish *p = (struct port_publish *) ((char *) w - offsetof (struct port_publish, listen));
  for (int i = 0; i < UDP_BATCH; i++)
    {
      struct sockaddr_in from;
      socklen_t len = sizeof from;
      ssize_t n = recvfrom (w->fd, dgram, sizeof dgram, 0, (struct sockaddr *) &from, &len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return;
      if (len != sizeof from || from.sin_family != AF_INET)
        continue;
      struct flow *f = flow_find (p, &from);
      if (f == NULL && (f = flow_new (m, p, &from)) == NULL)
        continue; /* no socket for it now: the datagram is lost, which UDP allows */
      send (f->up.fd, dgram, (size_t) n, MSG_DONTWAIT);
      flow_touch (f);
    }
}

int
udp_listen (struct monitor *m, struct port_publish *p, dn_error_t *err)
{
  if (expiry.fd < 0)
    {
      expiry.fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
      if (expiry.fd < 0)
        return dn_make_error (err, errno, "timerfd_create");
      expiry.cb = expiry_ready;
      if (watch_set (m, &expiry, EPOLLIN, err) < 0)
        return -1;
    }
  /* No SO_REUSEADDR: on UDP it would let two sockets share the port, so a port in use would not fail. */
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "socket");
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (p->host_port), .sin_addr = p->host_ip };
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      char ip[INET_ADDRSTRLEN];
      inet_ntop (AF_INET, &p->host_ip, ip, sizeof ip);
      return dn_make_error (err, errno, "Bind for %s:%u/udp failed", ip, p->host_port);
    }
  p->listen = (struct watch){ .fd = steal_fd (&fd), .cb = client_ready };
  return watch_set (m, &p->listen, EPOLLIN, err);
}

void
udp_close_all (struct monitor *m)
{
  while (oldest)
    flow_free (m, oldest);
  watch_close (m, &expiry);
  expiry_armed = false;
}
