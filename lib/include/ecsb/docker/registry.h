/* registry.h: the check before download. Reads an image's manifest list / OCI index
 * (or single manifest) from its registry over the Registry HTTP API v2, with the
 * bearer-token challenge answered anonymously, and picks the entry for the host
 * build the way the engine does (moby distribution/pull_v2_windows.go): os windows,
 * the host's architecture, the same build (third field of os.version; the revision
 * may differ). The engine pulls an OLDER build without complaint and the first
 * container then fails, so both newer and older builds are refused here, before any
 * layer is downloaded. */
#ifndef ECSB_DOCKER_REGISTRY_H
#define ECSB_DOCKER_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"
#include "ecsb/base/json.h"

struct ecsb_http;

struct ecsb_image_ref {
    char *registry;   /* "mcr.microsoft.com", "127.0.0.1:5000"; docker.io -> "registry-1.docker.io" */
    char *repository; /* "windows/servercore"; docker.io official images get "library/" */
    char *reference;  /* tag or "sha256:..." */
    bool plain_http;  /* loopback registries, as the engine treats 127.0.0.0/8 */
};
enum ecsb_status ecsb_image_ref_parse(const char *ref, struct ecsb_image_ref *out, struct ecsb_error *err);
void ecsb_image_ref_free(struct ecsb_image_ref *r);

/* Picks from a manifest list / OCI index (parsed JSON) the entry for windows/arch
 * with the host build. Returns its index, or -1 with every windows build offered
 * written to offered ("10.0.26100.1, 10.0.17763.5") — empty when no windows entry. */
long ecsb_registry_pick(const struct ecsb_json *index, unsigned host_build, const char *arch,
                        struct ecsb_buf *offered);

struct ecsb_registry_check {
    bool checked;          /* false: the registry gave no build to compare (a non-Windows image) */
    char *os_version;      /* of the chosen entry */
    char *digest;          /* of the chosen manifest */
    int64_t download_size; /* sum of its layers' compressed sizes */
};

/* Reads ref's manifest(s). ECSB_ERR_INVALID with the image, the builds offered and
 * the host build when no entry matches; ECSB_ERR_NOT_FOUND for an unknown image;
 * ECSB_ERR_HTTP/ECSB_ERR_AUTH when the registry could not be asked (callers may pull
 * anyway: the engine's own check and the check after the pull still apply). No
 * layer blob is requested; a single (non-list) manifest costs one small config blob. */
enum ecsb_status ecsb_registry_check(struct ecsb_http *http, const char *ref, unsigned host_build,
                                     long timeout_ms, struct ecsb_registry_check *out, struct ecsb_error *err);
/* Credentials for the check: used only for images on registry ("r.example:5000").
 * A Basic challenge gets them directly, a Bearer challenge's token request carries
 * them as Basic. The caller registers the password with the masker. */
struct ecsb_registry_creds {
    const char *registry, *username, *password;
};
enum ecsb_status ecsb_registry_check_auth(struct ecsb_http *http, const char *ref, unsigned host_build,
                                          long timeout_ms, const struct ecsb_registry_creds *creds,
                                          struct ecsb_registry_check *out, struct ecsb_error *err);
void ecsb_registry_check_free(struct ecsb_registry_check *c);

#endif
