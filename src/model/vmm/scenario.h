/* SPDX-License-Identifier: MIT */
/*
 * The scenario language of the reference VMM (DESIGN.md "Scenario language"), one statement
 * a line, '#' starts a comment:
 *
 *   machine ram=SIZE pagefile=SIZE [seed=N] [selfmap=0x1ED|random] [colors=N]
 *   process NAME [pid=N] [wsmax=N [hard]]
 *   alloc NAME ADDR|any SIZE PROT [reserve|commit]     PROT: noaccess r rw rx rwx
 *   touch NAME ADDR [SIZE] read|write [nowait]
 *   trim NAME [COUNT|all]
 *   mpw [nowait]
 *   zero
 *   free NAME ADDR SIZE decommit|release
 *   exit NAME
 *   snapshot NAME
 *
 * Extensions (mmkd-model(1)): PROT may carry +guard, +nocache or +wc; `protect NAME ADDR
 * SIZE PROT`; `lock NAME ADDR [SIZE]` and `unlock NAME ADDR [SIZE]`; `complete` finishes
 * every I/O in flight; `nowait` keeps I/O in flight across statements.
 */
#ifndef MMKD_MODEL_VMM_SCENARIO_H
#define MMKD_MODEL_VMM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

struct err;

enum stmt_kind {
	ST_EMPTY,
	ST_MACHINE,
	ST_PROCESS,
	ST_ALLOC,
	ST_TOUCH,
	ST_TRIM,
	ST_MPW,
	ST_ZERO,
	ST_FREE,
	ST_EXIT,
	ST_SNAPSHOT,
	ST_PROTECT,
	ST_LOCK,
	ST_UNLOCK,
	ST_COMPLETE,
};

#define STMT_NAME_MAX 64

struct stmt {
	enum stmt_kind kind;
	char name[STMT_NAME_MAX]; /* process or snapshot name */
	uint64_t addr;		  /* UINT64_MAX for `any` */
	uint64_t size;
	uint64_t count;		  /* trim: UINT64_MAX for `all`, 0 for an aging pass */
	unsigned prot;
	bool commit, write, nowait, release, hard;
	/* machine */
	uint64_t ram, pagefile, seed;
	bool seed_set, selfmap_random;
	unsigned selfmap, colors;
	/* process */
	uint32_t pid, wsmax;
};

/**
 * stmt_parse() - parse one line.
 * Return: NULL (ST_EMPTY for blank and comment lines) or ERR_INVALID_ARG with a message
 * naming the problem ("unknown statement 'frob'").
 */
struct err *stmt_parse(const char *line, struct stmt *ret);

/** prot_parse() - "rw", "rx+guard" ... into a Windows protection code. */
bool prot_parse(const char *s, unsigned *ret);

#endif
