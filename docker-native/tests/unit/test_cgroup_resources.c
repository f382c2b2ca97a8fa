/* Unit tests of the pure half of the cgroup module: linux.resources parsing
 * and the v1 -> v2 conversions. Prints one line per failing check and
 * returns non-zero when any failed. */
#include "cgroup_internal.h"
#include "cleanup.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* Parses text as linux.resources; the JSON document is returned for the
 * borrowed unified member and must be put by the caller. */
static int
parse (const char *text, struct dn_cgroup_resources *res, json_object **doc, dn_error_t *err)
{
  memset (res, 0, sizeof (*res));
  *doc = json_tokener_parse (text);
  if (*doc == NULL)
    {
      printf ("FAIL bad test JSON: %s\n", text);
      failures++;
      return -1;
    }
  return dn_cgroup_resources_parse (*doc, res, err);
}

static void
test_parse_good (void)
{
  struct dn_cgroup_resources res;
  dn_error_t err = NULL;
  json_object *doc;
  const char *text = "{\"memory\":{\"limit\":33554432,\"swap\":67108864,\"reservation\":16777216,\"swappiness\":60},"
                     "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},"
                     "\"pids\":{\"limit\":10},\"blockIO\":{\"weight\":500},"
                     "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                     "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"},"
                     "{\"allow\":true,\"type\":\"b\",\"major\":8}],"
                     "\"unified\":{\"memory.high\":\"30000000\"}}";

  int r = parse (text, &res, &doc, &err);
  CHECK (r == 0, "good resources refused: %s", err ? err->msg : "");
  if (r == 0)
    {
      CHECK (res.has_memory_limit && res.memory_limit == 33554432, "memory.limit");
      CHECK (res.has_memory_swap && res.memory_swap == 67108864, "memory.swap");
      CHECK (res.has_memory_reservation && res.memory_reservation == 16777216, "memory.reservation");
      CHECK (res.has_cpu_shares && res.cpu_shares == 512, "cpu.shares");
      CHECK (res.has_cpu_quota && res.cpu_quota == 50000, "cpu.quota");
      CHECK (res.has_cpu_period && res.cpu_period == 100000, "cpu.period");
      CHECK (res.cpuset_cpus && strcmp (res.cpuset_cpus, "0-1") == 0, "cpu.cpus");
      CHECK (res.cpuset_mems && strcmp (res.cpuset_mems, "0") == 0, "cpu.mems");
      CHECK (res.has_pids_limit && res.pids_limit == 10, "pids.limit");
      CHECK (res.has_blkio_weight && res.blkio_weight == 500, "blockIO.weight");
      CHECK (res.n_device_rules == 3, "devices: %zu rules", res.n_device_rules);
      if (res.n_device_rules == 3)
        {
          const struct dn_cgroup_device_rule *d = res.device_rules;
          CHECK (!d[0].allow && d[0].type == 'a' && d[0].major == -1 && d[0].minor == -1
                     && strcmp (d[0].access, "rwm") == 0,
                 "devices[0] defaults");
          CHECK (d[1].allow && d[1].type == 'c' && d[1].major == 1 && d[1].minor == 3
                     && strcmp (d[1].access, "rw") == 0,
                 "devices[1]");
          CHECK (d[2].type == 'b' && d[2].major == 8 && d[2].minor == -1 && strcmp (d[2].access, "rwm") == 0,
                 "devices[2] minor and access defaults");
        }
      CHECK (res.unified && json_object_object_length (res.unified) == 1, "unified kept");
    }
  dn_cgroup_resources_release (&res);
  dn_error_release (&err);
  json_object_put (doc);

  /* NULL, JSON null and {} all mean "no resources". */
  CHECK (dn_cgroup_resources_parse (NULL, &res, &err) == 0 && !res.has_memory_limit && res.n_device_rules == 0,
         "NULL resources");
  r = parse ("{}", &res, &doc, &err);
  CHECK (r == 0 && !res.has_pids_limit && res.unified == NULL, "empty resources");
  dn_cgroup_resources_release (&res);
  json_object_put (doc);

  /* Zero means "unset" for these fields, as in runc; pids 0 is "max". */
  r = parse ("{\"memory\":{\"limit\":0,\"swap\":0,\"reservation\":0},\"cpu\":{\"shares\":0,\"quota\":0},"
             "\"blockIO\":{\"weight\":0},\"pids\":{\"limit\":0}}",
             &res, &doc, &err);
  CHECK (r == 0, "zero values refused: %s", err ? err->msg : "");
  CHECK (!res.has_memory_limit && !res.has_memory_swap && !res.has_memory_reservation, "memory zeros are unset");
  CHECK (!res.has_cpu_shares && !res.has_cpu_quota && !res.has_blkio_weight, "zeros are unset");
  CHECK (res.has_pids_limit && res.pids_limit == 0, "pids 0 is kept (means max)");
  dn_cgroup_resources_release (&res);
  dn_error_release (&err);
  json_object_put (doc);

  r = parse ("{\"memory\":{\"limit\":-1,\"swap\":-1},\"cpu\":{\"quota\":-1,\"cpus\":\"\"}}", &res, &doc, &err);
  CHECK (r == 0, "unlimited values refused: %s", err ? err->msg : "");
  CHECK (res.has_memory_limit && res.memory_limit == -1 && res.has_memory_swap && res.memory_swap == -1,
         "memory -1/-1 kept");
  CHECK (res.has_cpu_quota && res.cpu_quota == -1 && res.cpuset_cpus == NULL, "quota -1 kept, empty cpus unset");
  dn_cgroup_resources_release (&res);
  dn_error_release (&err);
  json_object_put (doc);
}

