/* trust.h: who may configure what (docs/security.md, "Trust model").
 *
 * The baked INI and --set are the AMI owner's; user data is the launcher's. Settings
 * that steer ecs-bootstrap itself or the AWS SDK -- every [paths] key and the
 * environment variables below, which at machine scope would redirect the
 * bootstrapper at the next boot -- are refused from user data unless the baked INI
 * allows them by name: [trust] allow_from_userdata = paths.status_file, environment.HTTP_PROXY.
 * [trust] itself is never accepted from user data. */
#ifndef ECSB_TRUST_H
#define ECSB_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/error.h"

/* True when section.key is refused from user data unless allowed. */
bool ecsb_trust_steers(const char *section, const char *key);
/* An item of allow_from_userdata: "paths.<key>" or "environment.<NAME>" that steers. */
bool ecsb_trust_item_valid(const char *item);
/* True when allow[0..n) names section.key (case-insensitive); never for [trust]. */
bool ecsb_trust_allows(char *const *allow, size_t n, const char *section, const char *key);
/* The refusal: ECSB_ERR_INVALID naming the place, the key and both fixes. */
enum ecsb_status ecsb_trust_refuse(const char *place, const char *section, const char *key, struct ecsb_error *err);

#endif
