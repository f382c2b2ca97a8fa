/* berth-monitor: the small process that watches one container (the role of
 * conmon or containerd-shim). It creates the container through an OCI runtime
 * with a runc-compatible CLI, keeps its stdio, writes Docker's json-file log,
 * serves an attach socket, waits for the init as child subreaper, records the
 * exit and deletes the container, all with no engine running. In exec mode it
 * does the same for one process exec'd into a running container (docker exec).
 *
 * USAGE
 *   berth-monitor --runtime PATH [--runtime-root DIR] --bundle DIR --id ID
 *                 --log FILE --exit-file FILE --socket PATH [--pid-file FILE]
 *                 [--terminal] [--stdin] [--stdin-once] [--start]
 *                 [--overlay-lower DIR[:DIR...] --overlay-upper DIR --overlay-work DIR] [--netns PATH]
 *                 [--net-attach SPEC]...
 *   berth-monitor --exec-process FILE --runtime PATH [--runtime-root DIR] --id ID
 *                 [--log FILE] --exit-file FILE --socket PATH [--pid-file FILE]
 *                 [--terminal] [--stdin] [--stdin-once] [--start]
 *
 *   --runtime PATH      the OCI runtime (runc's CLI); a name without '/' is looked up in PATH
 *   --runtime-root DIR  passed to every runtime command as `--root DIR`
 *   --bundle DIR        the OCI bundle
 *   --id ID             the container id
 *   --log FILE          json-file log; opened O_APPEND (created 0640) and appended to across runs;
 *                       optional in exec mode (without it the output only reaches attach clients)
 *   --exit-file FILE    the exit record; a stale one is removed at startup
 *   --socket PATH       the attach socket (unix, mode 0600, at most 107 bytes); a stale file
 *                       is replaced, one a live monitor answers on is refused
 *   --pid-file FILE     passed to `runtime create --pid-file` (`runtime exec --pid-file` in exec
 *                       mode): the process's pid (by default a temporary "<exit-file>.init-pid",
 *                       removed once read)
 *   --terminal          the process gets a pty (config.json, or the exec process file, must say
 *                       terminal); the runtime sends the master over a console socket (runc protocol)
 *   --stdin             the process's stdin stays open for attach clients (otherwise /dev/null)
 *   --stdin-once        when the first attached stdin client ends (half-close or disconnect),
 *                       the process's stdin is closed
 *   --start             start right away instead of waiting for START on the socket
 *   --overlay-lower DIR[:DIR...]  image layers, LOWEST FIRST (the image's order; the monitor
 *                       reverses them for overlayfs, whose lowerdir lists the topmost first)
 *   --overlay-upper DIR, --overlay-work DIR
 *                       the container's writable layer and overlayfs's work dir (same filesystem);
 *                       the three --overlay-* options go together, and no path may hold a comma
 *   --netns PATH        make a private network namespace with lo up and bind it on PATH (whose
 *                       directory must exist); config.json should join it by path. A stale file
 *                       or bind left at PATH by a killed monitor is replaced.
 *   --net-attach SPEC   with --netns, one interface of the container (repeatable):
 *                       bridge=BR,host=VETH,ifname=IF,addr=A.B.C.D/N[,gateway=IP][,mac=MAC][,mtu=N]
 *                       [,bridge-addr=A.B.C.D/N] (BR made if missing, with that address, up)
 *                       a veth pair whose host end VETH joins bridge BR and
 *                       whose other end is IF in the namespace, up, with the address, MAC and,
 *                       with a gateway, the default route (unless the namespace has one already:
 *                       the first gateway wins). A link named VETH on the host is taken to be
 *                       left by a killed monitor and replaced. VETH is deleted with the namespace.
 *   --publish tcp:HOST_IP:HOST_PORT:CONTAINER_IP:CONTAINER_PORT
 *                       (repeatable) bind HOST_IP:HOST_PORT before the container is made (a
 *                       port in use fails the launch: "Bind for IP:PORT failed: ...") and relay
 *                       each connection to CONTAINER_IP:CONTAINER_PORT until the container ends
 *   --publish udp:HOST_IP:HOST_PORT:CONTAINER_IP:CONTAINER_PORT
 *                       (repeatable) the same for UDP ("Bind for IP:PORT/udp failed: ..."; host
 *                       port 0 is refused, exit 2): each client address gets its own socket
 *                       connected to CONTAINER_IP:CONTAINER_PORT, made on its first datagram;
 *                       the container's replies reach the client from HOST_IP:HOST_PORT. A
 *                       client's flow ends after 90 s without a datagram either way, and past
 *                       1024 flows on one port the least recently active one is dropped.
 *   --exec-process FILE exec mode: FILE is an OCI process object for `runtime exec --process`;
 *                       --bundle, --overlay-* and --netns are refused with it (exit 2)
 *   Relative paths are taken from the launcher's cwd; the monitor itself runs in "/".
 *
 * LAUNCHER
 *   The process started forks the monitor (setsid: its own session; PR_SET_CHILD_SUBREAPER;
 *   stdio on /dev/null; inherited fds closed; SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT
 *   ignored) and waits on a sync pipe until the container is created, and started with
 *   --start. Then:
 *   exit 0, stdout "<init pid>\n": the monitor runs on, detached (the init's parent is the
 *     monitor, so /proc/<init pid>/status PPid is the monitor's pid); in exec mode the exec'd
 *     process's pid with --start, and "0\n" without (nothing runs until START);
 *   exit 1, stderr "berth-monitor: <message>\n" (one line; the runtime's own message, with
 *     runc's msg="..." decoded, when the runtime failed): the monitor has exited and left
 *     no socket, no runtime state, no overlay or netns mount and no exit file (the log file
 *     may exist);
 *   exit 2: usage error.
 *
 * RUNTIME COMMANDS
 *   RUNTIME [--root DIR] create --bundle DIR --pid-file FILE [--console-socket SOCK] ID
 *     with the container's stdio: without --terminal, pipes for stdout and stderr and a pipe
 *     (--stdin) or /dev/null for stdin; with --terminal, /dev/null and a captured stderr.
 *   RUNTIME [--root DIR] start ID            (at --start or on START)
 *   RUNTIME [--root DIR] delete --force ID   (when the init has exited)
 *   Exec mode runs only, at --start or on START, with the same stdio:
 *   RUNTIME [--root DIR] exec --detach --process FILE --pid-file FILE [--console-socket SOCK] ID
 *     The process is the runtime's descendant, so it becomes the monitor's child (subreaper)
 *     once the runtime exits. The container is never deleted in exec mode. Without
 *     --terminal the pipes exist from the monitor's start, so stdin an attached client sends
 *     before START waits in its pipe; with --terminal there is no pty yet and it is dropped.
 *
 * OVERLAY (--overlay-*)
 *   Before `runtime create`, <bundle>/rootfs (made 0755 if missing) gets
 *     mount("overlay", "<bundle>/rootfs", "overlay", 0, "lowerdir=Ln:...:L1,upperdir=U,workdir=W")
 *   in the monitor's mount namespace, which is the host's, and is then made MS_PRIVATE. When
 *   those options exceed 3500 bytes, the monitor chdirs to the deepest directory above every
 *   layer, the upper and the work dir, and passes them relative to it (moby's trick); if they
 *   still do not fit in a page, the launch fails ("overlay: the mount options are N bytes even
 *   relative to `DIR`..."). After `runtime delete`, and on every failed launch, the rootfs is
 *   unmounted with MNT_DETACH, and removed again if the monitor made it.
 *
 * NETNS (--netns PATH)
 *   Before `runtime create`, a child unshares CLONE_NEWNET and sets IFF_UP on lo; PATH is
 *   created as an empty file (0444) and /proc/<child>/ns/net is bind-mounted on it (then
 *   MS_PRIVATE); the child exits. Runtimes, runc included, join it through the network
 *   namespace's "path" in config.json. After `runtime delete`, and on every failed launch,
 *   PATH is unmounted (MNT_DETACH) and unlinked. A monitor killed with SIGKILL leaves both the
 *   overlay and the netns bind behind; the next launch with the same PATH replaces the latter.
 *
 * SOCKET PROTOCOL
 *   Each connection sends one request line ("\n"-terminated, at most 511 bytes).
 *   ATTACH [stdin] [stdout] [stderr]
 *     -> "OK\n", then live output of the named streams as Docker's multiplexed frames:
 *     8-byte header {stream, 0, 0, 0, uint32 big-endian length} + payload, stream 1 = stdout,
 *     2 = stderr (1 for everything with a terminal). Output produced before the ATTACH is
 *     not replayed (read the log). With stdin, bytes the client sends go to the container's
 *     stdin (discarded when the container has no stdin); when the client half-closes (or
 *     disconnects), the container's stdin is closed if --stdin-once, otherwise the client is
 *     just no longer read. Any number of clients; each has an output buffer of at most 8 MiB
 *     and is disconnected when it falls further behind. When the container has exited, each
 *     client gets its remaining output (up to 5 s) and is then closed. A bare "ATTACH"
 *     streams nothing and closes at the exit: a way to wait.
 *   RESIZE <rows> <cols>  -> TIOCSWINSZ on the pty master; "OK\n" or "ERR <message>\n".
 *   START                 -> runs `runtime start` (exec mode: `runtime exec`); "OK\n" or
 *                            "ERR <message>\n" (also when already started or exited). In exec
 *                            mode a failed exec ends the monitor (see EXIT) after the reply.
 *   CLOSE-STDIN           -> closes the container's stdin once what is queued is written;
 *                            "OK\n". With a terminal only our stdin fd is closed: the pty
 *                            gets no EOF.
 *   NET-ATTACH <SPEC>     -> docker network connect: SPEC is a --net-attach SPEC, applied to the
 *                            --netns namespace while the container is created or running. The
 *                            veth pair is made with IF already in the namespace, VETH joins BR
 *                            (made if missing with bridge-addr), then IF gets its MAC, MTU,
 *                            address, IFF_UP and, with a gateway, the default route unless the
 *                            namespace has one. "OK\n", or "ERR <message>\n" with nothing left
 *                            of the pair; refused without --netns, after the exit, and when a
 *                            link named VETH exists on the host (left untouched) or IF in the
 *                            namespace. The bridge, when made, stays (as at launch).
 *   NET-DETACH <VETH>     -> docker network disconnect: deletes the pair whose host end is VETH
 *                            (one attached at launch or by NET-ATTACH); "OK\n", or
 *                            "ERR no such attachment\n" for any other name. Whatever is still
 *                            attached at the exit is deleted with the namespace.
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
 *   overlay and the netns go, the socket is removed, and then the exit file is written
 *   atomically (tmp + rename):
 *   {"exitCode":N,"signal":S,"oomKilled":B,"startedAt":"T","finishedAt":"T","pid":P}
 *   exitCode is 128+S when a signal S killed the init (S is 0 otherwise); startedAt is
 *   "0001-01-01T00:00:00Z" if it never started. Attached clients are closed after that, so an
 *   engine that sees the exit file or the end of an attach finds the container gone and may
 *   reuse its id, socket and log. Then the monitor exits 0.
 *   Exec mode: the same for the exec'd process, without delete, overlay or netns, and with
 *   oomKilled always false. A START whose `runtime exec` failed is recorded as exitCode 126,
 *   signal 0, startedAt "0001-01-01T00:00:00Z", pid 0 (the reason was in the ERR reply).
 */
