/* The run report survives a JSON round trip and reads as an operator expects. */
#include "check.h"

#include "ecsb/config/report.h"

TEST(report_round_trips_through_json)
{
    struct ecsb_report r = {0};
    snprintf(r.started_at, sizeof r.started_at, "2026-11-27T18:00:00Z");
    r.exit_code = 4;
    ecsb_report_set(&r.cluster, "prod \"windows\"");
    ecsb_report_set(&r.os_family, "WINDOWS_SERVER_2022_CORE");
    ecsb_report_add_phase(&r, "preflight", ECSB_PHASE_FAILED, 0.25, "cluster prod not found in us-east-1");
    ecsb_report_add_phase(&r, "config", ECSB_PHASE_UNCHANGED, 0.0015, "");
    ecsb_report_add_error(&r, "cluster prod not found");
    ecsb_report_add_warning(&r, "user data:7:71: agent.logging_drivers = '[a, b]' is not valid JSON");
    struct ecsb_buf json = ECSB_BUF_INIT;
    ecsb_report_to_json(&r, &json);
    CHECK_CONTAINS(json.data, "\"result\": \"failed\"");

    struct ecsb_report back = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_report_from_json(json.data, json.len, &back, &err), ECSB_OK);
    CHECK_INT_EQ(back.exit_code, 4);
    CHECK_STR_EQ(back.cluster, "prod \"windows\"");
    CHECK_INT_EQ(back.n_phases, 2);
    CHECK_INT_EQ(back.phases[0].result, ECSB_PHASE_FAILED);
    CHECK_INT_EQ(back.phases[1].result, ECSB_PHASE_UNCHANGED);
    CHECK(back.phases[1].seconds > 0.0015 && back.phases[1].seconds < 0.0025); /* rounded to ms */
    CHECK_STR_EQ(back.errors[0], "cluster prod not found");
    CHECK_INT_EQ(back.n_warnings, 1);
    CHECK_STR_EQ(back.warnings[0], "user data:7:71: agent.logging_drivers = '[a, b]' is not valid JSON");

    struct ecsb_buf text = ECSB_BUF_INIT;
    ecsb_report_to_text(&back, &text);
    CHECK_CONTAINS(text.data, "FAILED (exit 4)");
    CHECK_CONTAINS(text.data, "preflight    failed");
    CHECK_CONTAINS(text.data, "warning:     user data:7:71: agent.logging_drivers");
    ecsb_buf_free(&json);
    ecsb_buf_free(&text);
    ecsb_report_free(&r);
    ecsb_report_free(&back);
}

TEST(report_rejects_non_object)
{
    struct ecsb_report r = {0};
    struct ecsb_error err = {0};
    CHECK_INT_EQ(ecsb_report_from_json("[1]", 3, &r, &err), ECSB_ERR_INVALID);
    CHECK_INT_EQ(ecsb_report_from_json("{", 1, &r, &err), ECSB_ERR_INVALID);
    CHECK_CONTAINS(err.message, "line 1");
    ecsb_report_free(&r);
}

int main(void)
{
    RUN(report_round_trips_through_json);
    RUN(report_rejects_non_object);
    return check_summary();
}
