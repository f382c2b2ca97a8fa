/* The one error convention of docker-native, after crun's.
 * A fallible function takes `dn_error_t *err` as its last parameter, returns a
 * negative value on failure and fills *err; on success it returns >= 0 and
 * leaves *err alone. Callers either handle and release the error or return it
 * upward, optionally wrapped with context. Only the CLI files print errors. */
#ifndef DN_ERROR_H
#define DN_ERROR_H

#include <stdarg.h>

struct dn_error_s
{
  int status; /* errno value, or 0 when the failure is not a system call's */
  char *msg;  /* owned, never NULL */
};
typedef struct dn_error_s *dn_error_t;

/* Records a new error; returns -1 so callers can `return dn_make_error (...)`.
 * When status is non-zero, strerror(status) is appended as ": <text>". */
int dn_make_error (dn_error_t *err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefixes context to an existing error ("context: inner"); returns -1. */
int dn_error_wrap (dn_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void dn_error_release (dn_error_t *err);

/* Prints "PROG: message" as one line on stderr (and, when a JSON log file was
 * configured, one JSON line there), then releases the error. */
void dn_error_print (const char *prog, dn_error_t *err);

/* Optional JSON log ("--log FILE --log-format json", as runc and crun take). */
void dn_log_set_file (const char *path, int json);

#endif
