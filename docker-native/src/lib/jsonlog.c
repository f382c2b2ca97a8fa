#include "jsonlog.h"

#include <string.h>

static const char hex[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at S (at most LEN bytes), or 0 when it
 * is invalid, with the same rules as Go's utf8.DecodeRune: no overlong forms,
 * no surrogates, nothing above U+10FFFF. */
static size_t
utf8_valid_len (const unsigned char *s, size_t len)
{
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xbf;

  if (c >= 0xc2 && c <= 0xdf)
    need = 2;
  else if (c >= 0xe0 && c <= 0xef)
    {
      need = 3;
      if (c == 0xe0)
        lo = 0xa0;
      else if (c == 0xed)
        hi = 0x9f;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      need = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;

  if (len < need || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < need; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return need;
}

size_t
dn_jsonlog_escape (char *out, const char *in, size_t len)
{
  const unsigned char *s = (const unsigned char *) in;
  char *o = out;
  size_t i = 0;

  while (i < len)
    {
      unsigned char c = s[i];
      if (c < 0x80)
        {
          if (c >= 0x20 && c != '\\' && c != '"' && c != '<' && c != '>' && c != '&')
            *o++ = (char) c;
          else if (c == '\\' || c == '"')
            {
              *o++ = '\\';
              *o++ = (char) c;
            }
          else if (c == '\n')
            {
              *o++ = '\\';
              *o++ = 'n';
            }
          else if (c == '\r')
            {
              *o++ = '\\';
              *o++ = 'r';
            }
          else
            {
              memcpy (o, "\\u00", 4);
              o[4] = hex[c >> 4];
              o[5] = hex[c & 0xf];
              o += 6;
            }
          i++;
          continue;
        }

      size_t n = utf8_valid_len (s + i, len - i);
      if (n == 0)
        {
          memcpy (o, "\\ufffd", 6);
          o += 6;
          i++;
          continue;
        }
      /* U+2028 and U+2029 are escaped because JavaScript treats them as line ends. */
      if (n == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
        {
          memcpy (o, "\\u202", 5);
          o[5] = s[i + 2] == 0xa8 ? '8' : '9';
          o += 6;
        }
      else
        {
          memcpy (o, s + i, n);
          o += n;
        }
      i += n;
    }
  return (size_t) (o - out);
}

static char *
put_digits (char *o, long v, int width)
{
  for (int i = width - 1; i >= 0; i--, v /= 10)
    o[i] = (char) ('0' + v % 10);
  return o + width;
}

/* The UTC calendar date of a day count since 1970-01-01 (Howard Hinnant's
 * civil_from_days); gmtime_r would drag in glibc's timezone machinery. */
static void
civil_from_days (long long days, long *year, int *month, int *day)
{
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (long) (yoe + era * 400 + (*month <= 2));
}

size_t
dn_jsonlog_format_time (char *out, const struct timespec *ts)
{
  long long secs = ts->tv_sec;
  long long days = secs / 86400, rem = secs % 86400;
  if (rem < 0)
    {
      rem += 86400;
      days--;
    }
  long year;
  int month, day;
  civil_from_days (days, &year, &month, &day);
  /* By hand rather than snprintf: this runs for every log entry. */
  char *o = put_digits (out, year, 4);
  *o++ = '-';
  o = put_digits (o, month, 2);
  *o++ = '-';
  o = put_digits (o, day, 2);
  *o++ = 'T';
  o = put_digits (o, (long) (rem / 3600), 2);
  *o++ = ':';
  o = put_digits (o, (long) (rem / 60 % 60), 2);
  *o++ = ':';
  o = put_digits (o, (long) (rem % 60), 2);
  long nsec = ts->tv_nsec;
  if (nsec > 0 && nsec < 1000000000L)
    {
      *o++ = '.';
      int digits = 9;
      while (nsec % 10 == 0)
        {
          nsec /= 10;
          digits--;
        }
      o = put_digits (o, nsec, digits);
    }
  *o++ = 'Z';
  *o = '\0';
  return (size_t) (o - out);
}

size_t
dn_jsonlog_entry (char *out, const char *msg, size_t len, bool newline, const char *stream,
                  const struct timespec *ts)
{
  char *o = out;
  memcpy (o, "{\"log\":\"", 8);
  o += 8;
  o += dn_jsonlog_escape (o, msg, len);
  if (newline)
    {
      memcpy (o, "\\n", 2);
      o += 2;
    }
  memcpy (o, "\",\"stream\":\"", 12);
  o += 12;
  size_t slen = strlen (stream);
  memcpy (o, stream, slen);
  o += slen;
  memcpy (o, "\",\"time\":\"", 10);
  o += 10;
  o += dn_jsonlog_format_time (o, ts);
  memcpy (o, "\"}\n", 3);
  o += 3;
  return (size_t) (o - out);
}

void
dn_linesplit_feed (struct dn_linesplit *s, const char *data, size_t len, dn_linesplit_cb cb, void *ctx)
{
  while (len > 0)
    {
      size_t room = DN_JSONLOG_MAX_LINE - s->len;
      size_t take = len < room ? len : room;
      const char *nl = memchr (data, '\n', take);
      if (nl)
        {
          size_t k = (size_t) (nl - data);
          if (s->len == 0)
            cb (ctx, data, k, true);
          else
            {
              memcpy (s->buf + s->len, data, k);
              cb (ctx, s->buf, s->len + k, true);
              s->len = 0;
            }
          data += k + 1;
          len -= k + 1;
          continue;
        }
      /* A full piece straight from the input needs no copy. */
      if (s->len == 0 && take == DN_JSONLOG_MAX_LINE)
        cb (ctx, data, take, false);
      else
        {
          memcpy (s->buf + s->len, data, take);
          s->len += take;
          if (s->len == DN_JSONLOG_MAX_LINE)
            {
              cb (ctx, s->buf, s->len, false);
              s->len = 0;
            }
        }
      data += take;
      len -= take;
    }
}

void
dn_linesplit_finish (struct dn_linesplit *s, dn_linesplit_cb cb, void *ctx)
{
  if (s->len > 0)
    cb (ctx, s->buf, s->len, false);
  s->len = 0;
}
