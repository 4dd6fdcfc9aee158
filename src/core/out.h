/* SPDX-License-Identifier: MIT */
/*
 * The output printer: one API, two renderers chosen once per session. Handlers call both the
 * text calls (out_printf, WinDbg layout) and the structured calls (out_u64 and friends); the
 * text renderer ignores the structured calls and the JSON renderer ignores the text calls, so
 * no handler ever switches on the mode. In JSON mode each command becomes one line:
 *   {"command": "...", "ok": true, "result": {...}}
 *   {"command": "...", "ok": false, "error": {"code": "...", "message": "...", "address": "0x..."}}
 * 64-bit values are "0x..." strings (they do not fit json_int_t, and JSON readers lose
 * precision above 2^53); counts use OUT_DEC and are plain JSON numbers.
 */
#ifndef MMKD_CORE_OUT_H
#define MMKD_CORE_OUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct err;

enum out_mode {
	OUT_TEXT,
	OUT_JSON,
};

enum out_fmt {
	OUT_HEX, /* JSON "0x1a2b" */
	OUT_DEC, /* JSON number */
};

#define OUT_MAX_DEPTH 32

struct out {
	enum out_mode mode;
	FILE *fp;		/* borrowed: where lines go (stdout) */
	FILE *log;		/* owned: .logopen file, text copy; may be NULL */
	bool echo;		/* text mode: echo "0: kd> CMD" before each command */
	const char *prompt;	/* borrowed: "0: kd> " */
	json_t *root;		/* JSON: result object of the current command */
	json_t *stack[OUT_MAX_DEPTH];
	int depth;
	bool in_command;
};

/**
 * out_init() - set up a printer.
 * @fp: destination (borrowed).
 */
void out_init(struct out *o, enum out_mode mode, FILE *fp);
void out_deinit(struct out *o);

/** True in text mode. Use only to skip expensive text-only work, never to change content. */
static inline bool out_is_text(const struct out *o)
{
	return o->mode == OUT_TEXT;
}

/** Start a command: in text batch mode echoes the prompt and the command line. */
void out_command_begin(struct out *o, const char *cmdline);

/**
 * out_command_end() - finish a command.
 * @err: the command's error or NULL (borrowed; the caller destroys it).
 * Text: prints "error: <message>" to stderr. JSON: emits the command's line.
 */
void out_command_end(struct out *o, const char *cmdline, const struct err *err);

/* ---- text renderer ---- */
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_vprintf(struct out *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* ---- structured (JSON) renderer; @key is NULL for list elements ---- */
void out_object_begin(struct out *o, const char *key);
void out_list_begin(struct out *o, const char *key);
/** A record: an object inside the current list. */
void out_record_begin(struct out *o);
/** Close the innermost object/list/record. */
void out_end(struct out *o);
void out_u64(struct out *o, const char *key, uint64_t v, enum out_fmt fmt);
void out_i64(struct out *o, const char *key, int64_t v);
void out_double(struct out *o, const char *key, double v);
void out_str(struct out *o, const char *key, const char *s);
void out_bool(struct out *o, const char *key, bool b);
void out_null(struct out *o, const char *key);
/** out_flags() - a JSON array of the names of the set bits (bit i → names[i]). */
void out_flags(struct out *o, const char *key, uint64_t bits, const char *const *names,
	       unsigned nnames);
/** Attach a borrowed jansson value (reference stolen). */
void out_json(struct out *o, const char *key, json_t *v);

/* ---- both renderers ---- */
/** A note: text line as given; JSON appended to result.notes[]. */
void out_note(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** A warning: text "warning: ..." line; JSON appended to result.warnings[]. */
void out_warn(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Start copying text output to @path ("cannot open" error on failure). */
struct err *out_log_open(struct out *o, const char *path, bool append);
void out_log_close(struct out *o);

#endif
