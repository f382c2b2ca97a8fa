/* The json-file log: output split into messages as Docker's copier does and
 * appended as Docker's json-file lines, one write per read from the container
 * so a reader never sees half an entry from us. */
#include "monitor.h"
#include "cleanup.h"
#include "jsonlog.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const stream_names[2] = { "stdout", "stderr" };

/* Static so they cost nothing until a stream actually carries output. */
static struct dn_linesplit splitters[2];
static char entries[DN_JSONLOG_ENTRY_MAX (DN_JSONLOG_MAX_LINE)];
static size_t entries_len;

struct emit_ctx
{
  struct monitor *m;
  int stream;
  struct timespec now;
};

static void
flush_entries (struct monitor *m)
{
  /* A full disk must not stop the container; what cannot be written is lost, as with Docker. */
  if (entries_len > 0 && m->log_fd >= 0)
    (void) write_all (m->log_fd, entries, entries_len);
  entries_len = 0;
}

static void
emit (void *ctx, const char *msg, size_t len, bool newline)
{
  struct emit_ctx *e = ctx;
  if (entries_len + DN_JSONLOG_ENTRY_MAX (len) > sizeof entries)
    flush_entries (e->m);
  entries_len += dn_jsonlog_entry (entries + entries_len, msg, len, newline, stream_names[e->stream], &e->now);
}

int
log_open (struct monitor *m, dn_error_t *err)
{
  /* Only exec mode may go without a log: its output then reaches attached clients alone. */
  if (m->opt.log == NULL)
    return 0;
  m->log_fd = open (m->opt.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (m->log_fd < 0)
    return dn_make_error (err, errno, "open log `%s`", m->opt.log);
  return 0;
}

void
log_output (struct monitor *m, int stream, const char *data, size_t len)
{
  struct emit_ctx e = { .m = m, .stream = stream };
  clock_gettime (CLOCK_REALTIME, &e.now);
  dn_linesplit_feed (&splitters[stream], data, len, emit, &e);
  flush_entries (m);
}

void
log_finish (struct monitor *m, int stream)
{
  struct emit_ctx e = { .m = m, .stream = stream };
  clock_gettime (CLOCK_REALTIME, &e.now);
  dn_linesplit_finish (&splitters[stream], emit, &e);
  flush_entries (m);
}
