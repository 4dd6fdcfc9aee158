/* SPDX-License-Identifier: MIT */
/*
 * The interactive shell (readline: "0: kd> " prompt, history in ~/.mmkd_history, tab
 * completion of command names) and the batch runners for -c and -s.
 */
#ifndef MMKD_CMD_REPL_H
#define MMKD_CMD_REPL_H

#include <stdbool.h>
#include <stdio.h>

struct session;

/** repl_run() - read commands interactively until q or end of input. */
void repl_run(struct session *s);

/** batch_run_file() - run every line of @f (comments '#' and blank lines skipped). */
bool batch_run_file(struct session *s, FILE *f);

#endif
