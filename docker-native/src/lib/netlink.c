#include "netlink.h"
#include "cleanup.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

/* Requests are small: a link with a nested peer is a few hundred bytes. */
#define NL_BUF 4096

struct nl_req
{
  struct nlmsghdr *h;
  char buf[NL_BUF];
};

static void
req_init (struct nl_req *r, uint16_t type, uint16_t flags, const void *body, size_t len)
{
  memset (r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *) r->buf;
  r->h->nlmsg_type = type;
  r->h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  r->h->nlmsg_len = NLMSG_LENGTH (len);
  memcpy (NLMSG_DATA (r->h), body, len);
}

/* Appends an attribute and returns it, so nested attributes can be closed by
 * attr_end. Requests are built from fixed, known sizes, so the buffer cannot
 * overflow; an overflow would be a programming error, hence abort. */
static struct rtattr *
attr_add (struct nl_req *r, uint16_t type, const void *data, size_t len)
{
  size_t at = NLMSG_ALIGN (r->h->nlmsg_len);
  if (at + RTA_SPACE (len) > sizeof r->buf)
    abort ();
  struct rtattr *a = (struct rtattr *) (r->buf + at);
  a->rta_type = type;
  a->rta_len = RTA_LENGTH (len);
  if (len)
    memcpy (RTA_DATA (a), data, len);
  r->h->nlmsg_len = at + RTA_SPACE (len);
  return a;
}

static struct rtattr *
attr_nest (struct nl_req *r, uint16_t type)
{
  return attr_add (r, type, NULL, 0);
}

static void
attr_end (struct nl_req *r, struct rtattr *nest)
{
  nest->rta_len = (unsigned short) ((r->buf + r->h->nlmsg_len) - (char *) nest);
}

static void
attr_str (struct nl_req *r, uint16_t type, const char *s)
{
  attr_add (r, type, s, strlen (s) + 1);
}

int
dn_nl_open (struct dn_nl *nl, dn_error_t *err)
{
  nl->fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  nl->seq = 1;
  if (nl->fd < 0)
    return dn_make_error (err, errno, "open a netlink socket");
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  if (bind (nl->fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int saved = errno;
      close (nl->fd);
      nl->fd = -1;
      return dn_make_error (err, saved, "bind a netlink socket");
    }
  return 0;
}

void
dn_nl_close (struct dn_nl *nl)
{
  if (nl->fd >= 0)
    close (nl->fd);
  nl->fd = -1;
}

/* Sends a request and waits for its ack; returns the kernel's errno (0 on
 * success) so callers can accept EEXIST or ENODEV where they mean to. */
static int
transact (struct dn_nl *nl, struct nl_req *r, dn_error_t *err)
{
  r->h->nlmsg_seq = ++nl->seq;
  struct sockaddr_nl to = { .nl_family = AF_NETLINK };
  if (sendto (nl->fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *) &to, sizeof to) < 0)
    {
      dn_make_error (err, errno, "netlink send");
      return -1;
    }
  char reply[NL_BUF];
  for (;;)
    {
      ssize_t n = recv (nl->fd, reply, sizeof reply, 0);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          dn_make_error (err, errno, "netlink receive");
          return -1;
        }
      for (struct nlmsghdr *h = (struct nlmsghdr *) reply; NLMSG_OK (h, (size_t) n); h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_seq != nl->seq || h->nlmsg_type != NLMSG_ERROR)
            continue;
          struct nlmsgerr *e = NLMSG_DATA (h);
          return -e->error;
        }
    }
}

int
dn_nl_link_index (struct dn_nl *nl, const char *name, dn_error_t *err)
{
  (void) nl;
  unsigned idx = if_nametoindex (name);
  if (idx == 0)
    return dn_make_error (err, errno, "no link `%s`", name);
  return (int) idx;
}