struct bad_case
{
  const char *json;
  const char *message; /* a substring the error must contain */
};

static void
expect_refused (const struct bad_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      struct dn_cgroup_resources res;
      dn_error_t err = NULL;
      json_object *doc;
      int r = parse (cases[i].json, &res, &doc, &err);
      CHECK (r < 0, "accepted %s", cases[i].json);
      if (r < 0)
        CHECK (err && strstr (err->msg, cases[i].message), "%s: error `%s` lacks `%s`", cases[i].json,
               err ? err->msg : "(none)", cases[i].message);
      /* A refused document leaves nothing allocated behind. */
      CHECK (res.cpuset_cpus == NULL && res.device_rules == NULL, "%s: not released", cases[i].json);
      if (r == 0)
        dn_cgroup_resources_release (&res);
      dn_error_release (&err);
      json_object_put (doc);
    }
}

static void
test_parse_wrong_types (void)
{
  static const struct bad_case cases[] = {
    { "[]", "linux.resources: expected an object" },
    { "{\"memory\":5}", "linux.resources.memory: expected an object" },
    { "{\"memory\":{\"limit\":\"32m\"}}", "linux.resources.memory.limit: expected an integer" },
    { "{\"memory\":{\"swap\":true}}", "linux.resources.memory.swap: expected an integer" },
    { "{\"memory\":{\"reservation\":1.5}}", "linux.resources.memory.reservation: expected an integer" },
    { "{\"cpu\":[]}", "linux.resources.cpu: expected an object" },
    { "{\"cpu\":{\"shares\":\"1024\"}}", "linux.resources.cpu.shares: expected an integer" },
    { "{\"cpu\":{\"quota\":{}}}", "linux.resources.cpu.quota: expected an integer" },
    { "{\"cpu\":{\"period\":[]}}", "linux.resources.cpu.period: expected an integer" },
    { "{\"cpu\":{\"cpus\":\"0\",\"mems\":0}}", "linux.resources.cpu.mems: expected a string" },
    { "{\"cpu\":{\"cpus\":1}}", "linux.resources.cpu.cpus: expected a string" },
    { "{\"pids\":{\"limit\":\"10\"}}", "linux.resources.pids.limit: expected an integer" },
    { "{\"pids\":3}", "linux.resources.pids: expected an object" },
    { "{\"blockIO\":{\"weight\":\"500\"}}", "linux.resources.blockIO.weight: expected an integer" },
    { "{\"devices\":{}}", "linux.resources.devices: expected an array" },
    { "{\"devices\":[\"a\"]}", "linux.resources.devices[0]: expected an object" },
    { "{\"devices\":[{\"allow\":true},{\"allow\":\"yes\"}]}", "linux.resources.devices[1].allow: expected a boolean" },
    { "{\"devices\":[{\"access\":\"rwm\"}]}", "linux.resources.devices[0].allow: missing" },
    { "{\"devices\":[{\"allow\":true,\"type\":99}]}", "linux.resources.devices[0].type: expected a string" },
    { "{\"devices\":[{\"allow\":true,\"major\":\"1\"}]}", "linux.resources.devices[0].major: expected an integer" },
    { "{\"devices\":[{\"allow\":true,\"minor\":false}]}", "linux.resources.devices[0].minor: expected an integer" },
    { "{\"devices\":[{\"allow\":true,\"access\":7}]}", "linux.resources.devices[0].access: expected a string" },
    { "{\"unified\":[]}", "linux.resources.unified: expected an object" },
    { "{\"unified\":{\"memory.high\":1}}", "linux.resources.unified.memory.high: expected a string" },
  };
  expect_refused (cases, sizeof cases / sizeof cases[0]);
}

