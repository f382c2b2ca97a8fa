/* A private network namespace with `lo` up and the --net-attach interfaces,
 * bound on --netns PATH for config.json to name. A runtime brings up nothing
 * in a namespace it joins by path, so the monitor makes it: a child unshares
 * CLONE_NEWNET and raises lo; we create each veth pair with its inner end in
 * the child's namespace; the child configures those ends; and we bind its
 * /proc/<pid>/ns/net onto PATH. Later, NET-ATTACH and NET-DETACH (docker
 * network connect/disconnect) add and remove interfaces in the bound namespace;
 * o->attach lists every interface attached, so all go with the namespace. */
#include "monitor.h"
#include "cleanup.h"
#include "loopback.h"
#include "sync.h"

#include "netlink.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: its namespace must live until the parent has bound it. */
__attribute__ ((noreturn)) static void
namespace_child (const struct monitor_options *o, int sync_fd)
{
  dn_error_t err = NULL;
  if (unshare (CLONE_NEWNET) < 0)
    dn_make_error (&err, errno, "unshare the network namespace");
  else
    dn_loopback_up (&err);
  if (err)
    {
      dn_sync_send (sync_fd, DN_SYNC_ERROR, err->msg, NULL);
      _exit (1);
    }
  if (dn_sync_send (sync_fd, DN_SYNC_READY, NULL, NULL) < 0)
    _exit (1);
  enum dn_sync type;
  /* GO once the parent has made the veth pairs; anything else means it gave up. */
  if (dn_sync_recv (sync_fd, &type, NULL, NULL) < 0 || type != DN_SYNC_GO)
    _exit (1);
  for (size_t i = 0; i < o->n_attach && !err; i++)
    if (net_attach_container_side (&o->attach[i], &err) < 0)
      dn_error_wrap (&err, "configure `%s` in the container", o->attach[i].ifname);
  if (err)
    {
      dn_sync_send (sync_fd, DN_SYNC_ERROR, err->msg, NULL);
      _exit (1);
    }
  if (dn_sync_send (sync_fd, DN_SYNC_READY, NULL, NULL) < 0)
    _exit (1);
  /* Returns when the parent says GO or goes away; either way we are done. */
  dn_sync_recv (sync_fd, &type, NULL, NULL);
  _exit (0);
}

/* Makes each veth pair with its inner end in the child's namespace. */
static int
attach_host_sides (const struct monitor_options *o, pid_t child, dn_error_t *err)
{
  if (o->n_attach == 0)
    return 0;
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int) child);
  cleanup_close int ns = open (path, O_RDONLY | O_CLOEXEC);
  if (ns < 0)
    return dn_make_error (err, errno, "open `%s`", path);
  for (size_t i = 0; i < o->n_attach; i++)
    if (net_attach_host_side (&o->attach[i], ns, true, err) < 0)
      {
        for (size_t j = 0; j < i; j++)
          net_attach_remove (&o->attach[j]);
        return dn_error_wrap (err, "attach to bridge `%s`", o->attach[i].bridge);
      }
  return 0;
}

static void
attach_remove_all (const struct monitor_options *o)
{
  for (size_t i = 0; i < o->n_attach; i++)
    net_attach_remove (&o->attach[i]);
}

/* Waits for the child's next message, which must be READY. */
static int
expect_ready (int sync_fd, dn_error_t *err)
{
  cleanup_free char *msg = NULL;
  enum dn_sync type;
  int r = dn_sync_recv (sync_fd, &type, &msg, err);
  if (r == 0 && type != DN_SYNC_READY)
    r = dn_make_error (err, 0, "%s", msg && *msg ? msg : "network namespace: unexpected reply");
  return r;
}

/* A file or mount left at PATH by a monitor that was killed; the attach
 * socket was checked first, so no live monitor of this container uses it. */