int
dn_nl_bridge_add (struct dn_nl *nl, const char *name, dn_error_t *err)
{
  if (strlen (name) >= IFNAMSIZ)
    return dn_make_error (err, 0, "link name `%s` is longer than %d", name, IFNAMSIZ - 1);
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct nl_req r;
  req_init (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  attr_str (&r, IFLA_IFNAME, name);
  struct rtattr *info = attr_nest (&r, IFLA_LINKINFO);
  attr_str (&r, IFLA_INFO_KIND, "bridge");
  attr_end (&r, info);
  int e = transact (nl, &r, err);
  if (e == EEXIST)
    return 1;
  if (e != 0)
    return e < 0 ? -1 : dn_make_error (err, e, "create bridge `%s`", name);
  return 0;
}

int
dn_nl_veth_add (struct dn_nl *nl, const char *host, const char *peer, int peer_netns_fd, dn_error_t *err)
{
  if (strlen (host) >= IFNAMSIZ || strlen (peer) >= IFNAMSIZ)
    return dn_make_error (err, 0, "link names `%s` and `%s` must be shorter than %d", host, peer, IFNAMSIZ);
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct nl_req r;
  req_init (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  attr_str (&r, IFLA_IFNAME, host);
  struct rtattr *info = attr_nest (&r, IFLA_LINKINFO);
  attr_str (&r, IFLA_INFO_KIND, "veth");
  struct rtattr *data = attr_nest (&r, IFLA_INFO_DATA);
  struct rtattr *peer_info = attr_nest (&r, VETH_INFO_PEER);
  /* The peer's attributes follow an ifinfomsg of its own. */
  struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
  size_t at = NLMSG_ALIGN (r.h->nlmsg_len);
  memcpy (r.buf + at, &peer_ifi, sizeof peer_ifi);
  r.h->nlmsg_len = at + NLMSG_ALIGN (sizeof peer_ifi);
  attr_str (&r, IFLA_IFNAME, peer);
  if (peer_netns_fd >= 0)
    {
      uint32_t fd = (uint32_t) peer_netns_fd;
      attr_add (&r, IFLA_NET_NS_FD, &fd, sizeof fd);
    }
  attr_end (&r, peer_info);
  attr_end (&r, data);
  attr_end (&r, info);
  int e = transact (nl, &r, err);
  if (e != 0)
    return e < 0 ? -1 : dn_make_error (err, e, "create veth pair `%s`/`%s`", host, peer);
  return 0;
}

int
dn_nl_link_del (struct dn_nl *nl, const char *name, dn_error_t *err)
{
  unsigned idx = if_nametoindex (name);
  if (idx == 0)
    return 0;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int) idx };
  struct nl_req r;
  req_init (&r, RTM_DELLINK, 0, &ifi, sizeof ifi);
  int e = transact (nl, &r, err);
  if (e == ENODEV)
    return 0;
  if (e != 0)
    return e < 0 ? -1 : dn_make_error (err, e, "delete link `%s`", name);
  return 0;
}

int
dn_nl_link_set (struct dn_nl *nl, const char *name, const struct dn_nl_link_settings *s, dn_error_t *err)
{
  int idx = dn_nl_link_index (nl, name, err);
  if (idx < 0)
    return -1;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = idx };
  if (s->up >= 0)
    {
      ifi.ifi_change = IFF_UP;
      ifi.ifi_flags = s->up ? IFF_UP : 0;
    }
  struct nl_req r;
  req_init (&r, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  if (s->new_name)
    {
      if (strlen (s->new_name) >= IFNAMSIZ)
        return dn_make_error (err, 0, "link name `%s` is longer than %d", s->new_name, IFNAMSIZ - 1);
      attr_str (&r, IFLA_IFNAME, s->new_name);
    }
  if (s->master_index > 0)
    {
      uint32_t master = (uint32_t) s->master_index;
      attr_add (&r, IFLA_MASTER, &master, sizeof master);
    }
  if (s->mac)
    attr_add (&r, IFLA_ADDRESS, s->mac, 6);
  if (s->mtu > 0)
    {
      uint32_t mtu = (uint32_t) s->mtu;
      attr_add (&r, IFLA_MTU, &mtu, sizeof mtu);
    }
  int e = transact (nl, &r, err);
  if (e != 0)
    return e < 0 ? -1 : dn_make_error (err, e, "configure link `%s`", name);
  return 0;
}

