#include "error.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *log_path;
static int log_json;

static char *
vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  return s;
}

int
dn_make_error (dn_error_t *err, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *base = vformat (fmt, ap);
  va_end (ap);

  dn_error_t e = xmalloc0 (sizeof (*e));
  e->status = status;
  if (status)
    {
      e->msg = xasprintf ("%s: %s", base, strerror (status));
      free (base);
    }
  else
    e->msg = base;

  if (err)
    {
      if (*err)
        dn_error_release (err);
      *err = e;
    }
  else
    {
      free (e->msg);
      free (e);
    }
  return -1;
}

int
dn_error_wrap (dn_error_t *err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  char *ctx = vformat (fmt, ap);
  va_end (ap);
  char *joined = xasprintf ("%s: %s", ctx, (*err)->msg);
  free (ctx);
  free ((*err)->msg);
  (*err)->msg = joined;
  return -1;
}

void
dn_error_release (dn_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void
dn_log_set_file (const char *path, int json)
{
  free (log_path);
  log_path = path ? xstrdup (path) : NULL;
  log_json = json;
}

static void
write_json_string (FILE *f, const char *s)
{
  fputc ('"', f);
  for (; *s; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\')
        fprintf (f, "\\%c", c);
      else if (c < 0x20)
        fprintf (f, "\\u%04x", c);
      else
        fputc (c, f);
    }
  fputc ('"', f);
}

void
dn_error_print (const char *prog, dn_error_t *err)
{
  if (err == NULL || *err == NULL)
    return;
  fprintf (stderr, "%s: %s\n", prog, (*err)->msg);
  if (log_path)
    {
      FILE *f = fopen (log_path, "ae");
      if (f)
        {
          char ts[64];
          struct timespec now;
          struct tm tm;
          clock_gettime (CLOCK_REALTIME, &now);
          gmtime_r (&now.tv_sec, &tm);
          strftime (ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
          if (log_json)
            {
              fprintf (f, "{\"level\":\"error\",\"msg\":");
              write_json_string (f, (*err)->msg);
              fprintf (f, ",\"errno\":%d,\"time\":\"%s.%09ldZ\"}\n", (*err)->status, ts, now.tv_nsec);
            }
          else
            fprintf (f, "%s.%09ldZ error: %s\n", ts, now.tv_nsec, (*err)->msg);
          fclose (f);
        }
    }
  dn_error_release (err);
}
