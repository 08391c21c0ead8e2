/* AWS Signature Version 4, header variant, following aws-c-auth's canonicalization
 * (the test suite in ../shared/testdata/sigv4 comes from there). Pure: the caller
 * supplies the time, nothing is read or logged. */
#include "ecsb/aws/sigv4.h"

#include <stdlib.h>
#include <string.h>

#include "ecsb/aws/crypto.h"
#include "ecsb/base/strutil.h"
#include "ecsb/base/uri.h"

void ecsb_credentials_free(struct ecsb_credentials *c)
{
    if (!c) return;
    free(c->access_key_id);
    if (c->secret_access_key) {
        ecsb_secure_zero(c->secret_access_key, strlen(c->secret_access_key));
        free(c->secret_access_key);
    }
    free(c->session_token);
    free(c->source);
    memset(c, 0, sizeof *c);
}

void ecsb_sigv4_result_free(struct ecsb_sigv4_result *r)
{
    if (!r) return;
    ecsb_buf_free(&r->canonical_request);
    ecsb_buf_free(&r->string_to_sign);
    ecsb_buf_free(&r->authorization);
    ecsb_http_headers_free(&r->add_headers);
    memset(r, 0, sizeof *r);
}

/* One header to sign: lower-case name, raw value, position for a stable sort. */
struct sh {
    char *name;
    const char *value;
    size_t order;
};

static int sh_cmp(const void *a, const void *b)
{
    const struct sh *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static bool skipped_header(const char *name)
{
    static const char *const skip[] = {"authorization", "user-agent", "x-amzn-trace-id", "expect",
                                       "connection", "transfer-encoding", "x-amz-date",
                                       "x-amz-security-token", "x-amz-content-sha256"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (ecsb_strcaseeq(name, skip[i])) return true;
    return false;
}

/* Trimmed value with every run of whitespace (folded lines included) as one space. */
static void append_canonical_value(struct ecsb_buf *out, const char *v)
{
    bool pending_space = false, any = false;
    for (; *v; v++) {
        if (ecsb_is_space((unsigned char)*v)) {
            pending_space = any;
            continue;
        }
        if (pending_space) ecsb_buf_putc(out, ' ');
        pending_space = false;
        any = true;
        ecsb_buf_putc(out, *v);
    }
}

static void add_sh(struct sh **list, size_t *n, size_t *cap, const char *name, const char *value)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *list = ecsb_xrealloc(*list, *cap * sizeof **list);
    }
    char *lname = ecsb_xstrdup(name);
    for (char *p = lname; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    (*list)[*n] = (struct sh){lname, value, *n};
    (*n)++;
}

/* Appends "name:value\n" lines (duplicates joined by ',') to cr and the
 * semicolon-separated names to signed_names. */
static void canonical_headers(const struct ecsb_http_headers *req, const struct ecsb_http_headers *added,
                              struct ecsb_buf *cr, struct ecsb_buf *signed_names)
{
    struct sh *list = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; req && i < req->count; i++)
        if (!skipped_header(req->items[i].name)) add_sh(&list, &n, &cap, req->items[i].name, req->items[i].value);
    for (size_t i = 0; i < added->count; i++)
        add_sh(&list, &n, &cap, added->items[i].name, added->items[i].value);
    if (n) qsort(list, n, sizeof *list, sh_cmp);
    for (size_t i = 0; i < n; i++) {
        bool same = i > 0 && strcmp(list[i].name, list[i - 1].name) == 0;
        if (same) {
            ecsb_buf_putc(cr, ',');
        } else {
            if (i > 0) {
                ecsb_buf_putc(cr, '\n');
                ecsb_buf_putc(signed_names, ';');
            }
            ecsb_buf_printf(cr, "%s:", list[i].name);
            ecsb_buf_puts(signed_names, list[i].name);
        }
        append_canonical_value(cr, list[i].value);
    }
    if (n) ecsb_buf_putc(cr, '\n');
    for (size_t i = 0; i < n; i++) free(list[i].name);
    free(list);
}

