/* The berth-runtime command line: one file per sub-command, each parsing its
 * own options and calling one dn_container_* function. Only these files
 * print errors and choose exit codes. */
#ifndef DN_CLI_H
#define DN_CLI_H

#include "error.h"

#include <stdbool.h>
#include <sys/types.h>

/* Exit codes: 0 success, 1 failure, 2 bad usage (as runc, a failure is 1). */
enum
{
  DN_EXIT_OK = 0,
  DN_EXIT_FAILURE = 1,
  DN_EXIT_USAGE = 2
};

struct dn_cli
{
  const char *root;
};

/* Prints the error as one line on stderr and returns DN_EXIT_FAILURE. */
int dn_cli_fail (dn_error_t *err);
int dn_cli_usage (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

struct dn_create_opts;
/* Parses create's options (run shares them; detach may be NULL). */
int dn_cli_parse_create (int argc, char **argv, struct dn_create_opts *o, bool *detach);
/* Parses "[options] ID" for commands whose only option is a flag (or none). */
int dn_cli_parse_id (int argc, char **argv, const char *flag_long, char flag_short, bool *flag, const char **id);

/* Waits for our child pid, passing on INT, TERM, HUP, QUIT, USR1, USR2 and WINCH. */
int dn_cli_wait_forwarding (pid_t pid, int *status, dn_error_t *err);
/* Blocks the forwarded signals before the process exists, so one that comes
 * early is queued for it instead of killing the runtime; children reset their mask. */
int dn_cli_block_forwarded (dn_error_t *err);
/* The exit status, or 128+signal when a signal ended the process. */
int dn_cli_exit_code (int status);

int dn_cmd_create (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_start (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_state (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_kill (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_delete (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_run (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_pause (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_resume (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_list (struct dn_cli *cli, int argc, char **argv);
int dn_cmd_exec (struct dn_cli *cli, int argc, char **argv);

#endif
