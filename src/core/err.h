/* SPDX-License-Identifier: MIT */
/*
 * One error type for the whole project (drgn's struct drgn_error). Every fallible function
 * returns a struct err *; NULL means success. Errors carry a code that callers may branch on,
 * a one-line lowercase message, and optional details (an address for faults, a file offset for
 * format errors). err_nomem and err_stop are static and never allocated.
 */
#ifndef MMKD_CORE_ERR_H
#define MMKD_CORE_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum err_code {
	ERR_NOMEM = 1,
	ERR_OS,		 /* errno + path */
	ERR_FAULT,	 /* a read that could not be satisfied: address, space, purpose */
	ERR_FORMAT,	 /* bad dump or layout data */
	ERR_LAYOUT,	 /* a profile lacks a field or type */
	ERR_INVALID_ARG, /* bad command argument */
	ERR_UNSUPPORTED,
	ERR_NOT_FOUND,
	ERR_STOP, /* ends an iteration early; not a failure */
};

struct err {
	enum err_code code;
	char *message;	     /* one line, lowercase, no trailing period */
	bool has_address;    /* address is meaningful (faults) */
	uint64_t address;
	bool has_file_off;   /* file_off is meaningful (format errors) */
	uint64_t file_off;
	int errnum;	     /* ERR_OS */
	bool is_static;	     /* err_nomem / err_stop: never freed */
};

extern struct err err_nomem_obj;
extern struct err err_stop_obj;
#define err_nomem (&err_nomem_obj)
#define err_stop (&err_stop_obj)

/**
 * err_create() - make an error with a printf-style message.
 * @code: the error code.
 * @fmt: message format (lowercase, no trailing period).
 * Return: a new error (caller destroys), or err_nomem.
 */
struct err *err_create(enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** err_createv() - va_list variant of err_create(). */
struct err *err_createv(enum err_code code, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/**
 * err_os() - an ERR_OS error: "<message>: <strerror(errnum)>".
 * @errnum: the errno value.
 */
struct err *err_os(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * err_format() - an ERR_FORMAT error about a file at a given offset.
 * @file_off: offset in the file where the bad data was read.
 */
struct err *err_format(uint64_t file_off, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * err_fault() - an ERR_FAULT error: "cannot read <purpose> at <space> address <addr>".
 * @space: name of the address space ("physical", "kernel", "process").
 * @addr: the address that could not be read.
 * @purpose: what was being read ("_MMPFN entry"); may be NULL.
 * @why: optional extra detail ("PTE not valid"); may be NULL.
 */
struct err *err_fault(const char *space, uint64_t addr, const char *purpose, const char *why);

/** err_libelf() - an ERR_FORMAT error from libelf's last error, with context. */
struct err *err_libelf(const char *what);

/** err_destroy() - free any error, including NULL and the static ones. */
void err_destroy(struct err *err);

/**
 * err_catch() - swallow *errp if it has the given code.
 * Return: true if it was caught (and destroyed; *errp set to NULL).
 */
bool err_catch(struct err **errp, enum err_code code);

/** err_code_name() - stable snake_case name of a code, for JSON ("fault"). */
const char *err_code_name(enum err_code code);

/**
 * err_prefix() - prepend "<prefix>: " to an error's message, keeping its code and details.
 * Used only where context is added without rewording (e.g. the snapshot name).
 * Return: the same error (or err_nomem on allocation failure, which also frees @err).
 */
struct err *err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
