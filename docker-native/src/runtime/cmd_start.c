/* start ID */
#include "cli.h"
#include "container.h"


int
dn_cmd_start (struct dn_cli *cli, int argc, char **argv)
{
  const char *id;
  int r = dn_cli_parse_id (argc, argv, NULL, 0, NULL, &id);
  if (r != DN_EXIT_OK)
    return r;
  dn_error_t err = NULL;
  if (dn_container_start (cli->root, id, &err) < 0)
    return dn_cli_fail (&err);
  return DN_EXIT_OK;
}
