/* Unit tests of the spec loader, signal names and in-root path resolution. */
#include "check.h"

#include "cleanup.h"
#include "container.h"
#include "fs.h"
#include "rootfs.h"
#include "spec.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

static const char *good = "{"
                          " \"ociVersion\": \"1.0.2\","
                          " \"process\": {\"terminal\": false, \"user\": {\"uid\": 1000, \"gid\": 100,"
                          "   \"additionalGids\": [5, 6], \"umask\": 18},"
                          "   \"args\": [\"sh\", \"-c\", \"true\"], \"env\": [\"PATH=/bin\"], \"cwd\": \"/tmp\","
                          "   \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\"], \"effective\": [\"CAP_KILL\"]},"
                          "   \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 2048}],"
                          "   \"noNewPrivileges\": true, \"oomScoreAdj\": 500},"
                          " \"root\": {\"path\": \"/\", \"readonly\": true},"
                          " \"hostname\": \"box\","
                          " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
                          "   {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
                          "    \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
                          "   {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"data\","
                          "    \"options\": [\"rbind\", \"ro\", \"rprivate\"]}],"
                          " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"},"
                          "   {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}],"
                          "   \"cgroupsPath\": \"/berth/x\", \"resources\": {\"pids\": {\"limit\": 10}},"
                          "   \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"],"
                          "   \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"},"
                          "   \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}]}"
                          "}";

static void
test_good_spec (void)
{
  dn_error_t err = NULL;
  struct dn_spec *s = NULL;
  CHECK (dn_spec_parse (good, "/bundle", &s, &err) == 0);
  if (s == NULL)
    {
      fprintf (stderr, "parse failed: %s\n", err ? err->msg : "?");
      failures++;
      return;
    }
  CHECK (s->process.uid == 1000 && s->process.gid == 100);
  CHECK (s->process.n_additional_gids == 2 && s->process.additional_gids[1] == 6);
  CHECK (s->process.has_umask && s->process.umask == 022);
  CHECK (strcmp (s->process.args[0], "sh") == 0 && s->process.args[3] == NULL);
  CHECK (strcmp (s->process.cwd, "/tmp") == 0);
  CHECK (s->process.caps[DN_CAP_BOUNDING] == ((1ULL << 5) | (1ULL << 0)));
  CHECK (s->process.caps[DN_CAP_EFFECTIVE] == (1ULL << 5));
  CHECK (s->process.caps[DN_CAP_AMBIENT] == 0);
  CHECK (s->process.n_rlimits == 1 && s->process.rlimits[0].resource == RLIMIT_NOFILE
         && s->process.rlimits[0].soft == 1024 && s->process.rlimits[0].hard == 2048);
  CHECK (s->process.no_new_privileges && s->process.has_oom_score_adj && s->process.oom_score_adj == 500);
  CHECK (strcmp (s->rootfs, "/") == 0 && s->root_readonly);
  CHECK (strcmp (s->hostname, "box") == 0);
  CHECK (s->n_mounts == 3);
  CHECK ((s->mounts[1].flags & (MS_NOSUID | MS_STRICTATIME)) == (MS_NOSUID | MS_STRICTATIME));
  CHECK (s->mounts[1].data && strcmp (s->mounts[1].data, "mode=755,size=65536k") == 0);
  CHECK (s->mounts[2].bind && (s->mounts[2].flags & (MS_BIND | MS_REC | MS_RDONLY)) == (MS_BIND | MS_REC | MS_RDONLY));
  CHECK (s->mounts[2].propagation == (MS_PRIVATE | MS_REC));
  CHECK (strcmp (s->mounts[2].source, "/bundle/data") == 0);
  CHECK (s->ns_new[DN_NS_PID] && s->ns_new[DN_NS_MOUNT] && !s->ns_new[DN_NS_NET]);
  CHECK (s->ns_path[DN_NS_NET] && strcmp (s->ns_path[DN_NS_NET], "/proc/1/ns/net") == 0);
  CHECK (strcmp (s->cgroups_path, "/berth/x") == 0 && s->resources != NULL);
  CHECK (strcmp (s->masked_paths[0], "/proc/kcore") == 0 && s->masked_paths[1] == NULL);
  CHECK (s->n_sysctls == 1 && strcmp (s->sysctls[0].key, "net.ipv4.ip_forward") == 0);
  CHECK (s->n_devices == 1 && s->devices[0].type == 'c' && s->devices[0].major == 10 && s->devices[0].mode == 0666);
  dn_spec_free (s);
}

