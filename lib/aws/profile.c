/* profile.c: the AWS shared credentials and config files, as the SDKs read them.
 *
 * A small line reader rather than ecsb_ini_parse_string: inih (and our reader,
 * which mirrors it) cuts lines at 199 bytes, and an STS session token alone is
 * several hundred, so a token in ~/.aws/credentials would arrive cut short. The
 * dialect is the SDKs': "[name]" sections ("[profile name]" in the config file),
 * "key = value" lines, ';' or '#' comments, and indented lines after a key are that
 * key's sub-settings (e.g. "s3 =" blocks), never top-level keys. */
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/credentials.h"
#include "ecsb/base/buf.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/strutil.h"

#define PROFILE_FILE_MAX (1024u * 1024u)

/* KEY_REGION and after are config-file keys, as in the SDKs. */
enum { KEY_ID, KEY_SECRET, KEY_TOKEN, KEY_REGION, KEY_RETRY_MODE, KEY_MAX_ATTEMPTS, NKEYS };
static const char *const key_names[NKEYS] = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token",
                                              "region", "retry_mode", "max_attempts"};

struct profile_read {
    const char *profile;
    bool config;  /* the config file: sections are "profile NAME" (and "default") */
    bool in_section;
    bool after_key;
    bool found;
    char *values[NKEYS];
};

/* Does the text inside [...] name our profile in this file? */
static bool section_matches(const struct profile_read *r, const char *sec)
{
    if (!r->config)
        return strcmp(sec, r->profile) == 0;
    if (strcmp(r->profile, "default") == 0 && strcmp(sec, "default") == 0)
        return true;
    if (strncmp(sec, "profile", 7) != 0 || !ecsb_is_space((unsigned char)sec[7]))
        return false;
    const char *name = sec + 7;
    while (ecsb_is_space((unsigned char)*name))
        name++;
    return strcmp(name, r->profile) == 0;
}

static void take_value(struct profile_read *r, const char *key, const char *value)
{
    for (int k = 0; k < NKEYS; k++)
        if (strcmp(key, key_names[k]) == 0) {
            free(r->values[k]);
            r->values[k] = ecsb_xstrdup(value);
        }
}

/* One line, NUL-terminated and writable. false = not a line of this dialect. */
static bool read_line(struct profile_read *r, char *line)
{
    bool indented = ecsb_is_space((unsigned char)line[0]);
    char *s = ecsb_trim(line);
    if (!*s || *s == ';' || *s == '#')
        return true;
    if (*s == '[') {
        char *end = strchr(s, ']');
        if (!end)
            return false;
        *end = '\0';
        r->in_section = section_matches(r, ecsb_trim(s + 1));
        r->found = r->found || r->in_section;
        r->after_key = false;
        return true;
    }
    if (indented && r->after_key)
        return true; /* a sub-setting of the key above */
    char *eq = strchr(s, '=');
    if (!eq)
        return false;
    *eq = '\0';
    r->after_key = true;
    if (r->in_section)
        take_value(r, ecsb_trim(s), ecsb_trim(eq + 1));
    return true;
}

/* Reads path into r; a file that does not exist is no error. */
static enum ecsb_status read_file(struct profile_read *r, const char *path, struct ecsb_error *err)
{
    if (!path || !ecsb_fs_exists(path))
        return ECSB_OK;
    char *text = NULL;
    size_t len = 0;
    enum ecsb_status st = ecsb_fs_read_limited(path, PROFILE_FILE_MAX, &text, &len, err);
    if (st != ECSB_OK)
        return st;
    char *p = text;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    int lineno = 0;
    while (st == ECSB_OK && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (!read_line(r, p))
            st = ecsb_error_set(err, ECSB_ERR_INVALID, "%s:%d: expected 'key = value' or '[section]' -- fix or "
                                "remove the line", path, lineno);
        p = nl ? nl + 1 : p + strlen(p);
    }
    free(text);
    return st;
}

static char *file_path(ecsb_getenv_fn env, const char *var, const char *rel)
{
    const char *set = ecsb_env(env, var);
    return set ? ecsb_xstrdup(set) : ecsb_fs_home_path(env, rel);
}

