#include "terminal.h"
#include "cleanup.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

int
dn_terminal_connect (const char *path, dn_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    return dn_make_error (err, ENAMETOOLONG, "console socket `%s`", path);
  strcpy (addr.sun_path, path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return dn_make_error (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return dn_make_error (err, errno, "connect to console socket `%s`", path);
  return steal_fd (&fd);
}

int
dn_terminal_open_pty (const struct dn_process *p, int *master, int *slave, char *name, dn_error_t *err)
{
  cleanup_close int m = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return dn_make_error (err, errno, "open /dev/ptmx");
  if (unlockpt (m) < 0)
    return dn_make_error (err, errno, "unlockpt");
  if (ptsname_r (m, name, 64) != 0)
    return dn_make_error (err, errno, "ptsname");
  cleanup_close int s = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return dn_make_error (err, errno, "open `%s`", name);
  if (p->console_height || p->console_width)
    {
      struct winsize ws = { .ws_row = p->console_height, .ws_col = p->console_width };
      ioctl (m, TIOCSWINSZ, &ws);
    }
  *master = steal_fd (&m);
  *slave = steal_fd (&s);
  return 0;
}

static int
send_fd (int sock, int fd, dn_error_t *err)
{
  char byte = 0;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  if (TEMP_FAILURE_RETRY (sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0)
    return dn_make_error (err, errno, "send the terminal to the console socket");
  return 0;
}

int
dn_terminal_hand_over (int console_fd, int master, int slave, dn_error_t *err)
{
  int r = send_fd (console_fd, master, err);
  close (master);
  close (console_fd);
  if (r < 0)
    {
      close (slave);
      return -1;
    }
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      {
        int saved = errno;
        close (slave);
        return dn_make_error (err, saved, "dup2 the terminal");
      }
  if (slave > 2)
    close (slave);
  if (ioctl (0, TIOCSCTTY, 0) < 0)
    return dn_make_error (err, errno, "set the controlling terminal");
  return 0;
}
