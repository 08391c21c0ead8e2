/* psreader.h: the legacy PowerShell user data reader.
 *
 * Reads the subset of PowerShell that real `Initialize-ECSAgent` user data uses,
 * with a real tokenizer (quotes, backtick escapes and line continuations, comments,
 * here-strings), never regexes. What it understands:
 *   Import-Module ECSTools                       recognised, nothing to set
 *   Initialize-ECSAgent -Cluster x -EnableTaskIAMRole ...   -> cluster.* / agent.*
 *   [Environment]::SetEnvironmentVariable("N", "v", "Machine") -> environment.N
 *     (also [System.Environment]::, and [System.EnvironmentVariableTarget]::Machine)
 *   $name = "literal"                            remembered, so -Cluster $name resolves
 *   <powershell> </powershell> <persist>..</persist>   EC2Launch tags
 * Parameter names are case-insensitive and may start with '-', an en dash (U+2013),
 * an em dash (U+2014) or a horizontal bar (U+2015). Every other statement is listed
 * in out->ignored with a reason; unknown Initialize-ECSAgent parameters become
 * warnings. Lines and columns are those of `text` (1-based; columns count
 * characters), so a caller can blank out the parts of a document that are not
 * PowerShell (keeping newlines) and still get positions in the whole document. */
#ifndef ECSB_PSREADER_H
#define ECSB_PSREADER_H

#include <stddef.h>

#include "ecsb/base/error.h"
#include "ecsb/config/settings.h"

/* Appends what text sets to out (initialised by the caller). `origin` names the
 * document in messages. On unterminated quotes, comments or here-strings, a missing
 * parameter value, an unresolvable variable or malformed JSON in -LoggingDrivers /
 * -AwsvpcAdditionalLocalRoutes, returns ECSB_ERR_INVALID with
 * "<origin>:<line>:<col>: what; how to fix" and leaves out unchanged. */
enum ecsb_status ecsb_psreader_parse(const char *text, size_t len, const char *origin,
                                     struct ecsb_settings *out, struct ecsb_error *err);

#endif
