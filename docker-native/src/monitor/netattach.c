/* --net-attach SPEC: one network interface of the container, as
 *   bridge=BR,host=VETH,ifname=eth0,addr=172.29.0.5/16[,gateway=172.29.0.1][,mac=02:42:..][,mtu=1500]
 *   [,bridge-addr=172.29.0.1/16]
 * The host end of a veth pair joins bridge BR; the other end appears in the
 * container's namespace as IFNAME with the address, the MAC, and, when a
 * gateway is given and the namespace has no default route yet, that route. With bridge-addr, BR is first made if
 * missing, given that address and brought up, so the engine's default bridge
 * exists from the first container on without a process of its own. NET-ATTACH
 * on the monitor's socket takes the same SPEC (see netns.c). */
#include "monitor.h"
#include "cleanup.h"
#include "netlink.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

static int
parse_mac (const char *s, unsigned char mac[6])
{
  unsigned v[6];
  char end;
  if (sscanf (s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
    return -1;
  for (int i = 0; i < 6; i++)
    mac[i] = (unsigned char) v[i];
  return 0;
}

/* The kernel's own rule (dev_valid_name), so a bad name fails here with a clear message. */
static int
valid_ifname (const char *s)
{
  if (!*s || strlen (s) >= IFNAMSIZ || strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
    return 0;
  for (; *s; s++)
    if (*s == '/' || *s == ':' || isspace ((unsigned char) *s))
      return 0;
  return 1;
}

static int
parse_fields (const char *spec, struct net_attach *a, dn_error_t *err)
{
  memset (a, 0, sizeof *a);
  cleanup_free char *copy = xstrdup (spec);
  char *save = NULL;
  for (char *kv = strtok_r (copy, ",", &save); kv; kv = strtok_r (NULL, ",", &save))
    {
      char *eq = strchr (kv, '=');
      if (!eq)
        return dn_make_error (err, 0, "`%s` is not key=value", kv);
      *eq = '\0';
      const char *k = kv, *v = eq + 1;
      if (strcmp (k, "bridge") == 0 || strcmp (k, "host") == 0 || strcmp (k, "ifname") == 0)
        {
          if (!valid_ifname (v))
            return dn_make_error (err, 0, "invalid interface name `%s`", v);
          char **slot = k[0] == 'b' ? &a->bridge : k[0] == 'h' ? &a->host : &a->ifname;
          free (*slot);
          *slot = xstrdup (v);
        }
      else if (strcmp (k, "addr") == 0)
        {
          cleanup_free char *ip = xstrdup (v);
          char *slash = strchr (ip, '/');
          char *end = NULL;
          long prefix = slash ? strtol (slash + 1, &end, 10) : -1;
          if (!slash || *end || prefix < 0 || prefix > 32)
            return dn_make_error (err, 0, "`%s` is not an IPv4 address/prefix", v);
          *slash = '\0';
          if (inet_pton (AF_INET, ip, &a->addr) != 1)
            return dn_make_error (err, 0, "`%s` is not an IPv4 address/prefix", v);
          a->prefix = (int) prefix;
          a->has_addr = true;
        }
      else if (strcmp (k, "bridge-addr") == 0)
        {
          cleanup_free char *ip = xstrdup (v);
          char *slash = strchr (ip, '/');
          char *end = NULL;
          long prefix = slash ? strtol (slash + 1, &end, 10) : -1;
          if (!slash || *end || prefix < 1 || prefix > 30)
            return dn_make_error (err, 0, "`%s` is not an IPv4 address/prefix", v);
          *slash = '\0';
          if (inet_pton (AF_INET, ip, &a->bridge_addr) != 1)
            return dn_make_error (err, 0, "`%s` is not an IPv4 address/prefix", v);
          a->bridge_prefix = (int) prefix;
          a->has_bridge_addr = true;
        }
      else if (strcmp (k, "gateway") == 0)
        {
          if (inet_pton (AF_INET, v, &a->gateway) != 1)
            return dn_make_error (err, 0, "`%s` is not an IPv4 address", v);
          a->has_gateway = true;
        }
      else if (strcmp (k, "mac") == 0)
        {
          if (parse_mac (v, a->mac) < 0)
            return dn_make_error (err, 0, "`%s` is not a MAC address", v);
          a->has_mac = true;
        }
      else if (strcmp (k, "mtu") == 0)
        {
          char *end = NULL;
          long mtu = strtol (v, &end, 10);
          if (*end || mtu < 68 || mtu > 65535)
            return dn_make_error (err, 0, "invalid mtu `%s`", v);
          a->mtu = (int) mtu;
        }
      else
        return dn_make_error (err, 0, "unknown key `%s`", k);
    }
  if (!a->bridge || !a->host || !a->ifname || !a->has_addr)
    return dn_make_error (err, 0, "bridge, host, ifname and addr are required in `%s`", spec);
  return 0;
}

void
net_attach_free (struct net_attach *a)
{
  free (a->bridge);
  free (a->host);
  free (a->ifname);
  memset (a, 0, sizeof *a);
}

int
net_attach_parse (const char *spec, struct net_attach *a, dn_error_t *err)
{
  /* Nothing half-parsed survives a failure: NET-ATTACH parses specs for the monitor's whole life. */
  if (parse_fields (spec, a, err) < 0)
    {
      net_attach_free (a);
      return -1;
    }
  return 0;
}

int
net_attach_host_side (const struct net_attach *a, int container_netns_fd, bool replace, dn_error_t *err)
{
  struct dn_nl nl;
  if (dn_nl_open (&nl, err) < 0)
    return -1;
  int r = -1;
  if (a->has_bridge_addr)
    {
      struct dn_nl_link_settings up = { .up = 1 };
      if (dn_nl_bridge_add (&nl, a->bridge, err) < 0
          || dn_nl_addr_add (&nl, a->bridge, AF_INET, &a->bridge_addr, a->bridge_prefix, err) < 0
          || dn_nl_link_set (&nl, a->bridge, &up, err) < 0)
        goto out;
    }
  int bridge = dn_nl_link_index (&nl, a->bridge, err);
  if (bridge < 0)
    goto out;
  /* At launch a veth of that name was left by a monitor that was killed and is this container's own. */
  if (replace && dn_nl_link_del (&nl, a->host, err) < 0)
    goto out;
  if (dn_nl_veth_add (&nl, a->host, a->ifname, container_netns_fd, err) < 0)
    goto out;
  struct dn_nl_link_settings s = { .master_index = bridge, .mtu = a->mtu, .up = 1 };
  if (dn_nl_link_set (&nl, a->host, &s, err) < 0)
    {
      dn_nl_link_del (&nl, a->host, NULL);
      goto out;
    }
  r = 0;
out:
  dn_nl_close (&nl);
  return r;
}

int
net_attach_container_side (const struct net_attach *a, dn_error_t *err)
{
  struct dn_nl nl;
  if (dn_nl_open (&nl, err) < 0)
    return -1;
  int r = -1;
  struct dn_nl_link_settings s = { .mac = a->has_mac ? a->mac : NULL, .mtu = a->mtu, .up = 1 };
  if (dn_nl_link_set (&nl, a->ifname, &s, err) < 0)
    goto out;
  if (dn_nl_addr_add (&nl, a->ifname, AF_INET, &a->addr, a->prefix, err) < 0)
    goto out;
  if (a->has_gateway)
    {
      /* The first network with a gateway keeps the default route, as with Docker's `network connect`. */
      int has = dn_nl_route_has_default (&nl, AF_INET, err);
      if (has < 0 || (has == 0 && dn_nl_route_add_default (&nl, AF_INET, &a->gateway, err) < 0))
        goto out;
    }
  r = 0;
out:
  dn_nl_close (&nl);
  return r;
}

void
net_attach_remove (const struct net_attach *a)
{
  struct dn_nl nl;
  if (dn_nl_open (&nl, NULL) < 0)
    return;
  dn_nl_link_del (&nl, a->host, NULL);
  dn_nl_close (&nl);
}
