#include "ecsb/config/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecsb/base/json.h"
#include "ecsb/base/mask.h"

static const char *const result_names[] = {"ok", "changed", "unchanged", "skipped", "failed"};

const char *ecsb_phase_result_name(enum ecsb_phase_result r)
{
    return result_names[r];
}

static enum ecsb_phase_result phase_result_parse(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (s && !strcmp(s, result_names[i]))
            return (enum ecsb_phase_result)i;
    return ECSB_PHASE_FAILED;
}

void ecsb_report_set(char **field, const char *value)
{
    free(*field);
    *field = value ? ecsb_xstrdup(value) : NULL;
}

void ecsb_report_add_phase(struct ecsb_report *r, const char *name, enum ecsb_phase_result result, double seconds,
                      const char *detail)
{
    if (r->n_phases == ECSB_REPORT_MAX_PHASES)
        return;
    struct ecsb_phase_record *p = &r->phases[r->n_phases++];
    p->name = ecsb_xstrdup(name);
    p->result = result;
    p->seconds = seconds;
    p->detail = ecsb_xstrdup(detail ? detail : "");
}

static void add_item(char **items, size_t *n, const char *value)
{
    if (*n < ECSB_REPORT_MAX_ITEMS)
        items[(*n)++] = ecsb_xstrdup(value);
}

void ecsb_report_add_image(struct ecsb_report *r, const char *image)
{
    add_item(r->images, &r->n_images, image);
}

void ecsb_report_add_error(struct ecsb_report *r, const char *message)
{
    add_item(r->errors, &r->n_errors, message);
}

void ecsb_report_add_warning(struct ecsb_report *r, const char *message)
{
    add_item(r->warnings, &r->n_warnings, message);
}

/* Every string the report writes goes through the masker before JSON escaping. */
static void put_masked(struct ecsb_json_writer *w, const struct ecsb_masker *m, const char *s)
{
    if (!s) {
        ecsb_jw_string(w, NULL);
        return;
    }
    char *masked = ecsb_masker_apply(m, s);
    ecsb_jw_string(w, masked);
    free(masked);
}

static void write_strings(struct ecsb_json_writer *w, const struct ecsb_masker *m, const char *key,
                          char *const *items, size_t n)
{
    ecsb_jw_key(w, key);
    ecsb_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        put_masked(w, m, items[i]);
    ecsb_jw_array_end(w);
}

void ecsb_report_to_json(const struct ecsb_report *r, struct ecsb_buf *out)
{
    struct ecsb_json_writer w;
    ecsb_jw_init(&w, out, 2);
    ecsb_jw_object_begin(&w);
    ecsb_jw_key(&w, "schema_version"), ecsb_jw_int(&w, 1);
    ecsb_jw_key(&w, "tool_version"), ecsb_jw_string(&w, ECSB_VERSION);
    ecsb_jw_key(&w, "started_at"), put_masked(&w, r->masker, r->started_at);
    ecsb_jw_key(&w, "finished_at"), put_masked(&w, r->masker, r->finished_at);
    ecsb_jw_key(&w, "result"), put_masked(&w, r->masker, r->exit_code == 0 ? "ok" : "failed");
    ecsb_jw_key(&w, "exit_code"), ecsb_jw_int(&w, r->exit_code);
    ecsb_jw_key(&w, "cluster"), put_masked(&w, r->masker, r->cluster);
    ecsb_jw_key(&w, "region"), put_masked(&w, r->masker, r->region);
    ecsb_jw_key(&w, "container_instance_arn"), put_masked(&w, r->masker, r->container_instance_arn);
    ecsb_jw_key(&w, "os_family"), put_masked(&w, r->masker, r->os_family);
    write_strings(&w, r->masker, "images", r->images, r->n_images);
    ecsb_jw_key(&w, "phases");
    ecsb_jw_array_begin(&w);
    for (size_t i = 0; i < r->n_phases; i++) {
        const struct ecsb_phase_record *p = &r->phases[i];
        ecsb_jw_object_begin(&w);
        ecsb_jw_key(&w, "name"), put_masked(&w, r->masker, p->name);
        ecsb_jw_key(&w, "result"), ecsb_jw_string(&w, ecsb_phase_result_name(p->result));
        ecsb_jw_key(&w, "seconds"), ecsb_jw_double(&w, (double)(long long)(p->seconds * 1000 + 0.5) / 1000);
        ecsb_jw_key(&w, "detail"), put_masked(&w, r->masker, p->detail);
        ecsb_jw_object_end(&w);
    }
    ecsb_jw_array_end(&w);
    write_strings(&w, r->masker, "errors", r->errors, r->n_errors);
    write_strings(&w, r->masker, "warnings", r->warnings, r->n_warnings);
    ecsb_jw_object_end(&w);
    ecsb_buf_putc(out, '\n');
}

