#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "commands.h"
#include "ecsb/config/config.h"
#include "ecsb/base/fs.h"
#include "ecsb/base/mask.h"
#include "ecsb/config/ini.h"
#include "ecsb/userdata/userdata.h"

void load_options_init(struct load_options *o)
{
    memset(o, 0, sizeof *o);
    ecsb_settings_init(&o->cli, "command line");
}

void load_options_free(struct load_options *o)
{
    ecsb_settings_free(&o->cli);
}

enum ecsb_status load_set_flag(void *cli, const char *value, struct ecsb_error *err)
{
    return ecsb_config_parse_assignment(value, cli, err);
}

/* The baked file: an explicit --config must exist; the default path may not. */
static enum ecsb_status load_config_file(const struct load_options *o, struct ecsb_settings *layer,
                                         struct ecsb_error *err)
{
    const char *path = o->config_file ? o->config_file : ecsb_own_paths()->config_file;
    ecsb_settings_init(layer, path);
    char *text = NULL;
    enum ecsb_status st = ecsb_fs_read(path, &text, NULL, err);
    if (st == ECSB_ERR_NOT_FOUND && !o->config_file)
        return ECSB_OK;
    if (st != ECSB_OK)
        return st;
    st = ecsb_settings_from_ini(text, layer, err);
    free(text);
    return st;
}

/* User data: a file, stdin, or IMDS (where 404 means the instance has none). */
static enum ecsb_status load_userdata(const struct load_options *o, struct ecsb_imds *imds,
                                      struct ecsb_settings *layer, struct ecsb_error *err)
{
    ecsb_settings_init(layer, o->userdata_file && strcmp(o->userdata_file, "-") ? o->userdata_file : "user data");
    char *data = NULL;
    size_t len = 0;
    enum ecsb_status st = ECSB_OK;
    if (o->userdata_file) {
        st = ecsb_userdata_read(o->userdata_file, &data, &len, err);
    } else if (imds) {
        struct ecsb_buf b = ECSB_BUF_INIT;
        bool present = false;
        st = ecsb_imds_user_data(imds, &b, &present, err);
        if (st != ECSB_OK)
            ecsb_error_prefix(err, "reading user data from the instance metadata service: ");
        len = b.len;
        data = ecsb_buf_detach(&b);
        if (st == ECSB_OK && !present)
            len = 0;
    }
    if (st == ECSB_OK && len > 0)
        st = ecsb_userdata_parse(data, len, layer, err);
    free(data);
    return st;
}

int load_exit_code(enum ecsb_status st)
{
    bool fixable = st == ECSB_ERR_INVALID || st == ECSB_ERR_LIMIT || st == ECSB_ERR_NOT_FOUND;
    return fixable ? ECSB_EXIT_BAD_INPUT : ECSB_EXIT_PREFLIGHT;
}

int load_resolve_host(struct load_options *o, const char *cmd)
{
    return host_facts_resolve(&o->host, cmd);
}

enum ecsb_status load_open_imds(struct ecsb_http **http, struct ecsb_imds *imds, struct ecsb_error *err)
{
    if (ecsb_http_new(http, err) != ECSB_OK)
        return err->code;
    struct ecsb_imds_config cfg;
    ecsb_imds_config_defaults(&cfg);
    return ecsb_imds_init(imds, *http, &cfg, NULL, err);
}

/* The region: configured (any layer), else IMDS. NULL when neither knows. */
static char *load_region(const struct ecsb_settings *const *layers, size_t n, struct ecsb_imds *imds)
{
    for (size_t i = n; i-- > 0;) {
        const struct ecsb_setting *s = ecsb_settings_find(layers[i], "cluster", "region");
        if (s)
            return NULL; /* configured: the plan takes it from the layers */
    }
    char *region = NULL;
    struct ecsb_error ignored = {0};
    if (imds && ecsb_imds_region(imds, &region, &ignored) == ECSB_OK)
        return region;
    return NULL;
}

_Static_assert(ECSB_IMDS_MAX_USER_DATA == ECSB_USERDATA_MAX, "IMDS fetches no more user data than we accept");

/* timeouts.imds as the given layers set it. User data cannot bound its own
 * fetch: that fetch uses the baked file's and --set's value. */
static void imds_deadline_from(struct ecsb_imds *imds, const struct ecsb_settings *const *layers, size_t n)
{
    if (imds)
        ecsb_imds_set_deadline(imds, (long)(ecsb_config_layered_duration(layers, n, "timeouts", "imds") / 1000000));
}

enum ecsb_status load_plan(const struct load_options *o, struct ecsb_imds *imds, struct ecsb_plan *out,
                           struct ecsb_error *err)
{
    struct ecsb_settings baked, userdata;
    enum ecsb_status st = load_config_file(o, &baked, err);
    const struct ecsb_settings *early[] = {&baked, &o->cli};
    if (st == ECSB_OK) {
        imds_deadline_from(imds, early, 2);
        st = load_userdata(o, imds, &userdata, err);
    } else {
        ecsb_settings_init(&userdata, "user data");
    }
    if (st == ECSB_OK) {
        const struct ecsb_settings *layers[] = {&baked, &userdata, &o->cli};
        imds_deadline_from(imds, layers, 3); /* the region and credentials: every layer counts */
        char *region = load_region(layers, 3, imds);
        const char *itype = o->host.installation_type[0] ? o->host.installation_type : NULL;
        struct ecsb_plan_input in = {layers, 3, o->host.build, itype, region};
        st = ecsb_plan_build(&in, out, err);
        if (st == ECSB_OK)
            run_actions_plan(run_actions_default(), out);
        free(region);
    }
    /* registered even when a layer failed: its error message may quote what was read */
    const struct ecsb_settings *read[] = {&baked, &userdata, &o->cli};
    for (size_t i = 0; o->masker && i < 3; i++)
        ecsb_settings_register_secrets(read[i], o->masker);
    ecsb_settings_free(&baked);
    ecsb_settings_free(&userdata);
    return st;
}
