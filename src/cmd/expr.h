/* SPDX-License-Identifier: MIT */
/*
 * WinDbg MASM-style expressions: hex by default, 0n decimal, 0x hex, 0t octal, 0y binary,
 * backtick separators (fffff800`02c06000), + - * / % & | ^ ~ << >>, parentheses, unary
 * minus, poi()/qwo()/dwo()/wo()/by() memory reads, @register and module!symbol.
 * Spaces may surround binary operators ("5b0000 + 13f000" is one expression); an operand
 * followed by a space and no operator ends the expression, so "!pte START END" has two.
 */
#ifndef MMKD_CMD_EXPR_H
#define MMKD_CMD_EXPR_H

#include <stdint.h>

struct err;

struct expr_env {
	/** Read @size bytes at virtual address @va (poi() and friends). */
	struct err *(*read)(void *arg, uint64_t va, unsigned size, uint64_t *ret);
	/** Value of a register or pseudo-register ("cr3", "$proc"). */
	struct err *(*reg)(void *arg, const char *name, uint64_t *ret);
	/** Address of a symbol ("nt!MmPfnDatabase"). */
	struct err *(*sym)(void *arg, const char *name, uint64_t *ret);
	void *arg;
};

/**
 * expr_eval() - evaluate one expression at the start of @s.
 * @end_ret: set to the first character after the expression (may be NULL).
 * Return: NULL, or ERR_INVALID_ARG "syntax error at 'xyz'".
 */
struct err *expr_eval(const char *s, const struct expr_env *env, uint64_t *ret,
		      const char **end_ret);

#endif
