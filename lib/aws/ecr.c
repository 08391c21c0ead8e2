/* ecr.c: Amazon ECR GetAuthorizationToken and its token (ecsb/aws/ecr.h). */
#include "ecsb/aws/ecr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/base64.h"
#include "ecsb/base/buf.h"
#include "request.h"

/* API host api.ecr.<region>.<suffix>; signing name "ecr"; AWS_ENDPOINT_URL_ECR. */
const struct ecsb_aws_service ecsb_aws_ecr = {"ECR", "ecr", "api.ecr", "AmazonEC2ContainerRegistry_V20150921", "ECR"};

static bool copy_part(const char *s, size_t n, char *out, size_t cap)
{
    if (!out) return true;
    if (n + 1 > cap) return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

bool ecsb_ecr_registry(const char *registry, char *region, size_t region_cap, char *account, size_t account_cap)
{
    static const char mid[] = ".dkr.ecr.";
    if (!registry) return false;
    size_t i = 0;
    while (isdigit((unsigned char)registry[i])) i++;
    if (i != 12 || strncmp(registry + i, mid, sizeof mid - 1) != 0) return false;
    const char *r = registry + i + sizeof mid - 1, *dot = strchr(r, '.');
    if (!dot || dot == r || (strcmp(dot, ".amazonaws.com") != 0 && strcmp(dot, ".amazonaws.com.cn") != 0))
        return false;
    for (const char *p = r; p < dot; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-') return false;
    return copy_part(r, (size_t)(dot - r), region, region_cap) && copy_part(registry, i, account, account_cap);
}

enum ecsb_status ecsb_ecr_parse_token(const struct ecsb_json *resp, struct ecsb_ecr_token *out,
                                      struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    const struct ecsb_json *d = ecsb_json_at(ecsb_json_get(resp, "authorizationData"), 0);
    const char *tok = ecsb_json_get_string(d, "authorizationToken");
    if (!tok)
        return ecsb_error_set(err, ECSB_ERR_AWS, "ECR GetAuthorizationToken: no authorizationData[0]."
                              "authorizationToken in the response");
    struct ecsb_buf plain = ECSB_BUF_INIT;
    const char *colon = NULL;
    size_t bad;
    const char *why;
    if (ecsb_base64_decode(tok, strlen(tok), false, &plain, &bad, &why) && plain.len &&
        !memchr(plain.data, '\0', plain.len))
        colon = strchr(plain.data, ':');
    enum ecsb_status st = ECSB_OK;
    if (!colon || colon == plain.data) {
        st = ecsb_error_set(err, ECSB_ERR_AWS, "ECR GetAuthorizationToken: the authorizationToken is not "
                            "base64 of 'user:password' (%zu characters; not shown)", strlen(tok));
    } else {
        out->username = ecsb_xstrndup(plain.data, (size_t)(colon - plain.data));
        out->password = ecsb_xstrdup(colon + 1);
        const char *ep = ecsb_json_get_string(d, "proxyEndpoint");
        out->endpoint = ecsb_xstrdup(ep ? ep : "");
    }
    /* plain holds the password: wipe before freeing */
    if (plain.data) memset(plain.data, 0, plain.len);
    ecsb_buf_free(&plain);
    return st;
}

enum ecsb_status ecsb_ecr_get_token(struct ecsb_aws_client *c, const char *account, struct ecsb_masker *masker,
                                    struct ecsb_ecr_token *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    struct ecsb_aws_request r;
    ecsb_aws_request_begin(&r);
    if (account) ecsb_aws_request_strings(&r, "registryIds", &account, 1);
    struct ecsb_json *resp = NULL;
    enum ecsb_status st = ecsb_aws_request_send(&r, c, &ecsb_aws_ecr, "GetAuthorizationToken", &resp, err);
    if (st == ECSB_OK) {
        const struct ecsb_json *d = ecsb_json_at(ecsb_json_get(resp, "authorizationData"), 0);
        if (masker) ecsb_masker_add(masker, ecsb_json_get_string(d, "authorizationToken"));
        st = ecsb_ecr_parse_token(resp, out, err);
        if (st == ECSB_OK && masker) ecsb_masker_add(masker, out->password);
    }
    ecsb_json_free(resp);
    return st;
}

void ecsb_ecr_token_free(struct ecsb_ecr_token *t)
{
    if (t->password) memset(t->password, 0, strlen(t->password));
    free(t->username);
    free(t->password);
    free(t->endpoint);
    memset(t, 0, sizeof *t);
}
