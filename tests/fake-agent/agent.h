/* agent.h: the fake Amazon ECS agent's internals (tests only, never shipped).
 *
 * It plays the real agent's contract for the bootstrapper's end-to-end tests:
 * configuration from the environment, RegisterContainerInstance against ECS,
 * a checkpoint in ECS_DATADIR, the introspection API on 51678 only after
 * registration, the agent's exit codes, and the Windows service protocol.
 * Test knobs are documented in tests/fake-agent/README.md. */
#ifndef FAKE_AGENT_H
#define FAKE_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "ecsb/base/buf.h"
#include "ecsb/base/error.h"

/* The agent's exit codes (agent/app/exitcodes). */
enum fa_exit {
    FA_EXIT_OK = 0,       /* clean stop */
    FA_EXIT_ERROR = 1,    /* error: the service manager restarts the agent */
    FA_EXIT_TERMINAL = 5, /* terminal: restarting would not help */
};

#define FA_AGENT_VERSION "1.82.0"
#define FA_AGENT_HASH "fake0000"
#define FA_DOCKER_VERSION "DockerVersion: 20.10.23"
#define FA_DEFAULT_INTROSPECTION_PORT 51678
#define FA_CHECKPOINT_FILE "ecs_agent_data.json"

struct fa_config {
    char *cluster;             /* ECS_CLUSTER, default "default" */
    char *region;              /* AWS_DEFAULT_REGION / AWS_REGION; NULL = ask IMDS */
    char *datadir;             /* ECS_DATADIR; NULL = no checkpoint */
    char *logfile;             /* ECS_LOGFILE; NULL = no log file */
    char *instance_attributes; /* ECS_INSTANCE_ATTRIBUTES, raw JSON text or NULL */
    char *instance_tags;       /* ECS_CONTAINER_INSTANCE_TAGS, raw JSON text or NULL */
    char *ecs_endpoint;        /* AWS_ENDPOINT_URL_ECS, else AWS_ENDPOINT_URL; NULL = AWS */
    char *imds_endpoint;       /* AWS_EC2_METADATA_SERVICE_ENDPOINT; NULL = 169.254.169.254 */
    int introspection_port;    /* ECS_FAKE_AGENT_INTROSPECTION_PORT (test knob), default 51678 */
    /* Test knobs. */
    long register_delay_ms;    /* FAKE_AGENT_REGISTER_DELAY_MS */
    long exit_after_ms;        /* FAKE_AGENT_EXIT_AFTER_MS; -1 = never */
    int exit_code;             /* FAKE_AGENT_EXIT_CODE, default 1 */
    bool never_register;       /* FAKE_AGENT_NEVER_REGISTER=1 */
    bool mirror_attributes;    /* FAKE_AGENT_MOTO_ATTRIBUTES=1: PutAttributes what moto dropped */
    char *sim_build;           /* FAKE_AGENT_BUILD (POSIX: simulated Windows build) */
    char *sim_installation_type; /* FAKE_AGENT_INSTALLATION_TYPE (POSIX) */
};

/* Reads the configuration from the environment. Bad values of knobs and of
 * JSON-valued variables are errors (the real agent refuses to start). */
enum ecsb_status fa_config_load(struct fa_config *cfg, struct ecsb_error *err);
void fa_config_free(struct fa_config *cfg);

/* Logging: stderr always, ECS_LOGFILE when set. Messages never carry secrets. */
void fa_log_open(const char *logfile);
void fa_log_close(void);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void fa_log(const char *level, const char *fmt, ...);

/* Stop requests (SIGTERM/SIGINT, console Ctrl-C, SERVICE_CONTROL_STOP). */
void fa_request_stop(void);
bool fa_stop_requested(void);
long long fa_now_ms(void); /* monotonic */
char **fa_environ(void);    /* NULL-terminated NAME=VALUE list */

/* Waits up to ms; returns early on a stop request or at the exit-after deadline. */
enum fa_wake { FA_WAKE_TIMEOUT, FA_WAKE_STOP, FA_WAKE_EXIT_KNOB };
struct fa_run;
enum fa_wake fa_wait(const struct fa_run *run, long ms);

/* What the introspection API reports. */
struct fa_metadata {
    const char *cluster;
    const char *container_instance_arn; /* NULL before registration (JSON null) */
};

/* A blocking HTTP/1.1 server, one connection at a time. */
struct fa_server;
enum ecsb_status fa_server_listen(struct fa_server **out, const char *host, int port, struct ecsb_error *err);
/* Waits up to timeout_ms for a connection and answers it. */
void fa_server_poll(struct fa_server *s, long timeout_ms, const struct fa_metadata *md);
void fa_server_close(struct fa_server *s);
/* Builds the response for one request head (exposed for tests and fuzzing). */
void fa_http_respond(const char *head, size_t len, bool too_large, const struct fa_metadata *md,
                     struct ecsb_buf *out);

/* Checkpoint: the container-instance ARN kept across restarts in ECS_DATADIR. */
struct fa_checkpoint {
    char *cluster;
    char *container_instance_arn;
    char *ec2_instance_id;
};
/* ECSB_ERR_NOT_FOUND when there is no checkpoint yet. */
enum ecsb_status fa_checkpoint_load(const char *datadir, struct fa_checkpoint *cp, struct ecsb_error *err);
enum ecsb_status fa_checkpoint_save(const char *datadir, const struct fa_checkpoint *cp, struct ecsb_error *err);
void fa_checkpoint_free(struct fa_checkpoint *cp);

/* Host facts for registration (hostinfo.c). */
const char *fa_os_family(const struct fa_config *cfg); /* static string */
void fa_host_resources(long long *cpu_units, long long *memory_mib);

/* The whole agent lifetime: returns the process exit code. */
struct fa_run {
    const struct fa_config *cfg;
    long long started_ms;
};
int fa_agent_run(void);
/* The exit code for a wait that ended early (stop request or exit knob), logged. */
int fa_wake_code(const struct fa_run *run, enum fa_wake wake);

/* The steps below return FA_CONTINUE to go on, or the process exit code. */
#define FA_CONTINUE (-1)
/* Checks JSON-valued variables like the agent does before it does anything. */
int fa_preflight(const struct fa_run *run);
/* Parses text as a JSON object of string values (ECSB_ERR_INVALID otherwise,
 * the message naming the variable). *out: caller frees with ecsb_json_free. */
struct ecsb_json;
enum ecsb_status fa_parse_string_map(const char *name, const char *text, struct ecsb_json **out,
                                     struct ecsb_error *err);
/* Registration with ECS (with retries); fills the ARN (caller frees). */
int fa_register(const struct fa_run *run, char **arn);

#endif
