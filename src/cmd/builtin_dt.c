// SPDX-License-Identifier: MIT
/*
 * dt [-r] TYPE [ADDR] [FIELD]: a type of the profile, laid out or read at an address, with
 * bitfields decoded, as WinDbg's dt prints them (the book's dt excerpts, e.g. B:5283-5306).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/builtins.h"
#include "cmd/expr.h"
#include "cmd/session.h"
#include "core/as.h"
#include "core/err.h"
#include "core/profile.h"
#include "core/util.h"

#define DT_MAX_DEPTH 8
#define DT_MAX_SIZE 0x10000

struct member {
	const char *name;
	struct field f;
	size_t decl; /* declaration order in the profile, kept among equal offsets */
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->f.offset != y->f.offset)
		return x->f.offset < y->f.offset ? -1 : 1;
	return x->decl < y->decl ? -1 : x->decl > y->decl;
}

/* The members of user type @tname with offsets relative to @base, sorted (caller frees). */
static struct member *members_of(const struct profile *p, const char *tname, uint64_t base,
				 size_t *n_ret)
{
	json_t *t = profile_user_type(p, tname), *fields = json_object_get(t, "fields"), *fv;
	struct member *m;
	const char *name;
	size_t n = 0;

	*n_ret = 0;
	if (!json_is_object(fields))
		return NULL;
	m = calloc(json_object_size(fields) + 1, sizeof(*m));
	if (!m)
		return NULL;
	json_object_foreach(fields, name, fv) {
		struct err *err = profile_field(p, tname, name, &m[n].f);

		if (err) {
			err_destroy(err);
			continue;
		}
		m[n].f.offset += base;
		m[n].name = name;
		m[n].decl = n;
		n++;
	}
	qsort(m, n, sizeof(*m), member_cmp);
	*n_ret = n;
	return m;
}

static void print_value(struct out *o, const struct profile *p, const struct field *f,
			const uint8_t *buf, size_t len)
{
	char desc[160], a[18];
	uint64_t v;

	switch (f->kind) {
	case FK_BITFIELD: {
		unsigned i;

		v = field_read(f, buf, len);
		out_printf(o, "0y");
		for (i = f->bit_len; i > 0; i--)
			out_printf(o, "%c", (v >> (i - 1)) & 1 ? '1' : '0');
		out_printf(o, " (%#" PRIx64 ")", v);
		out_u64(o, "value", v, OUT_HEX);
		return;
	}
	case FK_POINTER:
		v = field_read(f, buf, len);
		profile_describe(p, json_object_get(f->type, "subtype"), desc, sizeof(desc));
		out_printf(o, "0x%s %s", fmt_addr(a, v), desc);
		out_u64(o, "value", v, OUT_HEX);
		return;
	case FK_BASE:
	case FK_ENUM:
		v = field_read(f, buf, len);
		if (f->kind == FK_ENUM) {
			const char *en = profile_enum_name(p, f->type_name ? f->type_name : "",
							   (int64_t)v);

			out_printf(o, "%s (0n%" PRId64 ")", en ? en : "?", (int64_t)v);
		} else if (f->size == 8) {
			out_printf(o, "0x%s", fmt_addr(a, v));
		} else {
			out_printf(o, "%#" PRIx64, v);
		}
		out_u64(o, "value", v, OUT_HEX);
		return;
	case FK_ARRAY: {
		json_t *sub = json_object_get(f->type, "subtype");
		const char *sn = json_string_value(json_object_get(sub, "name"));

		if (sn && !strcmp(sn, "char") && f->offset < len) {
			char s[64];
			size_t i, n = MIN(f->size, sizeof(s) - 1);

			for (i = 0; i < n && f->offset + i < len && buf[f->offset + i]; i++)
				s[i] = isprint(buf[f->offset + i]) ? (char)buf[f->offset + i] : '.';
			s[i] = '\0';
			out_printf(o, "\"%s\"", s);
			out_str(o, "value", s);
			return;
		}
		FALLTHROUGH;
	}
	default:
		profile_describe(p, f->type, desc, sizeof(desc));
		out_printf(o, "%s", desc);
	}
}

static void dt_members(struct out *o, const struct profile *p, const char *tname,
		       uint64_t base, const uint8_t *buf, size_t len, bool recurse, int depth,
		       const char *only)
{
	size_t n = 0, i;
	struct member *m = members_of(p, tname, base, &n);

	out_list_begin(o, "fields");
	for (i = 0; i < n; i++) {
		const struct field *f = &m[i].f;
		char desc[160];

		if (only && strcmp(only, m[i].name))
			continue;
		out_printf(o, "%*s+0x%03" PRIx64 " %-16s : ", 3 + depth * 3, "", f->offset - base,
			   m[i].name);
		out_record_begin(o);
		out_str(o, "name", m[i].name);
		out_u64(o, "offset", f->offset - base, OUT_HEX);
		profile_describe(p, f->type, desc, sizeof(desc));
		out_str(o, "type", desc);
		if (buf)
			print_value(o, p, f, buf, len);
		else
			out_printf(o, "%s", desc);
		out_printf(o, "\n");
		if (f->kind == FK_STRUCT && (recurse || only) && depth < DT_MAX_DEPTH && f->type_name)
			dt_members(o, p, f->type_name, f->offset, buf, len, recurse, depth + 1, NULL);
		out_end(o);
	}
	out_end(o);
	free(m);
}