#include "monitor.h"
#include "cleanup.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
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
              "                     [--terminal] [--stdin] [--stdin-once] [--start]\n"
              "                     [--overlay-lower DIR[:DIR...] --overlay-upper DIR --overlay-work DIR]\n"
              "                     [--netns PATH] [--net-attach SPEC]... [--publish SPEC]...\n"
              "       berth-monitor --exec-process FILE --runtime PATH [--runtime-root DIR] --id ID\n"
              "                     [--log FILE] --exit-file FILE --socket PATH [--pid-file FILE]\n"
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

/* --overlay-lower L1:L2:...: the layers lowest first, each made absolute. */
static int
parse_lower (const char *arg, struct monitor_options *o)
{
  size_t n = 1;
  for (const char *p = arg; *p; p++)
    n += *p == ':';
  dn_strv_free (o->overlay_lower);
  o->overlay_lower = xmalloc0 ((n + 1) * sizeof (char *));
  cleanup_free char *copy = xstrdup (arg);
  char *p = copy;
  for (size_t i = 0; i < n; i++)
    {
      char *end = strchrnul (p, ':');
      bool last = *end == '\0';
      *end = '\0';
      if (*p == '\0')
        {
          fprintf (stderr, "berth-monitor: --overlay-lower `%s` has an empty layer\n", arg);
          return -1;
        }
      o->overlay_lower[i] = absolute (p);
      p = last ? end : end + 1;
    }
  return 0;
}

