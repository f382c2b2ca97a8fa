/* Test of the rtnetlink helpers (src/lib/netlink.c) against the real kernel,
 * inside private network namespaces so the host's links are never touched:
 * a bridge and a veth pair are made, wired as the engine wires a container,
 * and a TCP connection from the "container" side to the bridge proves it. */
#include "netlink.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "loopback.h"

static int
ns_fd (void)
{
  return open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
}

static int
default_gateway_is (const char *hex)
{
  FILE *f = fopen ("/proc/net/route", "r");
  if (!f)
    return 0;
  char line[256];
  int found = 0;
  while (fgets (line, sizeof line, f))
    {
      char ifname[32], dest[16], gw[16];
      if (sscanf (line, "%31s %15s %15s", ifname, dest, gw) == 3 && strcmp (dest, "00000000") == 0
          && strcmp (gw, hex) == 0)
        found = 1;
    }
  fclose (f);
  return found;
}

int
main (void)
{
  dn_error_t err = NULL;
  if (unshare (CLONE_NEWNET) < 0)
    {
      perror ("unshare (needs root)");
      return 1;
    }
  int host_ns = ns_fd ();
  if (unshare (CLONE_NEWNET) < 0)
    {
      perror ("unshare");
      return 1;
    }
  int container_ns = ns_fd ();
  CHECK (setns (host_ns, CLONE_NEWNET) == 0);

  struct dn_nl nl;
  CHECK (dn_nl_open (&nl, &err) == 0);
  CHECK (dn_nl_bridge_add (&nl, "bt0", &err) == 0);
  CHECK (dn_nl_bridge_add (&nl, "bt0", &err) == 1, "a second create finds the bridge");
  CHECK (dn_nl_bridge_add (&nl, "a-name-far-too-long", &err) < 0 && err && strstr (err->msg, "longer"));
  dn_error_release (&err);

  CHECK (dn_nl_veth_add (&nl, "vh0", "vp0", container_ns, &err) == 0, "%s", err ? err->msg : "");
  CHECK (if_nametoindex ("vh0") > 0);
  CHECK (if_nametoindex ("vp0") == 0, "the peer went to the other namespace");
  CHECK (dn_nl_veth_add (&nl, "vh0", "vp1", -1, &err) < 0 && err && strstr (err->msg, "vh0"));
  dn_error_release (&err);

  int bridge = dn_nl_link_index (&nl, "bt0", &err);
  CHECK (bridge > 0);
  struct dn_nl_link_settings to_bridge = { .master_index = bridge, .up = 1 };
  CHECK (dn_nl_link_set (&nl, "vh0", &to_bridge, &err) == 0, "%s", err ? err->msg : "");
  struct in_addr gw, addr;
  inet_pton (AF_INET, "10.99.0.1", &gw);
  inet_pton (AF_INET, "10.99.0.2", &addr);
  CHECK (dn_nl_addr_add (&nl, "bt0", AF_INET, &gw, 24, &err) == 0, "%s", err ? err->msg : "");
  CHECK (dn_nl_addr_add (&nl, "bt0", AF_INET, &gw, 24, &err) == 0, "an address already there is fine");
  struct dn_nl_link_settings up = { .up = 1 };
  CHECK (dn_nl_link_set (&nl, "bt0", &up, &err) == 0);
  CHECK (dn_nl_addr_add (&nl, "nosuch0", AF_INET, &gw, 24, &err) < 0 && err && strstr (err->msg, "nosuch0"));
  dn_error_release (&err);

  /* The listener exists before the container side connects; the kernel completes the handshake. */
  int listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (5555), .sin_addr = gw };
  CHECK (bind (listener, (struct sockaddr *) &sa, sizeof sa) == 0);
  CHECK (listen (listener, 4) == 0);

  CHECK (setns (container_ns, CLONE_NEWNET) == 0);
  struct dn_nl inner;
  CHECK (dn_nl_open (&inner, &err) == 0);
  dn_loopback_up (&err);
  unsigned char mac[6] = { 0x02, 0x42, 0x0a, 0x63, 0x00, 0x02 };
  struct dn_nl_link_settings eth = { .new_name = "eth0", .mac = mac, .mtu = 1400, .up = 1 };
  CHECK (dn_nl_link_set (&inner, "vp0", &eth, &err) == 0, "%s", err ? err->msg : "");
  CHECK (if_nametoindex ("eth0") > 0 && if_nametoindex ("vp0") == 0, "renamed");
  CHECK (dn_nl_addr_add (&inner, "eth0", AF_INET, &addr, 24, &err) == 0, "%s", err ? err->msg : "");
  CHECK (dn_nl_route_has_default (&inner, AF_INET, &err) == 0, "no default route yet");
  CHECK (dn_nl_route_add_default (&inner, AF_INET, &gw, &err) == 0, "%s", err ? err->msg : "");
  CHECK (dn_nl_route_has_default (&inner, AF_INET, &err) == 1, "the default route is seen");
  CHECK (dn_nl_route_has_default (&inner, AF_INET6, &err) == 0, "no IPv6 default route");
  CHECK (default_gateway_is ("0100630A"), "default route via 10.99.0.1");

  int client = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK (connect (client, (struct sockaddr *) &sa, sizeof sa) == 0, "connect from the container side: %m");
  close (client);

  CHECK (setns (host_ns, CLONE_NEWNET) == 0);
  CHECK (dn_nl_link_del (&nl, "vh0", &err) == 0);
  CHECK (if_nametoindex ("vh0") == 0);
  CHECK (dn_nl_link_del (&nl, "vh0", &err) == 0, "deleting a missing link is fine");
  CHECK (setns (container_ns, CLONE_NEWNET) == 0);
  CHECK (if_nametoindex ("eth0") == 0, "the peer goes with its pair");

  dn_nl_close (&inner);
  dn_nl_close (&nl);
  close (listener);
  if (failures == 0)
    printf ("test_netlink: ok\n");
  return failures != 0;
}
