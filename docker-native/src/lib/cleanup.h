/* Cleanup attributes and allocation helpers shared by every docker-native file.
 * Allocation never fails: on out-of-memory the process aborts, so callers need
 * no NULL checks after xmalloc and friends. */
#ifndef DN_CLEANUP_H
#define DN_CLEANUP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *xmalloc (size_t size);
void *xmalloc0 (size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *s);
/* Returns an owned string. */
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static inline void
cleanup_freep (void *p)
{
  void **pp = (void **) p;
  free (*pp);
}

static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
cleanup_dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

/* Frees a NULL-terminated array of owned strings. */
void dn_strv_free (char **v);
static inline void
cleanup_strvp (char ***v)
{
  dn_strv_free (*v);
}

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (cleanup_filep)))
#define cleanup_dir __attribute__ ((cleanup (cleanup_dirp)))
#define cleanup_strv __attribute__ ((cleanup (cleanup_strvp)))

/* Hands ownership out of a cleanup variable. */
#define steal_pointer(pp) ({ __typeof__ (*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _f = *(fdp); *(fdp) = -1; _f; })

#define close_and_reset(fdp)                                                   \
  do                                                                           \
    {                                                                          \
      if (*(fdp) >= 0)                                                         \
        close (*(fdp));                                                        \
      *(fdp) = -1;                                                             \
    }                                                                          \
  while (0)

#ifndef TEMP_FAILURE_RETRY
#define TEMP_FAILURE_RETRY(expr)                                               \
  ({                                                                           \
    long _r;                                                                   \
    do                                                                         \
      _r = (long) (expr);                                                      \
    while (_r == -1L && errno == EINTR);                                       \
    _r;                                                                        \
  })
#endif

#endif