/* Parses a variant of the good spec with one substring replaced; returns the error text. */
static char *
parse_variant (const char *from, const char *to)
{
  const char *at = strstr (good, from);
  if (at == NULL)
    return xstrdup ("variant not found");
  cleanup_free char *text = xasprintf ("%.*s%s%s", (int) (at - good), good, to, at + strlen (from));
  dn_error_t err = NULL;
  struct dn_spec *s = NULL;
  if (dn_spec_parse (text, "/bundle", &s, &err) == 0)
    {
      dn_spec_free (s);
      return NULL;
    }
  char *msg = xstrdup (err->msg);
  dn_error_release (&err);
  return msg;
}

static void
expect_error (const char *from, const char *to, const char *needle)
{
  cleanup_free char *msg = parse_variant (from, to);
  if (msg == NULL || strstr (msg, needle) == NULL)
    {
      fprintf (stderr, "variant `%s` -> `%s`: expected an error with `%s`, got `%s`\n", from, to, needle,
               msg ? msg : "success");
      failures++;
    }
}

static void
test_bad_specs (void)
{
  expect_error ("\"ociVersion\": \"1.0.2\",", "\"ociVersion\": \"1.0.2\"", "invalid JSON");
  expect_error ("\"CAP_CHOWN\"", "\"CAP_BOGUS\"", "unknown capability `CAP_BOGUS`");
  expect_error ("\"CAP_CHOWN\"", "\"chown\"", "unknown capability `chown`");
  expect_error ("\"destination\": \"/data\"", "\"destination\": \"/../../etc\"", "escapes the container root");
  expect_error ("\"destination\": \"/data\"", "\"destination\": \"data\"", "not absolute");
  expect_error ("\"uid\": 1000", "\"uid\": \"1000\"", "process.user.uid: expected int");
  expect_error ("\"uid\": 1000", "\"uid\": -1", "out of range");
  expect_error ("\"args\": [\"sh\", \"-c\", \"true\"]", "\"args\": []", "process.args must not be empty");
  expect_error ("\"RLIMIT_NOFILE\"", "\"RLIMIT_BOGUS\"", "unknown rlimit `RLIMIT_BOGUS`");
  expect_error ("\"soft\": 1024", "\"soft\": 4096", "soft limit exceeds hard limit");
  expect_error ("\"oomScoreAdj\": 500", "\"oomScoreAdj\": 5000", "outside -1000..1000");
  expect_error ("{\"type\": \"pid\"}", "{\"type\": \"bogus\"}", "unknown type `bogus`");
  expect_error ("{\"type\": \"uts\"}", "{\"type\": \"pid\"}", "given twice");
  expect_error ("\"path\": \"/\", \"readonly\"", "\"path\": \"/nonexistent-rootfs\", \"readonly\"",
                "rootfs `/nonexistent-rootfs`: No such file or directory");
  expect_error ("\"/proc/kcore\"", "\"/proc/../../kcore\"", "escapes the container root");
  expect_error ("\"net.ipv4.ip_forward\"", "\"../../etc/passwd\"", "invalid key");
  expect_error ("{\"type\": \"mount\"}, ", "", "must include a mount namespace");
  expect_error ("\"cwd\": \"/tmp\"", "\"cwd\": \"tmp\"", "not absolute");
  expect_error ("\"ociVersion\": \"1.0.2\",", "\"ociVersion\": \"1.0.2\", \"hooks\": {\"prestart\": []},",
                "hooks are not supported");

  dn_error_t err = NULL;
  struct dn_spec *s = NULL;
  CHECK (dn_spec_parse ("[1]", "/b", &s, &err) < 0 && strstr (err->msg, "expected a JSON object"));
  dn_error_release (&err);
  /* Every message of config.json says so once, however deep the field. */
  cleanup_free char *msg = parse_variant ("\"uid\": 1000", "\"uid\": \"x\"");
  static const char *prefix = "config.json: process.user.uid: ";
  CHECK (msg && strncmp (msg, prefix, strlen (prefix)) == 0 && strstr (msg + 1, "config.json") == NULL);
  CHECK (dn_spec_load ("/nonexistent-bundle", &s, &err) < 0 && strstr (err->msg, "/nonexistent-bundle"));
  dn_error_release (&err);
}

