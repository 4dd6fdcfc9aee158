// SPDX-License-Identifier: MIT
/*
 * The printer's two renderers. See out.h.
 */
#include "out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void out_init(struct out *o, enum out_mode mode, FILE *fp)
{
	memset(o, 0, sizeof(*o));
	o->mode = mode;
	o->fp = fp;
	o->prompt = "0: kd> ";
}

static void out_reset_json(struct out *o)
{
	if (o->root)
		json_decref(o->root);
	o->root = NULL;
	o->depth = 0;
}

void out_deinit(struct out *o)
{
	out_reset_json(o);
	out_log_close(o);
}

void out_command_begin(struct out *o, const char *cmdline)
{
	out_reset_json(o);
	o->in_command = true;
	if (o->mode == OUT_JSON) {
		o->root = json_object();
		o->stack[0] = o->root;
		o->depth = 1;
		return;
	}
	if (o->echo)
		fprintf(o->fp, "%s%s\n", o->prompt, cmdline);
	if (o->log)
		fprintf(o->log, "%s%s\n", o->prompt, cmdline);
}

static json_t *err_to_json(const struct err *err)
{
	json_t *e = json_object();
	char buf[32];

	json_object_set_new(e, "code", json_string(err_code_name(err->code)));
	json_object_set_new(e, "message", json_string(err->message));
	if (err->has_address) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)err->address);
		json_object_set_new(e, "address", json_string(buf));
	}
	if (err->has_file_off) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)err->file_off);
		json_object_set_new(e, "file_offset", json_string(buf));
	}
	return e;
}

void out_command_end(struct out *o, const char *cmdline, const struct err *err)
{
	if (o->mode == OUT_JSON) {
		json_t *line = json_object();
		char *s;

		json_object_set_new(line, "command", json_string(cmdline));
		json_object_set_new(line, "ok", json_boolean(err == NULL));
		if (err)
			json_object_set_new(line, "error", err_to_json(err));
		else
			json_object_set(line, "result", o->root ? o->root : json_object());
		s = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (s) {
			fprintf(o->fp, "%s\n", s);
			free(s);
		}
		json_decref(line);
	} else if (err) {
		fflush(o->fp);
		fprintf(stderr, "error: %s\n", err->message);
		if (o->log)
			fprintf(o->log, "error: %s\n", err->message);
	}
	fflush(o->fp);
	out_reset_json(o);
	o->in_command = false;
}

void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	va_list ap2;

	if (o->mode != OUT_TEXT)
		return;
	if (o->log) {
		va_copy(ap2, ap);
		vfprintf(o->log, fmt, ap2);
		va_end(ap2);
	}
	vfprintf(o->fp, fmt, ap);
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

/* Attach @v to the innermost container. Steals the reference. */
static void out_put(struct out *o, const char *key, json_t *v)
{
	json_t *top;

	if (o->mode != OUT_JSON || o->depth <= 0) {
		json_decref(v);
		return;
	}
	top = o->stack[o->depth - 1];
	if (json_is_array(top))
		json_array_append_new(top, v);
	else
		json_object_set_new(top, key ? key : "value", v);
}

static void out_push(struct out *o, const char *key, json_t *c)
{
	if (o->mode != OUT_JSON) {
		json_decref(c);
		return;
	}
	if (o->depth >= OUT_MAX_DEPTH) {
		/* Programming error: nesting is fixed by the handlers, never by input. */
		json_decref(c);
		return;
	}
	json_incref(c);
	out_put(o, key, c);
	o->stack[o->depth++] = c;
	json_decref(c);
}

void out_object_begin(struct out *o, const char *key)
{
	if (o->mode == OUT_JSON)
		out_push(o, key, json_object());
}

void out_list_begin(struct out *o, const char *key)
{
	if (o->mode == OUT_JSON)
		out_push(o, key, json_array());
}

void out_record_begin(struct out *o)
{
	if (o->mode == OUT_JSON)
		out_push(o, NULL, json_object());
}

void out_end(struct out *o)
{
	if (o->mode == OUT_JSON && o->depth > 1)
		o->depth--;
}

void out_u64(struct out *o, const char *key, uint64_t v, enum out_fmt fmt)
{
	char buf[24];

	if (o->mode != OUT_JSON)
		return;
	if (fmt == OUT_DEC && v <= (uint64_t)INT64_MAX) {
		out_put(o, key, json_integer((json_int_t)v));
		return;
	}
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	out_put(o, key, json_string(buf));
}

void out_i64(struct out *o, const char *key, int64_t v)
{
	if (o->mode == OUT_JSON)
		out_put(o, key, json_integer((json_int_t)v));
}

void out_double(struct out *o, const char *key, double v)
{
	if (o->mode == OUT_JSON)
		out_put(o, key, json_real(v));
}

void out_str(struct out *o, const char *key, const char *s)
{
	if (o->mode == OUT_JSON)
		out_put(o, key, s ? json_string(s) : json_null());
}

void out_bool(struct out *o, const char *key, bool b)
{
	if (o->mode == OUT_JSON)
		out_put(o, key, json_boolean(b));
}

void out_null(struct out *o, const char *key)
{
	if (o->mode == OUT_JSON)
		out_put(o, key, json_null());
}

void out_flags(struct out *o, const char *key, uint64_t bits, const char *const *names,
	       unsigned nnames)
{
	json_t *a;
	unsigned i;

	if (o->mode != OUT_JSON)
		return;
	a = json_array();
	for (i = 0; i < nnames && i < 64; i++)
		if ((bits >> i) & 1 && names[i])
			json_array_append_new(a, json_string(names[i]));
	out_put(o, key, a);
}

void out_json(struct out *o, const char *key, json_t *v)
{
	out_put(o, key, v);
}

static void out_append_root_list(struct out *o, const char *list, const char *msg)
{
	json_t *a;

	if (!o->root)
		return;
	a = json_object_get(o->root, list);
	if (!a) {
		a = json_array();
		json_object_set_new(o->root, list, a);
	}
	json_array_append_new(a, json_string(msg));
}

void out_note(struct out *o, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	if (o->mode == OUT_JSON)
		out_append_root_list(o, "notes", msg);
	else
		out_printf(o, "%s\n", msg);
	free(msg);
}

void out_warn(struct out *o, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	if (o->mode == OUT_JSON)
		out_append_root_list(o, "warnings", msg);
	else
		out_printf(o, "warning: %s\n", msg);
	free(msg);
}

struct err *out_log_open(struct out *o, const char *path, bool append)
{
	FILE *f = fopen(path, append ? "a" : "w");

	if (!f)
		return err_os(errno, "cannot open '%s'", path);
	out_log_close(o);
	o->log = f;
	return NULL;
}

void out_log_close(struct out *o)
{
	if (o->log)
		fclose(o->log);
	o->log = NULL;
}
