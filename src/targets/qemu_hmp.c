// SPDX-License-Identifier: MIT
/*
 * HMP text parsers: `info registers` and `info mtree -f`. See qemu_hmp.h.
 * The layouts parsed are QEMU's (target/i386/cpu-dump.c x86_cpu_dump_state, softmmu/memory.c
 * mtree_print_flatview), checked against QEMU 7.2 output captured in tests/data/qemu/.
 */
#include "qemu_hmp.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

enum {
	MSR_EFER = 0xC0000080,
	MSR_FS_BASE = 0xC0000100,
	MSR_GS_BASE = 0xC0000101,
	HMP_MAX_TOKENS = 64,
	HMP_MAX_CPUS = 4096,
};

/* Hex number of 1-16 digits, the whole token. */
static bool parse_hex(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	for (; *s; s++, n++) {
		int c = (unsigned char)*s;

		if (!isxdigit(c) || n >= 16)
			return false;
		v = (v << 4) | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	if (!n)
		return false;
	*ret = v;
	return true;
}

/* Split a line into whitespace tokens, joining "R8 =0" into "R8=0" (QEMU pads short names). */
static size_t tokenize(char *line, char **tok, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p && n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (!strchr(tok[i], '=') && tok[i + 1][0] == '=') {
			/* "R8" "=00.." -> "R8=00..": shift the value left over the gap. */
			size_t kl = strlen(tok[i]);

			memmove(tok[i] + kl, tok[i + 1], strlen(tok[i + 1]) + 1);
			memmove(&tok[i + 1], &tok[i + 2], (n - i - 2) * sizeof(*tok));
			n--;
		}
	}
	return n;
}

static const char *const gpr64[16] = {
	"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8",  "R9",  "R10", "R11", "R12", "R13", "R14", "R15",
};
static const char *const gpr32[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };

/* One "KEY=VALUE" token; @rest are the tokens after it (segment base/limit, GDT base...). */
static bool apply_key(struct cpu_state *c, const char *key, const char *val, char **rest,
		      size_t nrest)
{
	static const char *const segs[] = { "ES", "CS", "SS", "DS", "FS", "GS" };
	uint64_t v = 0, base = 0, limit = 0;
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (!strcmp(key, gpr64[i]) || (i < 8 && !strcmp(key, gpr32[i]))) {
			if (!parse_hex(val, &c->gpr[i]))
				return false;
			c->valid |= REG_GPR;
			return true;
		}
	}
	if (!strcmp(key, "RIP") || !strcmp(key, "EIP"))
		return parse_hex(val, &c->rip);
	if (!strcmp(key, "RFL") || !strcmp(key, "EFL"))
		return parse_hex(val, &c->rflags);
	if (key[0] == 'C' && key[1] == 'R' && key[2] && !key[3]) {
		uint64_t *cr = key[2] == '0' ? &c->cr0 : key[2] == '2' ? &c->cr2
			     : key[2] == '3' ? &c->cr3 : key[2] == '4' ? &c->cr4 : NULL;

		if (!cr)
			return true;
		if (!parse_hex(val, cr))
			return false;
		c->valid |= REG_CR;
		return true;
	}
	if (!strcmp(key, "EFER")) {
		if (!parse_hex(val, &c->efer))
			return false;
		c->valid |= REG_EFER;
		return true;
	}
	if (!strcmp(key, "GDT") || !strcmp(key, "IDT")) {
		if (nrest < 2 || !parse_hex(rest[0], &base) || !parse_hex(rest[1], &limit))
			return false;
		if (key[0] == 'G') {
			c->gdt_base = base;
			c->gdt_limit = (uint32_t)limit;
		} else {
			c->idt_base = base;
			c->idt_limit = (uint32_t)limit;
		}
		c->valid |= REG_DESC;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		uint16_t *sel[] = { &c->es, &c->cs, &c->ss, &c->ds, &c->fs, &c->gs };

		if (strcmp(key, segs[i]))
			continue;
		if (nrest < 1 || !parse_hex(val, &v) || v > 0xFFFF || !parse_hex(rest[0], &base))
			return false;
		*sel[i] = (uint16_t)v;
		if (i == 4)
			c->fs_base = base;
		if (i == 5)
			c->gs_base = base;
		c->valid |= REG_SEG | (i == 4 || i == 5 ? REG_SEGBASE : 0);
		return true;
	}
	return true; /* CPL, HLT, DR0, XMM00, ...: not recorded */
}