int
dn_nl_addr_add (struct dn_nl *nl, const char *name, int family, const void *addr, int prefix, dn_error_t *err)
{
  int idx = dn_nl_link_index (nl, name, err);
  if (idx < 0)
    return -1;
  size_t len = (family == AF_INET) ? 4 : 16;
  if ((family != AF_INET && family != AF_INET6) || prefix < 0 || (size_t) prefix > len * 8)
    return dn_make_error (err, EINVAL, "invalid address for `%s`", name);
  struct ifaddrmsg ifa = { .ifa_family = (unsigned char) family, .ifa_prefixlen = (unsigned char) prefix,
                           .ifa_scope = RT_SCOPE_UNIVERSE, .ifa_index = (unsigned) idx };
  struct nl_req r;
  req_init (&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
  attr_add (&r, IFA_LOCAL, addr, len);
  attr_add (&r, IFA_ADDRESS, addr, len);
  if (family == AF_INET && prefix < 31)
    {
      /* The broadcast address, as `ip addr add ... brd +` sets it. */
      uint32_t a;
      memcpy (&a, addr, 4);
      uint32_t host_mask = prefix == 0 ? 0xffffffffu : (0xffffffffu >> prefix);
      uint32_t brd = a | htonl (host_mask);
      attr_add (&r, IFA_BROADCAST, &brd, 4);
    }
  int e = transact (nl, &r, err);
  if (e == EEXIST)
    return 0;
  if (e != 0)
    return e < 0 ? -1 : dn_make_error (err, e, "add an address to `%s`", name);
  return 0;
}

int
dn_nl_route_add_default (struct dn_nl *nl, int family, const void *gateway, dn_error_t *err)
{
  if (family != AF_INET && family != AF_INET6)
    return dn_make_error (err, EINVAL, "invalid gateway family");
  struct rtmsg rtm = { .rtm_family = (unsigned char) family, .rtm_table = RT_TABLE_MAIN,
                       .rtm_protocol = RTPROT_BOOT, .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
  struct nl_req r;
  req_init (&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtm, sizeof rtm);
  attr_add (&r, RTA_GATEWAY, gateway, family == AF_INET ? 4 : 16);
  int e = transact (nl, &r, err);
  if (e != 0)
    return e < 0 ? -1 : dn_make_error (err, e, "add the default route");
  return 0;
}

int
dn_nl_route_has_default (struct dn_nl *nl, int family, dn_error_t *err)
{
  struct rtmsg rtm = { .rtm_family = (unsigned char) family };
  struct nl_req r;
  req_init (&r, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof rtm);
  /* A dump ends with NLMSG_DONE, not an ack. */
  r.h->nlmsg_flags &= (uint16_t) ~NLM_F_ACK;
  r.h->nlmsg_seq = ++nl->seq;
  struct sockaddr_nl to = { .nl_family = AF_NETLINK };
  if (sendto (nl->fd, r.buf, r.h->nlmsg_len, 0, (struct sockaddr *) &to, sizeof to) < 0)
    return dn_make_error (err, errno, "netlink send");
  /* Dump parts are larger than acks: the kernel fills up to 32 KiB per read. */
  static char reply[32768];
  int found = 0;
  for (;;)
    {
      ssize_t n = recv (nl->fd, reply, sizeof reply, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return dn_make_error (err, errno, "netlink receive");
      for (struct nlmsghdr *h = (struct nlmsghdr *) reply; NLMSG_OK (h, (size_t) n); h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_seq != nl->seq)
            continue;
          if (h->nlmsg_type == NLMSG_DONE)
            return found;
          if (h->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr *e = NLMSG_DATA (h);
              if (e->error == 0)
                continue;
              return dn_make_error (err, -e->error, "list the routes");
            }
          if (h->nlmsg_type != RTM_NEWROUTE)
            continue;
          struct rtmsg *rt = NLMSG_DATA (h);
          if (rt->rtm_family == family && rt->rtm_dst_len == 0 && rt->rtm_table == RT_TABLE_MAIN
              && rt->rtm_type == RTN_UNICAST)
            found = 1;
        }
    }
}
