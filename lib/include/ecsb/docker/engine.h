/* engine.h: a small Docker Engine API client (the calls image preloading needs).
 *
 * Transport: the HTTP seam (ecsb/aws/http.h) over a unix socket on POSIX
 * (unix:///var/run/docker.sock), the named pipe \\.\pipe\docker_engine on Windows
 * (npipe:////./pipe/docker_engine), or tcp://HOST:PORT; DOCKER_HOST picks one.
 * Every request is versioned (/v1.NN/...) with the version negotiated from
 * /_ping: the engine's API-Version, capped at ours, refused below 1.41.
 *
 * A pull streams one JSON message per line; the parser below reads it as it
 * arrives, so the connection stays open until the engine ends it (closing it
 * cancels the pull and the engine deletes the layers it had finished). */
#ifndef ECSB_DOCKER_ENGINE_H
#define ECSB_DOCKER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/clock.h"
#include "ecsb/base/error.h"
#include "ecsb/base/json.h"

#define ECSB_DOCKER_API_MIN "1.41"
#define ECSB_DOCKER_API_MAX "1.47"

/* This platform's engine endpoint when DOCKER_HOST is unset (one per platform). */
const char *ecsb_docker_default_host(void);

struct ecsb_docker_endpoint {
    char *base_url;    /* "http://localhost" for local endpoints, "http://HOST:PORT" for tcp */
    char *local_path;  /* socket or pipe path; NULL for tcp */
};

/* Parses unix:///path, npipe:////./pipe/NAME, tcp://host:port (http:// too). A
 * clear error naming DOCKER_HOST and the accepted forms otherwise. */
enum ecsb_status ecsb_docker_endpoint_parse(const char *host, struct ecsb_docker_endpoint *out,
                                            struct ecsb_error *err);
void ecsb_docker_endpoint_free(struct ecsb_docker_endpoint *e);

/* The API version to use with an engine that reports `server` ("1.44"): the lower
 * of it and ours. ECSB_ERR_UNSUPPORTED below 1.41, ECSB_ERR_INVALID when unreadable. */
enum ecsb_status ecsb_docker_negotiate(const char *server, char out[16], struct ecsb_error *err);

struct ecsb_http;
struct ecsb_docker {
    struct ecsb_http *http;          /* owned */
    struct ecsb_docker_endpoint ep;
    char api[16];                    /* negotiated; "" until ping */
    long timeout_ms;                 /* ordinary calls (timeouts.docker) */
};

/* The timeout of one ordinary call for a [timeouts] docker setting: the setting, at most a
 * minute. The setting bounds whole waits (a pull, the engine's start at boot); a single
 * request that takes a minute is not coming back. */
long ecsb_docker_call_timeout_ms(long long docker_ns);

/* host: a DOCKER_HOST value, or NULL for getenv("DOCKER_HOST") else the platform default. */
enum ecsb_status ecsb_docker_open(struct ecsb_docker *d, const char *host, long timeout_ms, struct ecsb_error *err);
void ecsb_docker_close(struct ecsb_docker *d);

/* GET /_ping and negotiate the version (done by the other calls when needed). */
enum ecsb_status ecsb_docker_ping(struct ecsb_docker *d, struct ecsb_error *err);
/* Pings until the engine answers or wait_ms passed (the engine may start after us at boot). */
enum ecsb_status ecsb_docker_wait(struct ecsb_docker *d, long wait_ms, const struct ecsb_clock *clock,
                                  struct ecsb_error *err);
/* GET /version and GET /info: the parsed JSON (caller frees). */
enum ecsb_status ecsb_docker_version(struct ecsb_docker *d, struct ecsb_json **out, struct ecsb_error *err);
enum ecsb_status ecsb_docker_info(struct ecsb_docker *d, struct ecsb_json **out, struct ecsb_error *err);
/* GET /images/json: the parsed array. */
enum ecsb_status ecsb_docker_image_list(struct ecsb_docker *d, struct ecsb_json **out, struct ecsb_error *err);
/* GET /networks/{name}: the parsed object (`docker network inspect NAME`). ECSB_ERR_NOT_FOUND
 * when the engine has no such network. */