static void
test_parse_absurd (void)
{
  static const struct bad_case cases[] = {
    { "{\"cpu\":{\"shares\":-1}}", "linux.resources.cpu.shares: -1 is negative" },
    { "{\"cpu\":{\"period\":0}}", "linux.resources.cpu.period: 0 is not a positive" },
    { "{\"cpu\":{\"period\":-100}}", "linux.resources.cpu.period" },
    { "{\"cpu\":{\"quota\":-2}}", "linux.resources.cpu.quota: -2" },
    { "{\"blockIO\":{\"weight\":5}}", "linux.resources.blockIO.weight: 5 is outside 10..1000" },
    { "{\"blockIO\":{\"weight\":1001}}", "linux.resources.blockIO.weight: 1001 is outside 10..1000" },
    { "{\"memory\":{\"limit\":-5}}", "linux.resources.memory.limit: -5" },
    { "{\"memory\":{\"swap\":-2}}", "linux.resources.memory.swap: -2" },
    { "{\"memory\":{\"reservation\":-3}}", "linux.resources.memory.reservation: -3" },
    { "{\"memory\":{\"limit\":67108864,\"swap\":33554432}}",
      "memory+swap 33554432 is less than memory.limit 67108864" },
    { "{\"memory\":{\"limit\":-1,\"swap\":33554432}}", "linux.resources.memory.swap: a memory+swap limit needs" },
    { "{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}", "linux.resources.devices[0].type: `x` is not one of" },
    { "{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}", "linux.resources.devices[0].access: `rwx`" },
    { "{\"devices\":[{\"allow\":true,\"access\":\"rwmm\"}]}", "linux.resources.devices[0].access" },
    { "{\"devices\":[{\"allow\":true,\"major\":-7}]}", "linux.resources.devices[0].major: -7 is negative" },
    { "{\"unified\":{\"../memory.max\":\"1\"}}", "`../memory.max` is not a cgroup file name" },
    { "{\"unified\":{\"..\":\"1\"}}", "`..` is not a cgroup file name" },
    { "{\"unified\":{\"\":\"1\"}}", "`` is not a cgroup file name" },
    /* Allocations made before the failing member are released too. */
    { "{\"cpu\":{\"cpus\":\"0\"},\"devices\":[{\"allow\":true}],\"unified\":{\"a/b\":\"1\"}}",
      "`a/b` is not a cgroup file name" },
  };
  expect_refused (cases, sizeof cases / sizeof cases[0]);
}

