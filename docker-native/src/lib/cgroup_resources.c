/* linux.resources of the OCI spec into struct dn_cgroup_resources, and the
 * pure conversions between v1 and v2 values. Nothing here touches the file
 * system, so the unit tests call all of it directly.
 *
 * As runc, a zero memory limit, swap, reservation, cpu shares, cpu quota or
 * blkio weight means "not set": Docker only fills the fields the user gave. */
#include "cgroup_internal.h"
#include "cleanup.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define CPU_SHARES_MIN 2
#define CPU_SHARES_MAX 262144
#define CPU_WEIGHT_MAX 10000

/* Fetches an optional member; JSON null counts as absent. */
static json_object *
member (json_object *obj, const char *key)
{
  json_object *v = NULL;
  if (obj == NULL || !json_object_object_get_ex (obj, key, &v))
    return NULL;
  return json_object_is_type (v, json_type_null) ? NULL : v;
}

static int
get_object (json_object *obj, const char *key, const char *where, json_object **out, dn_error_t *err)
{
  json_object *v = member (obj, key);
  if (v && !json_object_is_type (v, json_type_object))
    return dn_make_error (err, 0, "%s.%s: expected an object", where, key);
  *out = v;
  return 0;
}

static int
get_int (json_object *obj, const char *key, const char *where, bool *has, int64_t *out, dn_error_t *err)
{
  json_object *v = member (obj, key);
  *has = false;
  if (v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_int))
    return dn_make_error (err, 0, "%s.%s: expected an integer", where, key);
  *has = true;
  *out = json_object_get_int64 (v);
  return 0;
}

static int
get_string (json_object *obj, const char *key, const char *where, const char **out, dn_error_t *err)
{
  json_object *v = member (obj, key);
  *out = NULL;
  if (v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_string))
    return dn_make_error (err, 0, "%s.%s: expected a string", where, key);
  *out = json_object_get_string (v);
  return 0;
}

static int
parse_memory (json_object *res, struct dn_cgroup_resources *out, dn_error_t *err)
{
  const char *where = "linux.resources.memory";
  json_object *mem;
  bool has;
  int64_t v;

  if (get_object (res, "memory", "linux.resources", &mem, err) < 0)
    return -1;
  if (mem == NULL)
    return 0;

  if (get_int (mem, "limit", where, &has, &v, err) < 0)
    return -1;
  if (has && v < -1)
    return dn_make_error (err, 0, "%s.limit: %" PRId64 " is neither -1 (unlimited) nor a number of bytes", where, v);
  out->has_memory_limit = has && v != 0;
  out->memory_limit = v;

  if (get_int (mem, "swap", where, &has, &v, err) < 0)
    return -1;
  if (has && v < -1)
    return dn_make_error (err, 0, "%s.swap: %" PRId64 " is neither -1 (unlimited) nor a number of bytes", where, v);
  out->has_memory_swap = has && v != 0;
  out->memory_swap = v;

  if (get_int (mem, "reservation", where, &has, &v, err) < 0)
    return -1;
  if (has && v < -1)
    return dn_make_error (err, 0, "%s.reservation: %" PRId64 " is neither -1 (unlimited) nor a number of bytes", where,
                          v);
  out->has_memory_reservation = has && v != 0;
  out->memory_reservation = v;

  /* The kernel keeps memory+swap >= memory; saying so here beats an EINVAL. */
  if (out->has_memory_limit && out->has_memory_swap && out->memory_swap != -1)
    {
      if (out->memory_limit == -1)
        return dn_make_error (err, 0, "%s.swap: a memory+swap limit needs a memory limit, not -1", where);
      if (out->memory_swap < out->memory_limit)
        return dn_make_error (err, 0, "%s.swap: memory+swap %" PRId64 " is less than memory.limit %" PRId64, where,
                              out->memory_swap, out->memory_limit);
    }
  return 0;
}

