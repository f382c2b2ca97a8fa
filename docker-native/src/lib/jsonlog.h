/* Docker's json-file log format, as pure functions berth-monitor writes with
 * and tests/unit/test_jsonlog.c checks: the string escaper of Docker's
 * jsonlog writer, RFC3339Nano timestamps, one-line entries, and the line
 * splitter of Docker's log copier (16 KiB pieces, partial lines). */
#ifndef DN_JSONLOG_H
#define DN_JSONLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Longest message of one entry; longer lines are logged in pieces this size. */
#define DN_JSONLOG_MAX_LINE 16384

/* Room for a formatted timestamp, e.g. "2026-11-28T07:01:02.123456789Z" + NUL. */
#define DN_JSONLOG_TIME_MAX 40

/* Upper bound of one encoded entry (with its "\n") for a message of LEN bytes:
 * every byte may become a 6-byte escape, plus the escaped newline and framing. */
#define DN_JSONLOG_ENTRY_MAX(len) ((size_t) (len) * 6 + 6 + 96)

/* Escapes IN as the body of a JSON string (no quotes) the way Docker's
 * jsonlog writer does: \" \\ \n \r, other bytes below 0x20 as \u00XX
 * (a tab is \u0009), < > & as \u003c \u003e \u0026, U+2028/U+2029 as
 * \u2028/\u2029, and each byte of invalid UTF-8 as \ufffd. OUT must hold
 * 6 * len bytes; returns the number written (no NUL). */
size_t dn_jsonlog_escape (char *out, const char *in, size_t len);

/* Formats TS as Go's time.RFC3339Nano in UTC: trailing zeros of the fraction
 * trimmed, no fraction at all when it is zero. OUT holds DN_JSONLOG_TIME_MAX;
 * returns the length (the string is NUL-terminated). */
size_t dn_jsonlog_format_time (char *out, const struct timespec *ts);

/* Writes one json-file line, {"log":...,"stream":...,"time":...} and "\n",
 * to OUT (DN_JSONLOG_ENTRY_MAX(len) bytes); NEWLINE appends "\n" to the
 * message as Docker does for complete lines. Returns the length written. */
size_t dn_jsonlog_entry (char *out, const char *msg, size_t len, bool newline, const char *stream,
                         const struct timespec *ts);

/* Splits a byte stream into messages as Docker's copier does. */
struct dn_linesplit
{
  size_t len; /* bytes pending in buf: the start of a line not yet ended */
  char buf[DN_JSONLOG_MAX_LINE];
};

/* Receives one message; NEWLINE is true when it ended at a '\n' (not included
 * in MSG) and false for a partial piece. */
typedef void (*dn_linesplit_cb) (void *ctx, const char *msg, size_t len, bool newline);

/* Feeds bytes: each '\n' ends a message; DN_JSONLOG_MAX_LINE bytes without a
 * newline are emitted at once as a partial message. */
void dn_linesplit_feed (struct dn_linesplit *s, const char *data, size_t len, dn_linesplit_cb cb, void *ctx);

/* At end of stream, emits a pending unterminated line as a partial message. */
void dn_linesplit_finish (struct dn_linesplit *s, dn_linesplit_cb cb, void *ctx);

#endif
