/* run [--bundle DIR] [--pid-file FILE] [--detach] ID: create and start; in the
 * foreground it forwards signals, waits, deletes the container and exits
 * with the container's status. */
#include "cli.h"
#include "container.h"

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
  if (!detach && dn_cli_block_forwarded (&err) < 0)
    return dn_cli_fail (&err);
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
  if (dn_cli_wait_forwarding (pid, &status, &err) < 0)
    return dn_cli_fail (&err);
  if (dn_container_delete (cli->root, o.id, true, &err) < 0)
    return dn_cli_fail (&err);
  return dn_cli_exit_code (status);
}
