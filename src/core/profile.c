// SPDX-License-Identifier: MIT
/*
 * ISF profile loading and field resolution. See profile.h and formats.md §2.
 */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

/* Generated at build time from profiles/win7-x64-rtm.json (see Makefile.am). */
extern const unsigned char mmkd_builtin_profile[];
extern const size_t mmkd_builtin_profile_len;

static struct err *profile_check(struct profile *p)
{
	p->user_types = json_object_get(p->root, "user_types");
	p->base_types = json_object_get(p->root, "base_types");
	p->enums = json_object_get(p->root, "enums");
	p->symbols = json_object_get(p->root, "symbols");
	if (!json_is_object(p->root) || !json_is_object(p->user_types) ||
	    !json_is_object(p->base_types))
		return err_create(ERR_FORMAT,
				  "profile '%s' is not an ISF profile (needs base_types and user_types)",
				  p->name);
	if (p->enums && !json_is_object(p->enums))
		p->enums = NULL;
	if (p->symbols && !json_is_object(p->symbols))
		p->symbols = NULL;
	return NULL;
}

struct err *profile_load_string(const char *data, size_t len, const char *name,
				struct profile **ret)
{
	struct profile *p;
	json_error_t jerr;
	struct err *err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return err_nomem;
	p->name = strdup(name ? name : "profile");
	if (!p->name) {
		free(p);
		return err_nomem;
	}
	p->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!p->root) {
		err = err_format(jerr.position, "profile '%s': %s at line %d", p->name, jerr.text,
				 jerr.line);
		profile_destroy(p);
		return err;
	}
	err = profile_check(p);
	if (err) {
		profile_destroy(p);
		return err;
	}
	*ret = p;
	return NULL;
}

struct err *profile_load_builtin(struct profile **ret)
{
	return profile_load_string((const char *)mmkd_builtin_profile, mmkd_builtin_profile_len,
				   "win7-x64-rtm", ret);
}

struct err *profile_load_file(const char *path, struct profile **ret)
{
	_cleanup_fclose_ FILE *f = fopen(path, "rb");
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return err_os(errno, "cannot open profile '%s'", path);
	do {
		if (len + 65536 > cap) {
			char *nb;

			if (cap > (256u << 20))
				return err_create(ERR_FORMAT, "profile '%s' is larger than 256 MiB",
						  path);
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb)
				return err_nomem;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f))
		return err_os(errno, "cannot read profile '%s'", path);
	return profile_load_string(buf, len, path, ret);
}

void profile_destroy(struct profile *p)
{
	if (!p)
		return;
	json_decref(p->root);
	free(p->name);
	free(p);
}

json_t *profile_user_type(const struct profile *p, const char *name)
{
	json_t *t = json_object_get(p->user_types, name);

	return json_is_object(t) ? t : NULL;
}

bool profile_has_type(const struct profile *p, const char *type)
{
	return profile_user_type(p, type) != NULL;
}

static bool json_u64(json_t *v, uint64_t *ret)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*ret = (uint64_t)json_integer_value(v);
	return true;
}

/* Depth bound for type recursion: hostile profiles may contain cycles. */
#define PROFILE_MAX_DEPTH 32

static struct err *desc_size(const struct profile *p, json_t *desc, uint64_t *ret, int depth)
{
	const char *kind = json_string_value(json_object_get(desc, "kind"));
	const char *name = json_string_value(json_object_get(desc, "name"));
	json_t *t;