static int
parse_cpu (json_object *res, struct dn_cgroup_resources *out, dn_error_t *err)
{
  const char *where = "linux.resources.cpu";
  json_object *cpu;
  bool has;
  int64_t v;
  const char *s;

  if (get_object (res, "cpu", "linux.resources", &cpu, err) < 0)
    return -1;
  if (cpu == NULL)
    return 0;

  if (get_int (cpu, "shares", where, &has, &v, err) < 0)
    return -1;
  if (has && v < 0)
    return dn_make_error (err, 0, "%s.shares: %" PRId64 " is negative", where, v);
  out->has_cpu_shares = has && v != 0;
  out->cpu_shares = (uint64_t) v;

  if (get_int (cpu, "quota", where, &has, &v, err) < 0)
    return -1;
  if (has && v < -1)
    return dn_make_error (err, 0, "%s.quota: %" PRId64 " is neither -1 (no quota) nor a number of microseconds", where,
                          v);
  out->has_cpu_quota = has && v != 0;
  out->cpu_quota = v;

  if (get_int (cpu, "period", where, &has, &v, err) < 0)
    return -1;
  if (has && v <= 0)
    return dn_make_error (err, 0, "%s.period: %" PRId64 " is not a positive number of microseconds", where, v);
  out->has_cpu_period = has;
  out->cpu_period = (uint64_t) v;

  if (get_string (cpu, "cpus", where, &s, err) < 0)
    return -1;
  if (s && *s)
    out->cpuset_cpus = xstrdup (s);
  if (get_string (cpu, "mems", where, &s, err) < 0)
    return -1;
  if (s && *s)
    out->cpuset_mems = xstrdup (s);
  return 0;
}

static int
parse_device (json_object *dev, size_t i, struct dn_cgroup_device_rule *rule, dn_error_t *err)
{
  cleanup_free char *where = xasprintf ("linux.resources.devices[%zu]", i);
  json_object *v;
  bool has;
  const char *s;

  if (!json_object_is_type (dev, json_type_object))
    return dn_make_error (err, 0, "%s: expected an object", where);

  v = member (dev, "allow");
  if (v == NULL)
    return dn_make_error (err, 0, "%s.allow: missing", where);
  if (!json_object_is_type (v, json_type_boolean))
    return dn_make_error (err, 0, "%s.allow: expected a boolean", where);
  rule->allow = json_object_get_boolean (v);

  /* As runc: no type means all devices, no major/minor means any. */
  if (get_string (dev, "type", where, &s, err) < 0)
    return -1;
  if (s == NULL || *s == '\0')
    rule->type = 'a';
  else if (strcmp (s, "a") == 0 || strcmp (s, "b") == 0 || strcmp (s, "c") == 0)
    rule->type = s[0];
  else
    return dn_make_error (err, 0, "%s.type: `%s` is not one of a, b, c", where, s);

  if (get_int (dev, "major", where, &has, &rule->major, err) < 0)
    return -1;
  if (!has)
    rule->major = -1;
  else if (rule->major < -1)
    return dn_make_error (err, 0, "%s.major: %" PRId64 " is negative", where, rule->major);
  if (get_int (dev, "minor", where, &has, &rule->minor, err) < 0)
    return -1;
  if (!has)
    rule->minor = -1;
  else if (rule->minor < -1)
    return dn_make_error (err, 0, "%s.minor: %" PRId64 " is negative", where, rule->minor);

  /* An empty access would be a rule about nothing; Docker means "rwm". */
  if (get_string (dev, "access", where, &s, err) < 0)
    return -1;
  if (s == NULL || *s == '\0')
    s = "rwm";
  if (strlen (s) > 3 || strspn (s, "rwm") != strlen (s))
    return dn_make_error (err, 0, "%s.access: `%s` is not a subset of rwm", where, s);
  snprintf (rule->access, sizeof rule->access, "%s", s);
  return 0;
}