/* The process section on its own, as `exec --process FILE` gives it. */
static void
test_standalone_process (void)
{
  static const char *text = "{\"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": 80},"
                            " \"user\": {\"uid\": 65534, \"gid\": 65534, \"additionalGids\": [5]},"
                            " \"args\": [\"sh\", \"-c\", \"id\"], \"env\": [\"PATH=/bin\", \"A=b\"], \"cwd\": \"/home\","
                            " \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": []},"
                            " \"rlimits\": [{\"type\": \"RLIMIT_NPROC\", \"soft\": 10, \"hard\": 20}],"
                            " \"noNewPrivileges\": false}";
  dn_error_t err = NULL;
  struct dn_process *p = NULL;
  CHECK (dn_process_parse (text, &p, &err) == 0);
  if (p == NULL)
    {
      fprintf (stderr, "standalone parse failed: %s\n", err ? err->msg : "?");
      failures++;
      return;
    }
  CHECK (p->terminal && p->console_height == 24 && p->console_width == 80);
  CHECK (p->uid == 65534 && p->gid == 65534 && p->n_additional_gids == 1 && p->additional_gids[0] == 5);
  CHECK (strcmp (p->args[2], "id") == 0 && p->args[3] == NULL);
  CHECK (strcmp (p->env[1], "A=b") == 0 && p->env[2] == NULL);
  CHECK (strcmp (p->cwd, "/home") == 0);
  CHECK (p->has_caps && p->caps[DN_CAP_BOUNDING] == (1ULL << 5) && p->caps[DN_CAP_EFFECTIVE] == 0);
  CHECK (p->n_rlimits == 1 && p->rlimits[0].resource == RLIMIT_NPROC && p->rlimits[0].hard == 20);
  /* Present but false is not absent: exec falls back to the container's only when absent. */
  CHECK (p->has_no_new_privileges && !p->no_new_privileges);
  dn_process_free (p);

  /* What is left out stays unset, so exec can tell and take the container's. */
  p = NULL;
  CHECK (dn_process_parse ("{\"args\": [\"true\"]}", &p, &err) == 0);
  if (p)
    {
      CHECK (!p->has_caps && p->n_rlimits == 0 && !p->has_no_new_privileges && !p->terminal);
      CHECK (strcmp (p->cwd, "/") == 0 && p->env[0] == NULL && p->uid == 0);
      dn_process_free (p);
    }

  p = NULL;
  CHECK (dn_process_parse ("{\"args\": []}", &p, &err) < 0 && p == NULL);
  CHECK (err && strcmp (err->msg, "process.args must not be empty") == 0);
  dn_error_release (&err);
  CHECK (dn_process_parse ("{\"args\": [\"x\"], \"user\": {\"uid\": \"0\"}}", &p, &err) < 0);
  CHECK (err && strcmp (err->msg, "process.user.uid: expected int") == 0);
  dn_error_release (&err);
  CHECK (dn_process_parse ("[]", &p, &err) < 0 && strstr (err->msg, "expected object"));
  dn_error_release (&err);
  CHECK (dn_process_parse ("{", &p, &err) < 0 && strstr (err->msg, "invalid JSON"));
  dn_error_release (&err);
}

