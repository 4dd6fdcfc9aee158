// SPDX-License-Identifier: MIT
/*
 * QEMU dump notes: parsing and building. See dump_notes.h.
 */
#include "dump_notes.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dmp_header.h"

/* One note, bounds-checked. */
struct note {
	uint64_t off;	/* offset of the note header in the area */
	const char *name; /* NUL-terminated inside the area, or NULL */
	uint32_t type;
	const uint8_t *desc;
	uint64_t desc_off;
	uint32_t descsz;
};

static uint64_t align_up(uint64_t v, unsigned a)
{
	return (v + a - 1) & ~(uint64_t)(a - 1);
}

/* The note at *@off; advances *@off. */
static struct err *next_note(const struct target *t, const uint8_t *b, uint64_t len,
			     uint64_t file_off, unsigned align, uint64_t *off, struct note *n)
{
	uint64_t o = *off, name_end, desc_end;
	uint32_t namesz;

	if (len - o < 12)
		return err_format(file_off + o,
				  "'%s': ELF note header at file offset %#llx is truncated", t->path,
				  (unsigned long long)(file_off + o));
	namesz = le32(b + o);
	n->descsz = le32(b + o + 4);
	n->type = le32(b + o + 8);
	n->off = o;
	name_end = o + 12 + align_up(namesz, 4);
	n->desc_off = align_up(name_end, align);
	desc_end = n->desc_off + align_up(n->descsz, align);
	if (name_end > len || n->desc_off > len || n->desc_off + n->descsz > len)
		return err_format(file_off + o,
				  "'%s': ELF note at file offset %#llx (name size %u, desc size %u) "
				  "runs past the end of the note area (%#llx bytes)",
				  t->path, (unsigned long long)(file_off + o), namesz, n->descsz,
				  (unsigned long long)len);
	n->name = (namesz && b[o + 12 + namesz - 1] == '\0') ? (const char *)b + o + 12 : NULL;
	n->desc = b + n->desc_off;
	*off = MIN(desc_end, len);
	return NULL;
}

static bool is_note(const struct note *n, const char *name, uint32_t type)
{
	return n->name && !strcmp(n->name, name) && n->type == type;
}

static void parse_prstatus(const struct note *n, struct cpu_state *c)
{
	const uint8_t *r;

	if (n->descsz == PRSTATUS64_SIZE) {
		/* user_regs_struct: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi
		 * orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs */
		static const int8_t map[15] = { GPR_R15, GPR_R14, GPR_R13, GPR_R12, GPR_RBP,
						GPR_RBX, GPR_R11, GPR_R10, GPR_R9,  GPR_R8,
						GPR_RAX, GPR_RCX, GPR_RDX, GPR_RSI, GPR_RDI };
		unsigned i;

		r = n->desc + PRSTATUS64_REGS;
		for (i = 0; i < 15; i++)
			c->gpr[map[i]] = le64(r + 8 * i);
		c->rip = le64(r + 8 * 16);
		c->cs = (uint16_t)le64(r + 8 * 17);
		c->rflags = le64(r + 8 * 18);
		c->gpr[GPR_RSP] = le64(r + 8 * 19);
		c->ss = (uint16_t)le64(r + 8 * 20);
		c->fs_base = le64(r + 8 * 21);
		c->gs_base = le64(r + 8 * 22);
		c->ds = (uint16_t)le64(r + 8 * 23);
		c->es = (uint16_t)le64(r + 8 * 24);
		c->fs = (uint16_t)le64(r + 8 * 25);
		c->gs = (uint16_t)le64(r + 8 * 26);
		c->valid |= REG_GPR | REG_SEG | REG_SEGBASE;
	} else if (n->descsz == PRSTATUS32_SIZE) {
		/* ebx ecx edx esi edi ebp eax ds es fs gs orig_eax eip cs eflags esp ss */
		static const int8_t map[7] = { GPR_RBX, GPR_RCX, GPR_RDX, GPR_RSI,
					       GPR_RDI, GPR_RBP, GPR_RAX };
		unsigned i;

		r = n->desc + PRSTATUS32_REGS;
		for (i = 0; i < 7; i++)
			c->gpr[map[i]] = le32(r + 4 * i);
		c->ds = (uint16_t)le32(r + 4 * 7);
		c->es = (uint16_t)le32(r + 4 * 8);
		c->fs = (uint16_t)le32(r + 4 * 9);
		c->gs = (uint16_t)le32(r + 4 * 10);
		c->rip = le32(r + 4 * 12);
		c->cs = (uint16_t)le32(r + 4 * 13);
		c->rflags = le32(r + 4 * 14);
		c->gpr[GPR_RSP] = le32(r + 4 * 15);
		c->ss = (uint16_t)le32(r + 4 * 16);
		c->valid |= REG_GPR | REG_SEG;
	}
	/* Other architectures' prstatus: the CPU is counted, its registers unknown. */
}

