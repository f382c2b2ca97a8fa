/* berth-monitor: the small process that watches one container (the role of
 * conmon or containerd-shim). It creates the container through an OCI runtime
 * with a runc-compatible CLI, keeps its stdio, writes Docker's json-file log,
 * serves an attach socket, waits for the init as child subreaper, records the
 * exit and deletes the container, all with no engine running.
 *
 * USAGE
 *   berth-monitor --runtime PATH [--runtime-root DIR] --bundle DIR --id ID
 *                 --log FILE --exit-file FILE --socket PATH [--pid-file FILE]
 *                 [--terminal] [--stdin] [--stdin-once] [--start]
 *
 *   --runtime PATH      the OCI runtime (runc's CLI); a name without '/' is looked up in PATH
 *   --runtime-root DIR  passed to every runtime command as `--root DIR`
 *   --bundle DIR        the OCI bundle
 *   --id ID             the container id
 *   --log FILE          json-file log; opened O_APPEND (created 0640) and appended to across runs
 *   --exit-file FILE    the exit record; a stale one is removed at startup
 *   --socket PATH       the attach socket (unix, mode 0600, at most 107 bytes); a stale file
 *                       is replaced, one a live monitor answers on is refused
 *   --pid-file FILE     passed to `runtime create --pid-file`: the init's pid (by default a
 *                       temporary "<exit-file>.init-pid", removed once read)
 *   --terminal          the container gets a pty (config.json must say process.terminal);
 *                       the runtime sends the master over a console socket (runc protocol)
 *   --stdin             the container's stdin stays open for attach clients (otherwise /dev/null)
 *   --stdin-once        when the first attached stdin client ends (half-close or disconnect),
 *                       the container's stdin is closed
 *   --start             start right away instead of waiting for START on the socket
 *   Relative paths are taken from the launcher's cwd; the monitor itself runs in "/".
 *
 * LAUNCHER
 *   The process started forks the monitor (setsid: its own session; PR_SET_CHILD_SUBREAPER;
 *   stdio on /dev/null; inherited fds closed; SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT
 *   ignored) and waits on a sync pipe until the container is created, and started with
 *   --start. Then:
 *   exit 0, stdout "<init pid>\n": the monitor runs on, detached (the init's parent is the
 *     monitor, so /proc/<init pid>/status PPid is the monitor's pid);
 *   exit 1, stderr "berth-monitor: <message>\n" (one line; the runtime's own message, with
 *     runc's msg="..." decoded, when the runtime failed): the monitor has exited and left
 *     no socket, no runtime state and no exit file (the log file may exist);
 *   exit 2: usage error.
 *
 * RUNTIME COMMANDS
 *   RUNTIME [--root DIR] create --bundle DIR --pid-file FILE [--console-socket SOCK] ID
 *     with the container's stdio: without --terminal, pipes for stdout and stderr and a pipe
 *     (--stdin) or /dev/null for stdin; with --terminal, /dev/null and a captured stderr.
 *   RUNTIME [--root DIR] start ID            (at --start or on START)
 *   RUNTIME [--root DIR] delete --force ID   (when the init has exited)
 *
 * SOCKET PROTOCOL
 *   Each connection sends one request line ("\n"-terminated, at most 255 bytes).
 *   ATTACH [stdin] [stdout] [stderr]
 *     -> "OK\n", then live output of the named streams as Docker's multiplexed frames:
 *     8-byte header {stream, 0, 0, 0, uint32 big-endian length} + payload, stream 1 = stdout,
 *     2 = stderr (1 for everything with a terminal). Output produced before the ATTACH is
 *     not replayed (read the log). With stdin, bytes the client sends go to the container's
 *     stdin (discarded when the container has no stdin); when the client half-closes (or
 *     disconnects), the container's stdin is closed if --stdin-once, otherwise the client is
 *     just no longer read. Any number of clients; each has an output buffer of at most 1 MiB
 *     and is disconnected when it falls further behind. When the container has exited, each
 *     client gets its remaining output (up to 5 s) and is then closed. A bare "ATTACH"
 *     streams nothing and closes at the exit: a way to wait.
 *   RESIZE <rows> <cols>  -> TIOCSWINSZ on the pty master; "OK\n" or "ERR <message>\n".
 *   START                 -> runs `runtime start`; "OK\n" or "ERR <message>\n" (also when
 *                            already started or exited).
 *   CLOSE-STDIN           -> closes the container's stdin once what is queued is written;
 *                            "OK\n". With a terminal only our stdin fd is closed: the pty
 *                            gets no EOF.
 *   anything else         -> "ERR unknown request\n".
 *   The connection is closed after every reply except ATTACH's "OK\n".
 *
 * LOG
 *   One Docker json-file line per message: {"log":"hi\n","stream":"stdout","time":"..."}
 *   with time RFC3339Nano in UTC (trailing zeros trimmed) and the string escaped as Docker's
 *   jsonlog writer does (see src/lib/jsonlog.h; note a tab is \u0009). A message ends at
 *   "\n"; 16384 bytes without one are logged as a partial entry with no "\n", and a stream's
 *   unterminated tail at EOF too. With a terminal everything is "stdout".
 *
 * EXIT
 *   When the init exits (and its output is drained, at most 2 s more): the OOM kill count of
 *   its memory cgroup is compared with the one at create, `runtime delete --force` runs, the
 *   socket is removed, and then the exit file is written atomically (tmp + rename):
 *   {"exitCode":N,"signal":S,"oomKilled":B,"startedAt":"T","finishedAt":"T","pid":P}
 *   exitCode is 128+S when a signal S killed the init (S is 0 otherwise); startedAt is
 *   "0001-01-01T00:00:00Z" if it never started. Attached clients are closed after that, so an
 *   engine that sees the exit file or the end of an attach finds the container gone and may
 *   reuse its id, socket and log. Then the monitor exits 0.
 */
