/* aws_call: a test client for the integration scripts.
 *   aws_call ecs|ssm ACTION '<json body>'   signed JSON 1.1 call; prints the response
 *   aws_call imds userdata|region|instance-id|identity|credentials
 *   aws_call ssm-path PATH        GetParametersByPath, every page (prints "<count>" then names)
 *   aws_call ssm-get NAME         GetParameter; prints the value
 * AWS_CALL_DEADLINE_MS sets the retry deadline; AWS_CALL_SHOW_ATTEMPTS=1 prints the tries.
 * Credentials: environment, then the instance role via IMDS (unless
 * AWS_EC2_METADATA_DISABLED=true). Region: AWS_REGION, then AWS_DEFAULT_REGION.
 * IMDS tuning: AWS_METADATA_SERVICE_TIMEOUT (seconds per try),
 * AWS_METADATA_SERVICE_NUM_ATTEMPTS, ECSB_IMDS_DEADLINE_MS.
 * Errors: one line on stderr, exit 1 (2 for usage). Secrets are never printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/client.h"
#include "ecsb/aws/ecs.h"
#include "ecsb/aws/ssm.h"
#include "ecsb/aws/credentials.h"
#include "ecsb/aws/imds.h"
#include "ecsb/base/json.h"
#include "ecsb/base/strutil.h"

static int usage(void)
{
    fprintf(stderr, "usage: aws_call ecs|ssm ACTION '<json body>'\n"
                    "       aws_call imds userdata|region|instance-id|identity|credentials\n"
                    "       aws_call ssm-path PATH | ssm-get NAME\n");
    return 2;
}

static void print_json(const struct ecsb_json *doc)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &b, 2);
    ecsb_jw_value(&w, doc);
    printf("%s\n", ecsb_buf_cstr(&b));
    ecsb_buf_free(&b);
}

static void imds_config(struct ecsb_imds_config *cfg)
{
    ecsb_imds_config_defaults(cfg);
    const char *v = ecsb_env(NULL, "AWS_METADATA_SERVICE_TIMEOUT");
    if (v && atol(v) > 0)
        cfg->per_try_timeout_ms = atol(v) * 1000;
    v = ecsb_env(NULL, "AWS_METADATA_SERVICE_NUM_ATTEMPTS");
    if (v && atoi(v) > 0)
        cfg->max_attempts = atoi(v);
    v = ecsb_env(NULL, "ECSB_IMDS_DEADLINE_MS");
    if (v && atol(v) > 0)
        cfg->deadline_ms = atol(v);
}

static enum ecsb_status aws_cmd(struct ecsb_aws_client *client, int argc, char **argv, struct ecsb_error *err)
{
    const char *v = ecsb_env(NULL, "AWS_CALL_DEADLINE_MS");
    if (v && atol(v) > 0) {
        ecsb_aws_retry_set_deadline(&client->retry, atol(v));
        ecsb_aws_retry_name_deadline(&client->retry, "AWS_CALL_DEADLINE_MS");
    }
    struct ecsb_json *doc = NULL;
    enum ecsb_status st;
    if (strcmp(argv[1], "ssm-path") == 0) {
        st = ecsb_ssm_get_parameters_by_path(client, argv[2], true, &doc, err);
        struct ecsb_json *p = ecsb_json_get(doc, "Parameters");
        if (st == ECSB_OK) {
            printf("%zu\n", p ? p->count : 0);
            for (size_t i = 0; p && i < p->count; i++)
                printf("%s\n", ecsb_json_get_string(p->items[i], "Name"));
        }
    } else if (strcmp(argv[1], "ssm-get") == 0) {
        char *value = NULL;
        st = ecsb_ssm_get_parameter(client, argv[2], false, &value, err);
        if (st == ECSB_OK)
            printf("%s\n", value);
        free(value);
    } else {
        const struct ecsb_aws_service *svc = argv[1][0] == 'e' ? &ecsb_aws_ecs : &ecsb_aws_ssm;
        st = ecsb_aws_call(client, svc, argv[2], argc > 3 ? argv[3] : "{}", &doc, err);
        if (st == ECSB_OK)
            print_json(doc);
    }
    ecsb_json_free(doc);
    return st;
}

static enum ecsb_status imds_cmd(struct ecsb_imds *m, const char *what, struct ecsb_error *err)
{
    enum ecsb_status st = ECSB_ERR_INVALID;
    char *s = NULL;
    if (strcmp(what, "userdata") == 0) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        bool present;
        st = ecsb_imds_user_data(m, &b, &present, err);
        if (st == ECSB_OK && present)
            fwrite(b.data ? b.data : "", 1, b.len, stdout);
        else if (st == ECSB_OK)
            fprintf(stderr, "no user data\n");
        ecsb_buf_free(&b);
    } else if (strcmp(what, "region") == 0 || strcmp(what, "instance-id") == 0) {
        st = what[0] == 'r' ? ecsb_imds_region(m, &s, err) : ecsb_imds_instance_id(m, &s, err);
        if (st == ECSB_OK)
            printf("%s\n", s);
    } else if (strcmp(what, "identity") == 0) {
        struct ecsb_buf raw = ECSB_BUF_INIT;
        struct ecsb_json *doc = NULL;
        st = ecsb_imds_identity_document(m, &raw, &doc, err);
        if (st == ECSB_OK)
            print_json(doc);
        ecsb_json_free(doc);
        ecsb_buf_free(&raw);
    } else if (strcmp(what, "credentials") == 0) {
        struct ecsb_credentials c;
        st = ecsb_imds_role_credentials(m, &c, err);
        if (st == ECSB_OK) {
            /* The key id is not secret; the secret and token are only said to exist. */
            printf("source: %s\naccess_key_id: %s\nsecret_access_key: %s\nsession_token: %s\nexpiration: %lld\n",
                   c.source, c.access_key_id, c.secret_access_key[0] ? "present" : "missing",
                   c.session_token ? "present" : "none", c.expiration);
            ecsb_credentials_free(&c);
        }
    } else {
        st = ecsb_error_set(err, ECSB_ERR_INVALID, "unknown imds item '%s'", what);
    }
    free(s);
    return st;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    struct ecsb_error err = {0};
    struct ecsb_http *http = NULL;
    if (ecsb_http_new(&http, &err) != ECSB_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    struct ecsb_imds imds;
    struct ecsb_imds_config icfg;
    imds_config(&icfg);
    enum ecsb_status st = ecsb_imds_init(&imds, http, &icfg, NULL, &err);
    const char *disabled = ecsb_env(NULL, "AWS_EC2_METADATA_DISABLED");
    bool use_imds = !(disabled && ecsb_strcaseeq(disabled, "true"));
    if (st == ECSB_OK && strcmp(argv[1], "imds") == 0) {
        st = imds_cmd(&imds, argv[2], &err);
    } else if (st == ECSB_OK && (strcmp(argv[1], "ecs") == 0 || strcmp(argv[1], "ssm") == 0 ||
                                 strcmp(argv[1], "ssm-path") == 0 || strcmp(argv[1], "ssm-get") == 0)) {
        struct ecsb_cred_chain chain;
        ecsb_cred_chain_init(&chain, use_imds ? &imds : NULL, NULL);
        struct ecsb_aws_client client;
        st = ecsb_aws_client_init(&client, http, &chain, NULL, NULL, &err);
        if (st == ECSB_OK)
            st = aws_cmd(&client, argc, argv, &err);
        if (getenv("AWS_CALL_SHOW_ATTEMPTS"))
            fprintf(stderr, "attempts: %d\n", client.last_attempts);
        ecsb_cred_chain_free(&chain);
    } else if (st == ECSB_OK) {
        ecsb_imds_free(&imds);
        ecsb_http_free(http);
        return usage();
    }
    if (st != ECSB_OK)
        fprintf(stderr, "%s\n", err.message);
    ecsb_imds_free(&imds);
    ecsb_http_free(http);
    return st == ECSB_OK ? 0 : 1;
}