struct qp {
    char *key, *value; /* both already URI-encoded */
};

static int qp_cmp(const void *a, const void *b)
{
    const struct qp *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static char *reencode(const char *s, size_t n)
{
    struct ecsb_buf dec = ECSB_BUF_INIT, enc = ECSB_BUF_INIT;
    ecsb_uri_decode(&dec, s, n);
    ecsb_uri_encode(&enc, dec.data ? dec.data : "", dec.len, false);
    ecsb_buf_free(&dec);
    return ecsb_buf_detach(&enc);
}

/* Parameters decoded then encoded again (so "%E1" and raw UTF-8 agree), sorted
 * by key then value, joined as k=v&k=v. */
static void canonical_query(const char *q, struct ecsb_buf *cr)
{
    struct qp *list = NULL;
    size_t n = 0, cap = 0;
    while (q && *q) {
        size_t len = strcspn(q, "&");
        if (len) {
            const char *eq = memchr(q, '=', len);
            size_t klen = eq ? (size_t)(eq - q) : len;
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                list = ecsb_xrealloc(list, cap * sizeof *list);
            }
            list[n].key = reencode(q, klen);
            list[n].value = eq ? reencode(eq + 1, len - klen - 1) : ecsb_xstrdup("");
            n++;
        }
        q += len;
        if (*q == '&') q++;
    }
    if (n) qsort(list, n, sizeof *list, qp_cmp);
    for (size_t i = 0; i < n; i++) {
        ecsb_buf_printf(cr, "%s%s=%s", i ? "&" : "", list[i].key, list[i].value);
        free(list[i].key);
        free(list[i].value);
    }
    free(list);
}

static void hex_sha256(const void *data, size_t len, char out[65])
{
    unsigned char h[ECSB_SHA256_LEN];
    ecsb_sha256(data, len, h);
    ecsb_hex(h, sizeof h, out);
}

static enum ecsb_status check_inputs(const struct ecsb_sigv4_request *req, const struct ecsb_sigv4_params *p,
                                     struct ecsb_error *err)
{
    if (!req->method || !*req->method || !req->path || req->path[0] != '/')
        return ecsb_error_set(err, ECSB_ERR_INVALID, "SigV4: request needs a method and a path starting with '/'");
    if (!ecsb_http_headers_get(req->headers, "Host"))
        return ecsb_error_set(err, ECSB_ERR_INVALID, "SigV4: request has no Host header; add one before signing");
    if (!p->region || !*p->region || !p->service || !*p->service)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "SigV4: region and service must be set");
    const char *d = p->amz_date;
    if (!d || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
        return ecsb_error_set(err, ECSB_ERR_INVALID, "SigV4: amz_date must look like 20150830T123600Z");
    if (!p->creds || !p->creds->access_key_id || !*p->creds->access_key_id || !p->creds->secret_access_key ||
        !*p->creds->secret_access_key)
        return ecsb_error_set(err, ECSB_ERR_AUTH, "SigV4: credentials lack an access key id or secret key");
    if (req->body_len && !req->body)
        return ecsb_error_set(err, ECSB_ERR_INVALID, "SigV4: body_len set without a body");
    return ECSB_OK;
}

static void build_canonical_request(const struct ecsb_sigv4_request *req, const struct ecsb_sigv4_params *p,
                                    const char *payload_hash, struct ecsb_sigv4_result *out,
                                    struct ecsb_buf *signed_names)
{
    struct ecsb_buf *cr = &out->canonical_request;
    ecsb_buf_printf(cr, "%s\n", req->method);
    if (p->normalize_path) {
        struct ecsb_buf norm = ECSB_BUF_INIT;
        ecsb_uri_normalize_path(&norm, req->path, strlen(req->path));
        ecsb_uri_encode(cr, norm.data, norm.len, true);
        ecsb_buf_free(&norm);
    } else {
        ecsb_uri_encode(cr, req->path, strlen(req->path), true);
    }
    ecsb_buf_putc(cr, '\n');
    canonical_query(req->query, cr);
    ecsb_buf_putc(cr, '\n');

