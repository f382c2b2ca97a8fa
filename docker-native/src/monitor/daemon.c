/* The launcher/monitor split: the process the engine spawns forks the monitor,
 * which detaches into its own session as a child subreaper, and waits on a
 * sync pipe for one report line: "OK <pid>\n" or "ERR <message>\n". */
#include "monitor.h"
#include "cleanup.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_MAX 4096

int
write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

char *
fmt_uint (char *out, unsigned long v)
{
  char tmp[24];
  int n = 0;
  do
    tmp[n++] = (char) ('0' + v % 10);
  while ((v /= 10) > 0);
  while (n > 0)
    *out++ = tmp[--n];
  *out = '\0';
  return out;
}

void
daemon_close_inherited_fds (void)
{
#ifdef SYS_close_range
  if (syscall (SYS_close_range, 3U, ~0U, 0U) == 0)
    return;
#endif
  /* Older kernels: walk our fd table instead. */
  cleanup_dir DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return;
  int self = dirfd (d);
  struct dirent *de;
  while ((de = readdir (d)))
    {
      int fd = atoi (de->d_name);
      if (fd > 2 && fd != self)
        close (fd);
    }
}

/* Reads the whole report; the monitor closes its end right after writing. */
static size_t
read_report (int fd, char *buf, size_t size)
{
  size_t used = 0;
  while (used < size - 1)
    {
      ssize_t n = read (fd, buf + used, size - 1 - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      used += (size_t) n;
    }
  buf[used] = '\0';
  return used;
}

int
daemon_launch (struct monitor_options *opt, int (*run) (struct monitor_options *opt, int sync_fd))
{
  int sync[2];
  if (pipe2 (sync, O_CLOEXEC) < 0)
    {
      fprintf (stderr, "berth-monitor: pipe: %s\n", strerror (errno));
      return 1;
    }
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    {
      fprintf (stderr, "berth-monitor: fork: %s\n", strerror (errno));
      return 1;
    }
  if (pid == 0)
    {
      close (sync[0]);
      _exit (run (opt, sync[1]));
    }
  close (sync[1]);

  char buf[REPORT_MAX];
  read_report (sync[0], buf, sizeof buf);
  close (sync[0]);

  char *nl = strchr (buf, '\n');
  if (nl)
    *nl = '\0';
  if (strncmp (buf, "OK ", 3) == 0)
    {
      printf ("%s\n", buf + 3);
      return fflush (stdout) == 0 ? 0 : 1;
    }

  /* The monitor is exiting after its cleanup; reap it so nothing is left when we return. */
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (strncmp (buf, "ERR ", 4) == 0)
    fprintf (stderr, "berth-monitor: %s\n", buf + 4);
  else if (WIFSIGNALED (status))
    fprintf (stderr, "berth-monitor: the monitor was killed by signal %d before reporting\n", WTERMSIG (status));
  else
    fprintf (stderr, "berth-monitor: the monitor exited with status %d before reporting\n", WEXITSTATUS (status));
  return 1;
}

int
daemon_detach (dn_error_t *err)
{
  if (setsid () < 0)
    return dn_make_error (err, errno, "setsid");
  /* The container's init outlives `runtime create`, its parent; it must become ours to wait for. */
  if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return dn_make_error (err, errno, "prctl PR_SET_CHILD_SUBREAPER");

  /* Keeping the launcher's stdio would hold the engine's pipes open after the launcher exits. */
  int null = open ("/dev/null", O_RDWR);
  if (null < 0)
    return dn_make_error (err, errno, "open `/dev/null`");
  for (int fd = 0; fd < 3; fd++)
    if (null != fd && dup2 (null, fd) < 0)
      return dn_make_error (err, errno, "dup2 `/dev/null`");
  if (null > 2)
    close (null);

  /* The engine stops containers through the runtime; signals to the monitor must not orphan one. */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  signal (SIGINT, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  signal (SIGQUIT, SIG_IGN);

  if (chdir ("/") < 0)
    return dn_make_error (err, errno, "chdir `/`");
  return 0;
}

void
daemon_report_ok (int sync_fd, pid_t pid)
{
  char line[32] = "OK ";
  char *end = fmt_uint (line + 3, (unsigned long) pid);
  *end++ = '\n';
  (void) write_all (sync_fd, line, (size_t) (end - line));
}

void
daemon_report_error (int sync_fd, dn_error_t *err)
{
  const char *msg = (err && *err) ? (*err)->msg : "unknown error";
  cleanup_free char *line = xasprintf ("ERR %s\n", msg);
  /* The report is one line, whatever the runtime printed. */
  size_t len = strlen (line);
  for (size_t i = 4; i + 1 < len; i++)
    if ((unsigned char) line[i] < 0x20)
      line[i] = ' ';
  if (len > REPORT_MAX - 1)
    {
      line[REPORT_MAX - 2] = '\n';
      len = REPORT_MAX - 1;
    }
  (void) write_all (sync_fd, line, len);
  dn_error_release (err);
}
