// SPDX-License-Identifier: MIT
/* MASM expression evaluator: numbers, operators, precedence, poi(), registers, errors. */
#include "cmd/expr.h"
#include "tap.h"

static struct err *fake_read(void *arg, uint64_t va, unsigned size, uint64_t *ret)
{
	if (va == 0x1000) {
		*ret = size == 8 ? 0x1122334455667788ULL : (0x1122334455667788ULL & ((1ULL << (size * 8)) - 1));
		return NULL;
	}
	return err_fault("kernel", va, "poi() operand", "page not present");
}

static struct err *fake_reg(void *arg, const char *name, uint64_t *ret)
{
	if (!strcmp(name, "cr3")) {
		*ret = 0x187000;
		return NULL;
	}
	return err_create(ERR_NOT_FOUND, "register '%s' is not recorded", name);
}

static uint64_t ev(const char *s, const char **end)
{
	struct expr_env env = { fake_read, fake_reg, NULL, NULL };
	uint64_t v = 0xdeadbeef;
	struct err *err = expr_eval(s, &env, &v, end);

	if (err) {
		printf("# %s: %s\n", s, err->message);
		err_destroy(err);
	}
	return v;
}

int main(void)
{
	struct expr_env env = { fake_read, fake_reg, NULL, NULL };
	const char *end;
	uint64_t v;

	is_u64(ev("1c0000", NULL), 0x1c0000, "hex by default");
	is_u64(ev("0n100", NULL), 100, "0n decimal");
	is_u64(ev("0x10", NULL), 16, "0x hex");
	is_u64(ev("0t17", NULL), 15, "0t octal");
	is_u64(ev("0y101", NULL), 5, "0y binary");
	is_u64(ev("fffff800`02c06000", NULL), 0xfffff80002c06000ULL, "backtick separator");
	is_u64(ev("28h", NULL), 0x28, "h suffix");
	is_u64(ev("5b0000 + 13f000", NULL), 0x6ef000, "spaces around + (book L4291)");
	is_u64(ev("fffff8a000102048 + 2c4 * 8", NULL), 0xfffff8a000103668ULL, "* binds tighter than + (E77)");
	is_u64(ev("(1 + 2) * 3", NULL), 9, "parentheses");
	is_u64(ev("1 << 4 | 1", NULL), 0x11, "<< before |");
	is_u64(ev("f0 & 3c ^ 1", NULL), 0x31, "& before ^");
	is_u64(ev("-1", NULL), ~0ULL, "unary minus");
	is_u64(ev("~0 >> 3c", NULL), 0xf, "~ and >>");
	is_u64(ev("10 / 4", NULL), 4, "division");
	is_u64(ev("10 % 3", NULL), 1, "modulo (hex 10 = 16)");
	is_u64(ev("poi(1000)", NULL), 0x1122334455667788ULL, "poi() reads a pointer");
	is_u64(ev("dwo(1000)", NULL), 0x55667788, "dwo() reads 4 bytes");
	is_u64(ev("by(1000)", NULL), 0x88, "by() reads 1 byte");
	is_u64(ev("@cr3 + 8", NULL), 0x187008, "@register");
	v = ev("1c0000 1", &end);
	is_u64(v, 0x1c0000, "operand then space then operand ends the expression");
	is_str(end, " 1", "the rest is left for the next argument");
	v = ev("fffff8a000102048 + 8 1", &end);
	is_u64(v, 0xfffff8a000102050ULL, "E72: '+ 8' continues, ' 1' ends");
	ck_err(expr_eval("1 +", &env, &v, NULL), ERR_INVALID_ARG, "syntax", "dangling operator");
	ck_err(expr_eval("(1", &env, &v, NULL), ERR_INVALID_ARG, "syntax", "unclosed parenthesis");
	ck_err(expr_eval("1/0", &env, &v, NULL), ERR_INVALID_ARG, "division by zero", "division by zero");
	ck_err(expr_eval("poi(2000)", &env, &v, NULL), ERR_FAULT, "2000", "poi() of unreadable memory");
	ck_err(expr_eval("@rax", &env, &v, NULL), ERR_NOT_FOUND, "rax", "unknown register");
	ck_err(expr_eval("nt!Foo", &env, &v, NULL), ERR_NOT_FOUND, "nt!Foo", "symbol without resolver");
	ck_err(expr_eval("1ffffffffffffffff", &env, &v, NULL), ERR_INVALID_ARG, "too large", "overflow");
	ck_err(expr_eval("", &env, &v, NULL), ERR_INVALID_ARG, "missing", "empty expression");
	{
		char deep[400];
		int i;

		for (i = 0; i < 200; i++)
			deep[i] = '(';
		deep[200] = '1';
		for (i = 201; i < 399; i++)
			deep[i] = ')';
		deep[399] = '\0';
		ck_err(expr_eval(deep, &env, &v, NULL), ERR_INVALID_ARG, "deeply", "nesting is bounded");
	}
	return done_testing();
}
