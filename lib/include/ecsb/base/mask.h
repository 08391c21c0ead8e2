/* mask.h: the one masking mechanism every sink uses (log lines on stdout and in the
 * log file, stderr messages, the plan, the status file/report).
 *
 * Secrets are known two ways:
 *  - by value: whatever was read from a secret-named key (settings, credentials)
 *    is registered with ecsb_masker_add when it is read, and every occurrence is
 *    replaced by "<redacted>" wherever it appears later;
 *  - by name: text of the form NAME=value or "name": "value" whose NAME is
 *    secret-named (ecsb_secret_name) has its value replaced, which catches secrets
 *    nobody registered (an agent that logs its environment).
 *
 * The masker is a plain object owned by the command's context (no global state);
 * sinks hold a const pointer to it. A NULL masker still masks by name. */
#ifndef ECSB_MASK_H
#define ECSB_MASK_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"

#define ECSB_MASK_TEXT "<redacted>"
/* Shorter values are not registered: masking them would mangle ordinary text. */
#define ECSB_MASK_MIN_LEN 4

struct ecsb_masker {
    char **values; /* longest first, so a secret that contains another is masked whole */
    size_t count, cap;
};

/* True for names that hold secrets: AWS keys and tokens, *_AUTH_DATA (registry
 * auth), and any name containing PASSWORD, PASSWD, SECRET, TOKEN or CREDENTIAL
 * (case-insensitive). */
bool ecsb_secret_name(const char *name);

void ecsb_masker_init(struct ecsb_masker *m);
/* Registers a secret value (copied), together with its JSON-escaped form when that
 * differs. NULL, short or already-known values are ignored. */
void ecsb_masker_add(struct ecsb_masker *m, const char *value);
/* Registers value when name is secret-named. */
void ecsb_masker_add_named(struct ecsb_masker *m, const char *name, const char *value);
/* A masked copy of text (caller frees). m may be NULL (by-name masking only). */
char *ecsb_masker_apply(const struct ecsb_masker *m, const char *text);
/* Masks b in place. */
void ecsb_masker_apply_buf(const struct ecsb_masker *m, struct ecsb_buf *b);
/* Masks a heap string in place: *s is replaced by its masked copy. */
void ecsb_masker_apply_str(const struct ecsb_masker *m, char **s);
void ecsb_masker_free(struct ecsb_masker *m);

#endif
