/* list [--format table|json]: the containers under --root. */
#include "cli.h"
#include "cleanup.h"
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <string.h>

int
dn_cmd_list (struct dn_cli *cli, int argc, char **argv)
{
  static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
                                        { NULL, 0, NULL, 0 } };
  const char *format = "table";
  bool quiet = false;
  int c;
  while ((c = getopt_long (argc, argv, "+f:q", opts, NULL)) != -1)
    {
      if (c == 'f')
        format = optarg;
      else if (c == 'q')
        quiet = true;
      else
        return dn_cli_usage ("list: bad option");
    }
  bool json = strcmp (format, "json") == 0;
  if (!json && strcmp (format, "table") != 0)
    return dn_cli_usage ("list: unknown format `%s`", format);
  cleanup_dir DIR *d = opendir (cli->root);
  if (d == NULL && errno != ENOENT)
    {
      dn_error_t err = NULL;
      dn_make_error (&err, errno, "open `%s`", cli->root);
      return dn_cli_fail (&err);
    }
  json_object *list = json_object_new_array ();
  if (!json && !quiet)
    printf ("%-20s %-8s %-10s %s\n", "ID", "PID", "STATUS", "BUNDLE");
  for (struct dirent *e; d && (e = readdir (d));)
    {
      if (e->d_name[0] == '.')
        continue;
      dn_error_t err = NULL;
      cleanup_state struct dn_state *st = NULL;
      enum dn_status status;
      if (dn_container_state (cli->root, e->d_name, &st, &status, &err) < 0)
        {
          dn_error_release (&err);
          continue;
        }
      if (json)
        {
          json_object *o = json_object_new_object ();
          json_object_object_add (o, "id", json_object_new_string (st->id));
          json_object_object_add (o, "pid", json_object_new_int (status == DN_STATUS_STOPPED ? 0 : st->pid));
          json_object_object_add (o, "status", json_object_new_string (dn_status_name (status)));
          json_object_object_add (o, "bundle", json_object_new_string (st->bundle));
          json_object_object_add (o, "created", json_object_new_string (st->created));
          json_object_array_add (list, o);
        }
      else if (quiet)
        printf ("%s\n", st->id);
      else
        printf ("%-20s %-8d %-10s %s\n", st->id, status == DN_STATUS_STOPPED ? 0 : st->pid, dn_status_name (status),
                st->bundle);
    }
  if (json)
    printf ("%s\n", json_object_to_json_string_ext (list, JSON_C_TO_STRING_PLAIN));
  json_object_put (list);
  return DN_EXIT_OK;
}