/* The overlay options are all or nothing, and their paths go into mount data, where a comma ends a path. */
static int
check_overlay (struct monitor_options *o)
{
  if (!o->overlay_lower && !o->overlay_upper && !o->overlay_work)
    return 0;
  if (!o->overlay_lower || !o->overlay_upper || !o->overlay_work)
    {
      fprintf (stderr, "berth-monitor: --overlay-lower, --overlay-upper and --overlay-work go together\n");
      return -1;
    }
  const char *bad = strchr (o->overlay_upper, ',') ? o->overlay_upper : NULL;
  if (strchr (o->overlay_work, ','))
    bad = o->overlay_work;
  for (char **l = o->overlay_lower; bad == NULL && *l; l++)
    if (strchr (*l, ','))
      bad = *l;
  if (bad)
    {
      fprintf (stderr, "berth-monitor: overlay path `%s` contains a comma\n", bad);
      return -1;
    }
  return 0;
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
    OPT_OVERLAY_LOWER,
    OPT_OVERLAY_UPPER,
    OPT_OVERLAY_WORK,
    OPT_NETNS,
    OPT_NET_ATTACH,
    OPT_PUBLISH,
    OPT_EXEC_PROCESS,
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
    { "overlay-lower", required_argument, NULL, OPT_OVERLAY_LOWER },
    { "overlay-upper", required_argument, NULL, OPT_OVERLAY_UPPER },
    { "overlay-work", required_argument, NULL, OPT_OVERLAY_WORK },
    { "netns", required_argument, NULL, OPT_NETNS },
    { "net-attach", required_argument, NULL, OPT_NET_ATTACH },
    { "publish", required_argument, NULL, OPT_PUBLISH },
    { "exec-process", required_argument, NULL, OPT_EXEC_PROCESS },
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
        case OPT_OVERLAY_LOWER:
          if (parse_lower (optarg, o) < 0)
            return -1;
          break;
        case OPT_OVERLAY_UPPER:
          o->overlay_upper = absolute (optarg);
          break;
        case OPT_OVERLAY_WORK:
          o->overlay_work = absolute (optarg);
          break;
        case OPT_NETNS:
          o->netns = absolute (optarg);
          break;
        case OPT_NET_ATTACH:
          {
            dn_error_t perr = NULL;
            o->attach = xrealloc (o->attach, (o->n_attach + 1) * sizeof *o->attach);
            if (net_attach_parse (optarg, &o->attach[o->n_attach], &perr) < 0)
              {
                dn_error_wrap (&perr, "--net-attach");
                dn_error_print ("berth-monitor", &perr);
                return -1;
              }
            o->n_attach++;
          }
          break;
        case OPT_PUBLISH:
          {
            dn_error_t perr = NULL;
            o->publish = xrealloc (o->publish, (o->n_publish + 1) * sizeof *o->publish);
            if (port_parse (optarg, &o->publish[o->n_publish], &perr) < 0)
              {
                dn_error_print ("berth-monitor", &perr);
                return -1;
              }
            o->n_publish++;
          }
          break;
        case OPT_EXEC_PROCESS:
          o->exec_process = absolute (optarg);
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
  if (o->exec_process)
    {
      /* An exec joins a container that exists: nothing of the bundle is the monitor's to make. */
      bool overlay = o->overlay_lower || o->overlay_upper || o->overlay_work;
      const char *unused = o->bundle ? "--bundle" : overlay ? "--overlay-*" : o->netns ? "--netns" : NULL;
      if (unused)
        {
          fprintf (stderr, "berth-monitor: %s does not go with --exec-process\n", unused);
          return -1;
        }
    }
  if (o->n_attach && !o->netns)
    {
      fprintf (stderr, "berth-monitor: --net-attach needs --netns\n");
      return -1;
    }
  const char *missing = !o->runtime                        ? "--runtime"
                        : !o->bundle && !o->exec_process   ? "--bundle"
                        : !o->id                           ? "--id"
                        : !o->log && !o->exec_process      ? "--log"
                        : !o->exit_file                    ? "--exit-file"
                        : !o->socket                       ? "--socket"
                                                           : NULL;
  if (missing)
    {
      fprintf (stderr, "berth-monitor: %s is required\n", missing);
      return -1;
    }
  return check_overlay (o);
}

static void
monitor_init (struct monitor *m, struct monitor_options *opt)
{
  m->opt = *opt;
  m->epfd = m->devnull = m->log_fd = -1;
  m->pipes = (struct pending_pipes){ -1, -1, -1, -1, -1 };
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
  if (log_open (m, err) < 0 || loop_init (m, err) < 0 || attach_listen (m, err) < 0)
    return -1;
  if (ports_listen (m, err) < 0 || netns_create (m, err) < 0 || overlay_mount (m, err) < 0
      || stdio_prepare (m, err) < 0)
    return -1;
  /* In exec mode the launch is the start: it waits for --start or START. */
  if (m->opt.exec_process == NULL)
    {
      if (stdio_launch (m, err) < 0)
        return -1;
      oom_probe_init (m);
    }
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
        runtime_abandon (m);
      overlay_unmount (m);
      ports_close (m);
      netns_remove (m);
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
