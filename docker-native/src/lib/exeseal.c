#include "exeseal.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static int
is_sealed_self (void)
{
  cleanup_close int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

int
dn_exeseal_ensure (char **argv, dn_error_t *err)
{
  if (is_sealed_self ())
    return 0;
  cleanup_close int src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return dn_make_error (err, errno, "open /proc/self/exe");
  struct stat st;
  if (fstat (src, &st) < 0)
    return dn_make_error (err, errno, "stat /proc/self/exe");
  cleanup_close int mfd = memfd_create ("berth-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return dn_make_error (err, errno, "memfd_create");
  off_t off = 0;
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mfd, src, &off, (size_t) (st.st_size - off));
      if (n <= 0)
        return dn_make_error (err, n < 0 ? errno : EIO, "copy the runtime binary");
    }
  /* F_SEAL_EXEC (Linux 6.3) also stops the mode from changing; older kernels
   * lack it. It goes first because F_SEAL_SEAL forbids any later seal. */
  fcntl (mfd, F_ADD_SEALS, F_SEAL_EXEC);
  if (fcntl (mfd, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return dn_make_error (err, errno, "seal the runtime copy");
  fexecve (mfd, argv, environ);
  return dn_make_error (err, errno, "re-exec from the sealed copy");
}
