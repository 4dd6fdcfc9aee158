// SPDX-License-Identifier: MIT
/*
 * Recursive-descent MASM expression evaluator. See expr.h.
 */
#include "expr.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

#define EXPR_MAX_DEPTH 64

struct parser {
	const char *p;
	const struct expr_env *env;
	int depth;
};

static struct err *parse_or(struct parser *ps, uint64_t *v);

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static struct err *syntax(struct parser *ps)
{
	if (!*ps->p)
		return err_create(ERR_INVALID_ARG, "syntax error: unexpected end of expression");
	return err_create(ERR_INVALID_ARG, "syntax error at '%.24s'", ps->p);
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '!' || c == '$' || c == '`' ||
	       c == '.';
}

static struct err *parse_number(struct parser *ps, uint64_t *v)
{
	const char *s = ps->p;
	unsigned base = 16;
	uint64_t acc = 0;
	int ndig = 0;

	if (s[0] == '0' && s[1]) {
		switch (s[1]) {
		case 'x': case 'X': base = 16; s += 2; break;
		case 'n': case 'N': base = 10; s += 2; break;
		case 't': case 'T': base = 8; s += 2; break;
		case 'y': case 'Y': base = 2; s += 2; break;
		}
	}
	for (;; s++) {
		int d;

		if (*s == '`')
			continue;
		d = digit_val(*s);
		if (d >= (int)base)
			break;
		if (acc > (UINT64_MAX - (uint64_t)d) / base)
			return err_create(ERR_INVALID_ARG, "number too large at '%.24s'", ps->p);
		acc = acc * base + (uint64_t)d;
		ndig++;
	}
	/* a trailing 'h' marks hex in MASM ("28h") */
	if (base == 16 && (*s == 'h' || *s == 'H') && !is_ident_char(s[1]))
		s++;
	if (!ndig || is_ident_char(*s))
		return NULL; /* not a number: let the caller try a symbol */
	ps->p = s;
	*v = acc;
	return NULL;
}

static struct err *parse_primary(struct parser *ps, uint64_t *v)
{
	static const struct {
		const char *name;
		unsigned size;
	} readers[] = { { "poi", 8 }, { "qwo", 8 }, { "dwo", 4 }, { "wo", 2 }, { "by", 1 } };
	struct err *err;
	const char *start;
	size_t i;

	skip_ws(ps);
	if (*ps->p == '(') {
		ps->p++;
		err = parse_or(ps, v);
		if (err)
			return err;
		skip_ws(ps);
		if (*ps->p != ')')
			return syntax(ps);
		ps->p++;
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(readers); i++) {
		size_t n = strlen(readers[i].name);
		const char *q = ps->p + n;

		if (strncasecmp(ps->p, readers[i].name, n))
			continue;
		while (*q == ' ')
			q++;
		if (*q != '(')
			continue;
		ps->p = q + 1;
		err = parse_or(ps, v);
		if (err)
			return err;
		skip_ws(ps);
		if (*ps->p != ')')
			return syntax(ps);
		ps->p++;
		if (!ps->env || !ps->env->read)
			return err_create(ERR_UNSUPPORTED, "%s() needs a memory source",
					  readers[i].name);
		return ps->env->read(ps->env->arg, *v, readers[i].size, v);
	}
	if (*ps->p == '@') {
		char name[64];
		size_t n = 0;

		ps->p++;
		while ((isalnum((unsigned char)*ps->p) || *ps->p == '$' || *ps->p == '_') &&
		       n + 1 < sizeof(name))
			name[n++] = (char)tolower((unsigned char)*ps->p++);
		name[n] = '\0';
		if (!n)
			return syntax(ps);
		if (!ps->env || !ps->env->reg)
			return err_create(ERR_UNSUPPORTED, "no registers for '@%s'", name);
		return ps->env->reg(ps->env->arg, name, v);
	}
	start = ps->p;
	err = parse_number(ps, v);
	if (err || ps->p != start)
		return err;
	/* a symbol: module!name or a bare identifier */
	{
		char name[128];
		size_t n = 0;

		while (is_ident_char(*ps->p) && *ps->p != '`' && n + 1 < sizeof(name))
			name[n++] = *ps->p++;
		name[n] = '\0';
		if (!n || isdigit((unsigned char)name[0]))
			return syntax(ps);
		if (!ps->env || !ps->env->sym)
			return err_create(ERR_NOT_FOUND, "couldn't resolve symbol '%s'", name);
		return ps->env->sym(ps->env->arg, name, v);
	}
}

