/* SPDX-License-Identifier: MIT */
/*
 * Extension commands: one file per command, one descriptor per file, one table.
 *
 * Checklist for adding an extension `!foo` (git builtin.h style):
 *   1. src/ext/ext_foo.c exporting exactly `const struct ext_def ext_foo`; everything else static.
 *      Parse nothing by hand: declare options in opts[]; the dispatcher evaluates expressions
 *      and fills struct ext_args in the same order.
 *   2. Add `&ext_foo` to src/ext/ext_table.c (kept sorted by name; a test checks it) and the
 *      declaration to ext_table.h.
 *   3. Add the file to Makefile.am (mmkd_SOURCES via libmmkd).
 *   4. Document it in man/mmkd-commands.7: synopsis (identical to .synopsis, a test checks),
 *      options, examples and JSON fields.
 *   5. Golden tests: tests/golden/foo/<case>.cmd with .out and .json (MMKD_TEST_REGENERATE=1
 *      writes them; review the diff). examples[] are replayed against testdumps/ too.
 * Handlers never print: they call the model, then emit through struct out. Nothing here reads
 * a target directly; reads go through the address spaces in struct ext_ctx.
 */
#ifndef MMKD_EXT_EXT_H
#define MMKD_EXT_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/as.h"
#include "core/out.h"
#include "model/pte.h"

struct err;
struct profile;
struct target;
struct kernel_info;
struct pagefile_image;
struct mtrr_state;

enum ext_needs {
	NEEDS_DTB = 1 << 0,	/* kernel page tables (DTB and auto-entry) */
	NEEDS_KERNEL = 1 << 1,	/* kernel globals (KDBG bootstrap) */
	NEEDS_PROCESS = 1 << 2, /* a current process (.process) */
	NEEDS_LIVE = 1 << 3,	/* a live target */
	WANTS_KERNEL = 1 << 4,	/* use the kernel globals when they can be found, else go on */
	RAW_ARGS = 1 << 5,	/* the handler parses args->raw itself (opts[] is for help) */
};

enum opt_type {
	OPT_ADDR, /* an expression evaluated to an address */
	OPT_U64,  /* an expression evaluated to a number */
	OPT_STR,  /* one word, taken literally */
	OPT_FLAG, /* named option without a value */
	OPT_PROCESS, /* an image name ("notepad.exe") or an expression: EPROCESS address or pid */
};

#define EXT_MAX_OPTS 10

/**
 * One option. Positional options have names in upper case used only by help ("VA");
 * named ones start with '-' or '/' ("--color", "/p") or are WinDbg's "L" (count).
 */
struct ext_opt {
	const char *name;
	enum opt_type type;
	bool positional;
	bool required;
	const char *help;
};

struct ext_example {
	const char *cmd;    /* "!pte fffff6fb`40000000" */
	const char *dump;   /* testdumps/<dump> the example replays against, or NULL */
	const char *output; /* the exact text output */
};

struct ext_arg {
	bool set;
	uint64_t u;
	const char *s; /* OPT_STR: borrowed from the command line copy */
};

struct ext_args {
	struct ext_arg a[EXT_MAX_OPTS]; /* indexed like opts[] */
	const char *raw;		/* the whole argument string */
};

/** One snapshot as extensions see it. */
struct ext_snap {
	struct target *t;
	struct as *phys;
	struct as *kas;		 /* kernel space, NULL if no DTB */
	const struct selfmap *sm;
	uint64_t dtb;
	const char *dtb_source;
	struct kernel_info *k;	 /* kernel globals, NULL if not bootstrapped */
	const char *name;	 /* file name */
	struct pagefile_image *const *pagefiles; /* paging file images by index (entries may be NULL) */
};

struct ext_ctx {
	struct ext_snap *snaps;	 /* the series (one entry for a single dump) */
	size_t nsnaps;
	size_t cur;		 /* current snapshot index */
	struct ext_snap *s;	 /* == &snaps[cur] */
	struct as *pas;		 /* current process space (== s->kas without .process) */
	uint64_t proc_eprocess;	 /* current process EPROCESS VA, 0 if none */
	unsigned cpu;		 /* current CPU index */
	const struct mtrr_state *mt; /* PAT and MTRRs of the current CPU; NULL unless both
				      * IA32_PAT and IA32_MTRR_DEF_TYPE were recorded */
	struct profile *prof;
	bool progress;		 /* long scans may draw progress on stderr */
	void *session;		 /* opaque: for built-ins in src/cmd only */
	/** Bootstrap snapshot @index of the series (page tables and kernel globals) and refresh
	 * snaps[index]. Return: NULL, or why it cannot be analyzed. */
	struct err *(*ensure_snap)(struct ext_ctx *ctx, size_t index);
};

struct ext_def {
	const char *name;	/* "pte" (without '!') */
	const char *summary;	/* one line, lowercase, no period */
	const char *synopsis;	/* "!pte VA | !pte ADDR 1 | !pte START END" */
	const char *help;	/* paragraphs, same text as the man page section */
	const struct ext_example *examples; /* terminated by {NULL} */
	const struct ext_opt *opts;	    /* terminated by {NULL} */
	unsigned needs;		/* enum ext_needs */
	struct err *(*run)(struct ext_ctx *ctx, const struct ext_args *args, struct out *o);
};

/** Number of options in a NULL-terminated table. */
unsigned ext_nopts(const struct ext_def *def);

/** Print "  SYNOPSIS\n\n  help...\n  options..." to the printer (for .help CMD). */
void ext_print_help(const struct ext_def *def, bool bang, struct out *o);

#endif
