// SPDX-License-Identifier: MIT
/* libFuzzer harness: the MASM expression evaluator and tokenizer (cmd/expr.c), with memory,
 * register and symbol callbacks that answer some names and fail others. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/expr.h"
#include "core/err.h"

static struct err *rd(void *arg, uint64_t va, unsigned size, uint64_t *ret)
{
	if (va & 0x8)
		return err_fault("kernel", va, "poi() operand", "PTE not valid");
	*ret = va * 3 + size;
	return NULL;
}

static struct err *reg(void *arg, const char *name, uint64_t *ret)
{
	if (strcmp(name, "rip") && strcmp(name, "cr3") && strcmp(name, "$proc"))
		return err_create(ERR_NOT_FOUND, "register '%s' is not recorded", name);
	*ret = 0xfffff80002c10000ULL;
	return NULL;
}

static struct err *sym(void *arg, const char *name, uint64_t *ret)
{
	if (strcmp(name, "nt!MmPfnDatabase"))
		return err_create(ERR_NOT_FOUND, "couldn't resolve symbol '%s'", name);
	*ret = 0xfffff80002c8e0c0ULL;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct expr_env env = { rd, reg, sym, NULL };
	char *s = malloc(size + 1);
	const char *p, *end;
	uint64_t v;
	unsigned n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* Evaluate expression after expression, as the argument parser does. */
	for (p = s, n = 0; *p && n < 64; n++) {
		struct err *err = expr_eval(p, &env, &v, &end);

		err_destroy(err);
		if (err || end <= p)
			break;
		p = end;
	}
	free(s);
	return 0;
}
