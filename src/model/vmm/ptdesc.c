// SPDX-License-Identifier: MIT
/*
 * The *.ptd interpreter. See ptdesc.h.
 */
#include "ptdesc.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

static const char *const level_names[4] = { "pxe", "ppe", "pde", "pte" };

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

static struct err *bump_alloc(void *arg, uint64_t va_of_table, unsigned level, uint64_t *pa_ret)
{
	struct ptdesc *d = arg;

	if (d->next_alloc + 4096 > d->pm.size)
		return err_create(ERR_NOMEM, "simulated RAM exhausted by paging structures");
	*pa_ret = d->next_alloc;
	physmem_zero_page(&d->pm, d->next_alloc);
	d->next_alloc += 4096;
	return NULL;
}

static bool num(const char *s, uint64_t *v)
{
	char *end;

	if (!s)
		return false;
	if (parse_size(s, v))
		return true;
	/* hex with backticks, WinDbg style */
	{
		char buf[40];
		size_t n = 0;

		for (; *s && n + 1 < sizeof(buf); s++)
			if (*s != '`')
				buf[n++] = *s;
		buf[n] = '\0';
		*v = strtoull(buf, &end, 16);
		return end != buf && !*end;
	}
}

/* Record the final value of an entry written at self-map address @addr. */
static void record_entry(struct ptdesc *d, unsigned level, uint64_t va, uint64_t addr,
			 uint64_t value)
{
	char key[24];
	size_t i;
	json_t *e;

	snprintf(key, sizeof(key), "0x%" PRIx64, addr);
	json_array_foreach(d->entries, i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "address")), key)) {
			json_object_set_new(e, "value", hex(value));
			return;
		}
	}
	e = json_object();
	json_object_set_new(e, "level", json_string(level_names[level]));
	json_object_set_new(e, "va", hex(va));
	json_object_set_new(e, "address", hex(addr));
	json_object_set_new(e, "value", hex(value));
	json_array_append_new(d->entries, e);
}

static struct err *stmt(struct ptdesc *d, char **w, int nw)
{
	uint64_t a, b, c;
	struct err *err;