static struct err *parse_qemu(const struct target *t, const struct note *n, uint64_t file_off,
			      struct cpu_state *c)
{
	/* QEMUCPUState's GPRs: rax rbx rcx rdx rsi rdi rsp rbp r8..r15 */
	static const int8_t map[16] = { GPR_RAX, GPR_RBX, GPR_RCX, GPR_RDX, GPR_RSI, GPR_RDI,
					GPR_RSP, GPR_RBP, GPR_R8,  GPR_R9,  GPR_R10, GPR_R11,
					GPR_R12, GPR_R13, GPR_R14, GPR_R15 };
	const uint8_t *d = n->desc;
	uint16_t *sel[6] = { &c->cs, &c->ds, &c->es, &c->fs, &c->gs, &c->ss };
	uint32_t size;
	unsigned i;

	if (n->descsz < QCPU_SIZE_V1 || le32(d + QCPU_OFF_VERSION) != 1 ||
	    (size = le32(d + QCPU_OFF_SIZE)) < QCPU_SIZE_V1 || size > n->descsz)
		return err_format(file_off + n->desc_off,
				  "'%s': QEMU CPU state note at file offset %#llx: version %u, size "
				  "%#x, note size %#x (version 1 and at least %#x bytes expected)",
				  t->path, (unsigned long long)(file_off + n->desc_off),
				  n->descsz >= 8 ? le32(d) : 0, n->descsz >= 8 ? le32(d + 4) : 0,
				  n->descsz, QCPU_SIZE_V1);
	for (i = 0; i < 16; i++)
		c->gpr[map[i]] = le64(d + QCPU_OFF_RAX + 8 * i);
	c->rip = le64(d + QCPU_OFF_RIP);
	c->rflags = le64(d + QCPU_OFF_RFLAGS);
	for (i = 0; i < 6; i++)
		*sel[i] = (uint16_t)le32(d + QCPU_OFF_CS + QCPU_SEG_LEN * i);
	c->fs_base = le64(d + QCPU_OFF_CS + QCPU_SEG_LEN * 3 + 16);
	c->gs_base = le64(d + QCPU_OFF_CS + QCPU_SEG_LEN * 4 + 16);
	c->gdt_limit = le32(d + QCPU_OFF_GDT + 4);
	c->gdt_base = le64(d + QCPU_OFF_GDT + 16);
	c->idt_limit = le32(d + QCPU_OFF_IDT + 4);
	c->idt_base = le64(d + QCPU_OFF_IDT + 16);
	c->cr0 = le64(d + QCPU_OFF_CR0);
	c->cr2 = le64(d + QCPU_OFF_CR0 + 16);
	c->cr3 = le64(d + QCPU_OFF_CR0 + 24);
	c->cr4 = le64(d + QCPU_OFF_CR0 + 32);
	c->valid |= REG_GPR | REG_SEG | REG_SEGBASE | REG_DESC | REG_CR;
	/* kernel_gs_base was appended later; its presence shows in 'size' (elf2dmp). */
	if (size >= QCPU_SIZE_KGS) {
		c->kernel_gs_base = le64(d + QCPU_OFF_KERNEL_GS_BASE);
		c->valid |= REG_KGS;
	}
	return NULL;
}

static struct err *parse_mmkd(struct target *t, const struct note *n, uint64_t file_off)
{
	const uint8_t *d = n->desc;
	uint32_t cpu, nmsrs, i;
	struct cpu_state *c;
	struct err *err;

