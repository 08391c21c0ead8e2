/* error.h: explicit error codes and one error record that carries a message fit
 * for an operator: where (file:line:col or API call), what, and how to fix it. */
#ifndef ECSB_ERROR_H
#define ECSB_ERROR_H

#include "ecsb/base/compiler.h"

#include <stddef.h>

enum ecsb_status {
    ECSB_OK = 0,
    ECSB_ERR_INVALID,     /* bad input: user data, INI, JSON, flags */
    ECSB_ERR_IO,          /* file or pipe I/O */
    ECSB_ERR_NOT_FOUND,   /* a file, key, parameter or resource that is not there */
    ECSB_ERR_LIMIT,       /* a size, depth or count limit was exceeded */
    ECSB_ERR_HTTP,        /* transport: connect, TLS, timeout */
    ECSB_ERR_AWS,         /* an AWS API answered with an error */
    ECSB_ERR_AUTH,        /* credentials missing or rejected */
    ECSB_ERR_TIMEOUT,     /* a deadline passed */
    ECSB_ERR_PLATFORM,    /* an OS call failed (registry, SCM, process) */
    ECSB_ERR_UNSUPPORTED, /* not available on this platform or build */
};

struct ecsb_error {
    enum ecsb_status code;
    char message[1024];
};

/* Sets the error and returns its code, so callers can `return ecsb_error_set(...)`.
 * err may be NULL. */
ECSB_PRINTF(3, 4)
enum ecsb_status ecsb_error_set(struct ecsb_error *err, enum ecsb_status code, const char *fmt, ...);

/* Prefixes the message with context ("while reading X: "). Returns the code. */
ECSB_PRINTF(2, 3)
enum ecsb_status ecsb_error_prefix(struct ecsb_error *err, const char *fmt, ...);

/* Escapes the message as ecsb_buf_put_escaped does (control and non-UTF-8 bytes,
 * invisible characters), truncated to fit. Readers call it on the errors they
 * return, so a message quoting input is one line of printable text. Idempotent. */
void ecsb_error_escape(struct ecsb_error *err);

void ecsb_error_clear(struct ecsb_error *err);
const char *ecsb_status_name(enum ecsb_status code);

#endif
