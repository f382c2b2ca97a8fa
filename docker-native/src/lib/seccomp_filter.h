/* The seccomp filter of linux.seccomp, built with libseccomp and loaded as the
 * last step before the container process execs. */
#ifndef DN_SECCOMP_FILTER_H
#define DN_SECCOMP_FILTER_H

#include "error.h"

#include <json-c/json.h>
#include <seccomp.h>

/* Builds a filter from the spec's section; the context is owned by the caller. */
int dn_seccomp_build (json_object *seccomp, scmp_filter_ctx *out, dn_error_t *err);
/* Builds and loads the filter into the calling thread. */
int dn_seccomp_load (json_object *seccomp, dn_error_t *err);

#endif
