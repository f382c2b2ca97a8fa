/* exec [--process FILE] [--console-socket SOCK] [--pid-file FILE] [--detach]
 *      [--cwd DIR] [--env K=V]... [--user UID[:GID]] [--tty] ID [COMMAND ARGS...]
 * As runc's exec: detached, it exits once the process runs; in the
 * foreground it forwards signals, waits and exits with the process's status. */
#include "cli.h"
#include "cleanup.h"
#include "exec.h"

#include <getopt.h>

int
dn_cmd_exec (struct dn_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "process", required_argument, NULL, 'p' }, { "console-socket", required_argument, NULL, 'c' },
    { "pid-file", required_argument, NULL, 'P' }, { "detach", no_argument, NULL, 'd' },
    { "cwd", required_argument, NULL, 'w' },     { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },    { "tty", no_argument, NULL, 't' },
    { NULL, 0, NULL, 0 },
  };
  struct dn_exec_opts o = { .root = cli->root };
  bool detach = false;
  cleanup_free char **env = xmalloc0 ((size_t) argc * sizeof (char *));
  size_t n_env = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+p:de:u:t", opts, NULL)) != -1)
    switch (c)
      {
      case 'p':
        o.process_file = optarg;
        break;
      case 'c':
        o.console_socket = optarg;
        break;
      case 'P':
        o.pid_file = optarg;
        break;
      case 'd':
        detach = true;
        break;
      case 'w':
        o.cwd = optarg;
        break;
      case 'e':
        env[n_env++] = optarg;
        break;
      case 'u':
        o.user = optarg;
        break;
      case 't':
        o.tty = true;
        break;
      default:
        return dn_cli_usage ("exec: bad option");
      }
  if (optind >= argc)
    return dn_cli_usage ("exec needs a container id");
  o.id = argv[optind];
  o.args = argv + optind + 1;
  o.env = env;
  bool overrides = o.args[0] || n_env || o.cwd || o.user || o.tty;
  if (o.process_file && overrides)
    return dn_cli_usage ("exec: --process replaces the command, --env, --cwd, --user and --tty");
  if (!o.process_file && o.args[0] == NULL)
    return dn_cli_usage ("exec needs a command or --process");

  dn_error_t err = NULL;
  pid_t pid;
  if (!detach && dn_cli_block_forwarded (&err) < 0)
    return dn_cli_fail (&err);
  if (dn_container_exec (&o, &pid, &err) < 0)
    return dn_cli_fail (&err);
  if (detach)
    return DN_EXIT_OK;
  int status = 0;
  if (dn_cli_wait_forwarding (pid, &status, &err) < 0)
    return dn_cli_fail (&err);
  return dn_cli_exit_code (status);
}
