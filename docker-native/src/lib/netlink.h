/* Just enough rtnetlink for container networking: bridges, veth pairs, links
 * moved between namespaces, addresses and default routes. A handle works in
 * the network namespace where it was opened, so configuring a container's
 * side means opening one from inside that namespace. */
#ifndef DN_NETLINK_H
#define DN_NETLINK_H

#include "error.h"

#include <stdint.h>

struct dn_nl
{
  int fd;
  uint32_t seq;
};

int dn_nl_open (struct dn_nl *nl, dn_error_t *err);
void dn_nl_close (struct dn_nl *nl);

/* Creates a bridge; returns 1 when one of that name already existed, 0 when
 * it was made. */
int dn_nl_bridge_add (struct dn_nl *nl, const char *name, dn_error_t *err);

/* Creates a veth pair: HOST here, PEER in the namespace open at PEER_NETNS_FD
 * (or here when it is -1). */
int dn_nl_veth_add (struct dn_nl *nl, const char *host, const char *peer, int peer_netns_fd,
                    dn_error_t *err);

/* Deletes a link; a link that does not exist is not an error. */
int dn_nl_link_del (struct dn_nl *nl, const char *name, dn_error_t *err);

/* Settings applied to an existing link; each field is left alone when unset
 * (NULL, 0 or -1). */
struct dn_nl_link_settings
{
  const char *new_name;
  int master_index;           /* 0: leave alone */
  const unsigned char *mac;   /* 6 bytes */
  int mtu;                    /* 0: leave alone */
  int up;                     /* 1 up, 0 down, -1 leave alone */
};

int dn_nl_link_set (struct dn_nl *nl, const char *name, const struct dn_nl_link_settings *s,
                    dn_error_t *err);

/* Adds ADDR/PREFIX (family AF_INET or AF_INET6, ADDR in network order) to a
 * link; an address that is already there is not an error. */
int dn_nl_addr_add (struct dn_nl *nl, const char *name, int family, const void *addr, int prefix,
                    dn_error_t *err);

/* Adds the default route through GATEWAY. */
int dn_nl_route_add_default (struct dn_nl *nl, int family, const void *gateway, dn_error_t *err);

/* Whether the handle's namespace has a default route of FAMILY in the main
 * table: 1 yes, 0 no, negative with *err set on failure. */
int dn_nl_route_has_default (struct dn_nl *nl, int family, dn_error_t *err);

/* The link's index in the handle's namespace, or a negative value with *err
 * set when there is none. */
int dn_nl_link_index (struct dn_nl *nl, const char *name, dn_error_t *err);

#endif
