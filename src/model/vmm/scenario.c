// SPDX-License-Identifier: MIT
/*
 * Scenario statement parser. See scenario.h.
 */
#include "scenario.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

#define MAX_WORDS 12

static const struct {
	const char *name;
	unsigned code;
} prots[] = {
	/* Windows protection codes (paging.md §4): PAGE_NOACCESS is 0x18 (MM_NOACCESS). */
	{ "noaccess", 0x18 }, { "r", 1 }, { "rw", 4 }, { "rx", 3 }, { "rwx", 6 },
};

bool prot_parse(const char *s, unsigned *ret)
{
	char base[16];
	const char *plus = strchr(s, '+');
	size_t n = plus ? (size_t)(plus - s) : strlen(s), i;
	unsigned code = 0;
	bool found = false;

	if (n >= sizeof(base))
		return false;
	memcpy(base, s, n);
	base[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(prots); i++) {
		if (!strcmp(base, prots[i].name)) {
			code = prots[i].code;
			found = true;
		}
	}
	if (!found)
		return false;
	if (plus) {
		/* Modifiers in bits 4:3: NOCACHE 01, GUARD 10, WRITECOMBINE 11 (B:2547-2561). */
		if (code == 0x18)
			return false;
		if (!strcmp(plus, "+guard"))
			code |= 0x10;
		else if (!strcmp(plus, "+nocache"))
			code |= 0x08;
		else if (!strcmp(plus, "+wc"))
			code |= 0x18;
		else
			return false;
	}
	*ret = code;
	return true;
}

static bool number(const char *s, uint64_t *ret)
{
	char buf[40];

	strip_backticks(s, buf, sizeof(buf));
	return parse_size(buf, ret);
}

static struct err *bad(const char *what, const char *word)
{
	return err_create(ERR_INVALID_ARG, "%s '%s'", what, word ? word : "");
}

static struct err *need(unsigned have, unsigned want, const char *usage)
{
	if (have < want)
		return err_create(ERR_INVALID_ARG, "usage: %s", usage);
	return NULL;
}

static struct err *set_name(struct stmt *s, const char *w)
{
	if (strlen(w) >= STMT_NAME_MAX)
		return err_create(ERR_INVALID_ARG, "name '%.20s...' is longer than %d characters", w,
				  STMT_NAME_MAX - 1);
	strcpy(s->name, w);
	return NULL;
}

static struct err *parse_machine(struct stmt *s, char **w, unsigned n)
{
	unsigned i;
	bool ram = false;

	s->colors = 64;
	s->selfmap = 0x1ED;
	for (i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');
		uint64_t val;

		if (!eq)
			return bad("unknown machine option", w[i]);
		*eq++ = '\0';
		if (!strcmp(w[i], "selfmap") && !strcmp(eq, "random")) {
			s->selfmap_random = true;
			continue;
		}
		if (!number(eq, &val))
			return bad("bad number", eq);
		if (!strcmp(w[i], "ram")) {
			s->ram = val;
			ram = true;
		} else if (!strcmp(w[i], "pagefile")) {
			s->pagefile = val;
		} else if (!strcmp(w[i], "seed")) {
			s->seed = val;
			s->seed_set = true;
		} else if (!strcmp(w[i], "selfmap")) {
			if (val < 0x100 || val > 0x1FF)
				return bad("selfmap index outside 0x100-0x1ff:", eq);
			s->selfmap = (unsigned)val;
		} else if (!strcmp(w[i], "colors")) {
			if (!val || val > 1024 || (val & (val - 1)))
				return bad("colors must be a power of two up to 1024:", eq);
			s->colors = (unsigned)val;
		} else {
			return bad("unknown machine option", w[i]);
		}
	}
	if (!ram)
		return err_create(ERR_INVALID_ARG, "machine needs ram=SIZE");
	return NULL;
}

static struct err *parse_process(struct stmt *s, char **w, unsigned n)
{
	unsigned i;
	uint64_t val;

	for (i = 2; i < n; i++) {
		if (!strcmp(w[i], "hard")) {
			s->hard = true;
		} else if (!strncmp(w[i], "pid=", 4) && number(w[i] + 4, &val) && val <= UINT32_MAX) {
			s->pid = (uint32_t)val;
		} else if (!strncmp(w[i], "wsmax=", 6) && number(w[i] + 6, &val) && val >= 8 &&
			   val <= UINT32_MAX) {
			s->wsmax = (uint32_t)val;
		} else {
			return bad("unknown process option", w[i]);
		}
	}
	if (s->hard && !s->wsmax)
		return err_create(ERR_INVALID_ARG, "'hard' needs wsmax=N");
	return set_name(s, w[1]);
}

/* NAME ADDR [SIZE] ...: returns the index of the next word. */
static struct err *addr_size(struct stmt *s, char **w, unsigned n, unsigned *next, bool any_ok,
			     bool size_needed)
{
	struct err *err = set_name(s, w[1]);

	if (err)
		return err;
	if (any_ok && !strcmp(w[2], "any"))
		s->addr = UINT64_MAX;
	else if (!number(w[2], &s->addr))
		return bad("bad address", w[2]);
	*next = 3;
	s->size = 0x1000;
	if (n > 3 && number(w[3], &s->size)) {
		*next = 4;
	} else if (size_needed) {
		return bad("bad size", n > 3 ? w[3] : "");
	}
	return NULL;
}

static struct err *parse_alloc(struct stmt *s, char **w, unsigned n, unsigned *i)
{
	struct err *err;

