/* Control groups for one container, behind one interface for cgroup v1 and
 * cgroup v2 (unified). cgroup.c detects the host's mode and dispatches to
 * cgroup_v1.c or cgroup_v2.c; cgroup_resources.c turns the spec's
 * linux.resources into plain values (pure, unit-tested). */
#ifndef DN_CGROUP_H
#define DN_CGROUP_H

#include "error.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum dn_cgroup_mode
{
  DN_CGROUP_V1,     /* legacy: every controller a v1 hierarchy, no cgroup2 */
  DN_CGROUP_HYBRID, /* v1 controllers plus a controller-less cgroup2 at <root>/unified */
  DN_CGROUP_V2      /* unified: one cgroup2 hierarchy at <root> */
};

/* linux.resources of the OCI spec; a field is only applied when its has_ flag is set. */
struct dn_cgroup_resources
{
  bool has_memory_limit;
  int64_t memory_limit; /* bytes; -1 means unlimited */
  bool has_memory_swap;
  int64_t memory_swap; /* memory+swap in bytes, as the OCI spec and v1 define it; -1 unlimited */
  bool has_memory_reservation;
  int64_t memory_reservation;
  bool has_cpu_shares;
  uint64_t cpu_shares;
  bool has_cpu_quota;
  int64_t cpu_quota; /* microseconds; -1 means no quota */
  bool has_cpu_period;
  uint64_t cpu_period; /* microseconds */
  char *cpuset_cpus;   /* NULL when not set */
  char *cpuset_mems;
  bool has_pids_limit;
  int64_t pids_limit; /* <= 0 means unlimited, as runc treats it */
  bool has_blkio_weight;
  uint16_t blkio_weight; /* 10..1000 */
  /* devices cgroup rules (v1 only; recorded but not enforced on v2) */
  struct dn_cgroup_device_rule *device_rules;
  size_t n_device_rules;
  json_object *unified; /* linux.resources.unified; refused on v1 */
};

struct dn_cgroup_device_rule
{
  bool allow;
  char type;       /* 'a', 'c' or 'b' */
  int64_t major;   /* -1 means any */
  int64_t minor;   /* -1 means any */
  char access[4];  /* subset of "rwm" */
};

typedef struct dn_cgroup_s dn_cgroup_t;

/* Points the module at another cgroup root (unit tests use fixture trees);
 * the default is /sys/fs/cgroup. */
void dn_cgroup_set_root (const char *root);
int dn_cgroup_detect_mode (enum dn_cgroup_mode *mode, dn_error_t *err);

int dn_cgroup_resources_parse (json_object *resources, struct dn_cgroup_resources *out, dn_error_t *err);
void dn_cgroup_resources_release (struct dn_cgroup_resources *res);

/* Creates the container's cgroup(s) at cgroups_path (an absolute cgroup path
 * such as "/berth/<id>"; NULL means "/berth/<id>") and applies res. On failure
 * nothing is left behind. The handle is owned by the caller. */
int dn_cgroup_create (const char *cgroups_path, const char *id, const struct dn_cgroup_resources *res,
                      dn_cgroup_t **out, dn_error_t *err);
/* Re-opens an existing container cgroup from its path (as stored in state.json). */
int dn_cgroup_load (const char *cgroup_path, dn_cgroup_t **out, dn_error_t *err);
const char *dn_cgroup_path (const dn_cgroup_t *cg);
int dn_cgroup_enter (dn_cgroup_t *cg, pid_t pid, dn_error_t *err);
int dn_cgroup_update (dn_cgroup_t *cg, const struct dn_cgroup_resources *res, dn_error_t *err);
/* Freezes or thaws every process, waiting until the kernel reports the new state. */
int dn_cgroup_freeze (dn_cgroup_t *cg, bool frozen, dn_error_t *err);
int dn_cgroup_is_frozen (dn_cgroup_t *cg, bool *frozen, dn_error_t *err);
/* Lists the pids in the cgroup; *pids is owned by the caller. */
int dn_cgroup_pids (dn_cgroup_t *cg, pid_t **pids, size_t *n, dn_error_t *err);
/* Sends sig to every process in the cgroup. */
int dn_cgroup_kill_all (dn_cgroup_t *cg, int sig, dn_error_t *err);
/* Removes the cgroup directories; fails while processes remain. */
int dn_cgroup_destroy (dn_cgroup_t *cg, dn_error_t *err);
void dn_cgroup_free (dn_cgroup_t *cg);

static inline void
cleanup_cgroupp (dn_cgroup_t **cg)
{
  if (*cg)
    dn_cgroup_free (*cg);
}
#define cleanup_cgroup __attribute__ ((cleanup (cleanup_cgroupp)))

#endif