static void
test_signals (void)
{
  dn_error_t err = NULL;
  int sig = 0;
  CHECK (dn_signal_parse ("KILL", &sig, &err) == 0 && sig == 9);
  CHECK (dn_signal_parse ("SIGTERM", &sig, &err) == 0 && sig == 15);
  CHECK (dn_signal_parse ("10", &sig, &err) == 0 && sig == 10);
  CHECK (dn_signal_parse ("RTMIN+1", &sig, &err) == 0 && sig == SIGRTMIN + 1);
  CHECK (dn_signal_parse ("SIGBOGUS", &sig, &err) < 0 && strstr (err->msg, "invalid signal `SIGBOGUS`"));
  dn_error_release (&err);
  CHECK (dn_signal_parse ("0", &sig, &err) < 0);
  dn_error_release (&err);
  CHECK (dn_signal_parse ("999", &sig, &err) < 0);
  dn_error_release (&err);
}

static void
test_resolve_in_root (void)
{
  char tmpl[] = "/tmp/dn-resolve-XXXXXX";
  char *dir = mkdtemp (tmpl);
  CHECK (dir != NULL);
  if (dir == NULL)
    return;
  cleanup_free char *root = xasprintf ("%s/root", dir);
  cleanup_free char *outside = xasprintf ("%s/outside", dir);
  mkdir (root, 0755);
  mkdir (outside, 0755);
  cleanup_free char *etc = xasprintf ("%s/etc", root);
  mkdir (etc, 0755);
  cleanup_free char *rel = xasprintf ("%s/rel", root);
  cleanup_free char *abs = xasprintf ("%s/abs", root);
  CHECK (symlink ("../outside", rel) == 0);
  CHECK (symlink (outside, abs) == 0);
  int rootfd = open (root, O_PATH | O_DIRECTORY);

  dn_error_t err = NULL;
  /* A relative link that climbs above the root is an escape. */
  CHECK (dn_resolve_in_root (rootfd, "/rel/x", true, false, &err) < 0 && strstr (err->msg, "escapes"));
  dn_error_release (&err);
  /* An absolute link restarts at the container root: it creates <root>/<outside path>/x, never <outside>/x. */
  int fd = dn_resolve_in_root (rootfd, "/abs/x", true, false, &err);
  CHECK (fd >= 0);
  if (fd >= 0)
    close (fd);
  cleanup_free char *host_x = xasprintf ("%s/x", outside);
  cleanup_free char *in_root_x = xasprintf ("%s%s/x", root, outside);
  struct stat st;
  CHECK (stat (host_x, &st) < 0);
  CHECK (stat (in_root_x, &st) == 0 && S_ISDIR (st.st_mode));
  /* Creation of a file as the last component. */
  fd = dn_resolve_in_root (rootfd, "/etc/hosts", true, true, &err);
  CHECK (fd >= 0);
  if (fd >= 0)
    close (fd);
  cleanup_free char *hosts = xasprintf ("%s/etc/hosts", root);
  CHECK (stat (hosts, &st) == 0 && S_ISREG (st.st_mode));
  /* Missing without create. */
  CHECK (dn_resolve_in_root (rootfd, "/missing", false, false, &err) < 0);
  dn_error_release (&err);
  close (rootfd);
  dn_remove_tree (dir, NULL);
}

int
main (void)
{
  test_good_spec ();
  test_bad_specs ();
  test_standalone_process ();
  test_signals ();
  test_resolve_in_root ();
  if (failures)
    fprintf (stderr, "test_spec: %d check(s) failed\n", failures);
  return failures != 0;
}
