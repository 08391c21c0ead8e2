/* credentials.c: environment and instance-role credentials, and the caching chain
 * (environment, shared files in profile.c, instance role). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/buf.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/json.h"

enum ecsb_status ecsb_credentials_from_env(ecsb_getenv_fn env, struct ecsb_credentials *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    const char *id = ecsb_env(env, "AWS_ACCESS_KEY_ID");
    const char *secret = ecsb_env(env, "AWS_SECRET_ACCESS_KEY");
    const char *token = ecsb_env(env, "AWS_SESSION_TOKEN");
    if (!id && !secret)
        return ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    if (!id || !secret)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "%s is set but %s is not -- set both or neither",
                              id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                              id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    out->access_key_id = ecsb_xstrdup(id);
    out->secret_access_key = ecsb_xstrdup(secret);
    out->session_token = token ? ecsb_xstrdup(token) : NULL;
    out->source = ecsb_xstrdup("environment");
    return ECSB_OK;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool ecsb_parse_iso8601_utc(const char *s, long long *epoch)
{
    if (!s || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        s[13] != ':' || s[16] != ':')
        return false;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
        se > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (!(strcmp(p, "Z") == 0 || strcmp(p, "z") == 0 || strcmp(p, "+00:00") == 0))
        return false;
    *epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}

enum ecsb_status ecsb_credentials_from_imds_json(const char *json, size_t len, const char *role,
                                                 struct ecsb_credentials *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    struct ecsb_json *doc = NULL;
    if (ecsb_json_parse(json, len, NULL, &doc, err) != ECSB_OK)
        return ecsb_error_prefix(err, "IMDS credentials for role %s: ", role);
    const char *code = ecsb_json_get_string(doc, "Code");
    const char *id = ecsb_json_get_string(doc, "AccessKeyId");
    const char *secret = ecsb_json_get_string(doc, "SecretAccessKey");
    const char *token = ecsb_json_get_string(doc, "Token");
    const char *exp = ecsb_json_get_string(doc, "Expiration");
    long long when = 0;
    enum ecsb_status st = ECSB_OK;
    if (code && strcmp(code, "Success") != 0)
        st = ecsb_error_set(err, ECSB_ERR_AUTH, "IMDS credentials for role %s: Code is '%s' -- check the role's "
                            "trust policy and instance profile", role, code);
    else if (!id || !*id || !secret || !*secret)
        st = ecsb_error_set(err, ECSB_ERR_INVALID, "IMDS credentials for role %s: AccessKeyId or SecretAccessKey "
                            "is missing", role);
    else if (exp && !ecsb_parse_iso8601_utc(exp, &when))
        st = ecsb_error_set(err, ECSB_ERR_INVALID, "IMDS credentials for role %s: Expiration '%.40s' is not an "
                            "ISO 8601 UTC time", role, exp);
    if (st == ECSB_OK) {
        out->access_key_id = ecsb_xstrdup(id);
        out->secret_access_key = ecsb_xstrdup(secret);
        out->session_token = token && *token ? ecsb_xstrdup(token) : NULL;
        out->expiration = when;
        struct ecsb_buf src = ECSB_BUF_INIT;
        ecsb_buf_printf(&src, "instance role %s", role);
        out->source = ecsb_buf_detach(&src);
    }
    ecsb_json_free(doc);
    return st;
}

static char *dup_or_null(const char *s)
{
    return s ? ecsb_xstrdup(s) : NULL;
}

void ecsb_credentials_copy(struct ecsb_credentials *dst, const struct ecsb_credentials *src)
{
    dst->access_key_id = dup_or_null(src->access_key_id);
    dst->secret_access_key = dup_or_null(src->secret_access_key);
    dst->session_token = dup_or_null(src->session_token);
    dst->source = dup_or_null(src->source);
    dst->expiration = src->expiration;
}

void ecsb_cred_chain_init(struct ecsb_cred_chain *c, struct ecsb_imds *imds, ecsb_getenv_fn env)
{
    memset(c, 0, sizeof *c);
    c->imds = imds;
    c->env = env;
    c->refresh_early_s = 300;
}

void ecsb_cred_chain_invalidate(struct ecsb_cred_chain *c)
{
    if (c->have)
        ecsb_credentials_free(&c->current);
    memset(&c->current, 0, sizeof c->current);
    c->have = false;
}

void ecsb_cred_chain_free(struct ecsb_cred_chain *c)
{
    ecsb_cred_chain_invalidate(c);
}

enum ecsb_status ecsb_cred_chain_get(struct ecsb_cred_chain *c, const struct ecsb_credentials **out,
                                     struct ecsb_error *err)
{
    long long now = ecsb_clock_wall(&c->clock);
    if (c->have && (c->current.expiration == 0 || now < c->current.expiration - c->refresh_early_s)) {
        *out = &c->current;
        return ECSB_OK;
    }
    struct ecsb_credentials fresh;
    enum ecsb_status st = ecsb_credentials_from_env(c->env, &fresh, err);
    if (st == ECSB_ERR_NOT_FOUND) {
        ecsb_error_clear(err);
        st = ecsb_credentials_from_profile(c->env, &fresh, err);
    }
    if (st == ECSB_ERR_NOT_FOUND && c->imds) {
        ecsb_error_clear(err);
        st = ecsb_imds_role_credentials(c->imds, &fresh, err);
        if (st != ECSB_OK)
            ecsb_error_prefix(err, "no credentials in the environment or the shared credentials files, and the "
                              "instance role failed: ");
    } else if (st == ECSB_ERR_NOT_FOUND) {
        return ecsb_error_set(err, ECSB_ERR_AUTH, "no AWS credentials -- set AWS_ACCESS_KEY_ID and "
                              "AWS_SECRET_ACCESS_KEY, add them to ~/.aws/credentials, or run on an instance with "
                              "an IAM role");
    }
    if (st != ECSB_OK) {
        /* Still-valid old credentials beat none when a refresh fails transiently. */
        if (c->have && (c->current.expiration == 0 || now < c->current.expiration)) {
            ecsb_error_clear(err);
            *out = &c->current;
            return ECSB_OK;
        }
        return st;
    }
    ecsb_cred_chain_invalidate(c);
    c->current = fresh;
    c->have = true;
    *out = &c->current;
    return ECSB_OK;
}
