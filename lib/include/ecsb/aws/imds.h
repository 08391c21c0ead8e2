/* imds.h: an IMDSv2 client. A session token (PUT /latest/api/token, TTL default
 * 21600 s) is reused until shortly before it expires and fetched again once on a
 * 401. Timeouts, connection errors and 5xx are retried with exponential backoff
 * within a total deadline. IMDSv1 (no token) is used only when allow_v1 is set. */
#ifndef ECSB_IMDS_H
#define ECSB_IMDS_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/aws/client.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/error.h"
#include "ecsb/aws/http.h"
#include "ecsb/base/json.h"
#include "ecsb/aws/sigv4.h"

#define ECSB_IMDS_ENDPOINT_V4 "http://169.254.169.254"
#define ECSB_IMDS_ENDPOINT_V6 "http://[fd00:ec2::254]"

/* Largest answer accepted per call (bigger ones fail with ECSB_ERR_LIMIT): a
 * misbehaving or hostile endpoint cannot make us buffer megabytes. */
#define ECSB_IMDS_MAX_TOKEN 1024u                 /* tokens are about 60 bytes */
#define ECSB_IMDS_MAX_CREDENTIALS (8u * 1024u)    /* role credentials JSON, about 1.5 KiB */
#define ECSB_IMDS_MAX_USER_DATA (64u * 1024u)     /* as ECSB_USERDATA_MAX */
#define ECSB_IMDS_MAX_METADATA (64u * 1024u)      /* any other path */

struct ecsb_imds_config {
    const char *endpoint;     /* NULL: AWS_EC2_METADATA_SERVICE_ENDPOINT, else by mode */
    bool ipv6;                /* also AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 */
    bool allow_v1;            /* fall back to token-less requests when the PUT is refused */
    long token_ttl_s;         /* 1..21600, default 21600 */
    long deadline_ms;         /* per operation, default 20000 */
    long per_try_timeout_ms;  /* default 2000 */
    int max_attempts;         /* default 8 */
    long base_backoff_ms;     /* default 100, capped at 2000 */
};

struct ecsb_imds {
    struct ecsb_http *http;   /* not owned */
    ecsb_http_send_fn send;   /* transport seam for tests; NULL = ecsb_http_send */
    void *send_ctx;
    struct ecsb_clock clock;
    char endpoint[256];
    struct ecsb_imds_config cfg;
    char *token;              /* current session token, or NULL */
    long long token_expires_ms; /* monotonic ms after which the token is not used */
    bool disabled;            /* AWS_EC2_METADATA_DISABLED=true: answer without asking */
    int token_fetches;        /* counters for tests and diagnostics */
    int requests;
};

void ecsb_imds_config_defaults(struct ecsb_imds_config *cfg);
/* env: NULL = getenv. Validates the endpoint (http/https URL). */
enum ecsb_status ecsb_imds_init(struct ecsb_imds *m, struct ecsb_http *http, const struct ecsb_imds_config *cfg,
                                ecsb_getenv_fn env, struct ecsb_error *err);
void ecsb_imds_free(struct ecsb_imds *m);
/* Bounds every later operation (all its tries and backoff) by ms: timeouts.imds. */
void ecsb_imds_set_deadline(struct ecsb_imds *m, long ms);

/* True when the cached token may still be sent at now_ms (a margin of
 * min(60 s, ttl/10) before its expiry is kept). */
bool ecsb_imds_token_usable(const struct ecsb_imds *m, long long now_ms);

/* GET path ("/latest/meta-data/instance-id"), at most ECSB_IMDS_MAX_METADATA bytes.
 * ECSB_ERR_NOT_FOUND on 404. A token holding a control character (CR/LF would
 * forge headers) is refused before it is ever sent. */
enum ecsb_status ecsb_imds_get(struct ecsb_imds *m, const char *path, struct ecsb_buf *out, struct ecsb_error *err);

/* *present = false (and ECSB_OK) when the instance has no user data. */
enum ecsb_status ecsb_imds_user_data(struct ecsb_imds *m, struct ecsb_buf *out, bool *present,
                                     struct ecsb_error *err);
enum ecsb_status ecsb_imds_instance_id(struct ecsb_imds *m, char **out, struct ecsb_error *err);
enum ecsb_status ecsb_imds_region(struct ecsb_imds *m, char **out, struct ecsb_error *err);
enum ecsb_status ecsb_imds_identity_document(struct ecsb_imds *m, struct ecsb_buf *raw, struct ecsb_json **doc,
                                             struct ecsb_error *err);
/* The first role under iam/security-credentials/ and its credentials. */
enum ecsb_status ecsb_imds_role_credentials(struct ecsb_imds *m, struct ecsb_credentials *out,
                                            struct ecsb_error *err);

#endif
