/* settings.h: raw settings as read from one source, before the config model types
 * and validates them. Every reader (INI file, INI user data, the legacy PowerShell
 * reader, the command line) produces this same shape, named by the INI schema's
 * section and key (docs/configuration.md), so the config model has one input.
 *
 * Lines a reader saw but does not act on are kept in `ignored` with the reason:
 * user data is never dropped silently. */
#ifndef ECSB_SETTINGS_H
#define ECSB_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

struct ecsb_setting {
    char *section; /* "cluster", "agent", "attributes", "tags", "images", "environment", ... */
    char *key;
    char *value;
    int line;      /* 1-based line in the source document, 0 if none */
    int column;    /* 1-based column of the value, 0 if unknown */
};

struct ecsb_ignored_line {
    int line;
    char *text;    /* the line as written (trimmed) */
    char *reason;  /* why it was not acted on */
};

struct ecsb_settings {
    char *origin;  /* "user data", "/etc/ecs-bootstrap.ini", "command line" */
    char *format;  /* "ini", "ec2launch+ini", "mime", "powershell", ... */
    struct ecsb_setting *items;
    size_t count, cap;
    struct ecsb_ignored_line *ignored;
    size_t n_ignored, cap_ignored;
    char **warnings;
    size_t n_warnings, cap_warnings;
    bool untrusted; /* user data: the launcher's, not the AMI owner's (ecsb/config/trust.h) */
    char **secrets; /* every value read from a secret-named key, kept even when overridden */
    size_t n_secrets, cap_secrets;
};

struct ecsb_masker;

void ecsb_settings_init(struct ecsb_settings *s, const char *origin);
void ecsb_settings_add(struct ecsb_settings *s, const char *section, const char *key, const char *value,
                       int line, int column);
void ecsb_settings_ignore(struct ecsb_settings *s, int line, const char *text, const char *reason);
void ecsb_settings_warn(struct ecsb_settings *s, const char *message);
/* Records a value read from a secret-named key (ecsb_settings_add does it itself;
 * readers call it for values they drop, such as an overridden PowerShell setting). */
void ecsb_settings_note_secret(struct ecsb_settings *s, const char *key, const char *value);
/* Registers every recorded secret value with the masker. */
void ecsb_settings_register_secrets(const struct ecsb_settings *s, struct ecsb_masker *m);
/* Last value of section/key, or NULL. Section and key compare case-insensitively. */
const struct ecsb_setting *ecsb_settings_find(const struct ecsb_settings *s, const char *section, const char *key);
void ecsb_settings_free(struct ecsb_settings *s);

#endif