static int
remove_stale (const char *path, dn_error_t *err)
{
  for (int i = 0; i < 8 && umount2 (path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0; i++)
    ;
  if (unlink (path) < 0 && errno != ENOENT)
    return dn_make_error (err, errno, "remove stale `%s`", path);
  return 0;
}

static int
bind_namespace (pid_t child, const char *path, dn_error_t *err)
{
  char src[64];
  snprintf (src, sizeof src, "/proc/%d/ns/net", (int) child);
  if (mount (src, path, NULL, MS_BIND, NULL) < 0)
    return dn_make_error (err, errno, "bind the network namespace on `%s`", path);
  /* Private, so the bind neither spreads to peer namespaces nor survives our unmount in one. */
  if (mount (NULL, path, NULL, MS_PRIVATE, NULL) < 0)
    {
      int saved = errno;
      umount2 (path, MNT_DETACH);
      return dn_make_error (err, saved, "make `%s` private", path);
    }
  return 0;
}

/* Forks a child that talks to us over a SEQPACKET pair: the pid (0 in the child), or -1; *fd is this side's end. */
static pid_t
fork_with_channel (int *fd, dn_error_t *err)
{
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    {
      dn_make_error (err, errno, "socketpair");
      return -1;
    }
  pid_t pid = fork ();
  if (pid < 0)
    {
      int saved = errno;
      close (pair[0]);
      close (pair[1]);
      dn_make_error (err, saved, "fork");
      return -1;
    }
  close (pair[pid == 0 ? 0 : 1]);
  *fd = pair[pid == 0 ? 1 : 0];
  return pid;
}

static int
run_child (const struct monitor_options *o, const char *path, dn_error_t *err)
{
  int channel;
  pid_t pid = fork_with_channel (&channel, err);
  if (pid < 0)
    return -1;
  if (pid == 0)
    namespace_child (o, channel);
  cleanup_close int sync_fd = channel;
  int r = expect_ready (sync_fd, err);
  bool attached = false;
  if (r == 0)
    {
      r = attach_host_sides (o, pid, err);
      attached = r == 0;
    }
  if (r == 0)
    r = dn_sync_send (sync_fd, DN_SYNC_GO, NULL, err);
  if (r == 0)
    r = expect_ready (sync_fd, err);
  if (r == 0)
    r = bind_namespace (pid, path, err);
  if (r < 0)
    {
      kill (pid, SIGKILL);
      if (attached)
        attach_remove_all (o);
    }
  else
    dn_sync_send (sync_fd, DN_SYNC_GO, NULL, NULL);
  close_and_reset (&sync_fd);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r;
}

int
netns_create (struct monitor *m, dn_error_t *err)
{
  const char *path = m->opt.netns;
  if (path == NULL)
    return 0;
  if (remove_stale (path, err) < 0)
    return -1;
  /* A bind mount needs an existing target of the same kind: an empty file. */
  int fd = open (path, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
  if (fd < 0)
    return dn_make_error (err, errno, "create `%s`", path);
  close (fd);
  m->netns_made = true;
  if (run_child (&m->opt, path, err) < 0)
    {
      netns_remove (m);
      return -1;
    }
  return 0;
}

void
netns_remove (struct monitor *m)
{
  if (!m->netns_made)
    return;
  m->netns_made = false;
  /* The veths would go with the namespace, but only once its last process has; remove them now. */
  attach_remove_all (&m->opt);
  for (size_t i = 0; i < m->opt.n_attach; i++)
    net_attach_free (&m->opt.attach[i]);
  m->opt.n_attach = 0;
  /* Lazy, so a process still inside cannot keep the bind on the host; the namespace dies with its last user. */
  umount2 (m->opt.netns, MNT_DETACH | UMOUNT_NOFOLLOW);
  unlink (m->opt.netns);
}

/* A short child configures the inner end, so the monitor itself never leaves its own namespace. */
static int
configure_inside (const struct net_attach *a, int ns, dn_error_t *err)
{
  int channel;
  pid_t pid = fork_with_channel (&channel, err);
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      dn_error_t cerr = NULL;
      if (setns (ns, CLONE_NEWNET) < 0)
        dn_make_error (&cerr, errno, "join the network namespace");
      else if (net_attach_container_side (a, &cerr) < 0)
        dn_error_wrap (&cerr, "configure `%s` in the container", a->ifname);
      dn_sync_send (channel, cerr ? DN_SYNC_ERROR : DN_SYNC_READY, cerr ? cerr->msg : NULL, NULL);
      _exit (cerr ? 1 : 0);
    }
  cleanup_close int sync_fd = channel;
  int r = expect_ready (sync_fd, err);
  /* Reaped here, before the signalfd reports it; reap() then finds nothing of ours. */
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r;
}

static struct net_attach *
find_attachment (struct monitor *m, const char *host)
{
  for (size_t i = 0; i < m->opt.n_attach; i++)
    if (strcmp (m->opt.attach[i].host, host) == 0)
      return &m->opt.attach[i];
  return NULL;
}

int
netns_attach (struct monitor *m, const char *spec, dn_error_t *err)
{
  if (!m->netns_made)
    return dn_make_error (err, 0, "no network namespace: the monitor was started without --netns");
  if (m->exited)
    return dn_make_error (err, 0, "the container has exited");
  struct net_attach a;
  if (net_attach_parse (spec, &a, err) < 0)
    return -1;
  int r = -1;
  /* Only a free name: unlike at launch, a link of that name now belongs to someone else. */
  if (find_attachment (m, a.host))
    dn_make_error (err, 0, "`%s` is already attached", a.host);
  else if (if_nametoindex (a.host) != 0)
    dn_make_error (err, 0, "interface `%s` already exists on the host", a.host);
  else
    {
      cleanup_close int ns = open (m->opt.netns, O_RDONLY | O_CLOEXEC);
      if (ns < 0)
        dn_make_error (err, errno, "open `%s`", m->opt.netns);
      else if (net_attach_host_side (&a, ns, false, err) < 0)
        dn_error_wrap (err, "attach to bridge `%s`", a.bridge);
      else if (configure_inside (&a, ns, err) < 0)
        /* Deleting the host end takes the inner one with it. */
        net_attach_remove (&a);
      else
        r = 0;
    }
  if (r < 0)
    {
      net_attach_free (&a);
      return -1;
    }
  m->opt.attach = xrealloc (m->opt.attach, (m->opt.n_attach + 1) * sizeof *m->opt.attach);
  m->opt.attach[m->opt.n_attach++] = a;
  return 0;
}

int
netns_detach (struct monitor *m, const char *host, dn_error_t *err)
{
  struct net_attach *a = find_attachment (m, host);
  if (a == NULL)
    return dn_make_error (err, 0, "no such attachment");
  struct dn_nl nl;
  if (dn_nl_open (&nl, err) < 0)
    return -1;
  int r = dn_nl_link_del (&nl, host, err);
  dn_nl_close (&nl);
  if (r < 0)
    return -1;
  net_attach_free (a);
  size_t i = (size_t) (a - m->opt.attach);
  memmove (a, a + 1, (m->opt.n_attach - i - 1) * sizeof *a);
  m->opt.n_attach--;
  return 0;
}