	if (!strcmp(w[0], "ram")) {
		if (nw != 2 || !num(w[1], &a))
			return err_create(ERR_INVALID_ARG, "usage: ram SIZE");
		if (d->pm.ram)
			return err_create(ERR_INVALID_ARG, "ram given twice");
		err = physmem_init(&d->pm, (a + 0xFFF) & ~0xFFFULL);
		if (err)
			return err;
		d->next_alloc = 0x1000;
		return NULL;
	}
	if (!d->pm.ram)
		return err_create(ERR_INVALID_ARG, "the first statement must be 'ram SIZE'");
	if (!strcmp(w[0], "pml4")) {
		uint64_t index = SELFMAP_WIN7, value = 0;
		int i;

		if (nw < 2 || !num(w[1], &a))
			return err_create(ERR_INVALID_ARG, "usage: pml4 PA [selfmap INDEX] [value V]");
		for (i = 2; i + 1 < nw; i += 2) {
			if (!strcmp(w[i], "selfmap") && num(w[i + 1], &index))
				continue;
			if (!strcmp(w[i], "value") && num(w[i + 1], &value))
				continue;
			return err_create(ERR_INVALID_ARG, "bad pml4 option '%s'", w[i]);
		}
		err = ptb_init(&d->b, &d->pm, a, (unsigned)index, value, bump_alloc, d);
		if (err)
			return err;
		d->have_pml4 = true;
		if (d->next_alloc <= a)
			d->next_alloc = a + 4096;
		json_object_set_new(d->truth, "dtb", hex(a));
		json_object_set_new(d->truth, "selfmap_index", hex(index));
		json_object_set_new(d->truth, "pte_base", hex(d->b.sm.pte_base));
		record_entry(d, 0, d->b.sm.pte_base, d->b.sm.pxe_base + index * 8,
			     value ? value : (a | 0x863));
		return NULL;
	}
	if (!strcmp(w[0], "alloc")) {
		if (nw != 2 || !num(w[1], &a) || (a & 0xFFF))
			return err_create(ERR_INVALID_ARG, "usage: alloc PA (page aligned)");
		d->next_alloc = a;
		return NULL;
	}
	if (!strcmp(w[0], "qword")) {
		if (nw != 3 || !num(w[1], &a) || !num(w[2], &b))
			return err_create(ERR_INVALID_ARG, "usage: qword PA VALUE");
		return physmem_write_u64(&d->pm, a, b);
	}
	if (!strcmp(w[0], "string")) {
		if (nw < 3 || !num(w[1], &a))
			return err_create(ERR_INVALID_ARG, "usage: string PA TEXT");
		return physmem_write(&d->pm, a, w[2], strlen(w[2]) + 1);
	}
	if (!strcmp(w[0], "fill")) {
		uint8_t buf[4096];

		if (nw != 4 || !num(w[1], &a) || !num(w[2], &b) || !num(w[3], &c) || c > 255)
			return err_create(ERR_INVALID_ARG, "usage: fill PA LEN BYTE");
		memset(buf, (int)c, sizeof(buf));
		while (b) {
			size_t n = MIN(b, sizeof(buf));

			err = physmem_write(&d->pm, a, buf, n);
			if (err)
				return err;
			a += n;
			b -= n;
		}
		return NULL;
	}
	if (!d->have_pml4)
		return err_create(ERR_INVALID_ARG, "'%s' needs a pml4 statement first", w[0]);
	if (!strcmp(w[0], "map")) {
		bool large = false, user;
		uint64_t flags, e;
		int i = 3;

		if (nw < 3 || !num(w[1], &a) || !num(w[2], &b))
			return err_create(ERR_INVALID_ARG, "usage: map VA PA [4K|2M] [FLAGS]");
		a = canon48(a);
		user = a < 0x0000800000000000ULL;
		flags = user ? 0x8000000000000867ULL : 0x863;
		if (i < nw && (!strcasecmp(w[i], "2M") || !strcasecmp(w[i], "4K"))) {
			large = !strcasecmp(w[i], "2M");
			i++;
		}
		if (i < nw && !num(w[i], &flags))
			return err_create(ERR_INVALID_ARG, "bad flags '%s'", w[i]);
		err = ptb_map(&d->b, a, b, large, flags & ~PTE_ADDR_MASK);
		if (err)
			return err;
		err = ptb_get_entry(&d->b, large ? 2 : 3, a, &e);
		if (err)
			return err;
		record_entry(d, large ? 2 : 3, a, selfmap_entry_va(&d->b.sm, large ? 2 : 3, a), e);
		{
			json_t *m = json_object();

			json_object_set_new(m, "va", hex(a));
			json_object_set_new(m, "pa", hex(b));
			json_object_set_new(m, "size", hex(large ? 0x200000 : 0x1000));
			json_array_append_new(d->maps, m);
		}
		return NULL;
	}
	if (!strcmp(w[0], "entry")) {
		unsigned level;

		if (nw != 4 || !num(w[2], &a) || !num(w[3], &b))
			return err_create(ERR_INVALID_ARG, "usage: entry pxe|ppe|pde|pte VA VALUE");
		for (level = 0; level < 4; level++)
			if (!strcasecmp(w[1], level_names[level]))
				break;
		if (level == 4)
			return err_create(ERR_INVALID_ARG, "unknown level '%s'", w[1]);
		a = canon48(a);
		err = ptb_set_entry(&d->b, level, a, b);
		if (err)
			return err;
		record_entry(d, level, a, selfmap_entry_va(&d->b.sm, level, a), b);
		return NULL;
	}
	return err_create(ERR_INVALID_ARG, "unknown statement '%s'", w[0]);
}

struct err *ptdesc_build(struct ptdesc *d, FILE *f, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	struct err *err = NULL;

	memset(d, 0, sizeof(*d));
	d->truth = json_object();
	d->entries = json_array();
	d->maps = json_array();
	json_object_set_new(d->truth, "entries", d->entries);
	json_object_set_new(d->truth, "maps", d->maps);
	while (getline(&line, &cap, f) >= 0) {
		char *w[16], *p = line, *hash = strchr(line, '#');
		int nw = 0;

		lineno++;
		if (hash)
			*hash = '\0';
		while (nw < 16) {
			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				break;
			w[nw++] = p;
			while (*p && !isspace((unsigned char)*p))
				p++;
			if (*p)
				*p++ = '\0';
		}
		if (!nw)
			continue;
		err = stmt(d, w, nw);
		if (err) {
			err = err_prefix(err, "%s:%u", name, lineno);
			break;
		}
	}
	free(line);
	if (!err && !d->have_pml4)
		err = err_create(ERR_INVALID_ARG, "%s: no pml4 statement", name);
	return err;
}

void ptdesc_deinit(struct ptdesc *d)
{
	physmem_deinit(&d->pm);
	json_decref(d->truth);
	memset(d, 0, sizeof(*d));
}
