/* SPDX-License-Identifier: MIT */
/*
 * Type layout profiles in Volatility 3's ISF shape (formats.md §2), loaded with jansson. The
 * built-in profile is profiles/win7-x64-rtm.json compiled into the binary; --profile FILE
 * loads another. Model modules resolve the fields they need once, at session open, into plain
 * structs of offsets (struct pfn_layout ...): a missing field is an ERR_LAYOUT naming it in
 * full ("_MMPFN.u3.e1.PageLocation").
 */
#ifndef MMKD_CORE_PROFILE_H
#define MMKD_CORE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct err;

struct profile {
	json_t *root;	    /* owned */
	json_t *user_types; /* borrowed from root */
	json_t *base_types;
	json_t *enums;
	json_t *symbols;
	char *name;	    /* owned: "win7-x64-rtm" or the file name */
};

enum field_kind {
	FK_BASE,
	FK_POINTER,
	FK_ARRAY,
	FK_STRUCT, /* struct, union or class */
	FK_ENUM,
	FK_BITFIELD,
	FK_OTHER,
};

/** A resolved field: byte offset from the start of the outer type, size, optional bits. */
struct field {
	uint64_t offset;
	uint64_t size;	      /* bytes of the storage unit (bitfields: the base type's size) */
	bool is_bitfield;
	unsigned bit_pos;     /* within the storage unit at @offset */
	unsigned bit_len;
	enum field_kind kind;
	bool is_signed;
	const char *type_name; /* borrowed: struct/base/enum name, or NULL */
	json_t *type;	       /* borrowed type descriptor */
};

/** profile_load_builtin() - the compiled-in Windows 7 x64 RTM profile. */
struct err *profile_load_builtin(struct profile **ret);

/** profile_load_file() - load an ISF JSON file. */
struct err *profile_load_file(const char *path, struct profile **ret);

/** profile_load_string() - load from memory (tests, fuzzing). */
struct err *profile_load_string(const char *data, size_t len, const char *name,
				struct profile **ret);

void profile_destroy(struct profile *p);

/**
 * profile_field() - resolve a dotted field path inside a type.
 * @type: "_MMPFN"; @path: "u3.e1.PageLocation" (array elements as "Run[2]" are allowed).
 * Return: NULL, or ERR_LAYOUT "profile 'x' has no field _MMPFN.u3.e1.PageLocation".
 */
struct err *profile_field(const struct profile *p, const char *type, const char *path,
			  struct field *ret);

/** profile_type_size() - size of a user type, base type or enum. */
struct err *profile_type_size(const struct profile *p, const char *type, uint64_t *ret);

/** profile_has_type() - does the profile define this user type? */
bool profile_has_type(const struct profile *p, const char *type);

/** profile_symbol() - a symbol's RVA from the kernel base. */
struct err *profile_symbol(const struct profile *p, const char *name, uint64_t *rva_ret);

/** profile_desc_size() - size in bytes of a type descriptor. */
struct err *profile_desc_size(const struct profile *p, json_t *desc, uint64_t *ret);

/** profile_describe() - short C-like name of a type descriptor ("Ptr64 _MMPTE", "Uint8B"). */
void profile_describe(const struct profile *p, json_t *desc, char *buf, size_t len);

/** profile_user_type() - the user type's JSON object (borrowed), or NULL. */
json_t *profile_user_type(const struct profile *p, const char *name);

/** profile_enum_name() - the constant name for a value of an enum, or NULL. */
const char *profile_enum_name(const struct profile *p, const char *enum_name, int64_t value);

/**
 * field_read() - extract a field value from a buffer holding the outer type.
 * @buf: bytes of the outer object; @len: their count (bounds are checked).
 * Return: the value (zero-extended, or sign-extended for signed fields).
 */
uint64_t field_read(const struct field *f, const void *buf, size_t len);

/** field_write() - store a value into a buffer (the reference VMM writes structures with it). */
void field_write(const struct field *f, void *buf, size_t len, uint64_t value);

/* Tables that resolve a structure of layouts at once (model/layout.c, model/vmm/vlayout.c):
 * each entry names what to look up and the offset of the member it fills in @dst. */
struct profile_field_spec {
	const char *type, *path;
	size_t off; /* of a struct field */
};
struct profile_size_spec {
	const char *type;
	size_t off; /* of a uint64_t */
};
struct profile_symbol_spec {
	const char *name;
	size_t off; /* of a uint64_t */
};

/**
 * profile_resolve() - fill the members of @dst the three tables name (any table may be
 * empty). Return: NULL, or the first lookup's error (it names the type, field or symbol).
 */
struct err *profile_resolve(const struct profile *prof, void *dst,
			    const struct profile_field_spec *fields, size_t nfields,
			    const struct profile_size_spec *sizes, size_t nsizes,
			    const struct profile_symbol_spec *syms, size_t nsyms);

#endif
