/* report.h: what a run did, phase by phase, written as the status JSON file that
 * `ecs-bootstrap status` reads back (and operators and scripts read directly). */
#ifndef ECSB_REPORT_H_
#define ECSB_REPORT_H_

#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

struct ecsb_masker;

#define ECSB_REPORT_MAX_PHASES 12
#define ECSB_REPORT_MAX_ITEMS 32

enum ecsb_phase_result { ECSB_PHASE_OK, ECSB_PHASE_CHANGED, ECSB_PHASE_UNCHANGED, ECSB_PHASE_SKIPPED, ECSB_PHASE_FAILED };

struct ecsb_phase_record {
    char *name;
    enum ecsb_phase_result result;
    double seconds;
    char *detail;
};

struct ecsb_report {
    char started_at[32], finished_at[32];
    int exit_code;
    char *cluster, *region, *container_instance_arn, *os_family;
    struct ecsb_phase_record phases[ECSB_REPORT_MAX_PHASES];
    size_t n_phases;
    char *images[ECSB_REPORT_MAX_ITEMS];
    size_t n_images;
    char *errors[ECSB_REPORT_MAX_ITEMS];
    size_t n_errors;
    char *warnings[ECSB_REPORT_MAX_ITEMS]; /* the plan's warnings (tolerated values, ...); the first 32 */
    size_t n_warnings;
    const struct ecsb_masker *masker; /* not owned; every string is masked when written (NULL: by name) */
};

const char *ecsb_phase_result_name(enum ecsb_phase_result r);
void ecsb_report_add_phase(struct ecsb_report *r, const char *name, enum ecsb_phase_result result, double seconds,
                      const char *detail);
void ecsb_report_add_image(struct ecsb_report *r, const char *image);
void ecsb_report_add_error(struct ecsb_report *r, const char *message);
void ecsb_report_add_warning(struct ecsb_report *r, const char *message);
/* Replaces a string field (NULL clears it). */
void ecsb_report_set(char **field, const char *value);

void ecsb_report_to_json(const struct ecsb_report *r, struct ecsb_buf *out);
enum ecsb_status ecsb_report_from_json(const char *text, size_t len, struct ecsb_report *r, struct ecsb_error *err);
/* The human form `status` prints. */
void ecsb_report_to_text(const struct ecsb_report *r, struct ecsb_buf *out);
void ecsb_report_free(struct ecsb_report *r);

#endif
