/* credentials.h: where AWS credentials come from. A chain tries the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the shared
 * credentials and config files (a profile's static keys), then the instance role
 * through IMDS, caches the result, and fetches role credentials
 * again shortly before they expire. struct ecsb_credentials is in ecsb/sigv4.h. */
#ifndef ECSB_CREDENTIALS_H
#define ECSB_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/clock.h"
#include "ecsb/base/error.h"
#include "ecsb/aws/sigv4.h"

struct ecsb_imds;

/* ECSB_ERR_NOT_FOUND when neither key variable is set; ECSB_ERR_INVALID when only
 * one of the pair is (the message names the missing one). */
enum ecsb_status ecsb_credentials_from_env(ecsb_getenv_fn env, struct ecsb_credentials *out, struct ecsb_error *err);

/* A profile of the shared files: AWS_SHARED_CREDENTIALS_FILE (default
 * <home>/.aws/credentials, sections [NAME]) and AWS_CONFIG_FILE (default
 * <home>/.aws/config, sections [profile NAME] and [default]); the profile is
 * AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default". The credentials file wins
 * over the config file key by key; region, retry_mode and max_attempts come from
 * the config file only. A file
 * that does not exist is not an error; a line that is neither a section nor
 * key = value is (ECSB_ERR_INVALID naming file:line, never the line's text). */
struct ecsb_aws_profile {
    char *name;
    const char *named_by;   /* "AWS_PROFILE", "AWS_DEFAULT_PROFILE" or NULL (the default) */
    char *credentials_file; /* NULL when there is no home directory to find it in */
    char *config_file;
    bool found;             /* a section of that name is in either file */
    char *access_key_id, *secret_access_key, *session_token; /* NULL when absent */
    char *region, *retry_mode, *max_attempts;                /* NULL when absent */
};
enum ecsb_status ecsb_aws_profile_load(ecsb_getenv_fn env, struct ecsb_aws_profile *out, struct ecsb_error *err);
void ecsb_aws_profile_free(struct ecsb_aws_profile *p);

/* The profile's static keys. ECSB_ERR_NOT_FOUND when the default profile has none
 * (the chain goes on); ECSB_ERR_INVALID when a named profile is in neither file
 * (the message names the profile and both files) or has only one of the pair. */
enum ecsb_status ecsb_credentials_from_profile(ecsb_getenv_fn env, struct ecsb_credentials *out,
                                               struct ecsb_error *err);
/* The profile's region from the config file (malloc'd), NULL when none. */
char *ecsb_aws_profile_region(ecsb_getenv_fn env);

/* Parses the IMDS role document ({Code, AccessKeyId, SecretAccessKey, Token, Expiration}). */
enum ecsb_status ecsb_credentials_from_imds_json(const char *json, size_t len, const char *role,
                                                 struct ecsb_credentials *out, struct ecsb_error *err);

/* "2024-01-31T12:00:00Z" (fractional seconds and "+00:00" accepted) -> epoch seconds. */
bool ecsb_parse_iso8601_utc(const char *s, long long *epoch);

void ecsb_credentials_copy(struct ecsb_credentials *dst, const struct ecsb_credentials *src);

struct ecsb_cred_chain {
    ecsb_getenv_fn env;        /* NULL = getenv */
    struct ecsb_imds *imds;    /* not owned; NULL = environment only */
    struct ecsb_clock clock;   /* wall time decides expiry */
    long refresh_early_s;      /* default 300 */
    struct ecsb_credentials current;
    bool have;
};

void ecsb_cred_chain_init(struct ecsb_cred_chain *c, struct ecsb_imds *imds, ecsb_getenv_fn env);
/* *out stays valid until the next call on the chain. */
enum ecsb_status ecsb_cred_chain_get(struct ecsb_cred_chain *c, const struct ecsb_credentials **out,
                                     struct ecsb_error *err);
/* Forget the cache (the service said the token expired). */
void ecsb_cred_chain_invalidate(struct ecsb_cred_chain *c);
void ecsb_cred_chain_free(struct ecsb_cred_chain *c);

#endif