static const char *or_default(const char *s, const char *fallback)
{
    return s ? s : fallback;
}

static void read_string(const struct ecsb_json *obj, const char *key, char **field)
{
    ecsb_report_set(field, ecsb_json_get_string(obj, key));
}

static void read_strings(const struct ecsb_json *obj, const char *key, char **items, size_t *n)
{
    const struct ecsb_json *arr = ecsb_json_get(obj, key);
    for (size_t i = 0; arr && i < arr->count && arr->type == ECSB_JSON_ARRAY; i++)
        if (ecsb_json_string(arr->items[i]))
            add_item(items, n, ecsb_json_string(arr->items[i]));
}

enum ecsb_status ecsb_report_from_json(const char *text, size_t len, struct ecsb_report *r, struct ecsb_error *err)
{
    struct ecsb_json *root = NULL;
    if (ecsb_json_parse(text, len, NULL, &root, err) != ECSB_OK)
        return err ? err->code : ECSB_ERR_INVALID;
    if (root->type != ECSB_JSON_OBJECT) {
        ecsb_json_free(root);
        return ecsb_error_set(err, ECSB_ERR_INVALID, "status file is not a JSON object");
    }
    double d = 0;
    if (ecsb_json_get_number(root, "exit_code", &d))
        r->exit_code = (int)d;
    snprintf(r->started_at, sizeof r->started_at, "%s", or_default(ecsb_json_get_string(root, "started_at"), ""));
    snprintf(r->finished_at, sizeof r->finished_at, "%s", or_default(ecsb_json_get_string(root, "finished_at"), ""));
    read_string(root, "cluster", &r->cluster);
    read_string(root, "region", &r->region);
    read_string(root, "container_instance_arn", &r->container_instance_arn);
    read_string(root, "os_family", &r->os_family);
    read_strings(root, "images", r->images, &r->n_images);
    read_strings(root, "errors", r->errors, &r->n_errors);
    read_strings(root, "warnings", r->warnings, &r->n_warnings);
    const struct ecsb_json *phases = ecsb_json_get(root, "phases");
    for (size_t i = 0; phases && phases->type == ECSB_JSON_ARRAY && i < phases->count; i++) {
        const struct ecsb_json *p = phases->items[i];
        double secs = 0;
        ecsb_json_get_number(p, "seconds", &secs);
        ecsb_report_add_phase(r, or_default(ecsb_json_get_string(p, "name"), "?"),
                         phase_result_parse(ecsb_json_get_string(p, "result")), secs,
                         ecsb_json_get_string(p, "detail"));
    }
    ecsb_json_free(root);
    return ECSB_OK;
}

void ecsb_report_to_text(const struct ecsb_report *r, struct ecsb_buf *out)
{
    ecsb_buf_printf(out, "result:      %s (exit %d)\n", r->exit_code == 0 ? "ok" : "FAILED", r->exit_code);
    ecsb_buf_printf(out, "run:         %s .. %s\n", r->started_at, r->finished_at);
    ecsb_buf_printf(out, "cluster:     %s (%s)\n", r->cluster ? r->cluster : "-", r->region ? r->region : "-");
    ecsb_buf_printf(out, "instance:    %s\n", r->container_instance_arn ? r->container_instance_arn : "-");
    ecsb_buf_printf(out, "os-family:   %s\n", r->os_family ? r->os_family : "-");
    for (size_t i = 0; i < r->n_images; i++)
        ecsb_buf_printf(out, "image:       %s\n", r->images[i]);
    ecsb_buf_puts(out, "phases:\n");
    for (size_t i = 0; i < r->n_phases; i++) {
        const struct ecsb_phase_record *p = &r->phases[i];
        ecsb_buf_printf(out, "  %-12s %-9s %8.3fs  %s\n", p->name, ecsb_phase_result_name(p->result), p->seconds,
                        p->detail);
    }
    for (size_t i = 0; i < r->n_errors; i++)
        ecsb_buf_printf(out, "error:       %s\n", r->errors[i]);
    for (size_t i = 0; i < r->n_warnings; i++)
        ecsb_buf_printf(out, "warning:     %s\n", r->warnings[i]);
    ecsb_masker_apply_buf(r->masker, out); /* a status file from an older version may hold secrets */
}

void ecsb_report_free(struct ecsb_report *r)
{
    free(r->cluster);
    free(r->region);
    free(r->container_instance_arn);
    free(r->os_family);
    for (size_t i = 0; i < r->n_phases; i++) {
        free(r->phases[i].name);
        free(r->phases[i].detail);
    }
    for (size_t i = 0; i < r->n_images; i++)
        free(r->images[i]);
    for (size_t i = 0; i < r->n_errors; i++)
        free(r->errors[i]);
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]);
    memset(r, 0, sizeof *r);
}
