/* The OCI runtime spec (config.json) as docker-native uses it.
 * spec.c reads the file with json-c and converts everything the runtime acts
 * on into plain C values, refusing what it cannot honour. Two sections are
 * left as JSON for the module that owns them: linux.resources (cgroup.c) and
 * linux.seccomp (seccomp.c). */
#ifndef DN_SPEC_H
#define DN_SPEC_H

#include "error.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Capability sets, as bit masks over capability numbers. */
enum dn_cap_set
{
  DN_CAP_BOUNDING,
  DN_CAP_EFFECTIVE,
  DN_CAP_INHERITABLE,
  DN_CAP_PERMITTED,
  DN_CAP_AMBIENT,
  DN_CAP_SETS
};

struct dn_mount
{
  char *destination; /* absolute, inside the container */
  char *type;        /* may be NULL for bind mounts */
  char *source;      /* for bind mounts: absolute host path */
  unsigned long flags;       /* MS_* from the options */
  unsigned long propagation; /* MS_PRIVATE/SLAVE/SHARED/UNBINDABLE (| MS_REC), or 0 */
  char *data;                /* options the kernel parses (mode=755,size=...) */
  bool bind;
};

struct dn_rlimit
{
  int resource;
  rlim_t soft;
  rlim_t hard;
};

struct dn_id_map
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
};

struct dn_device
{
  char *path;
  char type; /* 'c', 'b', 'p' or 'u' */
  unsigned int major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

struct dn_sysctl
{
  char *key;
  char *value;
};

/* The namespaces the runtime knows, in the order they are joined. */
enum dn_ns
{
  DN_NS_USER,
  DN_NS_IPC,
  DN_NS_UTS,
  DN_NS_NET,
  DN_NS_PID,
  DN_NS_MOUNT,
  DN_NS_CGROUP,
  DN_NS_COUNT
};

/* The process section: the container's process, or one `exec` runs. */
struct dn_process
{
  bool terminal;
  unsigned short console_height, console_width;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  bool has_umask;
  mode_t umask;
  char **args; /* NULL-terminated, never empty */
  char **env;  /* NULL-terminated */
  char *cwd;   /* absolute; "/" when absent */
  bool has_caps;
  uint64_t caps[DN_CAP_SETS];
  struct dn_rlimit *rlimits;
  size_t n_rlimits;
  bool has_no_new_privileges; /* the field was present (exec falls back to the container's otherwise) */
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
};

struct dn_spec
{
  json_object *json; /* the parsed document; owns the sections kept as JSON */
  char *bundle;      /* absolute bundle directory */
  char *oci_version;

  struct dn_process process;

  /* root, hostname, mounts */
  char *rootfs; /* absolute */
  bool root_readonly;
  char *hostname;
  char *domainname;
  struct dn_mount *mounts;
  size_t n_mounts;

  /* linux */
  bool ns_new[DN_NS_COUNT];   /* a namespace entry without a path */
  char *ns_path[DN_NS_COUNT]; /* a namespace entry with a path to join */
  struct dn_id_map *uid_maps;
  size_t n_uid_maps;
  struct dn_id_map *gid_maps;
  size_t n_gid_maps;
  char *cgroups_path;         /* may be NULL */
  json_object *resources;     /* borrowed from json, may be NULL */
  json_object *seccomp;       /* borrowed from json, may be NULL */
  json_object *annotations;   /* borrowed from json, may be NULL */
  char **masked_paths;        /* NULL-terminated */
  char **readonly_paths;      /* NULL-terminated */
  unsigned long rootfs_propagation; /* 0 means the default (rslave, as runc) */
  struct dn_device *devices;
  size_t n_devices;
  struct dn_sysctl *sysctls;
  size_t n_sysctls;
};

/* Loads BUNDLE/config.json. The returned spec is owned by the caller. */
int dn_spec_load (const char *bundle, struct dn_spec **out, dn_error_t *err);
/* Parses a config.json document given as text (the unit tests use this). */
int dn_spec_parse (const char *text, const char *bundle, struct dn_spec **out, dn_error_t *err);
void dn_spec_free (struct dn_spec *spec);

/* Parses a standalone OCI process object (what `exec --process FILE` holds);
 * errors name the field ("process.user.uid: ..."). Owned by the caller. */
int dn_process_parse (const char *text, struct dn_process **out, dn_error_t *err);
/* Frees what the process owns and zeroes it; the struct itself stays. */
void dn_process_clear (struct dn_process *p);
void dn_process_free (struct dn_process *p);

/* Helpers also used by other modules. */
int dn_cap_from_name (const char *name, int *out, dn_error_t *err);
int dn_rlimit_from_name (const char *name, int *out, dn_error_t *err);
/* Parses a mount options list into flags, propagation and kernel data. */
int dn_mount_options_parse (json_object *options, struct dn_mount *m, dn_error_t *err);

static inline void
cleanup_specp (struct dn_spec **s)
{
  if (*s)
    dn_spec_free (*s);
}
#define cleanup_spec __attribute__ ((cleanup (cleanup_specp)))

static inline void
cleanup_processp (struct dn_process **p)
{
  if (*p)
    dn_process_free (*p);
}
#define cleanup_process __attribute__ ((cleanup (cleanup_processp)))

#endif