	if (n->descsz < MMKD_NOTE_HDR || le32(d) != MMKD_NOTE_VERSION)
		return err_format(file_off + n->desc_off,
				  "'%s': MMKD note at file offset %#llx: not version %u with a "
				  "%u-byte header",
				  t->path, (unsigned long long)(file_off + n->desc_off),
				  MMKD_NOTE_VERSION, MMKD_NOTE_HDR);
	cpu = le32(d + 4);
	nmsrs = le32(d + 8);
	if (cpu >= t->ncpus || nmsrs > (n->descsz - MMKD_NOTE_HDR) / MMKD_NOTE_MSR)
		return err_format(file_off + n->desc_off,
				  "'%s': MMKD note at file offset %#llx: CPU %u of %zu, %u MSRs "
				  "in %u bytes",
				  t->path, (unsigned long long)(file_off + n->desc_off), cpu, t->ncpus,
				  nmsrs, n->descsz);
	c = &t->cpus[cpu];
	if (le32(d + 12) & MMKD_NOTE_CR8) {
		c->cr8 = le64(d + 16);
		c->valid |= REG_CR8;
	}
	for (i = 0; i < nmsrs; i++) {
		const uint8_t *p = d + MMKD_NOTE_HDR + MMKD_NOTE_MSR * i;
		uint32_t index = le32(p);
		uint64_t value = le64(p + 8);

		err = target_add_msr(c, index, value);
		if (err)
			return err;
		if (index == MSR_EFER) {
			c->efer = value;
			c->valid |= REG_EFER;
		}
	}
	return NULL;
}

static struct err *parse_vmcoreinfo(struct target *t, const struct note *n, uint64_t file_off,
				    struct note_summary *s)
{
	struct dmp_header h;
	struct err *err;

	s->has_vmcoreinfo = true;
	/* A Windows guest hands QEMU an 8 KiB DUMP_HEADER64 here (live-lab.md §3.4); a Linux
	 * guest's VMCOREINFO is text and carries nothing mmkd uses. */
	if (n->descsz < 8 || memcmp(n->desc, "PAGEDU64", 8))
		return NULL;
	err = dmp_header_parse(n->desc, n->descsz, t->path, file_off + n->desc_off, &h);
	if (err)
		return err;
	dmp_header_hints(&h, "crash dump header (VMCOREINFO note)", &t->hints);
	s->vmcoreinfo_dmp = true;
	return NULL;
}

struct err *dump_notes_parse(struct target *t, const uint8_t *b, uint64_t len,
			     uint64_t file_off, unsigned align, struct note_summary *s)
{
	unsigned icore = 0, iqemu = 0;
	struct note n;
	uint64_t off;
	struct err *err;

	memset(s, 0, sizeof(*s));
	if (align != 4 && align != 8)
		align = 4;
	/* Pass 1: count the CPUs. */
	for (off = 0; off < len;) {
		err = next_note(t, b, len, file_off, align, &off, &n);
		if (err)
			return err;
		s->ncore += is_note(&n, "CORE", NT_PRSTATUS_TYPE);
		s->nqemu += is_note(&n, "QEMU", NT_QEMU_TYPE);
	}
	if (MAX(s->ncore, s->nqemu) && t->ncpus == 0) {
		err = target_add_cpus(t, MAX(s->ncore, s->nqemu));
		if (err)
			return err;
	}
	/* Pass 2: the i-th CORE and the i-th QEMU note describe CPU i (QEMU writes both in
	 * CPU_FOREACH order, dump/dump.c write_elf64_notes). */
	for (off = 0; off < len;) {
		err = next_note(t, b, len, file_off, align, &off, &n);
		if (err)
			return err;
		if (is_note(&n, "CORE", NT_PRSTATUS_TYPE) && icore < t->ncpus) {
			/* A QEMU note (later in the area) overrides these registers. */
			parse_prstatus(&n, &t->cpus[icore++]);
		} else if (is_note(&n, "QEMU", NT_QEMU_TYPE) && iqemu < t->ncpus) {
			err = parse_qemu(t, &n, file_off, &t->cpus[iqemu++]);
		} else if (is_note(&n, "MMKD", NT_MMKD_CPU)) {
			s->nmmkd++;
			err = parse_mmkd(t, &n, file_off);
		} else if (is_note(&n, "VMCOREINFO", NT_VMCOREINFO_TYPE)) {
			err = parse_vmcoreinfo(t, &n, file_off, s);
		}
		if (err)
			return err;
	}
	if (t->ncpus && (t->cpus[0].valid & REG_CR) && !t->hints.has_dtb) {
		/* CPU 0's CR3 is the DTB candidate (elf2dmp keeps it when it translates). */
		t->hints.has_dtb = true;
		t->hints.dtb = t->cpus[0].cr3 & ~0xFFFULL;
		t->hints.dtb_source = "CPU 0 CR3";
	}
	return NULL;
}

