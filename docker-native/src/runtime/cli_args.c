/* Option parsing shared by the sub-commands that take only an id. */
#include "cli.h"

#include <getopt.h>
#include <stddef.h>

int
dn_cli_parse_id (int argc, char **argv, const char *flag_long, char flag_short, bool *flag, const char **id)
{
  struct option opts[] = { { flag_long ? flag_long : "", no_argument, NULL, flag_short ? flag_short : 1 },
                           { NULL, 0, NULL, 0 } };
  char shorts[4] = "+";
  if (flag_short)
    shorts[1] = flag_short;
  int c;
  while ((c = getopt_long (argc, argv, shorts, flag_long ? opts : opts + 1, NULL)) != -1)
    {
      if (flag && (c == flag_short || (!flag_short && c == 1)))
        *flag = true;
      else
        return dn_cli_usage ("%s: bad option", argv[0]);
    }
  if (optind != argc - 1)
    return dn_cli_usage ("%s needs exactly one container id", argv[0]);
  *id = argv[optind];
  return DN_EXIT_OK;
}