#include "monitor.h"
#include "cleanup.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Static, so its buffers stay untouched (and out of RSS) until used. */
static struct monitor monitor;

static void
usage (FILE *f)
{
  fprintf (f, "usage: berth-monitor --runtime PATH [--runtime-root DIR] --bundle DIR --id ID\n"
              "                     --log FILE --exit-file FILE --socket PATH [--pid-file FILE]\n"
              "                     [--terminal] [--stdin] [--stdin-once] [--start]\n");
}

/* Makes a relative path absolute, since the monitor runs in "/". */
static char *
absolute (const char *path)
{
  if (path[0] == '/')
    return xstrdup (path);
  cleanup_free char *cwd = getcwd (NULL, 0);
  if (cwd == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

static int
parse_args (int argc, char **argv, struct monitor_options *o)
{
  enum
  {
    OPT_RUNTIME = 256,
    OPT_RUNTIME_ROOT,
    OPT_BUNDLE,
    OPT_ID,
    OPT_LOG,
    OPT_EXIT_FILE,
    OPT_SOCKET,
    OPT_PID_FILE,
    OPT_TERMINAL,
    OPT_STDIN,
    OPT_STDIN_ONCE,
    OPT_START,
    OPT_HELP
  };
  static const struct option longopts[] = {
    { "runtime", required_argument, NULL, OPT_RUNTIME },
    { "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
    { "bundle", required_argument, NULL, OPT_BUNDLE },
    { "id", required_argument, NULL, OPT_ID },
    { "log", required_argument, NULL, OPT_LOG },
    { "exit-file", required_argument, NULL, OPT_EXIT_FILE },
    { "socket", required_argument, NULL, OPT_SOCKET },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "terminal", no_argument, NULL, OPT_TERMINAL },
    { "stdin", no_argument, NULL, OPT_STDIN },
    { "stdin-once", no_argument, NULL, OPT_STDIN_ONCE },
    { "start", no_argument, NULL, OPT_START },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1)
    {
      switch (c)
        {
        case OPT_RUNTIME:
          o->runtime = strchr (optarg, '/') ? absolute (optarg) : xstrdup (optarg);
          break;
        case OPT_RUNTIME_ROOT:
          o->runtime_root = absolute (optarg);
          break;
        case OPT_BUNDLE:
          o->bundle = absolute (optarg);
          break;
        case OPT_ID:
          o->id = xstrdup (optarg);
          break;
        case OPT_LOG:
          o->log = absolute (optarg);
          break;
        case OPT_EXIT_FILE:
          o->exit_file = absolute (optarg);
          break;
        case OPT_SOCKET:
          o->socket = absolute (optarg);
          break;
        case OPT_PID_FILE:
          o->pid_file = absolute (optarg);
          break;
        case OPT_TERMINAL:
          o->terminal = true;
          break;
        case OPT_STDIN:
          o->stdin_open = true;
          break;
        case OPT_STDIN_ONCE:
          o->stdin_once = true;
          break;
        case OPT_START:
          o->start = true;
          break;
        case OPT_HELP:
          usage (stdout);
          exit (0);
        default:
          return -1;
        }
    }
  if (optind != argc)
    {
      fprintf (stderr, "berth-monitor: unexpected argument `%s`\n", argv[optind]);
      return -1;
    }
  const char *missing = !o->runtime     ? "--runtime"
                        : !o->bundle    ? "--bundle"
                        : !o->id        ? "--id"
                        : !o->log       ? "--log"
                        : !o->exit_file ? "--exit-file"
                        : !o->socket    ? "--socket"
                                        : NULL;
  if (missing)
    {
      fprintf (stderr, "berth-monitor: %s is required\n", missing);
      return -1;
    }
  return 0;
}

static void
monitor_init (struct monitor *m, struct monitor_options *opt)
{
  m->opt = *opt;
  m->epfd = m->devnull = m->log_fd = -1;
  struct watch *watches[] = { &m->sig, &m->timer, &m->listen, &m->out[0], &m->out[1], &m->in };
  for (size_t i = 0; i < sizeof watches / sizeof watches[0]; i++)
    watches[i]->fd = -1;
}

static int
setup (struct monitor *m, dn_error_t *err)
{
  if (daemon_detach (err) < 0)
    return -1;
  m->devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (m->devnull < 0)
    return dn_make_error (err, errno, "open `/dev/null`");
  /* An exit file left from an earlier run must not announce this one's end. */
  if (unlink (m->opt.exit_file) < 0 && errno != ENOENT)
    return dn_make_error (err, errno, "remove stale exit file `%s`", m->opt.exit_file);
  if (log_open (m, err) < 0 || loop_init (m, err) < 0 || attach_listen (m, err) < 0
      || stdio_create_container (m, err) < 0)
    return -1;
  oom_probe_init (m);
  if (m->opt.start && runtime_start (m, err) < 0)
    return -1;
  return 0;
}

static int
monitor_run (struct monitor_options *opt, int sync_fd)
{
  struct monitor *m = &monitor;
  monitor_init (m, opt);
  dn_error_t err = NULL;
  if (setup (m, &err) < 0)
    {
      /* Leave nothing behind before the launcher reports the failure. */
      if (m->pid > 0)
        runtime_delete (m);
      attach_unlink (m);
      daemon_report_error (sync_fd, &err);
      return 1;
    }
  daemon_report_ok (sync_fd, m->pid);
  close (sync_fd);
  loop_run (m);
  return 0;
}

int
main (int argc, char **argv)
{
  struct monitor_options opt = { 0 };
  if (parse_args (argc, argv, &opt) < 0)
    {
      usage (stderr);
      return 2;
    }
  daemon_close_inherited_fds ();
  return daemon_launch (&opt, monitor_run);
}