enum ecsb_status ecsb_docker_network_inspect(struct ecsb_docker *d, const char *name, struct ecsb_json **out,
                                             struct ecsb_error *err);

struct ecsb_docker_image {
    char *id, *os, *os_version;      /* os_version "10.0.20348.2762"; "" when the image has none */
    int64_t size;
    char **layer_dirs;               /* GraphDriver.Data paths (UpperDir, LowerDir parts, dir) */
    size_t n_layer_dirs;
    char *driver;                    /* GraphDriver.Name: "windowsfilter", "overlay2", "vfs" */
    char **diff_ids;                 /* RootFS.Layers, base first */
    size_t n_diff_ids;
};
/* GET /images/{ref}/json. ECSB_ERR_NOT_FOUND when the engine has no such image. */
enum ecsb_status ecsb_docker_image_inspect(struct ecsb_docker *d, const char *ref, struct ecsb_docker_image *out,
                                           struct ecsb_error *err);
void ecsb_docker_image_free(struct ecsb_docker_image *img);

/* The build field of "10.0.BUILD.REV", or 0 when absent. */
unsigned ecsb_docker_build_of(const char *os_version);

/* ---- The pull progress stream ---- */
struct ecsb_pull_progress {
    int64_t downloaded, download_total; /* bytes, summed over the layers seen */
    int64_t extracted, extract_total;
    unsigned layers, layers_done, layers_present; /* "Pull complete" / "Already exists" */
    const char *last_status;             /* the latest status word (valid during the callback) */
};
typedef void (*ecsb_pull_progress_fn)(void *ctx, const struct ecsb_pull_progress *p);

struct pull_layer;
/* Reads the stream incrementally: feed any split of the bytes, in order. */
struct ecsb_pull_stream {
    struct ecsb_buf pending;             /* a partial line */
    struct pull_layer *layers;
    size_t n_layers, cap_layers;
    struct ecsb_pull_progress progress;
    char *error;                         /* the first errorDetail.message (or error), or NULL */
    char *digest;                        /* "sha256:..." from "Digest: ..." */
    char *final_status;                  /* "Status: ..." */
    bool bad_message;                    /* a line that was not JSON */
    bool skipping;                       /* inside an over-long line */
    ecsb_pull_progress_fn on_progress;
    void *ctx;
};
/* True for engine messages that another attempt will not change (an unknown image
 * or tag, denied access, no entry for this platform): ECSB_ERR_NOT_FOUND, no retry. */
bool ecsb_pull_error_permanent(const char *message);
void ecsb_pull_stream_init(struct ecsb_pull_stream *s, ecsb_pull_progress_fn fn, void *ctx);
void ecsb_pull_stream_feed(struct ecsb_pull_stream *s, const char *data, size_t len);
/* End of stream: parses a last unterminated line. ECSB_OK only when no error was
 * reported and the stream ended with a final status; else a message in err. */
enum ecsb_status ecsb_pull_stream_finish(struct ecsb_pull_stream *s, const char *ref, struct ecsb_error *err);
void ecsb_pull_stream_free(struct ecsb_pull_stream *s);

/* POST /images/create?fromImage=NAME&tag=TAG (or @digest). auth: the
 * X-Registry-Auth value (ecsb_docker_auth_header) or NULL. Reads the whole stream;
 * idle_ms bounds a stalled stream only. Any errorDetail fails the pull. */
enum ecsb_status ecsb_docker_pull(struct ecsb_docker *d, const char *ref, const char *auth, long idle_ms,
                                  ecsb_pull_progress_fn fn, void *ctx, struct ecsb_error *err);

/* X-Registry-Auth: base64url (padded) of {"username","password","serveraddress"}.
 * The caller registers password with its masker before calling. Caller frees. */
char *ecsb_docker_auth_header(const char *username, const char *password, const char *server);

/* Splits "reg/repo:tag" or "repo@sha256:..." into name and tag/digest. A reference
 * with neither is refused: the engine would pull every tag. */
enum ecsb_status ecsb_docker_ref_split(const char *ref, char **name, char **tag, bool *is_digest,
                                       struct ecsb_error *err);

#endif
