/* kill [--all] ID [SIGNAL]; SIGNAL defaults to TERM, as in runc. */
#include "cli.h"
#include "container.h"

#include <getopt.h>
#include <signal.h>

int
dn_cmd_kill (struct dn_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
  bool all = false;
  int c;
  while ((c = getopt_long (argc, argv, "+a", opts, NULL)) != -1)
    {
      if (c != 'a')
        return dn_cli_usage ("kill: bad option");
      all = true;
    }
  if (optind != argc - 1 && optind != argc - 2)
    return dn_cli_usage ("kill needs a container id and an optional signal");
  const char *id = argv[optind];
  int sig = SIGTERM;
  dn_error_t err = NULL;
  if (optind == argc - 2 && dn_signal_parse (argv[optind + 1], &sig, &err) < 0)
    return dn_cli_fail (&err);
  if (dn_container_kill (cli->root, id, sig, all, &err) < 0)
    return dn_cli_fail (&err);
  return DN_EXIT_OK;
}
