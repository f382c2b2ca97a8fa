#include "seccomp_filter.h"
#include "cleanup.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

static void
release_ctx (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define cleanup_seccomp __attribute__ ((cleanup (release_ctx)))

static int
parse_action (const char *name, json_object *errno_ret, uint32_t *out, dn_error_t *err)
{
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0 || strcmp (name, "SCMP_ACT_TRACE") == 0)
    {
      /* The spec's default errno for both is EPERM, as in runc. */
      int64_t e = errno_ret ? json_object_get_int64 (errno_ret) : EPERM;
      if (e < 0 || e > 0xffff)
        return dn_make_error (err, 0, "seccomp: errnoRet %lld is out of range", (long long) e);
      *out = name[9] == 'E' ? SCMP_ACT_ERRNO ((uint16_t) e) : SCMP_ACT_TRACE ((uint16_t) e);
    }
  else
    return dn_make_error (err, 0, "seccomp: unsupported action `%s`", name);
  return 0;
}

static int
parse_op (const char *name, enum scmp_compare *out, dn_error_t *err)
{
  static const struct
  {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp (name, ops[i].name) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return dn_make_error (err, 0, "seccomp: unknown operator `%s`", name);
}

static const char *
string_member (json_object *o, const char *key)
{
  json_object *v;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return json_object_get_string (v);
}

static json_object *
member (json_object *o, const char *key)
{
  json_object *v = NULL;
  return json_object_object_get_ex (o, key, &v) ? v : NULL;
}

static int
add_architectures (scmp_filter_ctx ctx, json_object *archs, dn_error_t *err)
{
  size_t n = archs ? json_object_array_length (archs) : 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (archs, i));
      if (name == NULL || strncmp (name, "SCMP_ARCH_", 10) != 0)
        return dn_make_error (err, 0, "seccomp: unknown architecture `%s`", name ? name : "");
      cleanup_free char *lower = xstrdup (name + 10);
      for (char *p = lower; *p; p++)
        *p = (char) tolower ((unsigned char) *p);
      uint32_t arch = seccomp_arch_resolve_name (lower);
      if (arch == 0)
        return dn_make_error (err, 0, "seccomp: unknown architecture `%s`", name);
      int r = seccomp_arch_add (ctx, arch);
      if (r < 0 && r != -EEXIST)
        return dn_make_error (err, -r, "seccomp: add architecture `%s`", name);
    }
  return 0;
}

static int
parse_args (json_object *args, struct scmp_arg_cmp *cmps, size_t *n, bool *repeated, dn_error_t *err)
{
  *n = args ? json_object_array_length (args) : 0;
  *repeated = false;
  if (*n > 6)
    return dn_make_error (err, 0, "seccomp: a rule has more than 6 argument conditions");
  unsigned seen = 0;
  for (size_t i = 0; i < *n; i++)
    {
      json_object *a = json_object_array_get_idx (args, i);
      json_object *index = member (a, "index"), *value = member (a, "value"), *value2 = member (a, "valueTwo");
      const char *op = string_member (a, "op");
      if (index == NULL || op == NULL)
        return dn_make_error (err, 0, "seccomp: an argument condition needs index and op");
      int idx = json_object_get_int (index);
      if (idx < 0 || idx > 5)
        return dn_make_error (err, 0, "seccomp: argument index %d is out of range", idx);
      enum scmp_compare cmp = SCMP_CMP_EQ;
      if (parse_op (op, &cmp, err) < 0)
        return -1;
      if (seen & (1u << idx))
        *repeated = true;
      seen |= 1u << idx;
      cmps[i] = (struct scmp_arg_cmp){ .arg = (unsigned) idx,
                                       .op = cmp,
                                       .datum_a = value ? (scmp_datum_t) json_object_get_uint64 (value) : 0,
                                       .datum_b = value2 ? (scmp_datum_t) json_object_get_uint64 (value2) : 0 };
    }
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, uint32_t default_action, json_object *rule, dn_error_t *err)
{
  const char *action_name = string_member (rule, "action");
  if (action_name == NULL)
    return dn_make_error (err, 0, "seccomp: a syscall rule needs an action");
  uint32_t action;
  if (parse_action (action_name, member (rule, "errnoRet"), &action, err) < 0)
    return -1;
  /* libseccomp refuses rules that repeat the default action; they are no-ops anyway. */
  if (action == default_action)
    return 0;
  struct scmp_arg_cmp cmps[6];
  size_t n_cmps = 0;
  bool repeated = false;
  if (parse_args (member (rule, "args"), cmps, &n_cmps, &repeated, err) < 0)
    return -1;
  json_object *names = member (rule, "names");
  size_t n = names ? json_object_array_length (names) : 0;
  for (size_t i = 0; i < n; i++)
    {
      const char *name = json_object_get_string (json_object_array_get_idx (names, i));
      int nr = name ? seccomp_syscall_resolve_name (name) : __NR_SCMP_ERROR;
      /* Profiles name syscalls of other kernels and architectures; runc skips them too. */
      if (nr == __NR_SCMP_ERROR)
        continue;
      int r = 0;
      if (!repeated)
        r = seccomp_rule_add_array (ctx, action, nr, (unsigned) n_cmps, cmps);
      else
        /* libseccomp ANDs the conditions of one rule and allows one per
         * argument, so conditions on the same argument become separate rules (OR), as runc does. */
        for (size_t c = 0; c < n_cmps && r == 0; c++)
          r = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[c]);
      if (r < 0)
        return dn_make_error (err, -r, "seccomp: add rule for `%s`", name);
    }
  return 0;
}

int
dn_seccomp_build (json_object *seccomp, scmp_filter_ctx *out, dn_error_t *err)
{
  const char *default_name = string_member (seccomp, "defaultAction");
  if (default_name == NULL)
    return dn_make_error (err, 0, "seccomp: defaultAction is required");
  uint32_t default_action;
  if (parse_action (default_name, member (seccomp, "defaultErrnoRet"), &default_action, err) < 0)
    return -1;
  if (member (seccomp, "listenerPath"))
    return dn_make_error (err, 0, "seccomp: listenerPath (SCMP_ACT_NOTIFY) is not supported");
  cleanup_seccomp scmp_filter_ctx ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return dn_make_error (err, 0, "seccomp: cannot initialise a filter");
  /* no_new_privileges is the spec's decision, not libseccomp's. */
  if (seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
    return dn_make_error (err, 0, "seccomp: cannot clear the NNP attribute");
  if (add_architectures (ctx, member (seccomp, "architectures"), err) < 0)
    return -1;
  json_object *rules = member (seccomp, "syscalls");
  size_t n = rules ? json_object_array_length (rules) : 0;
  for (size_t i = 0; i < n; i++)
    if (add_rule (ctx, default_action, json_object_array_get_idx (rules, i), err) < 0)
      return -1;
  *out = steal_pointer (&ctx);
  return 0;
}

int
dn_seccomp_load (json_object *seccomp, dn_error_t *err)
{
  cleanup_seccomp scmp_filter_ctx ctx = NULL;
  if (dn_seccomp_build (seccomp, &ctx, err) < 0)
    return -1;
  int r = seccomp_load (ctx);
  if (r < 0)
    return dn_make_error (err, -r, "seccomp: load the filter");
  return 0;
}
