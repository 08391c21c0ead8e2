/* Unit tests for the AMI metadata model (lib/ami): value parsing over both schemas
 * and odd values, the 8-key writer, variant names, roots, the Packer manifest;
 * the region table; the parallel-for; SSM batching and history paging through
 * the transport seam. */
#include "check.h"

#include "ecsb/ami/metadata.h"
#include "ecsb/aws/regions.h"
#include "ecsb/aws/ssm.h"
#include "ecsb/base/thread.h"

static const char v4[] = "{\"image_name\":\"Windows_Server-2019-English-Full-ECS_Optimized-2022.02.10\","
                         "\"image_id\":\"ami-035b1d60ffc27a71d\",\"ecs_runtime_version\":\"Docker version 20.10.9\","
                         "\"ecs_agent_version\":\"1.59.0\"}";
static const char v8[] = "{\"ecs_agent_version\":\"1.97.1\",\"ecs_runtime_version\":\"25.0.6 (Docker CE)\","
                         "\"image_id\":\"ami-0aaa\",\"image_name\":\"Windows_Server-2022-English-Core-ECS_Optimized-"
                         "2025.09.13\",\"image_version\":\"2025.09.13\",\"os\":\"Windows Server 2022\","
                         "\"schema_version\":1,\"source_image_name\":\"Windows_Server-2022-English-Core-Base-2025.09.10\"}";

static struct ecsb_ami_meta parse_ok(const char *s)
{
    struct ecsb_ami_meta m;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_ami_meta_parse(s, strlen(s), &m, &err), ECSB_OK);
    return m;
}

TEST(parses_the_4_key_schema)
{
    struct ecsb_ami_meta m = parse_ok(v4);
    CHECK_STR_EQ(m.field[ECSB_AMI_IMAGE_ID], "ami-035b1d60ffc27a71d");
    CHECK_STR_EQ(m.field[ECSB_AMI_RUNTIME], "Docker version 20.10.9");
    CHECK_STR_EQ(m.field[ECSB_AMI_AGENT], "1.59.0");
    CHECK(m.field[ECSB_AMI_OS] == NULL && m.field[ECSB_AMI_SOURCE] == NULL && !m.has_schema_version);
    CHECK_INT_EQ(m.extra_keys, 0);
    ecsb_ami_meta_free(&m);
}

TEST(parses_the_8_key_schema_and_writes_it_back_byte_for_byte)
{
    struct ecsb_ami_meta m = parse_ok(v8);
    CHECK(m.has_schema_version && m.schema_version == 1);
    CHECK_STR_EQ(m.field[ECSB_AMI_SOURCE], "Windows_Server-2022-English-Core-Base-2025.09.10");
    struct ecsb_buf b = ECSB_BUF_INIT;
    ecsb_ami_meta_write(&m, &b);
    CHECK_STR_EQ(b.data, v8);
    ecsb_buf_free(&b);
    ecsb_ami_meta_free(&m);
}

TEST(extra_keys_and_odd_types_are_tolerated)
{
    struct ecsb_ami_meta m = parse_ok("{\"image_id\":\"ami-1\",\"new_key\":[1,2],\"os\":{\"x\":1},"
                                      "\"schema_version\":\"2\",\"ecs_agent_version\":1.5,\"image_name\":null}");
    CHECK_STR_EQ(m.field[ECSB_AMI_IMAGE_ID], "ami-1");
    CHECK_STR_EQ(m.field[ECSB_AMI_AGENT], "1.5"); /* a number keeps its lexeme */
    CHECK(m.field[ECSB_AMI_OS] == NULL && m.field[ECSB_AMI_NAME] == NULL);
    CHECK(m.has_schema_version && m.schema_version == 2);
    CHECK_INT_EQ(m.extra_keys, 2); /* new_key, os object */
    ecsb_ami_meta_free(&m);
    m = parse_ok("{\"schema_version\":-1,\"image_id\":\"a\",\"image_id\":\"b\"}");
    CHECK(!m.has_schema_version && m.extra_keys == 1);
    CHECK_STR_EQ(m.field[ECSB_AMI_IMAGE_ID], "b"); /* the last duplicate wins, as ecsb_json_get */
    ecsb_ami_meta_free(&m);
}

