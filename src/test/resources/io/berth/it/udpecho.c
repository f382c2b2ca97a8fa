/* A UDP echo server for tests: answers each datagram on the port given with "echo:" and the datagram. Built
 * static so it runs in the busybox image, whose nc has no UDP. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((unsigned short) atoi (argv[1])) };
  if (fd < 0 || bind (fd, (struct sockaddr *) &a, sizeof a) < 0)
    {
      perror ("udpecho");
      return 1;
    }
  for (;;)
    {
      char buf[1500], out[1506];
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &peer, &len);
      if (n < 0)
        continue;
      memcpy (out, "echo:", 5);
      memcpy (out + 5, buf, (size_t) n);
      sendto (fd, out, (size_t) n + 5, 0, (struct sockaddr *) &peer, len);
    }
}