    /* The signed set: the request's headers plus what the signer adds, minus a
     * session token that is to be attached only after signing. */
    struct ecsb_http_headers to_sign = {0};
    for (size_t i = 0; i < out->add_headers.count; i++)
        if (!(p->omit_session_token && ecsb_strcaseeq(out->add_headers.items[i].name, "X-Amz-Security-Token")))
            ecsb_http_headers_add(&to_sign, out->add_headers.items[i].name, out->add_headers.items[i].value);
    canonical_headers(req->headers, &to_sign, cr, signed_names);
    ecsb_http_headers_free(&to_sign);
    ecsb_buf_printf(cr, "\n%s\n%s", ecsb_buf_cstr(signed_names), payload_hash);
}

static void hmac_str(const unsigned char *key, size_t key_len, const char *s, unsigned char out[ECSB_SHA256_LEN])
{
    ecsb_hmac_sha256(key, key_len, s, strlen(s), out);
}

static void compute_signature(const struct ecsb_sigv4_params *p, const char *date8, const char *sts,
                              char sig[65])
{
    struct ecsb_buf k = ECSB_BUF_INIT;
    unsigned char a[ECSB_SHA256_LEN], b[ECSB_SHA256_LEN];
    ecsb_buf_printf(&k, "AWS4%s", p->creds->secret_access_key);
    hmac_str((const unsigned char *)k.data, k.len, date8, a);
    hmac_str(a, sizeof a, p->region, b);
    hmac_str(b, sizeof b, p->service, a);
    hmac_str(a, sizeof a, "aws4_request", b);
    hmac_str(b, sizeof b, sts, a);
    ecsb_hex(a, sizeof a, sig);
    /* The derived key is as good as the secret for a day: wipe it, in a way the
     * compiler cannot drop as a dead store. */
    ecsb_secure_zero(k.data, k.len);
    ecsb_secure_zero(a, sizeof a);
    ecsb_secure_zero(b, sizeof b);
    ecsb_buf_free(&k);
}

enum ecsb_status ecsb_sigv4_sign(const struct ecsb_sigv4_request *req, const struct ecsb_sigv4_params *params,
                                 struct ecsb_sigv4_result *out, struct ecsb_error *err)
{
    memset(out, 0, sizeof *out);
    enum ecsb_status st = check_inputs(req, params, err);
    if (st != ECSB_OK) return st;

    char payload_hash[65], date8[9], cr_hash[65];
    hex_sha256(req->body ? req->body : "", req->body_len, payload_hash);
    memcpy(date8, params->amz_date, 8);
    date8[8] = '\0';

    const char *token = params->creds->session_token;
    if (token && *token) ecsb_http_headers_add(&out->add_headers, "X-Amz-Security-Token", token);
    ecsb_http_headers_add(&out->add_headers, "X-Amz-Date", params->amz_date);
    if (params->sign_body) ecsb_http_headers_add(&out->add_headers, "x-amz-content-sha256", payload_hash);

    struct ecsb_buf signed_names = ECSB_BUF_INIT;
    build_canonical_request(req, params, payload_hash, out, &signed_names);
    hex_sha256(out->canonical_request.data, out->canonical_request.len, cr_hash);

    struct ecsb_buf scope = ECSB_BUF_INIT;
    ecsb_buf_printf(&scope, "%s/%s/%s/aws4_request", date8, params->region, params->service);
    ecsb_buf_printf(&out->string_to_sign, "AWS4-HMAC-SHA256\n%s\n%s\n%s", params->amz_date, scope.data, cr_hash);
    compute_signature(params, date8, out->string_to_sign.data, out->signature);
    ecsb_buf_printf(&out->authorization, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                    params->creds->access_key_id, scope.data, ecsb_buf_cstr(&signed_names), out->signature);
    ecsb_buf_free(&scope);
    ecsb_buf_free(&signed_names);
    return ECSB_OK;
}
