/* api_error.c: AWS error bodies -> code + one-line message, retry and status
 * classification, operator hints, and secret scrubbing. */
#include <stdio.h>
#include <string.h>

#include "ecsb/aws/client.h"
#include "ecsb/base/json.h"
#include "ecsb/base/strutil.h"

/* Copies s[0..n) into out as one printable line: control characters and runs of
 * whitespace become a single space, so a body can never forge extra log lines. */
static void copy_line(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f) {
            space = o > 0;
            continue;
        }
        if (ch == ' ') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < cap)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
}

/* "aws.protocols#ThrottlingException" -> "ThrottlingException"; also drops the
 * ":http://internal..." suffix some services append. */
static void set_code(struct ecsb_aws_error_info *out, const char *s, size_t n)
{
    const char *hash = memchr(s, '#', n);
    if (hash) {
        n -= (size_t)(hash + 1 - s);
        s = hash + 1;
    }
    const char *colon = memchr(s, ':', n);
    if (colon)
        n = (size_t)(colon - s);
    copy_line(out->code, sizeof out->code, s, n);
}

static bool parse_json_error(const char *body, size_t len, struct ecsb_aws_error_info *out)
{
    struct ecsb_json *doc = NULL;
    struct ecsb_error jerr;
    if (ecsb_json_parse(body, len, NULL, &doc, &jerr) != ECSB_OK)
        return false;
    bool ok = false;
    if (doc->type == ECSB_JSON_OBJECT) {
        const char *type = ecsb_json_get_string(doc, "__type");
        if (!type)
            type = ecsb_json_get_string(doc, "code");
        if (!type)
            type = ecsb_json_get_string(doc, "Code");
        const char *msg = ecsb_json_get_string(doc, "message");
        if (!msg)
            msg = ecsb_json_get_string(doc, "Message");
        if (!msg)
            msg = ecsb_json_get_string(doc, "errorMessage");
        if (type)
            set_code(out, type, strlen(type));
        if (msg)
            copy_line(out->message, sizeof out->message, msg, strlen(msg));
        ok = type || msg;
    }
    ecsb_json_free(doc);
    return ok;
}

/* Finds the text of the first <tag>...</tag> in an XML body. Enough for the flat
 * error documents AWS query services and moto send; entities are decoded later. */
static const char *xml_text(const char *body, size_t len, const char *tag, size_t *n)
{
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    size_t ol = strlen(open), cl = strlen(close);
    for (size_t i = 0; i + ol <= len; i++) {
        if (memcmp(body + i, open, ol) != 0)
            continue;
        size_t start = i + ol;
        for (size_t j = start; j + cl <= len; j++) {
            if (memcmp(body + j, close, cl) == 0) {
                *n = j - start;
                return body + start;
            }
        }
        return NULL;
    }
    return NULL;
}

static void xml_unescape(char *s)
{
    static const struct { const char *ent; char ch; } ents[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&amp;", '&'},
    };
    char *w = s;
    for (const char *r = s; *r;) {
        bool done = false;
        for (size_t k = 0; k < sizeof ents / sizeof ents[0] && *r == '&'; k++) {
            size_t l = strlen(ents[k].ent);
            if (strncmp(r, ents[k].ent, l) == 0) {
                *w++ = ents[k].ch;
                r += l;
                done = true;
                break;
            }
        }
        if (!done)
            *w++ = *r++;
    }
    *w = '\0';
}

static bool parse_xml_error(const char *body, size_t len, struct ecsb_aws_error_info *out)
{
    size_t cn = 0, mn = 0;
    const char *code = xml_text(body, len, "Code", &cn);
    const char *msg = xml_text(body, len, "Message", &mn);
    if (!code && !msg)
        return false;
    if (code) {
        set_code(out, code, cn);
        xml_unescape(out->code);
    }
    if (msg) {
        copy_line(out->message, sizeof out->message, msg, mn);
        xml_unescape(out->message);
    }
    return true;
}

void ecsb_aws_parse_error(long status, const char *body, size_t len, struct ecsb_aws_error_info *out)
{
    memset(out, 0, sizeof *out);
    out->status = status;
    if (!body)
        len = 0;
    size_t i = 0;
    while (i < len && ecsb_is_space((unsigned char)body[i]))
        i++;
    if (i < len && body[i] == '{' && parse_json_error(body + i, len - i, out))
        return;
    if (i < len && body[i] == '<' && parse_xml_error(body + i, len - i, out))
        return;
    if (len - i > 0) {
        size_t n = len - i < 200 ? len - i : 200;
        copy_line(out->message, sizeof out->message, body + i, n);
    } else {
        snprintf(out->message, sizeof out->message, "HTTP %ld with an empty body", status);
    }
}

bool ecsb_aws_error_is_throttling(const char *code)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    };
    for (size_t i = 0; code && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(code, codes[i]) == 0)
            return true;
    return false;
}