static int
parse_devices (json_object *res, struct dn_cgroup_resources *out, dn_error_t *err)
{
  json_object *devs = member (res, "devices");
  if (devs == NULL)
    return 0;
  if (!json_object_is_type (devs, json_type_array))
    return dn_make_error (err, 0, "linux.resources.devices: expected an array");
  size_t n = json_object_array_length (devs);
  out->device_rules = xmalloc0 (sizeof (*out->device_rules) * n);
  out->n_device_rules = n;
  for (size_t i = 0; i < n; i++)
    if (parse_device (json_object_array_get_idx (devs, i), i, &out->device_rules[i], err) < 0)
      return -1;
  return 0;
}

static int
parse_unified (json_object *res, struct dn_cgroup_resources *out, dn_error_t *err)
{
  json_object *uni;
  if (get_object (res, "unified", "linux.resources", &uni, err) < 0)
    return -1;
  if (uni == NULL)
    return 0;
  /* The keys become file names in the container's cgroup, so nothing that
   * could reach outside it. */
  json_object_object_foreach (uni, key, val)
    {
      if (*key == '\0' || strchr (key, '/') || strcmp (key, ".") == 0 || strcmp (key, "..") == 0)
        return dn_make_error (err, 0, "linux.resources.unified: `%s` is not a cgroup file name", key);
      if (!json_object_is_type (val, json_type_string))
        return dn_make_error (err, 0, "linux.resources.unified.%s: expected a string", key);
    }
  out->unified = uni;
  return 0;
}

static int
parse_all (json_object *resources, struct dn_cgroup_resources *out, dn_error_t *err)
{
  json_object *sub;
  bool has;
  int64_t v;

  if (!json_object_is_type (resources, json_type_object))
    return dn_make_error (err, 0, "linux.resources: expected an object");
  if (parse_memory (resources, out, err) < 0 || parse_cpu (resources, out, err) < 0)
    return -1;

  if (get_object (resources, "pids", "linux.resources", &sub, err) < 0
      || get_int (sub, "limit", "linux.resources.pids", &has, &v, err) < 0)
    return -1;
  out->has_pids_limit = has;
  out->pids_limit = v;

  if (get_object (resources, "blockIO", "linux.resources", &sub, err) < 0
      || get_int (sub, "weight", "linux.resources.blockIO", &has, &v, err) < 0)
    return -1;
  if (has && v != 0 && (v < 10 || v > 1000))
    return dn_make_error (err, 0, "linux.resources.blockIO.weight: %" PRId64 " is outside 10..1000", v);
  out->has_blkio_weight = has && v != 0;
  out->blkio_weight = (uint16_t) v;

  if (parse_devices (resources, out, err) < 0 || parse_unified (resources, out, err) < 0)
    return -1;
  return 0;
}

int
dn_cgroup_resources_parse (json_object *resources, struct dn_cgroup_resources *out, dn_error_t *err)
{
  memset (out, 0, sizeof (*out));
  if (resources == NULL || json_object_is_type (resources, json_type_null))
    return 0;
  if (parse_all (resources, out, err) < 0)
    {
      dn_cgroup_resources_release (out);
      return -1;
    }
  return 0;
}

void
dn_cgroup_resources_release (struct dn_cgroup_resources *res)
{
  if (res == NULL)
    return;
  free (res->cpuset_cpus);
  free (res->cpuset_mems);
  free (res->device_rules);
  memset (res, 0, sizeof (*res));
}

const char *
dn_cgroup_format_limit (int64_t value, char *buf, size_t size)
{
  if (value == -1)
    snprintf (buf, size, "max");
  else
    snprintf (buf, size, "%" PRId64, value);
  return buf;
}

/* Natural logarithm without libm (the link line has no -lm): scale into
 * [1, 2) by exact halvings, then ln(x) = 2 atanh((x-1)/(x+1)). */
