/* A private network namespace with only `lo`, up, bound on --netns PATH for
 * config.json to name, until Berth has real networking. A runtime brings up
 * nothing in a namespace it joins by path, and a namespace at a path is one
 * the engine can later wire up, so the monitor makes it: a child unshares
 * CLONE_NEWNET and raises lo, and we bind its /proc/<pid>/ns/net onto PATH. */
#include "monitor.h"
#include "cleanup.h"
#include "loopback.h"
#include "sync.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: its namespace must live until the parent has bound it. */
__attribute__ ((noreturn)) static void
namespace_child (int sync_fd)
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
  /* Returns when the parent says GO or goes away; either way we are done. */
  dn_sync_recv (sync_fd, &type, NULL, NULL);
  _exit (0);
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

static int
run_child (const char *path, dn_error_t *err)
{
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return dn_make_error (err, errno, "socketpair");
  pid_t pid = fork ();
  if (pid < 0)
    {
      int saved = errno;
      close (pair[0]);
      close (pair[1]);
      return dn_make_error (err, saved, "fork");
    }
  if (pid == 0)
    {
      close (pair[0]);
      namespace_child (pair[1]);
    }
  close (pair[1]);
  cleanup_close int sync_fd = pair[0];
  cleanup_free char *msg = NULL;
  enum dn_sync type;
  int r = dn_sync_recv (sync_fd, &type, &msg, err);
  if (r == 0 && type != DN_SYNC_READY)
    r = dn_make_error (err, 0, "%s", msg && *msg ? msg : "network namespace: unexpected reply");
  if (r == 0)
    r = bind_namespace (pid, path, err);
  if (r < 0)
    kill (pid, SIGKILL);
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
  if (run_child (path, err) < 0)
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
  /* Lazy, so a process still inside cannot keep the bind on the host; the namespace dies with its last user. */
  umount2 (m->opt.netns, MNT_DETACH | UMOUNT_NOFOLLOW);
  unlink (m->opt.netns);
}
