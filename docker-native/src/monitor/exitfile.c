/* The exit record: exit code and signal from waitpid, the OOM kill count of
 * the container's memory cgroup (v1 memory.oom_control or v2 memory.events),
 * and the JSON exit file written atomically. */
#include "monitor.h"
#include "cleanup.h"
#include "fs.h"
#include "jsonlog.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Reads "KEY N" from a flat-keyed cgroup file; -1 when unreadable. */
static long long
read_key (const char *path, const char *key)
{
  cleanup_free char *data = NULL;
  if (dn_read_file_at (AT_FDCWD, path, &data, NULL, NULL) < 0)
    return -1;
  size_t klen = strlen (key);
  for (char *line = data; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
      return strtoll (line + klen + 1, NULL, 10);
  return -1;
}

static bool
list_has (const char *list, const char *word)
{
  size_t len = strlen (word);
  for (const char *p = list; p && *p; p = strchr (p, ','), p = p ? p + 1 : NULL)
    if (strncmp (p, word, len) == 0 && (p[len] == ',' || p[len] == '\0'))
      return true;
  return false;
}

/* The next space-separated field of a mountinfo line, NUL-terminated in place. */
static char *
next_field (char **p)
{
  while (**p == ' ')
    (*p)++;
  if (**p == '\0')
    return NULL;
  char *start = *p;
  while (**p && **p != ' ')
    (*p)++;
  if (**p)
    *(*p)++ = '\0';
  return start;
}

static char *
join (const char *a, const char *b, const char *c)
{
  size_t la = strlen (a), lb = strlen (b), lc = strlen (c);
  char *s = xmalloc (la + lb + lc + 1);
  memcpy (s, a, la);
  memcpy (s + la, b, lb);
  memcpy (s + la + lb, c, lc + 1);
  return s;
}

/* Where the hierarchy is mounted (FSTYPE cgroup with the memory controller,
 * or cgroup2), as "mountpoint" + the part of PATH below the mount's root.
 * Parsed by hand: stdio and scanf would stay in the monitor's RSS for good. */
static char *
hierarchy_path (const char *fstype, const char *path)
{
  cleanup_free char *data = NULL;
  if (dn_read_file_at (AT_FDCWD, "/proc/self/mountinfo", &data, NULL, NULL) < 0)
    return NULL;
  char *next;
  for (char *line = data; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      char *p = line, *f[6];
      int i;
      for (i = 0; i < 6 && (f[i] = next_field (&p)); i++)
        ;
      if (i < 6)
        continue;
      /* Optional fields end with a lone "-"; then fstype, source, super options. */
      char *w;
      while ((w = next_field (&p)) && strcmp (w, "-") != 0)
        ;
      char *type = next_field (&p), *source = next_field (&p), *opts = next_field (&p);
      if (w == NULL || type == NULL || source == NULL || opts == NULL || strcmp (type, fstype) != 0)
        continue;
      if (strcmp (fstype, "cgroup") == 0 && !list_has (opts, "memory"))
        continue;
      const char *root = f[3], *mnt = f[4], *rel = path;
      if (strcmp (root, "/") != 0)
        {
          size_t rlen = strlen (root);
          if (strncmp (path, root, rlen) != 0 || (path[rlen] != '/' && path[rlen] != '\0'))
            continue;
          rel = path + rlen;
        }
      return join (mnt, rel, "");
    }
  return NULL;
}

void
oom_probe_init (struct monitor *m)
{
  cleanup_free char *cg = NULL;
  char proc[64];
  strcpy (proc, "/proc/");
  fmt_uint (proc + strlen (proc), (unsigned long) m->pid);
  strcat (proc, "/cgroup");
  if (dn_read_file_at (AT_FDCWD, proc, &cg, NULL, NULL) < 0)
    return;

  cleanup_free char *v1 = NULL, *v2 = NULL;
  for (char *line = strtok (cg, "\n"); line; line = strtok (NULL, "\n"))
    {
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c2 = '\0';
      if (strcmp (line, "0") == 0 && c1[1] == '\0')
        v2 = xstrdup (c2 + 1);
      else if (list_has (c1 + 1, "memory"))
        v1 = xstrdup (c2 + 1);
    }

  /* On a hybrid host the v2 hierarchy has no memory controller: v1 wins. */
  cleanup_free char *dir = NULL;
  const char *file = NULL, *key = "oom_kill";
  if (v1 && (dir = hierarchy_path ("cgroup", v1)))
    file = "memory.oom_control";
  else if (v2 && (dir = hierarchy_path ("cgroup2", v2)))
    file = "memory.events";
  if (file == NULL)
    return;
  char *path = join (dir, "/", file);
  long long base = read_key (path, key);
  if (base < 0)
    {
      free (path);
      return;
    }
  m->oom.path = path;
  m->oom.base = base;
}

bool
oom_probe_killed (struct monitor *m)
{
  if (m->oom.path == NULL)
    return false;
  return read_key (m->oom.path, "oom_kill") > m->oom.base;
}

void
format_time (char *out, const struct timespec *ts)
{
  /* Go's zero time, which Docker reports for "never". */
  if (ts->tv_sec == 0 && ts->tv_nsec == 0)
    strcpy (out, "0001-01-01T00:00:00Z");
  else
    dn_jsonlog_format_time (out, ts);
}

int
exit_file_write (struct monitor *m, bool oom_killed, dn_error_t *err)
{
  int code = 0, sig = 0;
  if (WIFEXITED (m->status))
    code = WEXITSTATUS (m->status);
  else if (WIFSIGNALED (m->status))
    {
      sig = WTERMSIG (m->status);
      code = 128 + sig;
    }
  char started[DN_JSONLOG_TIME_MAX], finished[DN_JSONLOG_TIME_MAX];
  format_time (started, &m->started_at);
  format_time (finished, &m->finished_at);
  cleanup_free char *json
      = xasprintf ("{\"exitCode\":%d,\"signal\":%d,\"oomKilled\":%s,\"startedAt\":\"%s\",\"finishedAt\":\"%s\","
                   "\"pid\":%d}\n",
                   code, sig, oom_killed ? "true" : "false", started, finished, (int) m->pid);
  if (dn_write_file_durable (m->opt.exit_file, json, strlen (json), err) < 0)
    return dn_error_wrap (err, "write exit file");
  return 0;
}