/* ---- building ---- */

struct nbuf {
	uint8_t *b;
	size_t len, cap;
};

static struct err *nb_note(struct nbuf *nb, const char *name, uint32_t type, const void *desc,
			   uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t need = 12 + align_up(namesz, 4) + align_up(descsz, 4);
	uint8_t *p;

	if (nb->len + need > nb->cap) {
		size_t cap = MAX(nb->cap * 2, nb->len + need + 4096);

		p = realloc(nb->b, cap);
		if (!p)
			return err_nomem;
		nb->b = p;
		nb->cap = cap;
	}
	p = nb->b + nb->len;
	memset(p, 0, need);
	memcpy(p, &namesz, 4);
	memcpy(p + 4, &descsz, 4);
	memcpy(p + 8, &type, 4);
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + align_up(namesz, 4), desc, descsz);
	nb->len += need;
	return NULL;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void build_prstatus(const struct cpu_state *c, uint32_t pid, uint8_t *d)
{
	const uint64_t regs[27] = {
		c->gpr[GPR_R15], c->gpr[GPR_R14], c->gpr[GPR_R13], c->gpr[GPR_R12],
		c->gpr[GPR_RBP], c->gpr[GPR_RBX], c->gpr[GPR_R11], c->gpr[GPR_R10],
		c->gpr[GPR_R9],	 c->gpr[GPR_R8],  c->gpr[GPR_RAX], c->gpr[GPR_RCX],
		c->gpr[GPR_RDX], c->gpr[GPR_RSI], c->gpr[GPR_RDI], 0 /* orig_rax */,
		c->rip,		 c->cs,		  c->rflags,	   c->gpr[GPR_RSP],
		c->ss,		 c->fs_base,	  c->gs_base,	   c->ds,
		c->es,		 c->fs,		  c->gs,
	};
	unsigned i;

	memset(d, 0, PRSTATUS64_SIZE);
	put32(d + PRSTATUS64_PID, pid);
	for (i = 0; i < 27; i++)
		put64(d + PRSTATUS64_REGS + 8 * i, regs[i]);
}

static void build_qemu(const struct cpu_state *c, uint8_t *d)
{
	const uint64_t gprs[16] = { c->gpr[GPR_RAX], c->gpr[GPR_RBX], c->gpr[GPR_RCX],
				    c->gpr[GPR_RDX], c->gpr[GPR_RSI], c->gpr[GPR_RDI],
				    c->gpr[GPR_RSP], c->gpr[GPR_RBP], c->gpr[GPR_R8],
				    c->gpr[GPR_R9],  c->gpr[GPR_R10], c->gpr[GPR_R11],
				    c->gpr[GPR_R12], c->gpr[GPR_R13], c->gpr[GPR_R14],
				    c->gpr[GPR_R15] };
	const uint16_t sel[6] = { c->cs, c->ds, c->es, c->fs, c->gs, c->ss };
	unsigned i;

	memset(d, 0, QCPU_SIZE_KGS);
	put32(d + QCPU_OFF_VERSION, 1);
	put32(d + QCPU_OFF_SIZE, QCPU_SIZE_KGS);
	for (i = 0; i < 16; i++)
		put64(d + QCPU_OFF_RAX + 8 * i, gprs[i]);
	put64(d + QCPU_OFF_RIP, c->rip);
	put64(d + QCPU_OFF_RFLAGS, c->rflags);
	for (i = 0; i < 6; i++)
		put32(d + QCPU_OFF_CS + QCPU_SEG_LEN * i, sel[i]);
	put64(d + QCPU_OFF_CS + QCPU_SEG_LEN * 3 + 16, c->fs_base);
	put64(d + QCPU_OFF_CS + QCPU_SEG_LEN * 4 + 16, c->gs_base);
	put32(d + QCPU_OFF_GDT + 4, c->gdt_limit);
	put64(d + QCPU_OFF_GDT + 16, c->gdt_base);
	put32(d + QCPU_OFF_IDT + 4, c->idt_limit);
	put64(d + QCPU_OFF_IDT + 16, c->idt_base);
	put64(d + QCPU_OFF_CR0, c->cr0);
	put64(d + QCPU_OFF_CR0 + 16, c->cr2);
	put64(d + QCPU_OFF_CR0 + 24, c->cr3);
	put64(d + QCPU_OFF_CR0 + 32, c->cr4);
	put64(d + QCPU_OFF_KERNEL_GS_BASE, c->kernel_gs_base);
}