static double
ln (double x)
{
  static const double ln2 = 0.69314718055994530942;
  int k = 0;
  while (x >= 2.0)
    {
      x /= 2.0;
      k++;
    }
  while (x < 1.0)
    {
      x *= 2.0;
      k--;
    }
  double s = (x - 1.0) / (x + 1.0), s2 = s * s, term = s, sum = 0.0;
  for (int n = 1; n < 60; n += 2)
    {
      sum += term / n;
      term *= s2;
    }
  return k * ln2 + 2.0 * sum;
}

/* e^y for the small range used here, by halving until the Taylor series is
 * short, then squaring back. */
static double
exp_small (double y)
{
  int halvings = 0;
  while (y > 0.5 || y < -0.5)
    {
      y /= 2.0;
      halvings++;
    }
  double sum = 1.0, term = 1.0;
  for (int n = 1; n < 30; n++)
    {
      term *= y / n;
      sum += term;
    }
  while (halvings-- > 0)
    sum *= sum;
  return sum;
}

uint64_t
dn_cgroup_shares_to_weight (uint64_t shares)
{
  static const double ln10 = 2.30258509299404568402;
  if (shares == 0)
    return 0;
  if (shares <= CPU_SHARES_MIN)
    return 1;
  if (shares >= CPU_SHARES_MAX)
    return CPU_WEIGHT_MAX;
  double l = ln ((double) shares) / ln (2.0);
  /* The quadratic maps 2 -> 10^0, 1024 -> 10^2 and 262144 -> 10^4. */
  double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
  double w = exp_small (exponent * ln10);
  uint64_t c = (uint64_t) w;
  /* Near-integers (1024 gives exactly 10^2) must not round up past runc. */
  if ((double) c < w - 1e-9)
    c++;
  return c;
}

uint64_t
dn_cgroup_blkio_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

int
dn_cgroup_v2_swap (const struct dn_cgroup_resources *res, bool *set, int64_t *swap, dn_error_t *err)
{
  *set = false;
  *swap = 0;
  /* v1 compatibility, as runc: an unlimited memory limit without a swap
   * setting means unlimited swap too. */
  if (!res->has_memory_swap)
    {
      if (res->has_memory_limit && res->memory_limit == -1)
        {
          *set = true;
          *swap = -1;
        }
      return 0;
    }
  *set = true;
  if (res->memory_swap == -1)
    {
      *swap = -1;
      return 0;
    }
  if (!res->has_memory_limit || res->memory_limit == -1)
    return dn_make_error (err, 0, "linux.resources.memory.swap needs a memory limit on cgroup v2");
  if (res->memory_swap < res->memory_limit)
    return dn_make_error (err, 0, "linux.resources.memory.swap %" PRId64 " is less than the memory limit %" PRId64,
                          res->memory_swap, res->memory_limit);
  *swap = res->memory_swap - res->memory_limit;
  return 0;
}

char *
dn_cgroup_v2_cpu_max (const struct dn_cgroup_resources *res)
{
  if (!res->has_cpu_quota && !res->has_cpu_period)
    return NULL;
  /* Without a quota the kernel keeps the current one; "max" is runc's choice. */
  const char *quota = "max";
  char qbuf[24];
  if (res->has_cpu_quota && res->cpu_quota > 0)
    {
      snprintf (qbuf, sizeof qbuf, "%" PRId64, res->cpu_quota);
      quota = qbuf;
    }
  if (res->has_cpu_period)
    return xasprintf ("%s %" PRIu64, quota, res->cpu_period);
  return xstrdup (quota);
}

char *
dn_cgroup_device_rule_string (const struct dn_cgroup_device_rule *rule)
{
  char major[24] = "*", minor[24] = "*";
  if (rule->major >= 0)
    snprintf (major, sizeof major, "%" PRId64, rule->major);
  if (rule->minor >= 0)
    snprintf (minor, sizeof minor, "%" PRId64, rule->minor);
  return xasprintf ("%c %s:%s %s", rule->type, major, minor, rule->access);
}