/* Parse one line into @c. Return: false on a malformed known field. */
static bool parse_reg_line(struct cpu_state *c, char *line)
{
	char *tok[HMP_MAX_TOKENS];
	size_t n = tokenize(line, tok, HMP_MAX_TOKENS), i;

	for (i = 0; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		if (!eq || eq == tok[i])
			continue;
		*eq = '\0';
		if (!*(eq + 1) && strcmp(tok[i], "GDT") && strcmp(tok[i], "IDT"))
			continue; /* "KEY=" with the value elsewhere: not one of ours */
		if (!apply_key(c, tok[i], eq + 1, tok + i + 1, n - i - 1))
			return false;
	}
	return true;
}

static struct err *record_msrs(struct cpu_state *c)
{
	struct err *err = NULL;

	if (c->valid & REG_EFER)
		err = target_add_msr(c, MSR_EFER, c->efer);
	if (!err && (c->valid & REG_SEGBASE))
		err = target_add_msr(c, MSR_FS_BASE, c->fs_base);
	if (!err && (c->valid & REG_SEGBASE))
		err = target_add_msr(c, MSR_GS_BASE, c->gs_base);
	return err;
}

void qemu_hmp_free_cpus(struct cpu_state *cpus, size_t ncpus)
{
	size_t i;

	if (!cpus)
		return;
	for (i = 0; i < ncpus; i++)
		free(cpus[i].msrs);
	free(cpus);
}

struct err *qemu_hmp_parse_registers(const char *text, struct cpu_state **cpus_ret,
				     size_t *ncpus_ret)
{
	_cleanup_free_ char *copy = strdup(text);
	struct cpu_state *cpus = NULL;
	size_t ncpus = 0, lineno = 0, i;
	char *line, *save = NULL;
	struct err *err;

	if (!copy)
		return err_nomem;
	for (line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		lineno++;
		if (!strncmp(line, "CPU#", 4) || !ncpus) {
			struct cpu_state *n;

			if (ncpus >= HMP_MAX_CPUS) {
				qemu_hmp_free_cpus(cpus, ncpus);
				return err_create(ERR_FORMAT, "info registers: more than %d CPUs",
						  HMP_MAX_CPUS);
			}
			n = realloc(cpus, (ncpus + 1) * sizeof(*n));
			if (!n) {
				qemu_hmp_free_cpus(cpus, ncpus);
				return err_nomem;
			}
			cpus = n;
			memset(&cpus[ncpus++], 0, sizeof(*cpus));
			if (!strncmp(line, "CPU#", 4))
				continue;
		}
		if (!parse_reg_line(&cpus[ncpus - 1], line)) {
			qemu_hmp_free_cpus(cpus, ncpus);
			return err_create(ERR_FORMAT, "info registers: malformed line %zu", lineno);
		}
	}
	for (i = 0; i < ncpus; i++) {
		if (!(cpus[i].valid & (REG_GPR | REG_CR))) {
			qemu_hmp_free_cpus(cpus, ncpus);
			return err_create(ERR_FORMAT, "info registers: no registers for CPU %zu", i);
		}
		err = record_msrs(&cpus[i]);
		if (err) {
			qemu_hmp_free_cpus(cpus, ncpus);
			return err;
		}
	}
	if (!ncpus)
		return err_create(ERR_FORMAT, "info registers: empty reply");
	*cpus_ret = cpus;
	*ncpus_ret = ncpus;
	return NULL;
}