static struct err *build_mmkd(struct nbuf *nb, const struct cpu_state *c, uint32_t cpu)
{
	bool add_efer = (c->valid & REG_EFER) && !target_cpu_msr(c, MSR_EFER, &(uint64_t){ 0 });
	uint32_t n = (uint32_t)c->nmsrs + add_efer, i;
	size_t len = MMKD_NOTE_HDR + (size_t)n * MMKD_NOTE_MSR;
	_cleanup_free_ uint8_t *d = NULL;

	if (!n && !(c->valid & REG_CR8))
		return NULL;
	if (len > UINT32_MAX || !(d = calloc(1, len)))
		return err_nomem;
	put32(d, MMKD_NOTE_VERSION);
	put32(d + 4, cpu);
	put32(d + 8, n);
	put32(d + 12, (c->valid & REG_CR8) ? MMKD_NOTE_CR8 : 0);
	put64(d + 16, c->cr8);
	for (i = 0; i < c->nmsrs; i++) {
		put32(d + MMKD_NOTE_HDR + MMKD_NOTE_MSR * i, c->msrs[i].index);
		put64(d + MMKD_NOTE_HDR + MMKD_NOTE_MSR * i + 8, c->msrs[i].value);
	}
	if (add_efer) {
		put32(d + MMKD_NOTE_HDR + MMKD_NOTE_MSR * i, MSR_EFER);
		put64(d + MMKD_NOTE_HDR + MMKD_NOTE_MSR * i + 8, c->efer);
	}
	return nb_note(nb, "MMKD", NT_MMKD_CPU, d, (uint32_t)len);
}

struct err *dump_notes_build(const struct dump_image *img, uint8_t **buf_ret, size_t *len_ret)
{
	struct nbuf nb = { NULL, 0, 0 };
	uint8_t desc[QCPU_SIZE_KGS > PRSTATUS64_SIZE ? QCPU_SIZE_KGS : PRSTATUS64_SIZE];
	struct err *err = NULL;
	size_t i;

	/* QEMU order: every CORE note, then every QEMU note, then the guest's note. QEMU's
	 * prstatus pid is the vCPU index + 1 (cpu_index() in dump/dump.c). */
	for (i = 0; !err && i < img->ncpus; i++) {
		build_prstatus(&img->cpus[i], (uint32_t)i + 1, desc);
		err = nb_note(&nb, "CORE", NT_PRSTATUS_TYPE, desc, PRSTATUS64_SIZE);
	}
	for (i = 0; !err && i < img->ncpus; i++) {
		build_qemu(&img->cpus[i], desc);
		err = nb_note(&nb, "QEMU", NT_QEMU_TYPE, desc, QCPU_SIZE_KGS);
	}
	if (!err && (img->hints.has_dtb || img->hints.has_kdbg)) {
		_cleanup_free_ uint8_t *hdr = malloc(DMP_HEADER_SIZE);

		if (!hdr)
			err = err_nomem;
		if (!err)
			err = dmp_build_header(img, false, hdr);
		if (!err)
			err = nb_note(&nb, "VMCOREINFO", NT_VMCOREINFO_TYPE, hdr, DMP_HEADER_SIZE);
	}
	for (i = 0; !err && i < img->ncpus; i++)
		err = build_mmkd(&nb, &img->cpus[i], (uint32_t)i);
	if (err) {
		free(nb.b);
		return err;
	}
	*buf_ret = nb.b;
	*len_ret = nb.len;
	return NULL;
}
