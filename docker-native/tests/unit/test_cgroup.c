/* Unit tests of the cgroup module's file system side: mode detection,
 * create/apply/enter/freeze/kill/destroy on v1 and v2 fixture trees built
 * here under a mkdtemp directory, and the same against the real kernel
 * (as root, which CI is). Prints one line per failing check. */
#include "cgroup_internal.h"
#include "cleanup.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"

#define ERRMSG(e) ((e) ? (e)->msg : "(no error)")

static void
put_file (const char *path, const char *content)
{
  dn_error_t err = NULL;
  if (dn_write_file_mode (path, content, 0644, &err) < 0)
    {
      printf ("FAIL setup: %s\n", err->msg);
      failures++;
      dn_error_release (&err);
    }
}

static void
put_dir (const char *path)
{
  if (mkdir (path, 0755) < 0 && errno != EEXIST)
    {
      printf ("FAIL setup: mkdir %s: %s\n", path, strerror (errno));
      failures++;
    }
}

/* The content of a file with trailing newlines removed, or NULL. */
static char *
slurp (const char *path)
{
  char *buf = NULL;
  size_t len = 0;
  dn_error_t err = NULL;
  if (dn_read_file_at (AT_FDCWD, path, &buf, &len, &err) < 0)
    {
      dn_error_release (&err);
      return NULL;
    }
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  return buf;
}

static bool
exists (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0;
}

#define CHECK_FILE(dir, file, want)                                                                                    \
  do                                                                                                                   \
    {                                                                                                                  \
      cleanup_free char *p_ = xasprintf ("%s/%s", dir, file);                                                          \
      cleanup_free char *got_ = slurp (p_);                                                                            \
      CHECK (got_ && strcmp (got_, want) == 0, "%s = `%s`, want `%s`", p_, got_ ? got_ : "(missing)", want);           \
    }                                                                                                                  \
  while (0)

static int
parse (const char *text, struct dn_cgroup_resources *res, json_object **doc)
{
  dn_error_t err = NULL;
  *doc = json_tokener_parse (text);
  int r = dn_cgroup_resources_parse (*doc, res, &err);
  CHECK (r == 0, "parse %s: %s", text, ERRMSG (err));
  dn_error_release (&err);
  return r;
}

/* A child that waits to be signalled. */
static pid_t
spawn_sleeper (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      for (;;)
        pause ();
    }
  CHECK (pid > 0, "fork: %s", strerror (errno));
  return pid;
}

/* Waits up to 5 s for pid to end; returns its wait status or -1. */
static int
reap (pid_t pid)
{
  for (int i = 0; i < 500; i++)
    {
      int status;
      pid_t r = waitpid (pid, &status, WNOHANG);
      if (r == pid)
        return status;
      struct timespec ts = { 0, 10000000L };
      nanosleep (&ts, NULL);
    }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  return -1;
}

static const char *const v1_fixture_dirs[] = { "cpu",   "cpuacct", "cpuset",  "memory",  "devices",
                                               "freezer", "blkio", "pids", "systemd", "unified", NULL };