static struct err *dt_run(struct ext_ctx *ctx, const struct ext_args *args, struct out *o)
{
	struct session *s = ctx->session;
	const struct profile *p = s->prof;
	const char *tname = args->a[1].s, *field = NULL, *bang;
	uint64_t addr = 0, size;
	bool have_addr = false;
	struct expr_env env;
	uint8_t *buf = NULL;
	struct err *err;

	bang = strchr(tname, '!');
	if (bang)
		tname = bang + 1; /* "nt!_MMPFN": the profile is the kernel's */
	err = profile_type_size(p, tname, &size);
	if (err)
		return err;
	session_expr_env(s, &env);
	/* The second word is an address if it evaluates completely, else the FIELD. */
	if (args->a[2].set) {
		const char *end = NULL;
		struct err *e2 = expr_eval(args->a[2].s, &env, &addr, &end);

		if (!e2 && end && !*end) {
			have_addr = true;
			field = args->a[3].s;
		} else {
			err_destroy(e2);
			if (args->a[3].set)
				return err_create(ERR_INVALID_ARG, "'%s' is not an address",
						  args->a[2].s);
			field = args->a[2].s;
		}
	}
	if (have_addr) {
		struct as *as = ctx->pas;

		if (!as) {
			/* dt without an address needs no dump; with one, the page tables. */
			struct snapshot *snap = session_snap(s);

			if (!snap)
				return err_create(ERR_INVALID_ARG, "no dump is open");
			err = session_ensure_dtb(s, snap);
			if (err)
				return err;
			as = &snap->kas;
		}
		if (size > DT_MAX_SIZE)
			return err_create(ERR_INVALID_ARG, "%s is too large to display", tname);
		buf = calloc(1, size ? size : 1);
		if (!buf)
			return err_nomem;
		err = as_read(as, addr, buf, size, tname);
		if (err) {
			free(buf);
			return err;
		}
		out_u64(o, "address", addr, OUT_HEX);
	}
	out_str(o, "type", tname);
	out_u64(o, "size", size, OUT_HEX);
	if (!profile_has_type(p, tname)) {
		free(buf);
		return err_create(ERR_INVALID_ARG, "%s is a base type; dt displays structures", tname);
	}
	if (field) {
		struct field f;

		err = profile_field(p, tname, field, &f);
		if (err) {
			free(buf);
			return err;
		}
	}
	/* A dotted FIELD walks down to the last component. */
	if (field && strchr(field, '.')) {
		char *path = strdup(field), *dot;
		const char *cur = tname;
		uint64_t base = 0;
		int depth = 0;

		if (!path) {
			free(buf);
			return err_nomem;
		}
		for (char *comp = path; (dot = strchr(comp, '.')); comp = dot + 1, depth++) {
			struct field f;

			*dot = '\0';
			err = profile_field(p, cur, comp, &f);
			if (err || f.kind != FK_STRUCT) {
				err_destroy(err);
				break;
			}
			out_printf(o, "%*s+0x%03" PRIx64 " %s\n", 3 + depth * 3, "", f.offset, comp);
			base += f.offset;
			cur = f.type_name;
			field = dot + 1;
		}
		dt_members(o, p, cur, base, buf, size, args->a[0].set, depth, field);
		free(path);
	} else {
		dt_members(o, p, tname, 0, buf, size, args->a[0].set, 0, field);
	}
	free(buf);
	return NULL;
}

static const struct ext_opt dt_opts[] = {
	{ "-r", OPT_FLAG, false, false, "expand nested structures recursively" },
	{ "TYPE", OPT_STR, true, true, "a type of the profile (nt!_MMPFN or _MMPFN)" },
	{ "ADDR", OPT_STR, true, false, "address to read the type at (an expression)" },
	{ "FIELD", OPT_STR, true, false, "only this field (dotted paths: u3.e1.PageLocation)" },
	{ 0 },
};

const struct ext_def builtin_dt = {
	.name = "dt",
	.summary = "display a type, or a structure at an address",
	.synopsis = "dt [-r] TYPE [ADDR] [FIELD]",
	.help = "Lays out TYPE from the profile (offset, name, type of each member, bitfields as\n"
		"Pos/Bits), or reads it at ADDR in the current process and shows each member's\n"
		"value: numbers in hex, pointers with the pointee type, bitfields in binary (0y011)\n"
		"with their value, enums by name, character arrays as strings. -r expands nested\n"
		"structures and unions; FIELD limits the display to one member, which may be a\n"
		"dotted path such as u3.e1.PageLocation.",
	.opts = dt_opts,
	.needs = 0,
	.run = dt_run,
};
