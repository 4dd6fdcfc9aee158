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
	char buf[40], *end;

	if (!s)
		return false;
	if (parse_size(s, v))
		return true;
	/* hex with backticks, WinDbg style */
	strip_backticks(s, buf, sizeof(buf));
	*v = strtoull(buf, &end, 16);
	return end != buf && !*end;
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

/* ---- machine statements: holes, CPUs, MSRs, header hints ---- */

#define PTDESC_MAX_CPUS 64

static struct err *get_cpu(struct ptdesc *d, const char *s, struct cpu_state **ret)
{
	uint64_t n;
	struct cpu_state *c;

	if (!num(s, &n) || n >= PTDESC_MAX_CPUS)
		return err_create(ERR_INVALID_ARG, "bad CPU number '%s' (0-%d)", s,
				  PTDESC_MAX_CPUS - 1);
	if (n >= d->ncpus) {
		c = realloc(d->cpus, (n + 1) * sizeof(*c));
		if (!c)
			return err_nomem;
		memset(c + d->ncpus, 0, (n + 1 - d->ncpus) * sizeof(*c));
		d->cpus = c;
		d->ncpus = n + 1;
	}
	*ret = &d->cpus[n];
	return NULL;
}

/* Register name -> field and the valid bit it implies. */
static uint64_t *reg_field(struct cpu_state *c, const char *name, unsigned *valid)
{
	static const char *const gpr[16] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
	};
	const struct {
		const char *n;
		uint64_t *f;
		unsigned v;
	} regs[] = {
		{ "rip", &c->rip, REG_GPR },	     { "rflags", &c->rflags, REG_GPR },
		{ "cr0", &c->cr0, REG_CR },	     { "cr2", &c->cr2, REG_CR },
		{ "cr3", &c->cr3, REG_CR },	     { "cr4", &c->cr4, REG_CR },
		{ "cr8", &c->cr8, REG_CR8 },	     { "efer", &c->efer, REG_EFER },
		{ "fsbase", &c->fs_base, REG_SEGBASE }, { "gsbase", &c->gs_base, REG_SEGBASE },
		{ "kernelgsbase", &c->kernel_gs_base, REG_KGS },
		{ "gdtbase", &c->gdt_base, REG_DESC }, { "idtbase", &c->idt_base, REG_DESC },
	};
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (!strcmp(name, gpr[i])) {
			*valid = REG_GPR;
			return &c->gpr[i];
		}
	}
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (!strcmp(name, regs[i].n)) {
			*valid = regs[i].v;
			return regs[i].f;
		}
	}
	return NULL;
}

static bool set_small_reg(struct cpu_state *c, const char *name, uint64_t v)
{
	const struct {
		const char *n;
		uint16_t *f;
	} segs[] = { { "cs", &c->cs }, { "ds", &c->ds }, { "es", &c->es },
		     { "fs", &c->fs }, { "gs", &c->gs }, { "ss", &c->ss } };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		if (!strcmp(name, segs[i].n)) {
			*segs[i].f = (uint16_t)v;
			c->valid |= REG_SEG;
			return true;
		}
	}
	if (!strcmp(name, "gdtlimit") || !strcmp(name, "idtlimit")) {
		*(name[0] == 'g' ? &c->gdt_limit : &c->idt_limit) = (uint32_t)v;
		c->valid |= REG_DESC;
		return true;
	}
	return false;
}

static struct err *stmt_cpu(struct ptdesc *d, char **w, int nw)
{
	struct cpu_state *c;
	struct err *err;
	int i;

	if (nw < 4 || nw % 2)
		return err_create(ERR_INVALID_ARG, "usage: cpu N REG VALUE [REG VALUE...]");
	err = get_cpu(d, w[1], &c);
	if (err)
		return err;
	for (i = 2; i + 1 < nw; i += 2) {
		unsigned valid = 0;
		uint64_t v, *f;

		if (!num(w[i + 1], &v))
			return err_create(ERR_INVALID_ARG, "bad value '%s'", w[i + 1]);
		if (set_small_reg(c, w[i], v))
			continue;
		f = reg_field(c, w[i], &valid);
		if (!f)
			return err_create(ERR_INVALID_ARG, "unknown register '%s'", w[i]);
		*f = v;
		c->valid |= valid;
	}
	return NULL;
}

