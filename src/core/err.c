// SPDX-License-Identifier: MIT
/*
 * Error construction and destruction. See err.h.
 */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libelf.h>

struct err err_nomem_obj = { .code = ERR_NOMEM, .message = "out of memory", .is_static = true };
struct err err_stop_obj = { .code = ERR_STOP, .message = "stopped", .is_static = true };

static struct err *err_alloc(enum err_code code, char *msg)
{
	struct err *err;

	if (!msg)
		return err_nomem;
	err = calloc(1, sizeof(*err));
	if (!err) {
		free(msg);
		return err_nomem;
	}
	err->code = code;
	err->message = msg;
	return err;
}

struct err *err_createv(enum err_code code, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		return err_nomem;
	return err_alloc(code, msg);
}

struct err *err_create(enum err_code code, const char *fmt, ...)
{
	struct err *err;
	va_list ap;

	va_start(ap, fmt);
	err = err_createv(code, fmt, ap);
	va_end(ap);
	return err;
}

struct err *err_os(int errnum, const char *fmt, ...)
{
	char *head = NULL, *msg = NULL;
	struct err *err;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&head, fmt, ap) < 0)
		head = NULL;
	va_end(ap);
	if (!head)
		return err_nomem;
	if (asprintf(&msg, "%s: %s", head, strerror(errnum)) < 0)
		msg = NULL;
	free(head);
	err = err_alloc(ERR_OS, msg);
	if (err != err_nomem)
		err->errnum = errnum;
	return err;
}

struct err *err_format(uint64_t file_off, const char *fmt, ...)
{
	struct err *err;
	va_list ap;

	va_start(ap, fmt);
	err = err_createv(ERR_FORMAT, fmt, ap);
	va_end(ap);
	if (err != err_nomem) {
		err->has_file_off = true;
		err->file_off = file_off;
	}
	return err;
}

struct err *err_fault(const char *space, uint64_t addr, const char *purpose, const char *why)
{
	struct err *err;

	err = err_create(ERR_FAULT, "cannot read %s at %s address %#llx%s%s",
			 purpose ? purpose : "memory", space ? space : "virtual",
			 (unsigned long long)addr, why ? ": " : "", why ? why : "");
	if (err != err_nomem) {
		err->has_address = true;
		err->address = addr;
	}
	return err;
}

struct err *err_libelf(const char *what)
{
	return err_create(ERR_FORMAT, "%s: %s", what, elf_errmsg(-1));
}

void err_destroy(struct err *err)
{
	if (!err || err->is_static)
		return;
	free(err->message);
	free(err);
}

bool err_catch(struct err **errp, enum err_code code)
{
	if (*errp && (*errp)->code == code) {
		err_destroy(*errp);
		*errp = NULL;
		return true;
	}
	return false;
}

const char *err_code_name(enum err_code code)
{
	switch (code) {
	case ERR_NOMEM:
		return "nomem";
	case ERR_OS:
		return "os";
	case ERR_FAULT:
		return "fault";
	case ERR_FORMAT:
		return "format";
	case ERR_LAYOUT:
		return "layout";
	case ERR_INVALID_ARG:
		return "invalid_arg";
	case ERR_UNSUPPORTED:
		return "unsupported";
	case ERR_NOT_FOUND:
		return "not_found";
	case ERR_STOP:
		return "stop";
	}
	return "unknown";
}

struct err *err_prefix(struct err *err, const char *fmt, ...)
{
	char *head = NULL, *msg = NULL;
	va_list ap;

	if (!err || err->is_static)
		return err;
	va_start(ap, fmt);
	if (vasprintf(&head, fmt, ap) < 0)
		head = NULL;
	va_end(ap);
	if (!head || asprintf(&msg, "%s: %s", head, err->message) < 0) {
		free(head);
		err_destroy(err);
		return err_nomem;
	}
	free(head);
	free(err->message);
	err->message = msg;
	return err;
}