TEST(a_value_that_is_not_an_object_is_an_error_not_a_crash)
{
    const char *bad[] = {"ami-0123", "\"{\\\"image_id\\\":1}\"", "[1]", "", "{\"image_id\":", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ecsb_ami_meta m;
        struct ecsb_error err = {0};
        CHECK_INT_EQ(ecsb_ami_meta_parse(bad[i], strlen(bad[i]), &m, &err), ECSB_ERR_INVALID);
        CHECK(err.message[0] != '\0');
        CHECK(m.field[ECSB_AMI_IMAGE_ID] == NULL);
    }
    struct ecsb_ami_meta m;
    struct ecsb_error err = {0};
    ecsb_ami_meta_parse("[1]", 3, &m, &err);
    CHECK_CONTAINS(err.message, "array");
}

TEST(variant_short_forms_and_full_names)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_ami_variant_name("2022-core", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "Windows_Server-2022-English-Core-ECS_Optimized");
    CHECK_INT_EQ(ecsb_ami_variant_name("2016-FULL", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "Windows_Server-2016-English-Full-ECS_Optimized");
    CHECK_INT_EQ(ecsb_ami_variant_name("My_Custom-Image-ECS_Optimized", &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "My_Custom-Image-ECS_Optimized");
    CHECK_INT_EQ(ecsb_ami_variant_name("2016-core", &b, &err), ECSB_ERR_INVALID); /* AWS has no 2016 Core */
    CHECK_CONTAINS(err.message, "2022-core");
    CHECK_INT_EQ(ecsb_ami_variant_name("a/b", &b, &err), ECSB_ERR_INVALID);
    char sh[32];
    CHECK_STR_EQ(ecsb_ami_variant_short("Windows_Server-2019-English-Core-ECS_Optimized", sh, sizeof sh), "2019-core");
    CHECK_STR_EQ(ecsb_ami_variant_short("Other", sh, sizeof sh), "Other");
    size_t n;
    ecsb_ami_known_variants(&n);
    CHECK_INT_EQ(n, 7);
    ecsb_ami_variant_from_image_name("Windows_Server-2019-English-Full-ECS_Optimized-2025.09.13", &b);
    CHECK_STR_EQ(b.data, "Windows_Server-2019-English-Full-ECS_Optimized");
    ecsb_ami_variant_from_image_name("No-Date-Here", &b);
    CHECK_STR_EQ(b.data, "No-Date-Here");
    ecsb_buf_free(&b);
}

TEST(roots_are_paths_and_reserved_ones_are_refused_for_writing)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_ami_root("/aws/service/ami-windows-latest/", false, &b, &err), ECSB_OK);
    CHECK_STR_EQ(b.data, "/aws/service/ami-windows-latest");
    CHECK_INT_EQ(ecsb_ami_root("/aws/service/x", true, &b, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "reserved");
    CHECK_INT_EQ(ecsb_ami_root("/SSM-things", true, &b, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_ami_root("/awsome", true, &b, &err), ECSB_ERR_INVALID); /* begins with aws */
    CHECK_INT_EQ(ecsb_ami_root("/my-co/ami", true, &b, &err), ECSB_OK);
    CHECK_INT_EQ(ecsb_ami_root("relative", false, &b, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_ami_root("/a//b", false, &b, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_ami_root("/", false, &b, &err), ECSB_ERR_INVALID);
    ecsb_buf_free(&b);
}

TEST(packer_manifest_gives_ami_per_region_and_metadata)
{
    const char *m = "{\"builds\":[{\"artifact_id\":\"us-east-1:ami-old\",\"packer_run_uuid\":\"a\"},"
                    "{\"artifact_id\":\"us-east-1:ami-1,eu-west-1:ami-2\",\"packer_run_uuid\":\"b\","
                    "\"custom_data\":{\"image_name\":\"X-ECS_Optimized-2026.11.30\",\"os\":\"Windows\","
                    "\"image_id\":\"ignored\"}},"
                    "{\"artifact_id\":\"us-east-1:ami-later\",\"packer_run_uuid\":\"c\"}],\"last_run_uuid\":\"b\"}";
    struct ecsb_ami_build b;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_ami_build_from_manifest(m, strlen(m), &b, &err), ECSB_OK);
    CHECK_INT_EQ(b.n, 2);
    CHECK_STR_EQ(b.region[1], "eu-west-1");
    CHECK_STR_EQ(b.image_id[1], "ami-2");
    CHECK_STR_EQ(b.meta.field[ECSB_AMI_VERSION], "2026.11.30");
    CHECK_STR_EQ(b.meta.field[ECSB_AMI_OS], "Windows");
    CHECK(b.meta.field[ECSB_AMI_IMAGE_ID] == NULL && b.meta.schema_version == 1);
    ecsb_ami_build_free(&b);
    const char *bad = "{\"builds\":[{\"artifact_id\":\"us-east-1\"}]}";
    CHECK_INT_EQ(ecsb_ami_build_from_manifest(bad, strlen(bad), &b, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "REGION:AMI_ID");
    CHECK_INT_EQ(ecsb_ami_build_from_manifest("{}", 2, &b, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "artifact_id");
}

TEST(partition_region_table)
{
    const char *r[64];
    size_t n = ecsb_aws_partition_regions("aws", false, r, 64);
    CHECK_INT_EQ(n, 17);
    CHECK_STR_EQ(r[0], "us-east-1");
    CHECK(ecsb_aws_partition_regions("aws", true, r, 64) > n);
    CHECK_INT_EQ(ecsb_aws_partition_regions("aws-cn", false, r, 64), 2);
    CHECK_STR_EQ(r[1], "cn-northwest-1");
    CHECK_INT_EQ(ecsb_aws_partition_regions("aws-us-gov", false, r, 1), 2); /* count beyond cap */
    n = ecsb_aws_partition_regions("aws", true, r, 64);
    for (size_t i = 0; i < n; i++)
        CHECK_STR_EQ(ecsb_aws_partition(r[i]), "aws");
    CHECK(ecsb_aws_region_find("af-south-1")->opt_in);
    CHECK(ecsb_aws_region_find("nowhere-1") == NULL);
}

static void square(void *ctx, size_t i)
{
    ((int *)ctx)[i] = (int)(i * i) + 1;
}

TEST(parallel_for_runs_every_item_once_at_any_bound)
{
    for (size_t bound = 0; bound <= 9; bound += 3) {
        int out[37] = {0};
        ecsb_parallel_for(37, bound, square, out);
        for (int i = 0; i < 37; i++)
            CHECK_INT_EQ(out[i], i * i + 1);
    }
}

/* ---- SSM batching and paging through the transport seam ------------------- */

struct fake_ssm {
    int calls;
    int names_per_call[8];
};

static enum ecsb_status ssm_send(void *ctx, const struct ecsb_http_request *req, struct ecsb_http_response *resp,
                                 struct ecsb_error *err)
{
    struct fake_ssm *f = ctx;
    struct ecsb_json *body = NULL;
    if (ecsb_json_parse(req->body, req->body_len, NULL, &body, err) != ECSB_OK)
        return ECSB_ERR_INVALID;
    const char *target = ecsb_http_headers_get(req->headers, "X-Amz-Target");
    int call = f->calls++;
    resp->status = 200;
    if (target && strstr(target, "GetParameterHistory")) {
        const char *tok = ecsb_json_get_string(body, "NextToken");
        ecsb_buf_puts(&resp->body, tok ? "{\"Parameters\":[{\"Version\":2}]}"
                                       : "{\"Parameters\":[{\"Version\":1}],\"NextToken\":\"t\"}");
    } else {
        const struct ecsb_json *names = ecsb_json_get(body, "Names");
        f->names_per_call[call < 8 ? call : 7] = (int)names->count;
        ecsb_buf_puts(&resp->body, "{\"Parameters\":[");
        for (size_t i = 0; i + 1 < names->count; i++)
            ecsb_buf_printf(&resp->body, "%s{\"Name\":\"%s\",\"Value\":\"v\"}", i ? "," : "", names->items[i]->str);
        ecsb_buf_printf(&resp->body, "],\"InvalidParameters\":[\"%s\"]}", names->items[names->count - 1]->str);
    }
    ecsb_json_free(body);
    return ECSB_OK;
}

static const char *ssm_env(const char *name)
{
    if (!strcmp(name, "AWS_ACCESS_KEY_ID"))
        return "AKIDEXAMPLE";
    if (!strcmp(name, "AWS_SECRET_ACCESS_KEY"))
        return "secretsecretsecret";
    return NULL;
}

static void ssm_client(struct ecsb_aws_client *c, struct ecsb_cred_chain *chain, struct fake_ssm *f)
{
    struct ecsb_error err = {0};
    ecsb_cred_chain_init(chain, NULL, ssm_env);
    CHECK_INT_EQ(ecsb_aws_client_init(c, NULL, chain, "eu-west-1", ssm_env, &err), ECSB_OK);
    c->send = ssm_send;
    c->send_ctx = f;
}

TEST(get_parameters_batched_asks_10_names_per_call_and_merges)
{
    struct fake_ssm f = {0};
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    ssm_client(&c, &chain, &f);
    char buf[23][8];
    const char *names[23];
    for (int i = 0; i < 23; i++) {
        snprintf(buf[i], sizeof buf[i], "/p%d", i);
        names[i] = buf[i];
    }
    struct ecsb_json *doc = NULL;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_ssm_get_parameters_batched(&c, names, 23, &doc, &err), ECSB_OK);
    CHECK_INT_EQ(f.calls, 3);
    CHECK(f.names_per_call[0] == 10 && f.names_per_call[1] == 10 && f.names_per_call[2] == 3);
    CHECK_INT_EQ(ecsb_json_get(doc, "Parameters")->count, 20);
    CHECK_INT_EQ(ecsb_json_get(doc, "InvalidParameters")->count, 3);
    ecsb_json_free(doc);
    ecsb_cred_chain_free(&chain);
}

TEST(get_parameter_history_follows_next_token)
{
    struct fake_ssm f = {0};
    struct ecsb_aws_client c;
    struct ecsb_cred_chain chain;
    ssm_client(&c, &chain, &f);
    struct ecsb_json *doc = NULL;
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_ssm_get_parameter_history(&c, "/p", &doc, &err), ECSB_OK);
    CHECK_INT_EQ(f.calls, 2);
    const struct ecsb_json *ps = ecsb_json_get(doc, "Parameters");
    CHECK(ps && ps->count == 2);
    double v = 0;
    CHECK(ecsb_json_get_number(ecsb_json_at(ps, 1), "Version", &v) && v == 2);
    ecsb_json_free(doc);
    ecsb_cred_chain_free(&chain);
}

int main(void)
{
    RUN(parses_the_4_key_schema);
    RUN(parses_the_8_key_schema_and_writes_it_back_byte_for_byte);
    RUN(extra_keys_and_odd_types_are_tolerated);
    RUN(a_value_that_is_not_an_object_is_an_error_not_a_crash);
    RUN(variant_short_forms_and_full_names);
    RUN(roots_are_paths_and_reserved_ones_are_refused_for_writing);
    RUN(packer_manifest_gives_ami_per_region_and_metadata);
    RUN(partition_region_table);
    RUN(parallel_for_runs_every_item_once_at_any_bound);
    RUN(get_parameters_batched_asks_10_names_per_call_and_merges);
    RUN(get_parameter_history_follows_next_token);
    return check_summary();
}