static struct err *stmt_hint(struct ptdesc *d, char **w, int nw)
{
	struct target_hints *h = &d->hints;
	uint64_t v;

	if (nw != 3 || !num(w[2], &v))
		return err_create(ERR_INVALID_ARG, "usage: hint NAME VALUE");
	if (!strcmp(w[1], "kdbg")) {
		h->has_kdbg = true;
		h->kdbg_va = v;
	} else if (!strcmp(w[1], "pfndb")) {
		h->has_pfn_db = true;
		h->pfn_db = v;
	} else if (!strcmp(w[1], "psactivehead")) {
		h->has_ps_active_head = true;
		h->ps_active_head = v;
	} else if (!strcmp(w[1], "psloadedmodulelist")) {
		h->has_ps_loaded_module_list = true;
		h->ps_loaded_module_list = v;
	} else if (!strcmp(w[1], "nprocessors")) {
		h->nprocessors = (uint32_t)v;
	} else {
		return err_create(ERR_INVALID_ARG, "unknown hint '%s' (kdbg, pfndb, psactivehead, "
				  "psloadedmodulelist, nprocessors)", w[1]);
	}
	return NULL;
}

/* Cut [@pa, @pa + @len) out of the RAM runs. */
static struct err *stmt_hole(struct ptdesc *d, uint64_t pa, uint64_t len)
{
	struct phys_run *r;
	size_t i;

	if ((pa | len) & 0xFFF || !len || pa + len > d->pm.size || pa + len < pa)
		return err_create(ERR_INVALID_ARG, "hole %#llx+%#llx is not page-aligned inside RAM",
				  (unsigned long long)pa, (unsigned long long)len);
	for (i = 0; i < d->nruns; i++) {
		struct phys_run *x = &d->runs[i];
		uint64_t end = x->start_pa + x->len;

		if (pa + len <= x->start_pa || pa >= end)
			continue;
		if (pa <= x->start_pa && pa + len >= end) { /* swallowed */
			memmove(x, x + 1, (d->nruns - i - 1) * sizeof(*x));
			d->nruns--;
			i--;
		} else if (pa <= x->start_pa) {		 /* head cut */
			x->len = end - (pa + len);
			x->start_pa = pa + len;
		} else if (pa + len >= end) {		 /* tail cut */
			x->len = pa - x->start_pa;
		} else {				 /* split */
			r = realloc(d->runs, (d->nruns + 1) * sizeof(*r));
			if (!r)
				return err_nomem;
			d->runs = r;
			x = &d->runs[i];
			memmove(x + 1, x, (d->nruns - i) * sizeof(*x));
			d->nruns++;
			x[0].len = pa - x[0].start_pa;
			x[1].start_pa = pa + len;
			x[1].len = end - (pa + len);
			i++;
		}
	}
	return NULL;
}

static struct err *machine_stmt(struct ptdesc *d, char **w, int nw, bool *handled)
{
	uint64_t a, b, c;
	struct cpu_state *cpu;
	struct err *err;

	*handled = true;
	if (!strcmp(w[0], "hole")) {
		if (nw != 3 || !num(w[1], &a) || !num(w[2], &b))
			return err_create(ERR_INVALID_ARG, "usage: hole PA LEN");
		return stmt_hole(d, a, b);
	}
	if (!strcmp(w[0], "cpu"))
		return stmt_cpu(d, w, nw);
	if (!strcmp(w[0], "msr")) {
		if (nw != 4 || !num(w[2], &b) || !num(w[3], &c) || b > UINT32_MAX)
			return err_create(ERR_INVALID_ARG, "usage: msr N INDEX VALUE");
		err = get_cpu(d, w[1], &cpu);
		if (!err)
			err = target_add_msr(cpu, (uint32_t)b, c);
		return err;
	}
	if (!strcmp(w[0], "hint"))
		return stmt_hint(d, w, nw);
	*handled = false;
	return NULL;
}