enum ecsb_status ecsb_aws_profile_load(ecsb_getenv_fn env, struct ecsb_aws_profile *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    const char *name = ecsb_env(env, "AWS_PROFILE");
    out->named_by = name ? "AWS_PROFILE" : NULL;
    if (!name && (name = ecsb_env(env, "AWS_DEFAULT_PROFILE")) != NULL)
        out->named_by = "AWS_DEFAULT_PROFILE";
    out->name = ecsb_xstrdup(name ? name : "default");
    out->credentials_file = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    out->config_file = file_path(env, "AWS_CONFIG_FILE", ".aws/config");
    struct profile_read cfg = {.profile = out->name, .config = true};
    struct profile_read cred = {.profile = out->name};
    enum ecsb_status st = read_file(&cfg, out->config_file, err);
    if (st == ECSB_OK)
        st = read_file(&cred, out->credentials_file, err);
    out->found = cfg.found || cred.found;
    /* The credentials file wins over the config file, key by key, as in the SDKs. */
    char **slots[NKEYS] = {&out->access_key_id, &out->secret_access_key, &out->session_token, &out->region,
                           &out->retry_mode, &out->max_attempts};
    for (int k = 0; k < NKEYS; k++) {
        bool from_cred = k < KEY_REGION && cred.values[k];
        *slots[k] = from_cred ? cred.values[k] : cfg.values[k];
        free(from_cred ? cfg.values[k] : cred.values[k]);
    }
    if (st != ECSB_OK)
        ecsb_aws_profile_free(out);
    return st;
}

void ecsb_aws_profile_free(struct ecsb_aws_profile *p)
{
    free(p->name);
    free(p->credentials_file);
    free(p->config_file);
    free(p->access_key_id);
    free(p->secret_access_key);
    free(p->session_token);
    free(p->region);
    free(p->retry_mode);
    free(p->max_attempts);
    memset(p, 0, sizeof *p);
}

static const char *or_none(const char *path)
{
    return path ? path : "(no home directory)";
}

static enum ecsb_status profile_problem(const struct ecsb_aws_profile *p, struct ecsb_error *err)
{
    if (!p->access_key_id && !p->secret_access_key) {
        if (!p->named_by)
            return ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "no default profile with keys in %s or %s",
                                  or_none(p->credentials_file), or_none(p->config_file));
        if (!p->found)
            return ecsb_error_set(err, ECSB_ERR_INVALID, "profile '%s' (from %s) is in neither %s nor %s -- add "
                                  "[%s] to the credentials file or unset %s", p->name, p->named_by,
                                  or_none(p->credentials_file), or_none(p->config_file), p->name, p->named_by);
    }
    if (!p->access_key_id || !p->secret_access_key)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "profile '%s' in %s / %s has no %s -- set both "
                              "aws_access_key_id and aws_secret_access_key (role_arn, sso and credential_process "
                              "profiles are not supported)", p->name, or_none(p->credentials_file),
                              or_none(p->config_file), p->access_key_id ? "aws_secret_access_key" : "aws_access_key_id");
    return ECSB_OK;
}

enum ecsb_status ecsb_credentials_from_profile(ecsb_getenv_fn env, struct ecsb_credentials *out,
                                               struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    struct ecsb_aws_profile p;
    enum ecsb_status st = ecsb_aws_profile_load(env, &p, err);
    if (st != ECSB_OK)
        return st;
    st = profile_problem(&p, err);
    if (st == ECSB_OK) {
        out->access_key_id = p.access_key_id;
        out->secret_access_key = p.secret_access_key;
        out->session_token = p.session_token;
        p.access_key_id = p.secret_access_key = p.session_token = NULL;
        struct ecsb_buf src = ECSB_BUF_INIT;
        ecsb_buf_printf(&src, "profile %s", p.name);
        out->source = ecsb_buf_detach(&src);
    }
    ecsb_aws_profile_free(&p);
    return st;
}

char *ecsb_aws_profile_region(ecsb_getenv_fn env)
{
    struct ecsb_aws_profile p;
    struct ecsb_error err = {0};
    if (ecsb_aws_profile_load(env, &p, &err) != ECSB_OK)
        return NULL; /* the credential lookup reports a broken file */
    char *region = p.region;
    p.region = NULL;
    ecsb_aws_profile_free(&p);
    return region;
}