static void
test_shares_to_weight (void)
{
  static const struct
  {
    uint64_t shares, weight;
  } points[] = {
    { 0, 0 },     { 1, 1 },      { 2, 1 },       { 3, 2 },           { 10, 4 },           { 100, 17 },
    { 512, 59 },  { 1024, 100 }, { 2048, 174 },  { 10000, 627 },     { 262143, 10000 },   { 262144, 10000 },
    { 1000000, 10000 },
  };
  /* Expected values computed with libm's log2/pow/ceil as runc's Go code
   * does; the module itself avoids libm. */
  for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
    {
      uint64_t w = dn_cgroup_shares_to_weight (points[i].shares);
      CHECK (w == points[i].weight, "shares %" PRIu64 " -> weight %" PRIu64 ", want %" PRIu64, points[i].shares, w,
             points[i].weight);
    }
  /* The map is monotonic over the whole v1 range. */
  uint64_t prev = 0;
  for (uint64_t s = 2; s <= 262144; s++)
    {
      uint64_t w = dn_cgroup_shares_to_weight (s);
      if (w < prev || w < 1 || w > 10000)
        {
          CHECK (0, "shares %" PRIu64 " -> %" PRIu64 " after %" PRIu64, s, w, prev);
          break;
        }
      prev = w;
    }
}

static void
test_blkio_to_io_weight (void)
{
  CHECK (dn_cgroup_blkio_to_io_weight (0) == 0, "0 stays unset");
  CHECK (dn_cgroup_blkio_to_io_weight (10) == 1, "10 -> %" PRIu64, dn_cgroup_blkio_to_io_weight (10));
  CHECK (dn_cgroup_blkio_to_io_weight (500) == 4950, "500 -> %" PRIu64, dn_cgroup_blkio_to_io_weight (500));
  CHECK (dn_cgroup_blkio_to_io_weight (1000) == 10000, "1000 -> %" PRIu64, dn_cgroup_blkio_to_io_weight (1000));
}

static void
check_swap (bool has_mem, int64_t mem, bool has_swap, int64_t swap, int want_rc, bool want_set, int64_t want)
{
  struct dn_cgroup_resources res = { .has_memory_limit = has_mem, .memory_limit = mem,
                                     .has_memory_swap = has_swap, .memory_swap = swap };
  dn_error_t err = NULL;
  bool set = false;
  int64_t out = 12345;
  int rc = dn_cgroup_v2_swap (&res, &set, &out, &err);
  CHECK ((rc < 0) == (want_rc < 0), "swap(mem %" PRId64 ", memsw %" PRId64 "): rc %d", mem, swap, rc);
  if (rc == 0 && want_rc == 0)
    CHECK (set == want_set && (!set || out == want), "swap(mem %" PRId64 ", memsw %" PRId64 ") = %d/%" PRId64, mem,
           swap, set, out);
  dn_error_release (&err);
}

static void
test_swap_conversion (void)
{
  check_swap (true, 33554432, true, 67108864, 0, true, 33554432);
  check_swap (true, 33554432, true, 33554432, 0, true, 0); /* memsw == memory: no swap */
  check_swap (true, 33554432, true, -1, 0, true, -1);      /* unlimited swap */
  check_swap (true, -1, false, 0, 0, true, -1);            /* unlimited memory lifts swap too */
  check_swap (true, 33554432, false, 0, 0, false, 0);      /* swap left alone */
  check_swap (false, 0, false, 0, 0, false, 0);
  check_swap (false, 0, true, 67108864, -1, false, 0); /* swap needs a memory limit */
  check_swap (true, 67108864, true, 33554432, -1, false, 0);

  char buf[24];
  CHECK (strcmp (dn_cgroup_format_limit (-1, buf, sizeof buf), "max") == 0, "format -1");
  CHECK (strcmp (dn_cgroup_format_limit (0, buf, sizeof buf), "0") == 0, "format 0");
  CHECK (strcmp (dn_cgroup_format_limit (33554432, buf, sizeof buf), "33554432") == 0, "format 32M");
}

static void
check_cpu_max (bool has_quota, int64_t quota, bool has_period, uint64_t period, const char *want)
{
  struct dn_cgroup_resources res = { .has_cpu_quota = has_quota, .cpu_quota = quota, .has_cpu_period = has_period,
                                     .cpu_period = period };
  cleanup_free char *got = dn_cgroup_v2_cpu_max (&res);
  CHECK ((got == NULL && want == NULL) || (got && want && strcmp (got, want) == 0), "cpu.max `%s`, want `%s`",
         got ? got : "(null)", want ? want : "(null)");
}

