/* The runtime's own record of a container: <root>/<id>/state.json plus the
 * exec fifo that holds a created container until `start`. The status is not
 * stored: it is derived from the process, the fifo and the freezer each time,
 * so it can never go stale. */
#ifndef DN_STATE_H
#define DN_STATE_H

#include "error.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#define DN_DEFAULT_ROOT "/run/berth-runtime"
#define DN_EXEC_FIFO "exec.fifo"

struct dn_state
{
  char *id;
  char *bundle;
  char *rootfs;
  char *cgroup_path; /* NULL when the container has no cgroup */
  char *created;     /* RFC 3339 */
  char *oci_version;
  pid_t pid;
  unsigned long long start_time; /* /proc/<pid>/stat field 22, guards against pid reuse */
  json_object *annotations;      /* owned, may be NULL */
};

enum dn_status
{
  DN_STATUS_CREATED,
  DN_STATUS_RUNNING,
  DN_STATUS_PAUSED,
  DN_STATUS_STOPPED
};

const char *dn_status_name (enum dn_status st);

/* Container ids are plain file names: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most 1024 bytes. */
int dn_state_check_id (const char *id, dn_error_t *err);
/* Returns an owned path. */
char *dn_state_dir (const char *root, const char *id);
/* Creates <root>/<id>; fails with EEXIST when the id is taken. */
int dn_state_create_dir (const char *root, const char *id, dn_error_t *err);
int dn_state_write (const char *root, const struct dn_state *st, dn_error_t *err);
int dn_state_load (const char *root, const char *id, struct dn_state **out, dn_error_t *err);
int dn_state_status (const char *root, const struct dn_state *st, enum dn_status *out, dn_error_t *err);
/* The OCI state document, as `state` prints it; returns an owned string. */
char *dn_state_to_json (const struct dn_state *st, enum dn_status status);
int dn_state_remove (const char *root, const char *id, dn_error_t *err);
void dn_state_free (struct dn_state *st);

/* Reads field 22 of /proc/<pid>/stat; returns -1 with errno when the process is gone. */
int dn_proc_start_time (pid_t pid, unsigned long long *out, char *state_char);
/* True when pid is alive (not a zombie) and still the process that was recorded. */
bool dn_state_process_alive (const struct dn_state *st);

static inline void
cleanup_statep (struct dn_state **s)
{
  if (*s)
    dn_state_free (*s);
}
#define cleanup_state __attribute__ ((cleanup (cleanup_statep)))

#endif
