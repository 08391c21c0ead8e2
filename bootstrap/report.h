/* report.h: what a run did, phase by phase, written as the status JSON file that
 * `ecs-bootstrap status` reads back (and operators and scripts read directly). */
#ifndef ECSB_REPORT_H
#define ECSB_REPORT_H

#include <stddef.h>

#include "ecsb/buf.h"
#include "ecsb/error.h"

#define REPORT_MAX_PHASES 12
#define REPORT_MAX_ITEMS 32

enum phase_result { PHASE_OK, PHASE_CHANGED, PHASE_UNCHANGED, PHASE_SKIPPED, PHASE_FAILED };

struct phase_record {
    char *name;
    enum phase_result result;
    double seconds;
    char *detail;
};

struct report {
    char started_at[32], finished_at[32];
    int exit_code;
    char *cluster, *region, *container_instance_arn, *os_family;
    struct phase_record phases[REPORT_MAX_PHASES];
    size_t n_phases;
    char *images[REPORT_MAX_ITEMS];
    size_t n_images;
    char *errors[REPORT_MAX_ITEMS];
    size_t n_errors;
};

const char *phase_result_name(enum phase_result r);
void report_add_phase(struct report *r, const char *name, enum phase_result result, double seconds,
                      const char *detail);
void report_add_image(struct report *r, const char *image);
void report_add_error(struct report *r, const char *message);
/* Replaces a string field (NULL clears it). */
void report_set(char **field, const char *value);

void report_to_json(const struct report *r, struct ecsb_buf *out);
enum ecsb_status report_from_json(const char *text, size_t len, struct report *r, struct ecsb_error *err);
/* The human form `status` prints. */
void report_to_text(const struct report *r, struct ecsb_buf *out);
void report_free(struct report *r);

#endif
