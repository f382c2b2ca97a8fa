/* The foreground wait of `run` and `exec`: the process is our child; the
 * signals we get are passed on to it until it ends. */
#include "cli.h"
#include "cleanup.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

int
dn_cli_exit_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

static void
forwarded_set (sigset_t *set)
{
  sigemptyset (set);
  sigaddset (set, SIGCHLD);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaddset (set, forwarded[i]);
}

int
dn_cli_block_forwarded (dn_error_t *err)
{
  sigset_t set;
  forwarded_set (&set);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    return dn_make_error (err, errno, "block signals");
  return 0;
}

int
dn_cli_wait_forwarding (pid_t pid, int *status, dn_error_t *err)
{
  sigset_t set;
  forwarded_set (&set);
  if (dn_cli_block_forwarded (err) < 0)
    return -1;
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