static void
test_detect (const char *fixture)
{
  enum dn_cgroup_mode mode = DN_CGROUP_V2;
  dn_error_t err = NULL;

  /* A plain directory is no cgroup2 file system: v1. */
  dn_cgroup_set_mode_for_testing (-1);
  dn_cgroup_set_root (fixture);
  CHECK (dn_cgroup_detect_mode (&mode, &err) == 0 && mode == DN_CGROUP_V1, "fixture detected as %d: %s", mode,
         ERRMSG (err));
  dn_error_release (&err);

  for (int m = DN_CGROUP_V1; m <= DN_CGROUP_V2; m++)
    {
      dn_cgroup_set_mode_for_testing (m);
      CHECK (dn_cgroup_detect_mode (&mode, &err) == 0 && (int) mode == m, "forced %d, got %d", m, mode);
      dn_error_release (&err);
    }

  dn_cgroup_set_mode_for_testing (-1);
  dn_cgroup_set_root ("/nonexistent-cgroup-root");
  CHECK (dn_cgroup_detect_mode (&mode, &err) < 0 && err && err->status == ENOENT, "missing root: %s", ERRMSG (err));
  dn_error_release (&err);

  /* The real host, by the rule runc uses. */
  struct statfs st;
  enum dn_cgroup_mode want = DN_CGROUP_V1;
  if (statfs ("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    want = DN_CGROUP_V2;
  else if (statfs ("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
    want = DN_CGROUP_HYBRID;
  dn_cgroup_set_root (NULL);
  CHECK (dn_cgroup_detect_mode (&mode, &err) == 0 && mode == want, "host mode %d, want %d", mode, want);
  dn_error_release (&err);
}

static void
setup_v1_fixture (const char *root)
{
  for (size_t i = 0; v1_fixture_dirs[i]; i++)
    {
      cleanup_free char *d = xasprintf ("%s/%s", root, v1_fixture_dirs[i]);
      put_dir (d);
    }
  cleanup_free char *cpus = xasprintf ("%s/cpuset/cpuset.cpus", root);
  cleanup_free char *mems = xasprintf ("%s/cpuset/cpuset.mems", root);
  put_file (cpus, "0-3\n");
  put_file (mems, "0\n");
}

/* Checks that no hierarchy of the fixture (or the real host) holds top. */
static void
check_gone (const char *root, const char *top)
{
  cleanup_dir DIR *d = opendir (root);
  struct dirent *de;
  cleanup_free char *direct = xasprintf ("%s/%s", root, top);
  CHECK (!exists (direct), "%s left behind", direct);
  while (d && (de = readdir (d)))
    {
      if (de->d_name[0] == '.')
        continue;
      cleanup_free char *p = xasprintf ("%s/%s/%s", root, de->d_name, top);
      CHECK (!exists (p), "%s left behind", p);
    }
}

static void
test_v1_fixture (const char *base)
{
  cleanup_free char *root = xasprintf ("%s/v1", base);
  dn_error_t err = NULL;
  struct dn_cgroup_resources res;
  json_object *doc = NULL;
  cleanup_cgroup dn_cgroup_t *cg = NULL;

  put_dir (root);
  setup_v1_fixture (root);
  dn_cgroup_set_root (root);
  dn_cgroup_set_mode_for_testing (DN_CGROUP_HYBRID);

  if (parse ("{\"memory\":{\"limit\":33554432,\"swap\":67108864,\"reservation\":16777216},"
             "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"mems\":\"0\"},"
             "\"pids\":{\"limit\":-1},\"blockIO\":{\"weight\":500},"
             "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,"
             "\"minor\":3,\"access\":\"rwm\"}]}",
             &res, &doc)
      < 0)
    return;

  int r = dn_cgroup_create ("/berth/t1", "ignored", &res, &cg, &err);
  CHECK (r == 0, "v1 create: %s", ERRMSG (err));
  dn_error_release (&err);
  if (r == 0)
    {
      cleanup_free char *mem = xasprintf ("%s/memory/berth/t1", root);
      cleanup_free char *cpu = xasprintf ("%s/cpu/berth/t1", root);
      cleanup_free char *cpuset_parent = xasprintf ("%s/cpuset/berth", root);
      cleanup_free char *cpuset = xasprintf ("%s/cpuset/berth/t1", root);
      cleanup_free char *pids = xasprintf ("%s/pids/berth/t1", root);
      cleanup_free char *blkio = xasprintf ("%s/blkio/berth/t1", root);
      cleanup_free char *devices = xasprintf ("%s/devices/berth/t1", root);
      cleanup_free char *freezer = xasprintf ("%s/freezer/berth/t1", root);

      CHECK (strcmp (dn_cgroup_path (cg), "/berth/t1") == 0, "path %s", dn_cgroup_path (cg));
      CHECK_FILE (mem, "memory.limit_in_bytes", "33554432");
      CHECK_FILE (mem, "memory.memsw.limit_in_bytes", "67108864");
      CHECK_FILE (mem, "memory.soft_limit_in_bytes", "16777216");
      CHECK_FILE (cpu, "cpu.shares", "512");
      CHECK_FILE (cpu, "cpu.cfs_period_us", "100000");
      CHECK_FILE (cpu, "cpu.cfs_quota_us", "50000");
      /* cpus and mems are copied down each new level before any limit. */
      CHECK_FILE (cpuset_parent, "cpuset.cpus", "0-3");
      CHECK_FILE (cpuset_parent, "cpuset.mems", "0");
      CHECK_FILE (cpuset, "cpuset.cpus", "0-3");
      CHECK_FILE (cpuset, "cpuset.mems", "0");
      CHECK_FILE (pids, "pids.max", "max");
      CHECK_FILE (blkio, "blkio.weight", "500");
      /* Only the last rule survives in a plain file; both files were written. */
      CHECK_FILE (devices, "devices.deny", "a *:* rwm");
      CHECK_FILE (devices, "devices.allow", "c 1:3 rwm");
      for (size_t i = 0; v1_fixture_dirs[i]; i++)
        {
          cleanup_free char *leaf = xasprintf ("%s/%s/berth/t1", root, v1_fixture_dirs[i]);
          CHECK (exists (leaf), "%s not created", leaf);
        }

      /* Updating: a unified map is refused on v1, limits are rewritten. */
      struct dn_cgroup_resources upd;
      json_object *udoc = NULL;
      if (parse ("{\"unified\":{\"memory.high\":\"1\"}}", &upd, &udoc) == 0)
        {
          CHECK (dn_cgroup_update (cg, &upd, &err) < 0
                     && strstr (ERRMSG (err), "linux.resources.unified requires cgroup v2"),
                 "unified on v1: %s", ERRMSG (err));
          dn_error_release (&err);
          dn_cgroup_resources_release (&upd);
        }
      json_object_put (udoc);
      if (parse ("{\"memory\":{\"limit\":134217728,\"swap\":268435456},\"pids\":{\"limit\":10}}", &upd, &udoc) == 0)
        {
          CHECK (dn_cgroup_update (cg, &upd, &err) == 0, "update: %s", ERRMSG (err));
          dn_error_release (&err);
          CHECK_FILE (mem, "memory.limit_in_bytes", "134217728");
          CHECK_FILE (mem, "memory.memsw.limit_in_bytes", "268435456");
          CHECK_FILE (pids, "pids.max", "10");
          dn_cgroup_resources_release (&upd);
        }
      json_object_put (udoc);

      /* Joining writes the pid in every hierarchy; pids reads it back. */
      pid_t child = spawn_sleeper ();
      char pidbuf[24];
      snprintf (pidbuf, sizeof pidbuf, "%d", (int) child);
      CHECK (dn_cgroup_enter (cg, child, &err) == 0, "enter: %s", ERRMSG (err));
      dn_error_release (&err);
      for (size_t i = 0; v1_fixture_dirs[i]; i++)
        {
          cleanup_free char *leaf = xasprintf ("%s/%s/berth/t1", root, v1_fixture_dirs[i]);
          CHECK_FILE (leaf, "cgroup.procs", pidbuf);
        }
      pid_t *pids_list = NULL;
      size_t n = 0;
      CHECK (dn_cgroup_pids (cg, &pids_list, &n, &err) == 0 && n == 1 && pids_list[0] == child, "pids: %s",
             ERRMSG (err));
      dn_error_release (&err);
      free (pids_list);

      bool frozen = false;
      CHECK (dn_cgroup_freeze (cg, true, &err) == 0, "freeze: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (freezer, "freezer.state", "FROZEN");
      CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && frozen, "is_frozen after freeze");
      CHECK (dn_cgroup_freeze (cg, false, &err) == 0, "thaw: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (freezer, "freezer.state", "THAWED");
      CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && !frozen, "is_frozen after thaw");

      /* kill_all freezes, signals every listed pid, thaws. */
      CHECK (dn_cgroup_kill_all (cg, SIGKILL, &err) == 0, "kill_all: %s", ERRMSG (err));
      dn_error_release (&err);
      int status = reap (child);
      CHECK (status != -1 && WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "child not killed: %d", status);
      CHECK_FILE (freezer, "freezer.state", "THAWED");

      /* A second handle from the stored path sees the same directories. */
      cleanup_cgroup dn_cgroup_t *loaded = NULL;
      CHECK (dn_cgroup_load ("/berth/t1", &loaded, &err) == 0 && loaded->n_dirs == cg->n_dirs, "load: %s",
             ERRMSG (err));
      dn_error_release (&err);

      CHECK (dn_cgroup_destroy (loaded ? loaded : cg, &err) == 0, "destroy: %s", ERRMSG (err));
      dn_error_release (&err);
      check_gone (root, "berth");
      CHECK (dn_cgroup_load ("/berth/t1", &loaded, &err) < 0 && err && err->status == ENOENT, "load after destroy: %s",
             ERRMSG (err));
      dn_error_release (&err);
      /* Destroying again is harmless. */
      CHECK (dn_cgroup_destroy (cg, &err) == 0, "second destroy: %s", ERRMSG (err));
      dn_error_release (&err);
    }

  /* A leaf that exists in one hierarchy fails the create, and what this
   * call made in the others (leaves and the new parents) is removed. */
  cleanup_free char *pids_berth = xasprintf ("%s/pids/berth", root);
  cleanup_free char *pids_leaf = xasprintf ("%s/pids/berth/t3", root);
  put_dir (pids_berth);
  put_dir (pids_leaf);
  dn_cgroup_t *bad = NULL;
  r = dn_cgroup_create ("/berth/t3", NULL, &res, &bad, &err);
  CHECK (r < 0 && err && err->status == EEXIST && strstr (err->msg, "cgroup /berth/t3: already exists in"),
         "existing leaf: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (exists (pids_leaf), "someone else's leaf was removed");
  rmdir (pids_leaf);
  rmdir (pids_berth);
  check_gone (root, "berth");

  /* A failing write: cpuset.cpus in a pre-existing parent is a directory.
   * The parent stays (not ours), everything made in cpu and cpuacct goes. */
  cleanup_free char *cs_berth = xasprintf ("%s/cpuset/berth", root);
  cleanup_free char *cs_trap = xasprintf ("%s/cpuset/berth/cpuset.cpus", root);
  put_dir (cs_berth);
  put_dir (cs_trap);
  r = dn_cgroup_create ("/berth/t4", NULL, &res, &bad, &err);
  CHECK (r < 0 && err && err->status == EISDIR && strstr (err->msg, "cgroup /berth/t4: write `cpuset.cpus` = `0-3`"),
         "failing write: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (exists (cs_trap), "pre-existing parent content touched");
  rmdir (cs_trap);
  rmdir (cs_berth);
  check_gone (root, "berth");

  /* Unified resources are refused on v1 before anything is made. */
  struct dn_cgroup_resources uni;
  json_object *udoc = NULL;
  if (parse ("{\"unified\":{\"memory.high\":\"1\"}}", &uni, &udoc) == 0)
    {
      r = dn_cgroup_create ("/berth/t5", NULL, &uni, &bad, &err);
      CHECK (r < 0 && strstr (ERRMSG (err), "cgroup /berth/t5: linux.resources.unified requires cgroup v2"),
             "unified on v1: %s", ERRMSG (err));
      dn_error_release (&err);
      dn_cgroup_resources_release (&uni);
    }
  json_object_put (udoc);
  check_gone (root, "berth");

  /* Default path from the id, and refused paths. */
  dn_cgroup_t *byid = NULL;
  CHECK (dn_cgroup_create (NULL, "abc", NULL, &byid, &err) == 0 && strcmp (dn_cgroup_path (byid), "/berth/abc") == 0,
         "create by id: %s", ERRMSG (err));
  dn_error_release (&err);
  if (byid)
    {
      CHECK (dn_cgroup_destroy (byid, &err) == 0, "destroy by id: %s", ERRMSG (err));
      dn_error_release (&err);
      dn_cgroup_free (byid);
    }
  CHECK (dn_cgroup_create ("/berth/../etc", NULL, NULL, &bad, &err) < 0 && err->status == EINVAL, "`..` accepted");
  dn_error_release (&err);
  CHECK (dn_cgroup_create ("system.slice:berth:x", NULL, NULL, &bad, &err) < 0 && err->status == EINVAL,
         "systemd path accepted");
  dn_error_release (&err);
  CHECK (dn_cgroup_create (NULL, "a/b", NULL, &bad, &err) < 0 && err->status == EINVAL, "id with / accepted");
  dn_error_release (&err);
  check_gone (root, "berth");

  dn_cgroup_resources_release (&res);
  json_object_put (doc);
}

/* Rewrites cgroup.events after a delay, as the kernel would once frozen. */
static pid_t
delayed_events (const char *dir, const char *content)
{
  cleanup_free char *path = xasprintf ("%s/cgroup.events", dir);
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct timespec ts = { 0, 200000000L };
      nanosleep (&ts, NULL);
      int fd = open (path, O_WRONLY | O_TRUNC);
      if (fd < 0 || write (fd, content, strlen (content)) < 0)
        _exit (1);
      _exit (0);
    }
  return pid;
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_v2_fixture (const char *base)
{
  cleanup_free char *root = xasprintf ("%s/v2", base);
  cleanup_free char *ctl = xasprintf ("%s/cgroup.controllers", root);
  cleanup_free char *stc = xasprintf ("%s/cgroup.subtree_control", root);
  cleanup_free char *berth = xasprintf ("%s/berth", root);
  cleanup_free char *leaf = xasprintf ("%s/berth/t1", root);
  dn_error_t err = NULL;
  struct dn_cgroup_resources res;
  json_object *doc = NULL;
  cleanup_cgroup dn_cgroup_t *cg = NULL;

  put_dir (root);
  put_file (ctl, "cpu io memory pids cpuset hugetlb\n");
  put_file (stc, "");
  dn_cgroup_set_root (root);
  dn_cgroup_set_mode_for_testing (DN_CGROUP_V2);

  if (parse ("{\"memory\":{\"limit\":33554432,\"swap\":67108864,\"reservation\":16777216},"
             "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},"
             "\"pids\":{\"limit\":0},\"blockIO\":{\"weight\":500},"
             "\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
             "\"unified\":{\"memory.high\":\"30000000\"}}",
             &res, &doc)
      < 0)
    return;

  int r = dn_cgroup_create ("/berth/t1", NULL, &res, &cg, &err);
  CHECK (r == 0, "v2 create: %s", ERRMSG (err));
  dn_error_release (&err);
  if (r == 0)
    {
      /* Controllers are enabled in every ancestor, in the root's order. */
      CHECK_FILE (root, "cgroup.subtree_control", "+cpu +io +memory +pids +cpuset");
      CHECK_FILE (berth, "cgroup.subtree_control", "+cpu +io +memory +pids +cpuset");
      CHECK_FILE (leaf, "memory.max", "33554432");
      CHECK_FILE (leaf, "memory.swap.max", "33554432");
      CHECK_FILE (leaf, "memory.low", "16777216");
      CHECK_FILE (leaf, "cpu.weight", "100");
      CHECK_FILE (leaf, "cpu.max", "50000 100000");
      CHECK_FILE (leaf, "cpuset.cpus", "0-1");
      CHECK_FILE (leaf, "cpuset.mems", "0");
      CHECK_FILE (leaf, "pids.max", "max");
      CHECK_FILE (leaf, "io.weight", "4950");
      CHECK_FILE (leaf, "memory.high", "30000000");
      cleanup_free char *leaf_stc = xasprintf ("%s/cgroup.subtree_control", leaf);
      cleanup_free char *leaf_dev = xasprintf ("%s/devices.deny", leaf);
      CHECK (!exists (leaf_stc), "controllers enabled in the leaf");
      CHECK (!exists (leaf_dev), "device rules written on v2");

      /* Updates: memsw == memory means no swap; -1 means max. */
      struct dn_cgroup_resources upd;
      json_object *udoc = NULL;
      if (parse ("{\"memory\":{\"limit\":33554432,\"swap\":33554432},\"cpu\":{\"quota\":-1,\"period\":200000}}", &upd,
                 &udoc)
          == 0)
        {
          CHECK (dn_cgroup_update (cg, &upd, &err) == 0, "update: %s", ERRMSG (err));
          dn_error_release (&err);
          CHECK_FILE (leaf, "memory.swap.max", "0");
          CHECK_FILE (leaf, "cpu.max", "max 200000");
          dn_cgroup_resources_release (&upd);
        }
      json_object_put (udoc);
      if (parse ("{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":42}}", &upd, &udoc) == 0)
        {
          CHECK (dn_cgroup_update (cg, &upd, &err) == 0, "update: %s", ERRMSG (err));
          dn_error_release (&err);
          CHECK_FILE (leaf, "memory.max", "max");
          CHECK_FILE (leaf, "memory.swap.max", "max");
          CHECK_FILE (leaf, "pids.max", "42");
          dn_cgroup_resources_release (&upd);
        }
      json_object_put (udoc);

      CHECK (dn_cgroup_enter (cg, 4242, &err) == 0, "enter: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (leaf, "cgroup.procs", "4242");

      /* Freezing returns once cgroup.events says so: at once when it does
       * already, and on the inotify event when it changes later. */
      cleanup_free char *events = xasprintf ("%s/cgroup.events", leaf);
      bool frozen = false;
      put_file (events, "populated 1\nfrozen 1\n");
      CHECK (dn_cgroup_freeze (cg, true, &err) == 0, "freeze: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (leaf, "cgroup.freeze", "1");
      CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && frozen, "is_frozen: %s", ERRMSG (err));
      dn_error_release (&err);

      int64_t start = now_ms ();
      pid_t writer = delayed_events (leaf, "populated 1\nfrozen 0\n");
      CHECK (dn_cgroup_freeze (cg, false, &err) == 0, "thaw: %s", ERRMSG (err));
      dn_error_release (&err);
      int64_t took = now_ms () - start;
      CHECK (took >= 150 && took < 5000, "thaw waited %lld ms for the event", (long long) took);
      int status = reap (writer);
      CHECK (status == 0, "events writer: %d", status);
      CHECK_FILE (leaf, "cgroup.freeze", "0");
      CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && !frozen, "is_frozen after thaw");

      CHECK (dn_cgroup_destroy (cg, &err) == 0, "destroy: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK (!exists (leaf) && !exists (berth), "v2 leaf or parent left behind");
      CHECK (exists (ctl) && exists (stc), "v2 root files removed");
    }

  /* Refused by the "kernel": a unified file name too long to open. */
  cleanup_free char *longkey = xmalloc (301);
  memset (longkey, 'x', 300);
  longkey[300] = '\0';
  cleanup_free char *bad_json = xasprintf ("{\"pids\":{\"limit\":5},\"unified\":{\"%s\":\"1\"}}", longkey);
  struct dn_cgroup_resources badres;
  json_object *bdoc = NULL;
  dn_cgroup_t *bad = NULL;
  if (parse (bad_json, &badres, &bdoc) == 0)
    {
      r = dn_cgroup_create ("/berth/t2", NULL, &badres, &bad, &err);
      CHECK (r < 0 && err && err->status == ENAMETOOLONG
                 && strstr (err->msg, "cgroup /berth/t2: linux.resources.unified: write `xxx"),
             "long unified key: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK (!exists (berth), "v2 failure left %s", berth);
      dn_cgroup_resources_release (&badres);
    }
  json_object_put (bdoc);

  /* Swap without a memory limit cannot be expressed on v2. */
  struct dn_cgroup_resources swap_only = { .has_memory_swap = true, .memory_swap = 1 << 20 };
  r = dn_cgroup_create ("/berth/t3", NULL, &swap_only, &bad, &err);
  CHECK (r < 0 && strstr (ERRMSG (err), "needs a memory limit"), "swap only: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (!exists (berth), "v2 failure left %s", berth);

  /* An existing leaf is refused and kept. */
  cleanup_free char *other = xasprintf ("%s/berth/t4", root);
  put_dir (berth);
  put_dir (other);
  r = dn_cgroup_create ("/berth/t4", NULL, &res, &bad, &err);
  CHECK (r < 0 && err && err->status == EEXIST, "existing v2 leaf: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (exists (other), "existing v2 leaf removed");
  rmdir (other);
  /* Our failed call still enabled controllers in berth: the file is ours to leave. */
  cleanup_free char *berth_stc = xasprintf ("%s/cgroup.subtree_control", berth);
  unlink (berth_stc);
  rmdir (berth);

  dn_cgroup_resources_release (&res);
  json_object_put (doc);
}

/* The real kernel: creates /berth-unit-<pid>/c in every hierarchy, checks
 * the limits, runs a process inside, freezes, kills and destroys. */
static void
check_real_gone (const char *top)
{
  check_gone ("/sys/fs/cgroup", top);
}

static void
real_cleanup (const char *top)
{
  /* Best effort after a failed check, so a failing run leaves no litter. */
  cleanup_dir DIR *d = opendir ("/sys/fs/cgroup");
  struct dirent *de;
  while (d && (de = readdir (d)))
    {
      cleanup_free char *c = xasprintf ("/sys/fs/cgroup/%s/%s/c", de->d_name, top);
      cleanup_free char *t = xasprintf ("/sys/fs/cgroup/%s/%s", de->d_name, top);
      rmdir (c);
      rmdir (t);
    }
  cleanup_free char *c = xasprintf ("/sys/fs/cgroup/%s/c", top);
  cleanup_free char *t = xasprintf ("/sys/fs/cgroup/%s", top);
  rmdir (c);
  rmdir (t);
}

static bool
proc_in_cgroup (pid_t pid, const char *path)
{
  cleanup_free char *file = xasprintf ("/proc/%d/cgroup", (int) pid);
  cleanup_free char *text = slurp (file);
  cleanup_free char *needle = xasprintf (":%s\n", path);
  cleanup_free char *padded = text ? xasprintf ("%s\n", text) : NULL;
  return padded && strstr (padded, needle);
}

static void
test_real_kernel (void)
{
  if (geteuid () != 0)
    {
      printf ("SKIP real-kernel cgroup test: not root\n");
      return;
    }
  dn_cgroup_set_root (NULL);
  dn_cgroup_set_mode_for_testing (-1);

  enum dn_cgroup_mode mode;
  dn_error_t err = NULL;
  if (dn_cgroup_detect_mode (&mode, &err) < 0)
    {
      CHECK (0, "detect: %s", ERRMSG (err));
      dn_error_release (&err);
      return;
    }
  bool v2 = mode == DN_CGROUP_V2;
  cleanup_free char *top = xasprintf ("berth-unit-%d", (int) getpid ());
  cleanup_free char *path = xasprintf ("/%s/c", top);
  cleanup_free char *memdir = xasprintf (v2 ? "/sys/fs/cgroup%s" : "/sys/fs/cgroup/memory%s", path);
  cleanup_free char *pidsdir = xasprintf (v2 ? "/sys/fs/cgroup%s" : "/sys/fs/cgroup/pids%s", path);
  cleanup_free char *cpusetdir = xasprintf (v2 ? "/sys/fs/cgroup%s" : "/sys/fs/cgroup/cpuset%s", path);
  cleanup_free char *freezerdir = xasprintf (v2 ? "/sys/fs/cgroup%s" : "/sys/fs/cgroup/freezer%s", path);

  struct dn_cgroup_resources res;
  json_object *doc = NULL;
  if (parse ("{\"memory\":{\"limit\":33554432},\"pids\":{\"limit\":10},"
             "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},\"blockIO\":{\"weight\":500},"
             "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}",
             &res, &doc)
      < 0)
    return;
  cleanup_cgroup dn_cgroup_t *cg = NULL;
  int r = dn_cgroup_create (path, NULL, &res, &cg, &err);
  CHECK (r == 0, "real create %s: %s", path, ERRMSG (err));
  dn_error_release (&err);
  dn_cgroup_resources_release (&res);
  json_object_put (doc);
  if (r < 0)
    {
      real_cleanup (top);
      return;
    }

  CHECK_FILE (memdir, v2 ? "memory.max" : "memory.limit_in_bytes", "33554432");
  CHECK_FILE (pidsdir, "pids.max", "10");
  cleanup_free char *cpudir = xasprintf (v2 ? "/sys/fs/cgroup%s" : "/sys/fs/cgroup/cpu%s", path);
  cleanup_free char *blkiodir = xasprintf (v2 ? "/sys/fs/cgroup%s" : "/sys/fs/cgroup/blkio%s", path);
  cleanup_free char *devdir = xasprintf ("/sys/fs/cgroup/devices%s", path);
  if (v2)
    {
      CHECK_FILE (cpudir, "cpu.weight", "59");
      CHECK_FILE (cpudir, "cpu.max", "50000 100000");
      if (dn_cgroup_file_exists (blkiodir, "io.bfq.weight"))
        CHECK_FILE (blkiodir, "io.bfq.weight", "default 500");
      else
        CHECK_FILE (blkiodir, "io.weight", "default 4950");
    }
  else
    {
      CHECK_FILE (cpudir, "cpu.shares", "512");
      CHECK_FILE (cpudir, "cpu.cfs_period_us", "100000");
      CHECK_FILE (cpudir, "cpu.cfs_quota_us", "50000");
      CHECK_FILE (blkiodir, dn_cgroup_file_exists (blkiodir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight",
                  "500");
      /* Deny all, then allow /dev/null: the kernel's list shows just that. */
      CHECK_FILE (devdir, "devices.list", "c 1:3 rwm");
    }
  if (!v2)
    {
      cleanup_free char *cpus = NULL;
      CHECK (dn_cgroup_read (cpusetdir, "cpuset.cpus", &cpus, &err) == 0 && *cpus, "cpuset.cpus not copied: `%s`",
             cpus ? cpus : "");
      dn_error_release (&err);
    }

  /* A second create of the same path is refused and harms nothing. */
  dn_cgroup_t *dup = NULL;
  CHECK (dn_cgroup_create (path, NULL, NULL, &dup, &err) < 0 && err && err->status == EEXIST, "duplicate: %s",
         ERRMSG (err));
  dn_error_release (&err);
  CHECK (exists (memdir), "duplicate create removed the first cgroup");

  if (!v2)
    {
      /* v1 memsw ordering: raising both, then lowering both, must pass. */
      struct dn_cgroup_resources up = { .has_memory_limit = true, .memory_limit = 134217728,
                                        .has_memory_swap = true, .memory_swap = 268435456 };
      struct dn_cgroup_resources down = { .has_memory_limit = true, .memory_limit = 16777216,
                                          .has_memory_swap = true, .memory_swap = 20971520 };
      CHECK (dn_cgroup_update (cg, &up, &err) == 0, "raise memory+swap: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (memdir, "memory.memsw.limit_in_bytes", "268435456");
      CHECK (dn_cgroup_update (cg, &down, &err) == 0, "lower memory+swap: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (memdir, "memory.limit_in_bytes", "16777216");
      CHECK_FILE (memdir, "memory.memsw.limit_in_bytes", "20971520");
      struct dn_cgroup_resources back = { .has_memory_limit = true, .memory_limit = 33554432 };
      CHECK (dn_cgroup_update (cg, &back, &err) < 0 && err && err->status == EINVAL, "memory above memsw accepted");
      dn_error_release (&err);
      struct dn_cgroup_resources unl = { .has_memory_limit = true, .memory_limit = -1 };
      CHECK (dn_cgroup_update (cg, &unl, &err) == 0, "unlimited memory: %s", ERRMSG (err));
      dn_error_release (&err);
      CHECK_FILE (memdir, "memory.limit_in_bytes", "9223372036854771712");
    }

  /* A process inside: join, freeze, thaw, signal. */
  pid_t child = spawn_sleeper ();
  CHECK (dn_cgroup_enter (cg, child, &err) == 0, "enter: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (proc_in_cgroup (child, path), "/proc/%d/cgroup does not show %s", (int) child, path);
  pid_t *pids = NULL;
  size_t n = 0;
  CHECK (dn_cgroup_pids (cg, &pids, &n, &err) == 0 && n == 1 && pids[0] == child, "pids: %zu %s", n, ERRMSG (err));
  dn_error_release (&err);
  free (pids);

  bool frozen = false;
  CHECK (dn_cgroup_freeze (cg, true, &err) == 0, "freeze: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && frozen, "not frozen: %s", ERRMSG (err));
  dn_error_release (&err);
  if (!v2)
    CHECK_FILE (freezerdir, "freezer.state", "FROZEN");
  CHECK (dn_cgroup_freeze (cg, false, &err) == 0, "thaw: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && !frozen, "still frozen: %s", ERRMSG (err));
  dn_error_release (&err);

  /* Destroy refuses while a process is inside (after its short wait). */
  CHECK (dn_cgroup_destroy (cg, &err) < 0 && err && err->status == EBUSY, "destroy with a process: %s", ERRMSG (err));
  dn_error_release (&err);

  CHECK (dn_cgroup_kill_all (cg, SIGTERM, &err) == 0, "kill_all TERM: %s", ERRMSG (err));
  dn_error_release (&err);
  int status = reap (child);
  CHECK (status != -1 && WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM, "child 1 status %d", status);

  /* SIGKILL to a paused container still kills (v1 must thaw for it). */
  child = spawn_sleeper ();
  CHECK (dn_cgroup_enter (cg, child, &err) == 0, "enter 2: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_freeze (cg, true, &err) == 0, "freeze 2: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_kill_all (cg, SIGKILL, &err) == 0, "kill_all KILL: %s", ERRMSG (err));
  dn_error_release (&err);
  status = reap (child);
  CHECK (status != -1 && WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "child 2 status %d", status);

  cleanup_cgroup dn_cgroup_t *loaded = NULL;
  CHECK (dn_cgroup_load (path, &loaded, &err) == 0, "load: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_destroy (loaded ? loaded : cg, &err) == 0, "destroy: %s", ERRMSG (err));
  dn_error_release (&err);
  check_real_gone (top);

  /* Values the kernel refuses: an error naming file and value, nothing left. */
  struct dn_cgroup_resources cpus999 = { .cpuset_cpus = (char *) "999" };
  dn_cgroup_t *bad = NULL;
  r = dn_cgroup_create (path, NULL, &cpus999, &bad, &err);
  /* The kernel says EINVAL or ERANGE, depending on its version. */
  cleanup_free char *want = xasprintf ("cgroup %s: write `cpuset.cpus` = `999`: ", path);
  CHECK (r < 0 && err && strncmp (err->msg, want, strlen (want)) == 0, "cpuset 999: `%s`", ERRMSG (err));
  dn_error_release (&err);
  check_real_gone (top);

  struct dn_cgroup_resources neg = { .has_memory_limit = true, .memory_limit = -5 };
  r = dn_cgroup_create (path, NULL, &neg, &bad, &err);
  free (want);
  want = xasprintf ("cgroup %s: write `%s` = `-5`: Invalid argument", path,
                    v2 ? "memory.max" : "memory.limit_in_bytes");
  CHECK (r < 0 && err && strcmp (err->msg, want) == 0, "memory -5: `%s`", ERRMSG (err));
  dn_error_release (&err);
  check_real_gone (top);

  real_cleanup (top);
}

/* On a hybrid host the controller-less cgroup2 at /sys/fs/cgroup/unified is
 * still a real v2 hierarchy: the v2 backend's directories, joining and its
 * inotify-driven freezer are checked against the kernel there. */
static void
test_real_unified (void)
{
  struct statfs st;
  if (geteuid () != 0 || statfs ("/sys/fs/cgroup/unified", &st) < 0 || st.f_type != CGROUP2_SUPER_MAGIC)
    return;
  dn_cgroup_set_root ("/sys/fs/cgroup/unified");
  dn_cgroup_set_mode_for_testing (-1);

  dn_error_t err = NULL;
  enum dn_cgroup_mode mode;
  CHECK (dn_cgroup_detect_mode (&mode, &err) == 0 && mode == DN_CGROUP_V2, "unified root not v2: %s", ERRMSG (err));
  dn_error_release (&err);

  cleanup_free char *top = xasprintf ("berth-unit2-%d", (int) getpid ());
  cleanup_free char *path = xasprintf ("/%s/c", top);
  cleanup_free char *topdir = xasprintf ("/sys/fs/cgroup/unified/%s", top);
  cleanup_free char *leaf = xasprintf ("/sys/fs/cgroup/unified%s", path);

  /* No controllers here: a pids limit fails on its missing file, cleanly. */
  struct dn_cgroup_resources pids = { .has_pids_limit = true, .pids_limit = 10 };
  dn_cgroup_t *bad = NULL;
  CHECK (dn_cgroup_create (path, NULL, &pids, &bad, &err) < 0 && err && err->status == ENOENT
             && strstr (err->msg, "write `pids.max` = `10`"),
         "pids without controller: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (!exists (topdir), "%s left behind", topdir);

  cleanup_cgroup dn_cgroup_t *cg = NULL;
  if (dn_cgroup_create (path, NULL, NULL, &cg, &err) < 0)
    {
      CHECK (0, "unified create: %s", ERRMSG (err));
      dn_error_release (&err);
      return;
    }
  pid_t child = spawn_sleeper ();
  CHECK (dn_cgroup_enter (cg, child, &err) == 0, "unified enter: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (proc_in_cgroup (child, path), "/proc/%d/cgroup does not show %s", (int) child, path);

  bool frozen = false;
  CHECK (dn_cgroup_freeze (cg, true, &err) == 0, "v2 freeze: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && frozen, "v2 not frozen: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK_FILE (leaf, "cgroup.freeze", "1");
  CHECK (dn_cgroup_freeze (cg, false, &err) == 0, "v2 thaw: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_is_frozen (cg, &frozen, &err) == 0 && !frozen, "v2 still frozen: %s", ERRMSG (err));
  dn_error_release (&err);

  CHECK (dn_cgroup_freeze (cg, true, &err) == 0, "v2 freeze 2: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (dn_cgroup_kill_all (cg, SIGKILL, &err) == 0, "v2 kill_all: %s", ERRMSG (err));
  dn_error_release (&err);
  int status = reap (child);
  CHECK (status != -1 && WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "v2 child status %d", status);
  CHECK (dn_cgroup_destroy (cg, &err) == 0, "v2 destroy: %s", ERRMSG (err));
  dn_error_release (&err);
  CHECK (!exists (topdir), "%s left behind", topdir);
  rmdir (leaf);
  rmdir (topdir);
  dn_cgroup_set_root (NULL);
}

int
main (void)
{
  char tmpl[] = "/tmp/test_cgroup.XXXXXX";
  char *base = mkdtemp (tmpl);
  if (base == NULL)
    {
      printf ("FAIL mkdtemp: %s\n", strerror (errno));
      return 1;
    }

  test_detect (base);
  test_v1_fixture (base);
  test_v2_fixture (base);
  test_real_kernel ();
  test_real_unified ();

  dn_cgroup_set_mode_for_testing (-1);
  dn_cgroup_set_root (NULL);
  dn_error_t err = NULL;
  if (dn_remove_tree (base, &err) < 0)
    {
      printf ("FAIL cleanup: %s\n", err->msg);
      dn_error_release (&err);
      failures++;
    }
  if (failures)
    printf ("test_cgroup: %d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