bool ecsb_aws_error_retryable(const struct ecsb_aws_error_info *e)
{
    static const char *const transient[] = {
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "ServiceUnavailable", "ServerException", "IDPCommunicationError",
    };
    if (ecsb_aws_error_is_throttling(e->code))
        return true;
    for (size_t i = 0; i < sizeof transient / sizeof transient[0]; i++)
        if (strcmp(e->code, transient[i]) == 0)
            return true;
    return e->status == 429 || e->status == 500 || e->status == 502 || e->status == 503 || e->status == 504;
}

enum ecsb_status ecsb_aws_error_status(const struct ecsb_aws_error_info *e)
{
    static const char *const auth[] = {
        "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException", "IncompleteSignature",
        "MissingAuthenticationToken", "MissingAuthenticationTokenException", "InvalidSignatureException",
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "AccessDenied", "AccessDeniedException",
        "AuthFailure", "InvalidAccessKeyId", "NotAuthorized",
    };
    for (size_t i = 0; i < sizeof auth / sizeof auth[0]; i++)
        if (strcmp(e->code, auth[i]) == 0)
            return ECSB_ERR_AUTH;
    size_t n = strlen(e->code);
    if ((n > 8 && strcmp(e->code + n - 8, "NotFound") == 0) ||
        (n > 17 && strcmp(e->code + n - 17, "NotFoundException") == 0))
        return ECSB_ERR_NOT_FOUND;
    if (e->status == 401 || e->status == 403)
        return ECSB_ERR_AUTH;
    return ECSB_ERR_AWS;
}

const char *ecsb_aws_error_hint(const char *code, long status)
{
    static const struct { const char *code, *hint; } hints[] = {
        {"SignatureDoesNotMatch", "check the secret access key (AWS_SECRET_ACCESS_KEY or the instance role) "
                                  "and that the system clock is correct"},
        {"InvalidSignatureException", "check the secret access key and that the system clock is correct"},
        {"IncompleteSignature", "the request was not fully signed: report this as a bug"},
        {"InvalidClientTokenId", "the access key id is unknown: check AWS_ACCESS_KEY_ID or the instance role"},
        {"UnrecognizedClientException", "the access key id or session token is unknown: check the credentials"},
        {"InvalidAccessKeyId", "the access key id is unknown: check AWS_ACCESS_KEY_ID"},
        {"MissingAuthenticationToken", "no credentials were sent: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                                       "or attach an instance role"},
        {"ExpiredToken", "the session token expired: refresh the credentials (AWS_SESSION_TOKEN)"},
        {"ExpiredTokenException", "the session token expired: refresh the credentials (AWS_SESSION_TOKEN)"},
        {"RequestExpired", "the request date is too far from AWS time: fix the system clock"},
        {"AccessDenied", "grant this action to the IAM user or instance role"},
        {"AccessDeniedException", "grant this action to the IAM user or instance role"},
        {"ParameterNotFound", "check the parameter name and the region, or create the parameter"},
        {"ClusterNotFoundException", "create the cluster or fix the cluster name (ECS_CLUSTER)"},
        {"InvalidParameterException", "check the request arguments"},
        {"ValidationException", "check the request arguments"},
    };
    for (size_t i = 0; code && i < sizeof hints / sizeof hints[0]; i++)
        if (strcmp(code, hints[i].code) == 0)
            return hints[i].hint;
    if (ecsb_aws_error_is_throttling(code))
        return "the service throttled the calls: lower the request rate";
    if (status >= 500)
        return "the service failed; retry later";
    return "see the AWS API reference for this error";
}

void ecsb_aws_scrub(char *s, size_t cap, const char *const *secrets, size_t n)
{
    (void)cap; /* "***" is never longer than a secret worth scrubbing (>= 3 chars) */
    for (size_t k = 0; k < n; k++) {
        const char *sec = secrets[k];
        size_t sl = sec ? strlen(sec) : 0;
        if (sl < 3)
            continue;
        char *p = s;
        while ((p = strstr(p, sec)) != NULL) { /* resumes after the mask: a secret of '*' terminates */
            memcpy(p, "***", 3);
            memmove(p + 3, p + sl, strlen(p + sl) + 1);
            p += 3;
        }
    }
}

void ecsb_aws_scrub_copy(const char *s, size_t n, const char *const *secrets, size_t k, struct ecsb_buf *out)
{
    ecsb_buf_reset(out);
    for (size_t i = 0; i < n;) {
        size_t hit = 0;
        for (size_t j = 0; j < k && !hit; j++) {
            size_t sl = secrets[j] ? strlen(secrets[j]) : 0;
            if (sl >= 3 && sl <= n - i && memcmp(s + i, secrets[j], sl) == 0)
                hit = sl;
        }
        if (hit) { /* the output is never scanned again, so any secret text ends the loop */
            ecsb_buf_puts(out, "***");
            i += hit;
        } else {
            ecsb_buf_putc(out, s[i++]);
        }
    }
}