	if ((err = need(n, 5, "alloc NAME ADDR|any SIZE PROT [reserve|commit]")) ||
	    (err = addr_size(s, w, n, i, true, true)))
		return err;
	if (!prot_parse(w[*i], &s->prot))
		return bad("unknown protection", w[*i]);
	s->commit = true;
	if (++*i < n) {
		if (!strcmp(w[*i], "reserve"))
			s->commit = false;
		else if (strcmp(w[*i], "commit"))
			return bad("expected reserve or commit, got", w[*i]);
		++*i;
	}
	return NULL;
}

static struct err *parse_touch(struct stmt *s, char **w, unsigned n, unsigned *i)
{
	struct err *err;

	if ((err = need(n, 4, "touch NAME ADDR [SIZE] read|write [nowait]")) ||
	    (err = addr_size(s, w, n, i, false, false)))
		return err;
	if (*i >= n || (strcmp(w[*i], "read") && strcmp(w[*i], "write")))
		return bad("expected read or write, got", *i < n ? w[*i] : "");
	s->write = !strcmp(w[(*i)++], "write");
	if (*i < n && !strcmp(w[*i], "nowait")) {
		s->nowait = true;
		++*i;
	}
	return NULL;
}

static struct err *parse_free_protect(struct stmt *s, char **w, unsigned n, unsigned *i)
{
	bool fr = s->kind == ST_FREE;
	struct err *err;

	if ((err = need(n, 5, fr ? "free NAME ADDR SIZE decommit|release" : "protect NAME ADDR SIZE PROT")) ||
	    (err = addr_size(s, w, n, i, false, true)))
		return err;
	if (!fr) {
		if (!prot_parse(w[*i], &s->prot))
			return bad("unknown protection", w[*i]);
		++*i;
		return NULL;
	}
	if (strcmp(w[*i], "decommit") && strcmp(w[*i], "release"))
		return bad("expected decommit or release, got", w[*i]);
	s->release = !strcmp(w[(*i)++], "release");
	return NULL;
}

static struct err *parse_trim(struct stmt *s, char **w, unsigned n, unsigned *i)
{
	struct err *err;

	if ((err = need(n, 2, "trim NAME [COUNT|all]")) || (err = set_name(s, w[1])))
		return err;
	*i = 2;
	if (n > 2) {
		if (!strcmp(w[2], "all"))
			s->count = UINT64_MAX;
		else if (!number(w[2], &s->count) || !s->count)
			return bad("bad count", w[2]);
		*i = 3;
	}
	return NULL;
}

static struct err *parse_rest(struct stmt *s, char **w, unsigned n)
{
	unsigned i = 1;
	struct err *err = NULL;

	switch (s->kind) {
	case ST_ALLOC:
		err = parse_alloc(s, w, n, &i);
		break;
	case ST_TOUCH:
		err = parse_touch(s, w, n, &i);
		break;
	case ST_FREE:
	case ST_PROTECT:
		err = parse_free_protect(s, w, n, &i);
		break;
	case ST_LOCK:
	case ST_UNLOCK:
		if (!(err = need(n, 3, "lock|unlock NAME ADDR [SIZE]")))
			err = addr_size(s, w, n, &i, false, false);
		break;
	case ST_TRIM:
		err = parse_trim(s, w, n, &i);
		break;
	case ST_MPW:
		if (n > 1 && !strcmp(w[1], "nowait")) {
			s->nowait = true;
			i = 2;
		}
		break;
	case ST_EXIT:
	case ST_SNAPSHOT:
		if (!(err = need(n, 2, s->kind == ST_EXIT ? "exit NAME" : "snapshot NAME")))
			err = set_name(s, w[1]);
		if (!err && s->kind == ST_SNAPSHOT && strpbrk(s->name, "/\\"))
			err = bad("snapshot names cannot contain a path separator:", s->name);
		i = 2;
		break;
	default:
		break;
	}
	if (err)
		return err;
	if (i < n)
		return bad("unexpected word", w[i]);
	return NULL;
}

struct err *stmt_parse(const char *line, struct stmt *ret)
{
	static const struct {
		const char *word;
		enum stmt_kind kind;
	} kinds[] = {
		{ "alloc", ST_ALLOC },	   { "complete", ST_COMPLETE }, { "exit", ST_EXIT },
		{ "free", ST_FREE },	   { "lock", ST_LOCK },		{ "machine", ST_MACHINE },
		{ "mpw", ST_MPW },	   { "process", ST_PROCESS },	{ "protect", ST_PROTECT },
		{ "snapshot", ST_SNAPSHOT }, { "touch", ST_TOUCH },	{ "trim", ST_TRIM },
		{ "unlock", ST_UNLOCK },   { "zero", ST_ZERO },
	};
	char buf[512], *w[MAX_WORDS], *save = NULL, *tok, *hash;
	unsigned n = 0, i;

	memset(ret, 0, sizeof(*ret));
	if (strlen(line) >= sizeof(buf))
		return err_create(ERR_INVALID_ARG, "line longer than %zu characters", sizeof(buf) - 1);
	strcpy(buf, line);
	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	for (tok = strtok_r(buf, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return err_create(ERR_INVALID_ARG, "too many words");
		w[n++] = tok;
	}
	if (!n) {
		ret->kind = ST_EMPTY;
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(w[0], kinds[i].word))
			ret->kind = kinds[i].kind;
	switch (ret->kind) {
	case ST_EMPTY:
		return bad("unknown statement", w[0]);
	case ST_MACHINE:
		return parse_machine(ret, w, n);
	case ST_PROCESS:
		if (n < 2)
			return err_create(ERR_INVALID_ARG, "usage: process NAME [pid=N] [wsmax=N [hard]]");
		return parse_process(ret, w, n);
	default:
		return parse_rest(ret, w, n);
	}
}
