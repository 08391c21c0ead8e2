/* The agent's checkpoint: ECS_DATADIR/ecs_agent_data.json keeps the container
 * instance ARN (and the cluster and EC2 instance it belongs to) across restarts.
 * Same shape as the agent's JSON state file: {"Data":{...},"Version":N}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/json.h"

#define FA_CHECKPOINT_VERSION 1

static char *join(const char *dir, const char *name)
{
    struct ecsb_buf b = ECSB_BUF_INIT;
    size_t n = strlen(dir);
    bool sep = n > 0 && (dir[n - 1] == '/' || dir[n - 1] == '\\');
#if defined(_WIN32)
    ecsb_buf_printf(&b, "%s%s%s", dir, sep ? "" : "\\", name);
#else
    ecsb_buf_printf(&b, "%s%s%s", dir, sep ? "" : "/", name);
#endif
    return ecsb_buf_detach(&b);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? ecsb_xstrdup(s) : NULL;
}

enum ecsb_status fa_checkpoint_load(const char *datadir, struct fa_checkpoint *cp, struct ecsb_error *err)
{
    memset(cp, 0, sizeof *cp);
    char *path = join(datadir, FA_CHECKPOINT_FILE);
    char *text = NULL;
    size_t len = 0;
    struct ecsb_json *doc = NULL;
    enum ecsb_status st = ecsb_fs_read(path, &text, &len, err);
    if (st == ECSB_OK && (st = ecsb_json_parse(text, len, NULL, &doc, err)) != ECSB_OK)
        ecsb_error_prefix(err, "%s", path);
    if (st == ECSB_OK) {
        const struct ecsb_json *data = ecsb_json_get(doc, "Data");
        cp->cluster = dup_or_null(ecsb_json_get_string(data, "Cluster"));
        cp->container_instance_arn = dup_or_null(ecsb_json_get_string(data, "ContainerInstanceArn"));
        cp->ec2_instance_id = dup_or_null(ecsb_json_get_string(data, "EC2InstanceID"));
        if (!cp->container_instance_arn)
            st = ecsb_error_set(err, ECSB_ERR_NOT_FOUND, "%s: no container instance ARN saved yet", path);
    }
    ecsb_json_free(doc);
    free(text);
    free(path);
    if (st)
        fa_checkpoint_free(cp);
    return st;
}

enum ecsb_status fa_checkpoint_save(const char *datadir, const struct fa_checkpoint *cp, struct ecsb_error *err)
{
    enum ecsb_status st = ecsb_fs_mkdirs(datadir, err);
    if (st)
        return st;
    struct ecsb_buf out = ECSB_BUF_INIT;
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, &out, 0);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "Data");
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "Cluster");
    ecsb_jw_string(&w, cp->cluster ? cp->cluster : "");
    ecsb_jw_key(&w, "ContainerInstanceArn");
    ecsb_jw_string(&w, cp->container_instance_arn ? cp->container_instance_arn : "");
    ecsb_jw_key(&w, "EC2InstanceID");
    ecsb_jw_string(&w, cp->ec2_instance_id ? cp->ec2_instance_id : "");
    ecsb_jw_object_end(&w);
    ecsb_jw_key(&w, "Version");
    ecsb_jw_int(&w, FA_CHECKPOINT_VERSION);
    ecsb_jw_object_end(&w);
    char *path = join(datadir, FA_CHECKPOINT_FILE);
    st = ecsb_fs_write_atomic(path, out.data, out.len, err);
    free(path);
    ecsb_buf_free(&out);
    return st;
}

void fa_checkpoint_free(struct fa_checkpoint *cp)
{
    free(cp->cluster);
    free(cp->container_instance_arn);
    free(cp->ec2_instance_id);
    memset(cp, 0, sizeof *cp);
}