/* ---- info mtree -f ---- */

/*
 * One flat-view line: "  START-END (prio P, TYPE): NAME[ @OFFSET]". Return: 1 parsed,
 * 0 not a range line, -1 malformed.
 */
static int parse_range_line(const char *line, struct qemu_ram_range *r, char *type, size_t tlen)
{
	uint64_t start, end, off = 0;
	const char *p = line, *q;
	char *endp;
	size_t n;

	while (*p == ' ')
		p++;
	if (!isxdigit((unsigned char)*p))
		return 0;
	start = strtoull(p, &endp, 16);
	if (*endp != '-')
		return 0;
	end = strtoull(endp + 1, &endp, 16);
	if (strncmp(endp, " (prio ", 7) || end < start)
		return -1;
	p = strchr(endp, ',');
	q = p ? strstr(p, "): ") : NULL;
	if (!p || !q)
		return -1;
	p++;
	while (*p == ' ')
		p++;
	n = (size_t)(q - p);
	if (n >= tlen)
		return -1;
	memcpy(type, p, n);
	type[n] = '\0';
	p = q + 3;
	q = strstr(p, " @");
	n = q ? (size_t)(q - p) : strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (!n || n >= sizeof(r->block))
		return -1;
	memcpy(r->block, p, n);
	r->block[n] = '\0';
	if (q) {
		off = strtoull(q + 2, &endp, 16);
		if (endp == q + 2)
			return -1;
	}
	r->start_pa = start;
	r->len = end - start + 1;
	r->block_off = off;
	if (!r->len || off + r->len < off)
		return -1;
	return 1;
}

static bool is_ram_type(const char *type, bool *readonly)
{
	if (!strncmp(type, "nv-", 3))
		type += 3;
	*readonly = !strcmp(type, "rom");
	return !strcmp(type, "ram") || !strcmp(type, "rom");
}

static bool name_in(const char *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

struct err *qemu_hmp_parse_mtree(const char *text, const char *const *blocks, size_t nblocks,
				 struct qemu_ram_range **ranges_ret, size_t *nranges_ret)
{
	_cleanup_free_ char *copy = strdup(text);
	struct qemu_ram_range *rs = NULL;
	size_t n = 0, lineno = 0;
	char *line, *save = NULL;
	bool in_memory = false, seen = false;

	if (!copy)
		return err_nomem;
	for (line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		struct qemu_ram_range r;
		char type[32];
		bool ro;
		int k;

		lineno++;
		if (!strncmp(line, "FlatView #", 10)) {
			if (seen)
				break; /* the system view has been read */
			in_memory = false;
			continue;
		}
		if (!strcmp(line, " AS \"memory\", root: system")) {
			in_memory = seen = true;
			continue;
		}
		if (!in_memory)
			continue;
		memset(&r, 0, sizeof(r));
		k = parse_range_line(line, &r, type, sizeof(type));
		if (k < 0) {
			free(rs);
			return err_create(ERR_FORMAT, "info mtree: malformed line %zu", lineno);
		}
		if (!k || !is_ram_type(type, &ro) || !name_in(r.block, blocks, nblocks))
			continue;
		if (n && r.start_pa < rs[n - 1].start_pa + rs[n - 1].len) {
			free(rs);
			return err_create(ERR_FORMAT, "info mtree: line %zu overlaps or is out of order",
					  lineno);
		}
		r.readonly = ro;
		{
			struct qemu_ram_range *nr = realloc(rs, (n + 1) * sizeof(*nr));

			if (!nr) {
				free(rs);
				return err_nomem;
			}
			rs = nr;
		}
		rs[n++] = r;
	}
	if (!seen)
		return err_create(ERR_FORMAT, "info mtree: no flat view of the system address space");
	*ranges_ret = rs;
	*nranges_ret = n;
	return NULL;
}
