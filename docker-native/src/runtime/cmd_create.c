/* create [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] ID */
#include "cli.h"
#include "container.h"

#include <getopt.h>

int
dn_cli_parse_create (int argc, char **argv, struct dn_create_opts *o, bool *detach)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },   { "pid-file", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, 'c' }, { "detach", no_argument, NULL, 'd' },
    { "no-pivot", no_argument, NULL, 'P' },       { "no-new-keyring", no_argument, NULL, 'k' },
    { NULL, 0, NULL, 0 },
  };
  o->bundle = ".";
  int c;
  while ((c = getopt_long (argc, argv, "+b:d", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        o->bundle = optarg;
        break;
      case 'p':
        o->pid_file = optarg;
        break;
      case 'c':
        o->console_socket = optarg;
        break;
      case 'd':
        if (detach)
          *detach = true;
        break;
      case 'P':
      case 'k':
        break;
      default:
        return dn_cli_usage ("%s: bad option", argv[0]);
      }
  if (optind != argc - 1)
    return dn_cli_usage ("%s needs exactly one container id", argv[0]);
  o->id = argv[optind];
  return DN_EXIT_OK;
}

int
dn_cmd_create (struct dn_cli *cli, int argc, char **argv)
{
  struct dn_create_opts o = { .root = cli->root };
  int r = dn_cli_parse_create (argc, argv, &o, NULL);
  if (r != DN_EXIT_OK)
    return r;
  dn_error_t err = NULL;
  pid_t pid;
  if (dn_container_create (&o, &pid, &err) < 0)
    return dn_cli_fail (&err);
  return DN_EXIT_OK;
}
