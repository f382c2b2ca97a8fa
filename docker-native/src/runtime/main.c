/* berth-runtime: an OCI runtime with runc's command line.
 *   berth-runtime [--root DIR] [--log FILE] [--log-format text|json] COMMAND ...
 * Commands: create, start, state, kill, delete, run, exec, pause, resume, list. */
#include "cli.h"
#include "cleanup.h"
#include "exeseal.h"
#include "state.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

static const char *prog = "berth-runtime";

int
dn_cli_fail (dn_error_t *err)
{
  dn_error_print (prog, err);
  return DN_EXIT_FAILURE;
}

int
dn_cli_usage (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "%s: ", prog);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  return DN_EXIT_USAGE;
}

static const struct
{
  const char *name;
  int (*run) (struct dn_cli *, int, char **);
  bool enters_container; /* runs from a sealed copy of the binary (CVE-2019-5736) */
} commands[] = {
  { "create", dn_cmd_create, true }, { "run", dn_cmd_run, true },        { "start", dn_cmd_start, false },
  { "state", dn_cmd_state, false },  { "kill", dn_cmd_kill, false },     { "delete", dn_cmd_delete, false },
  { "pause", dn_cmd_pause, false },  { "resume", dn_cmd_resume, false }, { "list", dn_cmd_list, false },
  { "exec", dn_cmd_exec, true },
};

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "root", required_argument, NULL, 'r' },     { "log", required_argument, NULL, 'l' },
    { "log-format", required_argument, NULL, 'f' }, { "debug", no_argument, NULL, 'd' },
    { "systemd-cgroup", no_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct dn_cli cli = { .root = DN_DEFAULT_ROOT };
  const char *log = NULL, *log_format = "text";
  int c;
  /* "+" stops at the first non-option: the rest belongs to the sub-command. */
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        cli.root = optarg;
        break;
      case 'l':
        log = optarg;
        break;
      case 'f':
        log_format = optarg;
        break;
      case 'd':
        break;
      case 's':
        return dn_cli_usage ("--systemd-cgroup is not supported; cgroups are managed through cgroupfs");
      case 'h':
        printf ("usage: %s [--root DIR] [--log FILE] [--log-format text|json] "
                "create|start|state|kill|delete|run|exec|pause|resume|list ...\n",
                prog);
        return DN_EXIT_OK;
      default:
        return DN_EXIT_USAGE;
      }
  if (strcmp (log_format, "json") != 0 && strcmp (log_format, "text") != 0)
    return dn_cli_usage ("unknown --log-format `%s`", log_format);
  if (log)
    dn_log_set_file (log, strcmp (log_format, "json") == 0);
  if (optind >= argc)
    return dn_cli_usage ("missing command (try --help)");
  const char *name = argv[optind];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    {
      if (strcmp (name, commands[i].name) != 0)
        continue;
      if (commands[i].enters_container)
        {
          dn_error_t err = NULL;
          if (dn_exeseal_ensure (argv, &err) < 0)
            return dn_cli_fail (&err);
        }
      /* Sub-commands parse from their own name on, with getopt reset. */
      int sub_argc = argc - optind;
      char **sub_argv = argv + optind;
      optind = 0;
      return commands[i].run (&cli, sub_argc, sub_argv);
    }
  return dn_cli_usage ("unknown command `%s`", name);
}