	if (depth > PROFILE_MAX_DEPTH)
		return err_create(ERR_FORMAT, "profile '%s': type nesting too deep", p->name);
	if (!kind)
		return err_create(ERR_FORMAT, "profile '%s': type descriptor without kind", p->name);
	if (!strcmp(kind, "pointer")) {
		t = json_object_get(p->base_types, "pointer");
		if (t && json_u64(json_object_get(t, "size"), ret))
			return NULL;
		*ret = 8;
		return NULL;
	}
	if (!strcmp(kind, "base")) {
		t = json_object_get(p->base_types, name ? name : "");
		if (!t || !json_u64(json_object_get(t, "size"), ret))
			return err_create(ERR_LAYOUT, "profile '%s' has no base type '%s'", p->name,
					  name ? name : "?");
		return NULL;
	}
	if (!strcmp(kind, "struct") || !strcmp(kind, "union") || !strcmp(kind, "class")) {
		t = profile_user_type(p, name ? name : "");
		if (!t || !json_u64(json_object_get(t, "size"), ret))
			return err_create(ERR_LAYOUT, "profile '%s' has no type '%s'", p->name,
					  name ? name : "?");
		return NULL;
	}
	if (!strcmp(kind, "enum")) {
		t = json_object_get(p->enums ? p->enums : json_null(), name ? name : "");
		if (!t || !json_u64(json_object_get(t, "size"), ret))
			return err_create(ERR_LAYOUT, "profile '%s' has no enum '%s'", p->name,
					  name ? name : "?");
		return NULL;
	}
	if (!strcmp(kind, "array")) {
		uint64_t count, sub;
		struct err *err;

		if (!json_u64(json_object_get(desc, "count"), &count))
			return err_create(ERR_FORMAT, "profile '%s': array without count", p->name);
		err = desc_size(p, json_object_get(desc, "subtype"), &sub, depth + 1);
		if (err)
			return err;
		if (count && sub > UINT64_MAX / count)
			return err_create(ERR_FORMAT, "profile '%s': array size overflows", p->name);
		*ret = count * sub;
		return NULL;
	}
	if (!strcmp(kind, "bitfield"))
		return desc_size(p, json_object_get(desc, "type"), ret, depth + 1);
	*ret = 0;
	return NULL;
}

struct err *profile_desc_size(const struct profile *p, json_t *desc, uint64_t *ret)
{
	return desc_size(p, desc, ret, 0);
}

struct err *profile_type_size(const struct profile *p, const char *type, uint64_t *ret)
{
	json_t *t = profile_user_type(p, type);

	if (t) {
		if (!json_u64(json_object_get(t, "size"), ret))
			return err_create(ERR_FORMAT, "profile '%s': type '%s' has no size", p->name,
					  type);
		return NULL;
	}
	t = json_object_get(p->base_types, type);
	if (t && json_u64(json_object_get(t, "size"), ret))
		return NULL;
	return err_create(ERR_LAYOUT, "profile '%s' has no type '%s'", p->name, type);
}

static void fill_field(const struct profile *p, json_t *desc, uint64_t offset, struct field *f)
{
	const char *kind = json_string_value(json_object_get(desc, "kind"));

	memset(f, 0, sizeof(*f));
	f->offset = offset;
	f->type = desc;
	f->kind = FK_OTHER;
	if (!kind)
		return;
	if (!strcmp(kind, "bitfield")) {
		json_t *bt = json_object_get(desc, "type");
		uint64_t pos = 0, len = 0;

		json_u64(json_object_get(desc, "bit_position"), &pos);
		json_u64(json_object_get(desc, "bit_length"), &len);
		f->is_bitfield = true;
		f->bit_pos = (unsigned)MIN(pos, 63);
		f->bit_len = (unsigned)MIN(len, 64);
		f->kind = FK_BITFIELD;
		/* An unsizable base type: assume a u64 storage unit (the error was leaked before;
		 * found by fuzz_profile). */
		{
			struct err *err = desc_size(p, bt, &f->size, 0);

			if (err) {
				err_destroy(err);
				f->size = 8;
			}
		}
		f->type_name = json_string_value(json_object_get(bt, "name"));
		if (f->type_name) {
			json_t *b = json_object_get(p->base_types, f->type_name);

			f->is_signed = json_is_true(json_object_get(b, "signed"));
		}
		return;
	}
	{
		struct err *err = desc_size(p, desc, &f->size, 0);

		if (err) {
			err_destroy(err);
			f->size = 0;
		}
	}
	f->type_name = json_string_value(json_object_get(desc, "name"));
	if (!strcmp(kind, "base")) {
		json_t *b = json_object_get(p->base_types, f->type_name ? f->type_name : "");

		f->kind = FK_BASE;
		f->is_signed = json_is_true(json_object_get(b, "signed"));
	} else if (!strcmp(kind, "pointer")) {
		f->kind = FK_POINTER;
	} else if (!strcmp(kind, "array")) {
		f->kind = FK_ARRAY;
	} else if (!strcmp(kind, "struct") || !strcmp(kind, "union") || !strcmp(kind, "class")) {
		f->kind = FK_STRUCT;
	} else if (!strcmp(kind, "enum")) {
		f->kind = FK_ENUM;
	}
}

