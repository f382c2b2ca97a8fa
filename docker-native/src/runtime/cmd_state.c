/* state ID: prints the OCI state document. */
#include "cli.h"
#include "cleanup.h"
#include "container.h"

int
dn_cmd_state (struct dn_cli *cli, int argc, char **argv)
{
  const char *id;
  int r = dn_cli_parse_id (argc, argv, NULL, 0, NULL, &id);
  if (r != DN_EXIT_OK)
    return r;
  dn_error_t err = NULL;
  cleanup_state struct dn_state *st = NULL;
  enum dn_status status;
  if (dn_container_state (cli->root, id, &st, &status, &err) < 0)
    return dn_cli_fail (&err);
  cleanup_free char *json = dn_state_to_json (st, status);
  printf ("%s\n", json);
  return DN_EXIT_OK;
}
