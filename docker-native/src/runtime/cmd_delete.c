/* delete [--force] ID */
#include "cli.h"
#include "container.h"

int
dn_cmd_delete (struct dn_cli *cli, int argc, char **argv)
{
  const char *id;
  bool force = false;
  int r = dn_cli_parse_id (argc, argv, "force", 'f', &force, &id);
  if (r != DN_EXIT_OK)
    return r;
  dn_error_t err = NULL;
  if (dn_container_delete (cli->root, id, force, &err) < 0)
    return dn_cli_fail (&err);
  return DN_EXIT_OK;
}