static void
test_cpu_max_and_devices (void)
{
  check_cpu_max (true, 50000, true, 100000, "50000 100000");
  check_cpu_max (true, -1, true, 100000, "max 100000");
  check_cpu_max (false, 0, true, 250000, "max 250000");
  check_cpu_max (true, 50000, false, 0, "50000");
  check_cpu_max (false, 0, false, 0, NULL);

  struct dn_cgroup_device_rule all = { .allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm" };
  struct dn_cgroup_device_rule null = { .allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rw" };
  struct dn_cgroup_device_rule disks = { .allow = true, .type = 'b', .major = 8, .minor = -1, .access = "m" };
  cleanup_free char *a = dn_cgroup_device_rule_string (&all);
  cleanup_free char *b = dn_cgroup_device_rule_string (&null);
  cleanup_free char *c = dn_cgroup_device_rule_string (&disks);
  CHECK (strcmp (a, "a *:* rwm") == 0, "rule `%s`", a);
  CHECK (strcmp (b, "c 1:3 rw") == 0, "rule `%s`", b);
  CHECK (strcmp (c, "b 8:* m") == 0, "rule `%s`", c);
}

static void
test_normalize_path (void)
{
  static const struct
  {
    const char *in, *out; /* out NULL: refused */
  } cases[] = {
    { "/berth/x", "/berth/x" }, { "//berth///x/", "/berth/x" }, { "/a", "/a" },     { "/", NULL },
    { "///", NULL },            { "berth/x", NULL },            { "/a/../b", NULL }, { "/a/./b", NULL },
    { "/..", NULL },            { "/a/..b", "/a/..b" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      cleanup_free char *out = NULL;
      dn_error_t err = NULL;
      int r = dn_cgroup_normalize_path (cases[i].in, &out, &err);
      if (cases[i].out)
        CHECK (r == 0 && strcmp (out, cases[i].out) == 0, "normalize `%s` -> `%s`", cases[i].in, out ? out : "");
      else
        CHECK (r < 0 && err && err->status == EINVAL, "normalize `%s` accepted", cases[i].in);
      dn_error_release (&err);
    }
}

static void
test_mountinfo (void)
{
  const char *text
      = "23 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:7 - cgroup cgroup rw,cpu,cpuacct\n"
        "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "36 31 0:33 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio\n"
        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
        "42 31 0:32 / /mnt/my\\040memory rw,relatime - cgroup cgroup rw,memory\n"
        "43 31 0:39 / /mnt/odd\\040place rw - cgroup cgroup rw,pids\n"
        "garbage line\n";
  struct dn_cgroup_dir *dirs = NULL;
  size_t n = 0;
  dn_cgroup_v1_parse_mountinfo (text, &dirs, &n);
  static const char *const want[][2] = {
    { "cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct" },
    { "cpuset", "/sys/fs/cgroup/cpuset" },
    { "memory", "/sys/fs/cgroup/memory" },
    { "name=systemd", "/sys/fs/cgroup/systemd" },
    { "pids", "/mnt/odd place" },
  };
  size_t nwant = sizeof want / sizeof want[0];
  CHECK (n == nwant, "mountinfo: %zu hierarchies, want %zu", n, nwant);
  for (size_t i = 0; i < n && i < nwant; i++)
    CHECK (strcmp (dirs[i].controllers, want[i][0]) == 0 && strcmp (dirs[i].mount, want[i][1]) == 0,
           "mountinfo[%zu] = %s at %s", i, dirs[i].controllers, dirs[i].mount);
  dn_cgroup_dirs_free (dirs, n);
}

int
main (void)
{
  test_parse_good ();
  test_parse_wrong_types ();
  test_parse_absurd ();
  test_shares_to_weight ();
  test_blkio_to_io_weight ();
  test_swap_conversion ();
  test_cpu_max_and_devices ();
  test_normalize_path ();
  test_mountinfo ();
  if (failures)
    printf ("test_cgroup_resources: %d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
