/* Unit test of the json-file encoder and line splitter (src/lib/jsonlog.c):
 * the expected strings are what Docker's json-file driver writes. */
#include "jsonlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void
check_escape (const char *in, size_t len, const char *want, int line)
{
  char out[512];
  size_t n = dn_jsonlog_escape (out, in, len);
  out[n] = '\0';
  if (strcmp (out, want) != 0)
    {
      fprintf (stderr, "%s:%d: escape: got `%s`, want `%s`\n", __FILE__, line, out, want);
      failures++;
    }
}

#define ESCAPE(lit, want) check_escape (lit, sizeof (lit) - 1, want, __LINE__)

static void
test_escape (void)
{
  ESCAPE ("hello world", "hello world");
  ESCAPE ("a\"b\\c", "a\\\"b\\\\c");
  ESCAPE ("l1\nl2\r", "l1\\nl2\\r");
  /* Docker's jsonlog writer has no short form for tab, backspace or form feed. */
  ESCAPE ("a\tb\bc\fd", "a\\u0009b\\u0008c\\u000cd");
  ESCAPE ("\x01\x1f\x7f", "\\u0001\\u001f\x7f");
  ESCAPE ("nul\0x", "nul\\u0000x");
  ESCAPE ("<a href=\"x\">&</a>", "\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e");
  ESCAPE ("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  ESCAPE ("\xe2\x80\xa8|\xe2\x80\xa9", "\\u2028|\\u2029");
  /* A literal U+FFFD is valid UTF-8 and passes through. */
  ESCAPE ("\xef\xbf\xbd", "\xef\xbf\xbd");
  /* Invalid UTF-8: one \ufffd per bad byte, as utf8.DecodeRune consumes one. */
  ESCAPE ("\xff", "\\ufffd");
  ESCAPE ("a\x80z", "a\\ufffdz");
  ESCAPE ("\xc0\x80", "\\ufffd\\ufffd");             /* overlong NUL */
  ESCAPE ("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");  /* surrogate D800 */
  ESCAPE ("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"); /* above U+10FFFF */
  ESCAPE ("\xe2\x82", "\\ufffd\\ufffd");             /* truncated sequence */
  ESCAPE ("\xe2\x82x", "\\ufffd\\ufffdx");
  ESCAPE ("\xf0\x9f\x98", "\\ufffd\\ufffd\\ufffd");
}

static void
check_time (time_t sec, long nsec, const char *want, int line)
{
  char out[DN_JSONLOG_TIME_MAX];
  struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };
  size_t n = dn_jsonlog_format_time (out, &ts);
  if (strcmp (out, want) != 0 || n != strlen (want))
    {
      fprintf (stderr, "%s:%d: time: got `%s`, want `%s`\n", __FILE__, line, out, want);
      failures++;
    }
}

