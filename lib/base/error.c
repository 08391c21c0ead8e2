#include "ecsb/base/error.h"

#include "ecsb/base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum ecsb_status ecsb_error_set(struct ecsb_error *err, enum ecsb_status code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

enum ecsb_status ecsb_error_prefix(struct ecsb_error *err, const char *fmt, ...)
{
    if (!err)
        return ECSB_ERR_INVALID;
    char prefix[512], old[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    /* Truncation is acceptable: the prefix is context, the old message the detail. */
    size_t n = strlen(prefix);
    if (n >= sizeof err->message)
        n = sizeof err->message - 1;
    memcpy(err->message, prefix, n);
    size_t room = sizeof err->message - 1 - n, rest = strlen(old);
    if (rest > room)
        rest = room;
    memcpy(err->message + n, old, rest);
    err->message[n + rest] = '\0';
    return err->code;
}

void ecsb_error_escape(struct ecsb_error *err)
{
    if (!err)
        return;
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_buf_put_escaped(&b, err->message, strlen(err->message));
    size_t n = b.len < sizeof err->message ? b.len : sizeof err->message - 1;
    while (n > 0 && n < b.len && ((unsigned char)b.data[n] & 0xC0) == 0x80)
        n--; /* never cut a UTF-8 character in two */
    memcpy(err->message, ecsb_buf_cstr(&b), n);
    err->message[n] = '\0';
    ecsb_buf_free(&b);
}

void ecsb_error_clear(struct ecsb_error *err)
{
    if (err) {
        err->code = ECSB_OK;
        err->message[0] = '\0';
    }
}

const char *ecsb_status_name(enum ecsb_status code)
{
    switch (code) {
    case ECSB_OK: return "ok";
    case ECSB_ERR_INVALID: return "invalid input";
    case ECSB_ERR_IO: return "I/O error";
    case ECSB_ERR_NOT_FOUND: return "not found";
    case ECSB_ERR_LIMIT: return "limit exceeded";
    case ECSB_ERR_HTTP: return "transport error";
    case ECSB_ERR_AWS: return "AWS error";
    case ECSB_ERR_AUTH: return "credentials error";
    case ECSB_ERR_TIMEOUT: return "timed out";
    case ECSB_ERR_PLATFORM: return "platform error";
    case ECSB_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown error";
}
