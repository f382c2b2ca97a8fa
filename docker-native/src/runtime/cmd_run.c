/* run [--bundle DIR] [--pid-file FILE] [--detach] ID: create and start; in the
 * foreground it forwards signals, waits, deletes the container and exits
 * with the container's status. */
#include "cli.h"
#include "cleanup.h"
#include "container.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static int
exit_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

/* Waits for the init, which is our child, passing on the signals we get. */
static int
wait_forwarding (pid_t pid, int *status, dn_error_t *err)
{
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaddset (&set, forwarded[i]);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    return dn_make_error (err, errno, "block signals");
  cleanup_close int sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return dn_make_error (err, errno, "signalfd");
  for (;;)
    {
      /* A SIGCHLD that came before the mask was set is gone, so look first. */
      pid_t r = waitpid (pid, status, WNOHANG);
      if (r == pid)
        return 0;
      if (r < 0 && errno != EINTR)
        return dn_make_error (err, errno, "waitpid");
      struct signalfd_siginfo si;
      if (TEMP_FAILURE_RETRY (read (sfd, &si, sizeof si)) != sizeof si)
        return dn_make_error (err, errno, "read signalfd");
      if (si.ssi_signo != SIGCHLD)
        kill (pid, (int) si.ssi_signo);
    }
}

int
dn_cmd_run (struct dn_cli *cli, int argc, char **argv)
{
  struct dn_create_opts o = { .root = cli->root };
  bool detach = false;
  int r = dn_cli_parse_create (argc, argv, &o, &detach);
  if (r != DN_EXIT_OK)
    return r;
  dn_error_t err = NULL;
  pid_t pid;
  if (dn_container_create (&o, &pid, &err) < 0)
    return dn_cli_fail (&err);
  if (dn_container_start (cli->root, o.id, &err) < 0)
    {
      dn_error_t ignored = NULL;
      dn_container_delete (cli->root, o.id, true, &ignored);
      dn_error_release (&ignored);
      return dn_cli_fail (&err);
    }
  if (detach)
    return DN_EXIT_OK;
  int status = 0;
  if (wait_forwarding (pid, &status, &err) < 0)
    return dn_cli_fail (&err);
  if (dn_container_delete (cli->root, o.id, true, &err) < 0)
    return dn_cli_fail (&err);
  return exit_code (status);
}