/* Find member @name in user type @tname, recursing into anonymous members. */
static bool find_member(const struct profile *p, const char *tname, const char *name,
			uint64_t base_off, struct field *ret, int depth)
{
	json_t *t = profile_user_type(p, tname), *fields, *fv;
	const char *fname;

	if (!t || depth > PROFILE_MAX_DEPTH)
		return false;
	fields = json_object_get(t, "fields");
	if (!json_is_object(fields))
		return false;
	fv = json_object_get(fields, name);
	if (json_is_object(fv)) {
		uint64_t off = 0;

		json_u64(json_object_get(fv, "offset"), &off);
		fill_field(p, json_object_get(fv, "type"), base_off + off, ret);
		return true;
	}
	json_object_foreach(fields, fname, fv) {
		json_t *desc = json_object_get(fv, "type");
		uint64_t off = 0;

		if (!json_is_true(json_object_get(fv, "anonymous")) &&
		    strncmp(fname, "unnamed_field", 13) != 0)
			continue;
		json_u64(json_object_get(fv, "offset"), &off);
		if (find_member(p, json_string_value(json_object_get(desc, "name")), name,
				base_off + off, ret, depth + 1))
			return true;
	}
	return false;
}

struct err *profile_field(const struct profile *p, const char *type, const char *path,
			  struct field *ret)
{
	char comp[128];
	const char *s = path, *tname = type;
	struct field f;
	uint64_t off = 0;

	if (!profile_user_type(p, type))
		return err_create(ERR_LAYOUT, "profile '%s' has no type %s", p->name, type);
	memset(&f, 0, sizeof(f));
	while (*s) {
		size_t n = strcspn(s, ".[");
		uint64_t index = 0;
		bool has_index = false;

		if (n == 0 || n >= sizeof(comp))
			return err_create(ERR_INVALID_ARG, "bad field path '%s'", path);
		memcpy(comp, s, n);
		comp[n] = '\0';
		s += n;
		if (*s == '[') {
			char *end;

			index = strtoull(s + 1, &end, 0);
			if (*end != ']')
				return err_create(ERR_INVALID_ARG, "bad field path '%s'", path);
			has_index = true;
			s = end + 1;
		}
		if (!tname || !find_member(p, tname, comp, off, &f, 0))
			return err_create(ERR_LAYOUT, "profile '%s' has no field %s.%s", p->name,
					  type, path);
		off = f.offset;
		if (has_index) {
			uint64_t count = 0, esize = 0;
			json_t *sub = json_object_get(f.type, "subtype");

			if (f.kind != FK_ARRAY ||
			    !json_u64(json_object_get(f.type, "count"), &count) ||
			    desc_size(p, sub, &esize, 0) != NULL)
				return err_create(ERR_LAYOUT, "%s.%s: not an array", type, path);
			/* Windows' variable arrays are declared [1]; allow indexing past it. */
			off += index * esize;
			fill_field(p, sub, off, &f);
		}
		if (*s == '.')
			s++;
		tname = (f.kind == FK_STRUCT) ? f.type_name : NULL;
	}
	*ret = f;
	return NULL;
}

struct err *profile_symbol(const struct profile *p, const char *name, uint64_t *rva_ret)
{
	json_t *s = p->symbols ? json_object_get(p->symbols, name) : NULL;

	if (!s || !json_u64(json_object_get(s, "address"), rva_ret))
		return err_create(ERR_LAYOUT, "profile '%s' has no symbol %s", p->name, name);
	return NULL;
}

const char *profile_enum_name(const struct profile *p, const char *enum_name, int64_t value)
{
	json_t *e = p->enums ? json_object_get(p->enums, enum_name) : NULL;
	json_t *consts = json_object_get(e, "constants"), *v;
	const char *k;

	if (!json_is_object(consts))
		return NULL;
	json_object_foreach(consts, k, v) {
		if (json_is_integer(v) && json_integer_value(v) == value)
			return k;
	}
	return NULL;
}

