/* The five capability sets of the container process. The bounding set is
 * dropped first, while the process is still root; the other four are set
 * after the switch to the spec's user, which clears them otherwise. */
#ifndef DN_CAPABILITIES_H
#define DN_CAPABILITIES_H

#include "error.h"
#include "spec.h"

#include <stdint.h>

/* The highest capability the running kernel knows. */
int dn_caps_last_cap (void);
int dn_caps_drop_bounding (uint64_t bounding, dn_error_t *err);
/* Sets effective, permitted, inheritable and ambient from caps[]. */
int dn_caps_apply (const uint64_t caps[DN_CAP_SETS], dn_error_t *err);

#endif