static struct err *stmt(struct ptdesc *d, char **w, int nw)
{
	uint64_t a, b, c;
	struct err *err;
	bool handled;

	if (!strcmp(w[0], "ram")) {
		if (nw != 2 || !num(w[1], &a))
			return err_create(ERR_INVALID_ARG, "usage: ram SIZE");
		if (d->pm.ram)
			return err_create(ERR_INVALID_ARG, "ram given twice");
		err = physmem_init(&d->pm, (a + 0xFFF) & ~0xFFFULL);
		if (err)
			return err;
		d->next_alloc = 0x1000;
		d->runs = malloc(sizeof(*d->runs));
		if (!d->runs)
			return err_nomem;
		d->runs[0] = (struct phys_run){ 0, d->pm.size, 0 };
		d->nruns = 1;
		return NULL;
	}
	if (!d->pm.ram)
		return err_create(ERR_INVALID_ARG, "the first statement must be 'ram SIZE'");
	err = machine_stmt(d, w, nw, &handled);
	if (handled)
		return err;
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

/* The machine part of the truth file: runs, CPUs (registers by name, MSRs) and hints. */
static void truth_machine(struct ptdesc *d)
{
	json_t *runs = json_array(), *cpus = json_array(), *hints = json_object();
	size_t i, j;

	for (i = 0; i < d->nruns; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "start", hex(d->runs[i].start_pa));
		json_object_set_new(r, "length", hex(d->runs[i].len));
		json_array_append_new(runs, r);
	}
	for (i = 0; i < d->ncpus; i++) {
		static const char *const names[] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp",
						     "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
						     "r13", "r14", "r15", "rip", "rflags", "cr0",
						     "cr2", "cr3", "cr4", "cr8", "efer", "fsbase",
						     "gsbase", "kernelgsbase", "gdtbase", "idtbase" };
		struct cpu_state *c = &d->cpus[i];
		json_t *o = json_object(), *regs = json_object(), *msrs = json_object();

		for (j = 0; j < ARRAY_SIZE(names); j++) {
			unsigned valid = 0;
			uint64_t *f = reg_field(c, names[j], &valid);

			if (f && (c->valid & valid))
				json_object_set_new(regs, names[j], hex(*f));
		}
		for (j = 0; j < c->nmsrs; j++) {
			char key[16];

			snprintf(key, sizeof(key), "0x%x", c->msrs[j].index);
			json_object_set_new(msrs, key, hex(c->msrs[j].value));
		}
		json_object_set_new(o, "cpu", json_integer((json_int_t)i));
		json_object_set_new(o, "registers", regs);
		json_object_set_new(o, "msrs", msrs);
		json_array_append_new(cpus, o);
	}
	if (d->hints.has_kdbg)
		json_object_set_new(hints, "kdbg", hex(d->hints.kdbg_va));
	if (d->hints.has_pfn_db)
		json_object_set_new(hints, "pfn_database", hex(d->hints.pfn_db));
	if (d->hints.has_ps_active_head)
		json_object_set_new(hints, "ps_active_process_head", hex(d->hints.ps_active_head));
	if (d->hints.has_ps_loaded_module_list)
		json_object_set_new(hints, "ps_loaded_module_list",
				    hex(d->hints.ps_loaded_module_list));
	if (d->hints.nprocessors)
		json_object_set_new(hints, "nprocessors", json_integer(d->hints.nprocessors));
	json_object_set_new(d->truth, "runs", runs);
	json_object_set_new(d->truth, "cpus", cpus);
	json_object_set_new(d->truth, "hints", hints);
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
	if (!err) {
		d->hints.has_dtb = true;
		d->hints.dtb = d->b.pml4_pa;
		truth_machine(d);
	}
	return err;
}

void ptdesc_deinit(struct ptdesc *d)
{
	size_t i;

	physmem_deinit(&d->pm);
	json_decref(d->truth);
	for (i = 0; i < d->ncpus; i++)
		free(d->cpus[i].msrs);
	free(d->cpus);
	free(d->runs);
	memset(d, 0, sizeof(*d));
}
