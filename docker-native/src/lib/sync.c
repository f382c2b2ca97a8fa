#include "sync.h"
#include "cleanup.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define SYNC_MAX 4096

int
dn_sync_send (int fd, enum dn_sync type, const char *msg, dn_error_t *err)
{
  char buf[SYNC_MAX];
  uint32_t t = (uint32_t) type;
  size_t len = msg ? strnlen (msg, SYNC_MAX - sizeof t - 1) : 0;
  memcpy (buf, &t, sizeof t);
  if (len)
    memcpy (buf + sizeof t, msg, len);
  if (TEMP_FAILURE_RETRY (send (fd, buf, sizeof t + len, MSG_NOSIGNAL)) < 0)
    return dn_make_error (err, errno, "sync: send");
  return 0;
}

int
dn_sync_recv (int fd, enum dn_sync *type, char **msg, dn_error_t *err)
{
  char buf[SYNC_MAX];
  uint32_t t;
  ssize_t n = TEMP_FAILURE_RETRY (recv (fd, buf, sizeof buf - 1, 0));
  if (n < 0)
    return dn_make_error (err, errno, "sync: receive");
  if (n == 0)
    return dn_make_error (err, EPIPE, "sync: the other side exited");
  if ((size_t) n < sizeof t)
    return dn_make_error (err, 0, "sync: short message");
  memcpy (&t, buf, sizeof t);
  buf[n] = '\0';
  *type = (enum dn_sync) t;
  if (msg)
    *msg = xstrdup (buf + sizeof t);
  return 0;
}