static void
test_time (void)
{
  /* 2026-11-28T07:01:02Z */
  time_t t = 1795849262;
  check_time (t, 123456789, "2026-11-28T07:01:02.123456789Z", __LINE__);
  check_time (t, 123456000, "2026-11-28T07:01:02.123456Z", __LINE__);
  check_time (t, 100000000, "2026-11-28T07:01:02.1Z", __LINE__);
  check_time (t, 120000, "2026-11-28T07:01:02.00012Z", __LINE__);
  check_time (t, 1, "2026-11-28T07:01:02.000000001Z", __LINE__);
  check_time (t, 0, "2026-11-28T07:01:02Z", __LINE__);
  check_time (0, 0, "1970-01-01T00:00:00Z", __LINE__);
  check_time (951782400, 5, "2000-02-29T00:00:00.000000005Z", __LINE__); /* leap day, 400-year rule */
  check_time (4107542399, 0, "2100-02-28T23:59:59Z", __LINE__);         /* 2100 is no leap year */
  check_time (4107542400, 0, "2100-03-01T00:00:00Z", __LINE__);
  check_time (1709251199, 0, "2024-02-29T23:59:59Z", __LINE__);
  check_time (-1, 0, "1969-12-31T23:59:59Z", __LINE__);

  /* Every day for 400 years against gmtime_r. */
  for (time_t t = -86400L * 365; t < 86400L * 146097; t += 86400 + 3599)
    {
      struct tm tm;
      char want[64];
      gmtime_r (&t, &tm);
      strftime (want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
      char got[DN_JSONLOG_TIME_MAX];
      struct timespec ts = { .tv_sec = t, .tv_nsec = 0 };
      dn_jsonlog_format_time (got, &ts);
      if (strcmp (got, want) != 0)
        {
          fprintf (stderr, "%s:%d: time %lld: got `%s`, want `%s`\n", __FILE__, __LINE__, (long long) t, got, want);
          failures++;
          break;
        }
    }
}

static void
test_entry (void)
{
  struct timespec ts = { .tv_sec = 1795849262, .tv_nsec = 123400000 };
  char out[DN_JSONLOG_ENTRY_MAX (64)];
  size_t n = dn_jsonlog_entry (out, "hi", 2, true, "stdout", &ts);
  out[n] = '\0';
  CHECK (strcmp (out, "{\"log\":\"hi\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-28T07:01:02.1234Z\"}\n") == 0);

  n = dn_jsonlog_entry (out, "<partial>", 9, false, "stderr", &ts);
  out[n] = '\0';
  CHECK (strcmp (out, "{\"log\":\"\\u003cpartial\\u003e\",\"stream\":\"stderr\",\"time\":\"2026-11-28T07:01:02.1234Z\"}\n")
         == 0);

  n = dn_jsonlog_entry (out, "", 0, true, "stdout", &ts);
  out[n] = '\0';
  CHECK (strcmp (out, "{\"log\":\"\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-28T07:01:02.1234Z\"}\n") == 0);

  /* The bound holds for the worst case: every byte escaped to six. */
  static char worst[DN_JSONLOG_MAX_LINE];
  static char big[DN_JSONLOG_ENTRY_MAX (DN_JSONLOG_MAX_LINE)];
  memset (worst, 0x01, sizeof worst);
  n = dn_jsonlog_entry (big, worst, sizeof worst, true, "stderr", &ts);
  CHECK (n <= sizeof big);
  CHECK (n == 8 + 6 * sizeof worst + 2 + 12 + 6 + 10 + 25 + 3);
}

/* Records what the splitter emits as "<text>|" for complete lines and
 * "<text>~" for partial pieces, so sequences compare as strings. */
struct record
{
  char *buf;
  size_t len, cap;
  size_t count;
  size_t lens[16];
};

static void
record_cb (void *ctx, const char *msg, size_t len, bool newline)
{
  struct record *r = ctx;
  if (r->len + len + 2 > r->cap)
    {
      r->cap = (r->len + len + 2) * 2;
      r->buf = realloc (r->buf, r->cap);
      if (r->buf == NULL)
        abort ();
    }
  memcpy (r->buf + r->len, msg, len);
  r->len += len;
  r->buf[r->len++] = newline ? '|' : '~';
  r->buf[r->len] = '\0';
  if (r->count < 16)
    r->lens[r->count] = len;
  r->count++;
}

static void
split_in_chunks (const char *data, size_t len, size_t chunk, bool finish, struct record *r)
{
  static struct dn_linesplit s;
  s.len = 0;
  memset (r, 0, sizeof *r);
  for (size_t off = 0; off < len; off += chunk)
    dn_linesplit_feed (&s, data + off, (len - off) < chunk ? len - off : chunk, record_cb, r);
  if (finish)
    dn_linesplit_finish (&s, record_cb, r);
}

static void
test_split (void)
{
  struct record r;
  const char *text = "one\ntwo\n\nthree";
  size_t chunks[] = { 1, 2, 3, 5, 100 };
  for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
    {
      split_in_chunks (text, strlen (text), chunks[i], false, &r);
      CHECK (r.buf && strcmp (r.buf, "one|two||") == 0);
      free (r.buf);
      split_in_chunks (text, strlen (text), chunks[i], true, &r);
      CHECK (r.buf && strcmp (r.buf, "one|two||three~") == 0);
      free (r.buf);
    }

  /* 40000 bytes and a newline: two 16 KiB partial pieces and a final 7232-byte line. */
  size_t big = 40000;
  char *line = malloc (big + 1);
  if (line == NULL)
    abort ();
  for (size_t i = 0; i < big; i++)
    line[i] = (char) ('a' + i % 26);
  line[big] = '\n';
  size_t bigchunks[] = { 1, 7, 2048, 16384, 65536 };
  for (size_t i = 0; i < sizeof bigchunks / sizeof bigchunks[0]; i++)
    {
      split_in_chunks (line, big + 1, bigchunks[i], true, &r);
      CHECK (r.count == 3);
      CHECK (r.lens[0] == 16384 && r.lens[1] == 16384 && r.lens[2] == 40000 - 32768);
      CHECK (r.buf[16384] == '~' && r.buf[32769] == '~' && r.buf[r.len - 1] == '|');
      CHECK (memcmp (r.buf, line, 16384) == 0);
      CHECK (memcmp (r.buf + 16385, line + 16384, 16384) == 0);
      CHECK (memcmp (r.buf + 32770, line + 32768, 40000 - 32768) == 0);
      free (r.buf);
    }

  /* Exactly 16 KiB then a newline: Docker logs the full buffer as partial, then an empty line. */
  line[16384] = '\n';
  split_in_chunks (line, 16385, 4096, true, &r);
  CHECK (r.count == 2 && r.lens[0] == 16384 && r.lens[1] == 0);
  CHECK (r.buf[16384] == '~' && r.buf[16385] == '|');
  free (r.buf);

  /* One byte short of 16 KiB ends normally. */
  line[16383] = '\n';
  split_in_chunks (line, 16384, 1000, true, &r);
  CHECK (r.count == 1 && r.lens[0] == 16383 && r.buf[16383] == '|');
  free (r.buf);

  /* A long unterminated line at EOF: full pieces, then the rest without newline. */
  for (size_t i = 0; i < 20000; i++)
    line[i] = 'x';
  split_in_chunks (line, 20000, 333, true, &r);
  CHECK (r.count == 2 && r.lens[0] == 16384 && r.lens[1] == 20000 - 16384);
  CHECK (r.buf[r.len - 1] == '~');
  free (r.buf);
  free (line);
}

int
main (void)
{
  test_escape ();
  test_time ();
  test_entry ();
  test_split ();
  if (failures)
    {
      fprintf (stderr, "test_jsonlog: %d failure(s)\n", failures);
      return 1;
    }
  printf ("test_jsonlog: ok\n");
  return 0;
}
