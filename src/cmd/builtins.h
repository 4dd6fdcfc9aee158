/* SPDX-License-Identifier: MIT */
/*
 * Built-in shell commands (no '!'): memory display, disassembly, registers, expressions and
 * dot-commands. They share struct ext_def with the extensions so that parsing, help,
 * completion and the documentation meta-tests treat every command the same way; a built-in
 * may reach the session through ext_ctx.session.
 */
#ifndef MMKD_CMD_BUILTINS_H
#define MMKD_CMD_BUILTINS_H

#include <stddef.h>

#include "ext/ext.h"

extern const struct ext_def builtin_eval;
extern const struct ext_def builtin_db;
extern const struct ext_def builtin_dw;
extern const struct ext_def builtin_dd;
extern const struct ext_def builtin_dq;
extern const struct ext_def builtin_da;
extern const struct ext_def builtin_du;
extern const struct ext_def builtin_u;
extern const struct ext_def builtin_r;
extern const struct ext_def builtin_rdmsr;
extern const struct ext_def builtin_cpu;
extern const struct ext_def builtin_help;
extern const struct ext_def builtin_target;
extern const struct ext_def builtin_reload;
extern const struct ext_def builtin_logopen;
extern const struct ext_def builtin_logclose;
extern const struct ext_def builtin_q;
extern const struct ext_def builtin_dt;
extern const struct ext_def builtin_dotprocess;
extern const struct ext_def builtin_snap;
extern const struct ext_def builtin_model;
extern const struct ext_def builtin_dump;

extern const struct ext_def *const builtin_table[];
extern const size_t builtin_table_len;

/** builtin_find() - look up a built-in by name ("db", ".help", "?"). */
const struct ext_def *builtin_find(const char *name);

#endif