static struct err *parse_unary(struct parser *ps, uint64_t *v)
{
	struct err *err;

	if (++ps->depth > EXPR_MAX_DEPTH)
		return err_create(ERR_INVALID_ARG, "expression nested too deeply");
	skip_ws(ps);
	if (*ps->p == '-' || *ps->p == '~' || *ps->p == '+') {
		char op = *ps->p++;

		err = parse_unary(ps, v);
		if (!err)
			*v = op == '-' ? (uint64_t)(-(int64_t)*v) : op == '~' ? ~*v : *v;
	} else {
		err = parse_primary(ps, v);
	}
	ps->depth--;
	return err;
}

/* Peek at the next binary operator, skipping spaces; return its length or 0. */
static size_t peek_op(struct parser *ps, const char *const *ops, size_t nops, size_t *which)
{
	const char *q = ps->p;
	size_t i;

	while (*q == ' ' || *q == '\t')
		q++;
	for (i = 0; i < nops; i++) {
		size_t n = strlen(ops[i]);

		/* "--name" is an option, not a subtraction of a negation */
		if (q[0] == '-' && q[1] == '-')
			return 0;
		if (!strncmp(q, ops[i], n)) {
			/* "<<" must not match "<" etc.; callers list longer operators first */
			*which = i;
			ps->p = q;
			return n;
		}
	}
	return 0;
}

typedef struct err *(*level_fn)(struct parser *, uint64_t *);

static struct err *binary_level(struct parser *ps, uint64_t *v, const char *const *ops,
				size_t nops, level_fn next)
{
	struct err *err = next(ps, v);
	size_t n, which;

	while (!err && (n = peek_op(ps, ops, nops, &which))) {
		uint64_t r;
		const char *save = ps->p;

		ps->p += n;
		skip_ws(ps);
		if (!*ps->p) {
			ps->p = save;
			return syntax(ps);
		}
		err = next(ps, &r);
		if (err)
			return err;
		switch (ops[which][0]) {
		case '+': *v += r; break;
		case '-': *v -= r; break;
		case '*': *v *= r; break;
		case '/':
		case '%':
			if (!r)
				return err_create(ERR_INVALID_ARG, "division by zero");
			*v = ops[which][0] == '/' ? *v / r : *v % r;
			break;
		case '&': *v &= r; break;
		case '|': *v |= r; break;
		case '^': *v ^= r; break;
		case '<': *v = r >= 64 ? 0 : *v << r; break;
		case '>': *v = r >= 64 ? 0 : *v >> r; break;
		}
	}
	return err;
}

static struct err *parse_mul(struct parser *ps, uint64_t *v)
{
	static const char *const ops[] = { "*", "/", "%" };

	return binary_level(ps, v, ops, 3, parse_unary);
}

static struct err *parse_add(struct parser *ps, uint64_t *v)
{
	static const char *const ops[] = { "+", "-" };

	return binary_level(ps, v, ops, 2, parse_mul);
}

static struct err *parse_shift(struct parser *ps, uint64_t *v)
{
	static const char *const ops[] = { "<<", ">>" };

	return binary_level(ps, v, ops, 2, parse_add);
}

static struct err *parse_and(struct parser *ps, uint64_t *v)
{
	static const char *const ops[] = { "&" };

	return binary_level(ps, v, ops, 1, parse_shift);
}

static struct err *parse_xor(struct parser *ps, uint64_t *v)
{
	static const char *const ops[] = { "^" };

	return binary_level(ps, v, ops, 1, parse_and);
}

static struct err *parse_or(struct parser *ps, uint64_t *v)
{
	static const char *const ops[] = { "|" };
	struct err *err;

	if (++ps->depth > EXPR_MAX_DEPTH)
		return err_create(ERR_INVALID_ARG, "expression nested too deeply");
	err = binary_level(ps, v, ops, 1, parse_xor);
	ps->depth--;
	return err;
}

struct err *expr_eval(const char *s, const struct expr_env *env, uint64_t *ret,
		      const char **end_ret)
{
	struct parser ps = { s, env, 0 };
	struct err *err;
	uint64_t v = 0;

	skip_ws(&ps);
	if (!*ps.p)
		return err_create(ERR_INVALID_ARG, "missing expression");
	err = parse_or(&ps, &v);
	if (err)
		return err;
	if (end_ret)
		*end_ret = ps.p;
	*ret = v;
	return NULL;
}