void profile_describe(const struct profile *p, json_t *desc, char *buf, size_t len)
{
	const char *kind = json_string_value(json_object_get(desc, "kind"));
	const char *name = json_string_value(json_object_get(desc, "name"));
	uint64_t size = 0;

	if (!kind) {
		snprintf(buf, len, "?");
		return;
	}
	if (!strcmp(kind, "pointer")) {
		char sub[96];

		profile_describe(p, json_object_get(desc, "subtype"), sub, sizeof(sub));
		snprintf(buf, len, "Ptr64 %s", sub);
	} else if (!strcmp(kind, "array")) {
		char sub[96];
		uint64_t count = 0;

		json_u64(json_object_get(desc, "count"), &count);
		profile_describe(p, json_object_get(desc, "subtype"), sub, sizeof(sub));
		snprintf(buf, len, "[%llu] %s", (unsigned long long)count, sub);
	} else if (!strcmp(kind, "base")) {
		json_t *b = json_object_get(p->base_types, name ? name : "");
		bool sgn = json_is_true(json_object_get(b, "signed"));

		json_u64(json_object_get(b, "size"), &size);
		if (name && !strcmp(name, "void"))
			snprintf(buf, len, "Void");
		else if (name && !strcmp(name, "char"))
			snprintf(buf, len, "Char");
		else if (size == 1)
			snprintf(buf, len, sgn ? "Char" : "UChar");
		else
			snprintf(buf, len, "%s%lluB", sgn ? "Int" : "Uint", (unsigned long long)size);
	} else if (!strcmp(kind, "bitfield")) {
		uint64_t pos = 0, blen = 0;

		json_u64(json_object_get(desc, "bit_position"), &pos);
		json_u64(json_object_get(desc, "bit_length"), &blen);
		snprintf(buf, len, "Pos %llu, %llu Bit%s", (unsigned long long)pos,
			 (unsigned long long)blen, blen == 1 ? "" : "s");
	} else if (!strcmp(kind, "enum")) {
		snprintf(buf, len, "%s", name ? name : "enum");
	} else {
		snprintf(buf, len, "%s", name ? name : kind);
	}
}

uint64_t field_read(const struct field *f, const void *buf, size_t len)
{
	uint64_t v = 0;
	size_t n = MIN(f->size, 8);

	if (f->offset >= len || n > len - f->offset)
		return 0;
	memcpy(&v, (const uint8_t *)buf + f->offset, n);
	if (f->is_bitfield) {
		v = bits64(v, f->bit_pos, f->bit_len);
		if (f->is_signed && f->bit_len && f->bit_len < 64 && (v >> (f->bit_len - 1)) & 1)
			v |= ~0ULL << f->bit_len;
		return v;
	}
	if (f->is_signed && n < 8 && n > 0 && (v >> (n * 8 - 1)) & 1)
		v |= ~0ULL << (n * 8);
	return v;
}

void field_write(const struct field *f, void *buf, size_t len, uint64_t value)
{
	size_t n = MIN(f->size, 8);
	uint64_t v = 0;

	if (f->offset >= len || n > len - f->offset)
		return;
	if (f->is_bitfield) {
		uint64_t mask = (f->bit_len >= 64) ? ~0ULL : ((1ULL << f->bit_len) - 1);

		memcpy(&v, (uint8_t *)buf + f->offset, n);
		v &= ~(mask << f->bit_pos);
		v |= (value & mask) << f->bit_pos;
		memcpy((uint8_t *)buf + f->offset, &v, n);
		return;
	}
	memcpy((uint8_t *)buf + f->offset, &value, n);
}

struct err *profile_resolve(const struct profile *prof, void *dst,
			    const struct profile_field_spec *fields, size_t nfields,
			    const struct profile_size_spec *sizes, size_t nsizes,
			    const struct profile_symbol_spec *syms, size_t nsyms)
{
	char *base = dst;
	struct err *err = NULL;
	size_t i;

	for (i = 0; i < nfields && !err; i++)
		err = profile_field(prof, fields[i].type, fields[i].path,
				    (struct field *)(void *)(base + fields[i].off));
	for (i = 0; i < nsizes && !err; i++)
		err = profile_type_size(prof, sizes[i].type, (uint64_t *)(void *)(base + sizes[i].off));
	for (i = 0; i < nsyms && !err; i++)
		err = profile_symbol(prof, syms[i].name, (uint64_t *)(void *)(base + syms[i].off));
	return err;
}
