/* Runs the runtime from a sealed, anonymous copy of its own binary, so that a
 * container process can never open and overwrite the host's berth-runtime
 * through /proc/<pid>/exe (CVE-2019-5736), as runc does. */
#ifndef DN_EXESEAL_H
#define DN_EXESEAL_H

#include "error.h"

/* Returns 0 when already running sealed; otherwise re-executes from a sealed
 * memfd and only returns on failure. */
int dn_exeseal_ensure (char **argv, dn_error_t *err);

#endif
