#include "loopback.h"
#include "cleanup.h"

#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int
dn_loopback_up (dn_error_t *err)
{
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "socket AF_INET");
  struct ifreq ifr;
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    return dn_make_error (err, errno, "SIOCGIFFLAGS lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    return dn_make_error (err, errno, "SIOCSIFFLAGS lo");
  return 0;
}
