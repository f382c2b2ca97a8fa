/* Bringing up `lo` in the caller's network namespace: a new namespace starts
 * with it down, and runc raises it in every namespace it creates. */
#ifndef DN_LOOPBACK_H
#define DN_LOOPBACK_H

#include "error.h"

/* Sets IFF_UP on lo (SIOCGIFFLAGS/SIOCSIFFLAGS on an AF_INET datagram socket). */
int dn_loopback_up (dn_error_t *err);

#endif
