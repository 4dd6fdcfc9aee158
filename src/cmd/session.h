/* SPDX-License-Identifier: MIT */
/*
 * A debugging session: the opened dumps (a snapshot series when several), the printer, the
 * profile, the current snapshot, CPU and process context. All state lives here and is passed
 * explicitly; nothing is global.
 */
#ifndef MMKD_CMD_SESSION_H
#define MMKD_CMD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/as.h"
#include "core/out.h"
#include "ext/ext.h"
#include "model/memtype.h"
#include "model/pte.h"
#include "targets/pagefile.h"

struct err;
struct profile;
struct target;

struct snapshot {
	char *name;		/* file name (owned) */
	struct target *t;	/* owned */
	struct as phys;
	struct as kas;		/* kernel space once the DTB is known */
	bool dtb_tried;
	bool have_dtb;
	uint64_t dtb;
	const char *dtb_source; /* static string */
	struct selfmap sm;
	struct err *dtb_err;	/* remembered bootstrap failure (owned) */
	struct kernel_info *k;	/* kernel globals (owned), NULL until bootstrapped */
	bool k_tried;
	struct err *k_err;	/* remembered kernel bootstrap failure (owned) */
	uint64_t cur_eprocess;	/* default current process: the CPU's, else System */
	struct as cur_as;	/* its address space */
	struct pagefile_image *pagefiles[PAGEFILE_MAX]; /* paging file images (owned), by index */
};

struct model_live;

struct session {
	struct snapshot *snaps;
	struct ext_snap *views; /* what extensions see, parallel to snaps[] */
	size_t nsnaps;
	size_t cur;
	struct out out;
	struct profile *prof;	/* owned */
	bool have_user_dtb;
	uint64_t user_dtb;	/* --dtb */
	unsigned cpu;		/* current CPU (~N) */
	char prompt[24];	/* "N: kd> " for the printer's batch echo */
	struct mtrr_state mt;	/* PAT/MTRRs of the current CPU (session_ctx fills it) */
	bool have_proc;		/* .process set */
	uint64_t proc_eprocess;
	uint64_t proc_dtb;
	struct as proc_as;
	bool interactive;
	bool quit;
	unsigned failures;	/* commands that failed */
	char *pagefile[PAGEFILE_MAX]; /* --pagefile [N=]FILE (owned): for every snapshot */
	void *hooks;		/* optional: opaque data for live/model extensions */
	struct model_live *model; /* mmkd --model (owned), NULL otherwise */
};

/** session_init() - an empty session printing to @fp in @mode. */
struct err *session_init(struct session *s, enum out_mode mode, FILE *fp);
void session_deinit(struct session *s);

/**
 * session_open_dump() - open a dump and append it as the next snapshot.
 * @format: force a format by name, or NULL.
 */
struct err *session_open_dump(struct session *s, const char *path, const char *format);

/**
 * session_add_pagefile() - use the paging file image @path as paging file @index of every
 * snapshot, opened and following (--pagefile). Replaces one found beside a dump.
 */
struct err *session_add_pagefile(struct session *s, unsigned index, const char *path);

/** session_add_target() - append an already open target (ownership passes to the session). */
struct err *session_add_target(struct session *s, struct target *t, const char *name);

/** session_load_profile() - replace the built-in profile with a file. */
struct err *session_load_profile(struct session *s, const char *path);

/** The current snapshot. */
struct snapshot *session_snap(struct session *s);

/**
 * session_select() - make snapshot @n current. An explicit .process context follows the same
 * EPROCESS; if that process is not in snapshot @n, a warning goes to @o and the context falls
 * back to the default process.
 */
struct err *session_select(struct session *s, size_t n, struct out *o);

/**
 * session_snapshot_reset() - forget what was learned about a snapshot's target (its DTB and
 * kernel bootstrap, or why they failed), so that the next command finds them again. Used by
 * .reload after the live target re-attached.
 */
void session_snapshot_reset(struct snapshot *snap);

/** session_ensure_dtb() - find the kernel DTB and auto-entry of a snapshot (cached). */
struct err *session_ensure_dtb(struct session *s, struct snapshot *snap);

/** session_ensure_kernel() - bootstrap the kernel globals (KDBG) of a snapshot (cached). */
struct err *session_ensure_kernel(struct session *s, struct snapshot *snap);

/**
 * session_run_line() - run one input line: commands separated by ';'.
 * Return: true if every command succeeded.
 */
bool session_run_line(struct session *s, const char *line);

/** session_run_command() - run one command (no ';' splitting). */
bool session_run_command(struct session *s, const char *cmd);

/** session_ctx() - fill the extension view of the current state. */
void session_ctx(struct session *s, struct ext_ctx *ctx);

/** Register/symbol/memory callbacks for expressions over the current state. */
struct expr_env;
void session_expr_env(struct session *s, struct expr_env *env);

/**
 * session_set_cpu() - make CPU @cpu current (the prompt becomes "N: kd> ").
 * Return: ERR_INVALID_ARG if the current dump recorded no such CPU.
 */
struct err *session_set_cpu(struct session *s, unsigned cpu);

/** session_cpu() - the current CPU's recorded state, or NULL if the dump has none. */
const struct cpu_state *session_cpu(struct session *s);

/** session_reg() - a register of the current CPU by name ("cr3", "rip"). */
struct err *session_reg(struct session *s, const char *name, uint64_t *ret);

#endif
