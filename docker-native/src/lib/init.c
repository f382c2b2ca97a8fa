#include "init.h"
#include "cleanup.h"
#include "loopback.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "signals.h"
#include "sync.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int
setup_terminal (const struct dn_init_args *a, dn_error_t *err)
{
  if (setsid () < 0)
    return dn_make_error (err, errno, "setsid");
  if (!a->spec->process.terminal)
    return 0;
  int master = -1, slave = -1;
  if (dn_rootfs_setup_console (a->spec, &master, &slave, err) < 0)
    return -1;
  return dn_terminal_hand_over (a->console_fd, master, slave, err);
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
  /* A new network namespace has lo down; runc raises it, and so must we. */
  if (spec->ns_new[DN_NS_NET] && dn_loopback_up (err) < 0)
    return dn_error_wrap (err, "bring up lo");
  if (spec->hostname && sethostname (spec->hostname, strlen (spec->hostname)) < 0)
    return dn_make_error (err, errno, "sethostname `%s`", spec->hostname);
  if (spec->domainname && setdomainname (spec->domainname, strlen (spec->domainname)) < 0)
    return dn_make_error (err, errno, "setdomainname `%s`", spec->domainname);
  if (dn_rootfs_prepare (spec, err) < 0 || dn_rootfs_pivot (spec->rootfs, err) < 0)
    return -1;
  if (setup_terminal (a, err) < 0 || dn_rootfs_finalize (spec, err) < 0)
    return -1;
  if (dn_process_enter_cwd (&spec->process, true, err) < 0 || dn_process_set_limits (&spec->process, err) < 0)
    return -1;
  if (dn_process_find_executable (&spec->process, exe, err) < 0)
    return -1;
  bool in_userns = spec->ns_new[DN_NS_USER] || spec->ns_path[DN_NS_USER];
  return dn_process_drop_privileges (&spec->process, spec->seccomp, in_userns, err);
}

void
dn_init_run (const struct dn_init_args *a)
{
  dn_error_t err = NULL;
  cleanup_free char *exe = NULL;
  /* Non-dumpable until exec, so nothing in the container can ptrace or read
   * this process's fds while it still holds host resources (CVE-2016-9962). */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Nothing a launcher blocked or ignored may reach the container. */
  dn_signals_reset_all ();
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

  dn_process_exec (exe, &a->spec->process, a->spec->seccomp, &err);
  fprintf (stderr, "berth-runtime: %s\n", err->msg);
  _exit (127);
}
