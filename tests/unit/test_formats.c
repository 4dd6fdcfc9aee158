// SPDX-License-Identifier: MIT
/* Every reader against small dumps built by hand (formatbuild.h): the pages land at the
 * physical addresses the format says, CPU registers and header values come out, and truncated
 * or malformed headers give one-line errors naming the field and its file offset. Then every
 * truncation and thousands of corrupted bytes of each file must open cleanly or fail cleanly
 * (run under ASan+UBSan in the sanitizer build). */
#include "core/util.h"
#include "formatbuild.h"
#include "tap.h"
#include "targets/target.h"
#include "targets/writer.h"

static struct target *open_fb(const struct fbuf *f, const char *format, struct err **err_ret)
{
	struct target *t = NULL;

	*err_ret = target_open_buffer("test", f->b, f->len, format, &t);
	return t;
}

/* The byte read at @pa, or -1 on a fault (the error must be ERR_FAULT). */
static int byte_at(struct target *t, uint64_t pa)
{
	uint8_t b;
	struct err *err = target_read_phys(t, pa, &b, 1, "test byte");

	if (err) {
		int code = err->code;

		err_destroy(err);
		return code == ERR_FAULT ? -1 : -2;
	}
	return b;
}

/* Open @f expecting an error of @code whose message contains both substrings. */
static void ck_open_err(const struct fbuf *f, enum err_code code, const char *s1, const char *s2,
			const char *what)
{
	struct err *err;
	struct target *t = open_fb(f, NULL, &err);
	bool good = !t && err && err->code == code && strstr(err->message, s1) &&
		    (!s2 || strstr(err->message, s2));

	if (!ok(good, "%s", what))
		printf("#   got %s: '%s'\n", err ? err_code_name(err->code) : "success",
		       err ? err->message : "");
	err_destroy(err);
	target_close(t);
}

static void test_crashdmp(void)
{
	struct fbuf f = fb_dmp_full(), g;
	struct err *err;
	struct target *t = open_fb(&f, NULL, &err);

	ck_no_err(err, "full crash dump opens");
	if (!t)
		return;
	is_str(t->ops->name, "crashdump", "the crash dump reader claims it");
	is_u64(t->nruns, 2, "two runs from PhysicalMemoryBlock");
	is_u64(byte_at(t, 0x10000), PAGE_BYTE(0x10), "PFN 0x10 is the first page after 0x2000");
	is_u64(byte_at(t, 0x11fff), PAGE_BYTE(0x11), "PFN 0x11 follows");
	is_u64(byte_at(t, 0x100000), PAGE_BYTE(0x100), "run 2 starts after run 1's pages");
	is_u64(byte_at(t, 0x12000), (uint64_t)-1, "a PFN between runs faults");
	ok(t->ncpus == 1 && t->cpus[0].rip == 0x1122 && t->cpus[0].gpr[GPR_RSP] == 0x3344 &&
		   t->cpus[0].gpr[GPR_RAX] == 0xAAAA && t->cpus[0].gpr[GPR_R15] == 0xF15F15 &&
		   t->cpus[0].cs == 0x10 && t->cpus[0].rflags == 0x246,
	   "CONTEXT: Rip +0xF8, Rsp +0x98, Rax +0x78, R15 +0xF0, SegCs +0x38, EFlags +0x44");
	ok(t->hints.has_dtb && t->hints.dtb == 0x187000 &&
		   !strcmp(t->hints.dtb_source, "crash dump header"),
	   "DirectoryTableBase is the DTB hint");
	ok(t->hints.kdbg_va == 0xfffff80002c3a0a0ULL && t->hints.pfn_db == 0xfffffa8000000000ULL &&
		   t->hints.ps_active_head == 0xfffff80002c6cb90ULL &&
		   t->hints.ps_loaded_module_list == 0xfffff80002c6ae90ULL &&
		   t->hints.nprocessors == 2 && t->hints.has_kernel_runs && t->hints.nkernel_runs == 2,
	   "KdDebuggerDataBlock, PfnDataBase, PsActiveProcessHead, PsLoadedModuleList, "
	   "NumberProcessors, PhysicalMemoryBlock");
	target_close(t);

	g = (struct fbuf){ f.b, 0x1000 };
	ck_open_err(&g, ERR_FORMAT, "header truncated", "0x2000", "a truncated header");
	w32(&f, 0x30, 0x14c);
	ck_open_err(&f, ERR_UNSUPPORTED, "MachineImageType 0x14c", "offset 0x30", "x86 machine");
	w32(&f, 0x30, 0x8664);
	w32(&f, 0x88, 43);
	ck_open_err(&f, ERR_FORMAT, "NumberOfRuns 43", "offset 0x88", "43 runs");
	w32(&f, 0x88, 0x45474150);
	ck_open_err(&f, ERR_FORMAT, "without a PhysicalMemoryBlock", "0x88", "unfilled runs");
	w32(&f, 0x88, 2);
	w64(&f, 0xA8, 0x11);
	ck_open_err(&f, ERR_FORMAT, "run 1 at file offset 0xa8", "overlaps", "overlapping runs");
	w64(&f, 0xA8, 0x100);
	w64(&f, 0xA0, 1ULL << 41);
	ck_open_err(&f, ERR_FORMAT, "run 0 at file offset 0x98", "52-bit", "a huge run");
	w64(&f, 0xA0, 2);
	w32(&f, 0xF98, 8);
	ck_open_err(&f, ERR_UNSUPPORTED, "DumpType 0x8 (kernel memory (RDMP))", "offset 0xf98",
		    "RDMP dumps are refused by name");
	w32(&f, 0xF98, 4);
	ck_open_err(&f, ERR_UNSUPPORTED, "DumpType 0x4 (minidump)", "0xf98", "minidumps");
	w32(&f, 0xF98, 1);
	w64(&f, 0x10, 1ULL << 60);
	ck_open_err(&f, ERR_FORMAT, "DirectoryTableBase", "offset 0x10", "a DTB beyond 52 bits");
	w64(&f, 0x10, 0x187000);
	g = (struct fbuf){ f.b, f.len - 100 };
	t = open_fb(&g, NULL, &err);
	ok(t && strstr(t->format, "truncated") && byte_at(t, 0x100000) == -1 &&
		   byte_at(t, 0x11000) == PAGE_BYTE(0x11),
	   "cut data: opens as truncated, the cut page faults, the others read");
	err_destroy(err);
	target_close(t);
	free(f.b);
}

static void test_bitmap(void)
{
	struct fbuf f = fb_dmp_bitmap(), g;
	struct err *err;
	struct target *t = open_fb(&f, NULL, &err);

	ck_no_err(err, "bitmap crash dump opens");
	if (!t)
		return;
	ok(strstr(t->format, "bitmap SDMP (DumpType 5)") != NULL, "format: %s", t->format);
	is_u64(t->nruns, 2, "bits 1-2 and 5: two runs");
	is_u64(byte_at(t, 0x1000), PAGE_BYTE(1), "PFN 1 at FirstPage");
	is_u64(byte_at(t, 0x2000), PAGE_BYTE(2), "PFN 2 next");
	is_u64(byte_at(t, 0x5000), PAGE_BYTE(5), "PFN 5 third: present pages in PFN order");
	is_u64(byte_at(t, 0x3000), (uint64_t)-1, "PFN 3 (bit clear) faults");
	ok(!t->hints.has_kernel_runs && t->hints.nkernel_runs == 0,
	   "no PhysicalMemoryBlock ('PAGE'): no kernel runs");
	target_close(t);

	g = (struct fbuf){ f.b, 0x2010 };
	ck_open_err(&g, ERR_FORMAT, "bitmap header at file offset 0x2000", "truncated",
		    "a truncated bitmap header");
	w32(&f, 0x2000, 0x504D4458);
	ck_open_err(&f, ERR_FORMAT, "'SDMP'/'FDMP'", "0x2000", "a bad bitmap signature");
	w32(&f, 0x2000, 0x504D4446);
	w64(&f, 0x2030, 1ULL << 36);
	ck_open_err(&f, ERR_FORMAT, "Pages 0x1000000000", "0x2030", "a bitmap past the file");
	w64(&f, 0x2030, 8);
	w64(&f, 0x2020, 0x2030);
	ck_open_err(&f, ERR_FORMAT, "FirstPage 0x2030", "0x2020", "FirstPage inside the header");
	w64(&f, 0x2020, 0x3000);
	w64(&f, 0x2028, 4);
	ck_open_err(&f, ERR_FORMAT, "TotalPresentPages 0x4", "0x2028", "a wrong page count");
	free(f.b);
}

static void test_lime(void)
{
	struct fbuf f = fb_lime(), g;
	struct err *err;
	struct target *t = open_fb(&f, NULL, &err);

	ck_no_err(err, "LiME opens");
	if (!t)
		return;
	ok(t->nruns == 2 && t->runs[0].start_pa == 0x1000 && t->runs[1].len == 0x2000,
	   "two segments, end inclusive");
	is_u64(byte_at(t, 0x1abc), PAGE_BYTE(1), "segment 0 data");
	is_u64(byte_at(t, 0x6fff), PAGE_BYTE(6), "segment 1 last byte");
	is_u64(byte_at(t, 0x2000), (uint64_t)-1, "the gap faults");
	target_close(t);

	w32(&f, 32 + FB_PAGE, 0x12345678);
	ck_open_err(&f, ERR_FORMAT, "segment 1", "offset 0x1020", "a bad second magic");
	fb_lime_seg(&f, 32 + FB_PAGE, 0x1800, 0x2FFF);
	ck_open_err(&f, ERR_FORMAT, "below the end of the previous segment", "0x1020",
		    "overlapping segments");
	fb_lime_seg(&f, 32 + FB_PAGE, 0x6000, 0x5000);
	ck_open_err(&f, ERR_FORMAT, "is empty", "0x1020", "end below start");
	fb_lime_seg(&f, 32 + FB_PAGE, 0x5000, 0x6FFF);
	g = (struct fbuf){ f.b, f.len - FB_PAGE };
	t = open_fb(&g, NULL, &err);
	ok(t && strstr(t->format, "truncated") && byte_at(t, 0x5000) == PAGE_BYTE(5) &&
		   byte_at(t, 0x6000) == -1,
	   "cut segment: opens as truncated, its missing page faults");
	err_destroy(err);
	target_close(t);
	free(f.b);
}

static void test_elf(void)
{
	size_t nlen, qd;
	struct fbuf f = fb_elf(&nlen, &qd);
	struct err *err;
	struct target *t = open_fb(&f, NULL, &err);
	uint64_t v = 0;
	const struct cpu_state *c;
	Elf64_Phdr *ph = (Elf64_Phdr *)(f.b + sizeof(Elf64_Ehdr));

	ck_no_err(err, "hand-built QEMU-shaped ELF core opens");
	if (!t)
		return;
	c = t->cpus;
	ok(t->ncpus == 1 && c->cr3 == 0x187000 && c->cr0 == 0x80050033 && c->cr4 == 0x6f8,
	   "QEMU note: CR0 +0x188, CR3 +0x1a0, CR4 +0x1a8");
	ok(c->rip == 0xfffff80002c10000ULL && c->gpr[GPR_RSP] == 0x5555 && c->cs == 0x10 &&
		   c->rflags == 0x246,
	   "QEMU note: rip +0x88 (over CORE's), rsp +0x38, cs +0x98, rflags +0x90");
	ok(c->gs_base == 0xfffff80002bfbd00ULL && c->idt_base == 0xfffff80000b95080ULL &&
		   c->kernel_gs_base == 0x7fffffde000ULL && (c->valid & REG_KGS),
	   "gs base +0x108, idt base +0x180, kernel_gs_base +0x1b0 (size 0x1b8)");
	ok(target_cpu_msr(c, 0x277, &v) && v == 0x0007010600070106ULL, "MMKD note: IA32_PAT");
	ok(t->hints.has_dtb && t->hints.dtb == 0x187000 && !strcmp(t->hints.dtb_source, "CPU 0 CR3"),
	   "CPU 0 CR3 is the DTB hint");
	is_u64(byte_at(t, 0x2000), PAGE_BYTE(2), "PT_LOAD by p_paddr");
	is_u64(byte_at(t, 0x3000), (uint64_t)-1, "beyond p_filesz (inside p_memsz): absent");
	is_u64(byte_at(t, 0x11000), PAGE_BYTE(0x11), "second PT_LOAD");
	target_close(t);

	w32(&f, qd, 2);
	ck_open_err(&f, ERR_FORMAT, "QEMU CPU state note at file offset", "version 2",
		    "QEMU note version 2");
	w32(&f, qd, 1);
	w32(&f, qd - 12 - 8 + 4, 0x10000); /* the QEMU note's descsz */
	ck_open_err(&f, ERR_FORMAT, "runs past the end of the note area", "file offset",
		    "a note larger than PT_NOTE");
	w32(&f, qd - 12 - 8 + 4, 0x1b8);
	ph[1].p_filesz = 3 * FB_PAGE;
	ck_open_err(&f, ERR_FORMAT, "p_filesz 0x3000 exceeds p_memsz 0x2000", "header 1",
		    "p_filesz > p_memsz");
	ph[1].p_filesz = FB_PAGE;
	ph[0].p_offset = f.len - 8;
	ck_open_err(&f, ERR_FORMAT, "PT_NOTE (program header 0)", "past the end", "PT_NOTE past EOF");
	ph[0].p_offset = FB_ELF_NOTES;
	ph[2].p_paddr = 0x2000;
	ck_open_err(&f, ERR_FORMAT, "to different file offsets", "program headers 1 and 2",
		    "two PT_LOADs disagreeing on where one PA is");
	ph[2].p_paddr = 0x10000;
	((Elf64_Ehdr *)f.b)->e_machine = EM_AARCH64;
	ck_open_err(&f, ERR_UNSUPPORTED, "machine 183", "x86", "an arm64 core");
	free(f.b);
}

static void test_kdump(void)
{
	struct fbuf f = fb_kdump(), g = fb_kdump_flat();
	struct target *t;
	struct err *err;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		t = open_fb(pass ? &g : &f, NULL, &err);
		ck_no_err(err, "%s kdump opens", pass ? "flattened" : "plain");
		if (!t)
			continue;
		ok(t->nruns == 1 && t->runs[0].start_pa == 0x1000 && t->runs[0].len == 0x2000,
		   "%s: the 2nd bitmap gives PFNs 1-2", pass ? "flattened" : "plain");
		is_u64(byte_at(t, 0x1000), PAGE_BYTE(1), "zlib page");
		is_u64(byte_at(t, 0x1000 + 100), 0x99, "zlib page, inner byte");
		is_u64(byte_at(t, 0x2fff), PAGE_BYTE(2), "raw page after it");
		is_u64(byte_at(t, 0x3000), (uint64_t)-1, "PFN 3 faults");
		target_close(t);
	}
	w32(&f, 428, 512);
	ck_open_err(&f, ERR_UNSUPPORTED, "block_size 512", "0x1ac", "a 512-byte block");
	w32(&f, 428, FB_PAGE);
	w32(&f, 424, 2);
	ck_open_err(&f, ERR_UNSUPPORTED, "status 0x2", "lzo", "lzo pages");
	w32(&f, 424, 1);
	w64(&f, 0x1000 + 96, 1ULL << 30);
	ck_open_err(&f, ERR_FORMAT, "max_mapnr 0x40000000", "bitmap", "max_mapnr beyond bitmaps");
	w64(&f, 0x1000 + 96, 8);
	w32(&f, 0x400C, 1);
	w8(&f, 0x4000 + 48 + 2, 0xFF); /* corrupt the zlib stream */
	t = open_fb(&f, NULL, &err);
	ck_err(t ? target_read_phys(t, 0x1000, (uint8_t[4]){ 0 }, 4, "x") : err, ERR_FAULT,
	       "zlib data in the kdump is corrupt", "corrupt zlib data faults the page");
	target_close(t);
	w32(&f, 0x4008, 100000);
	t = open_fb(&f, NULL, &err);
	ck_err(t ? target_read_phys(t, 0x1000, (uint8_t[4]){ 0 }, 4, "x") : err, ERR_FAULT,
	       "compressed size", "a huge compressed size faults the page");
	target_close(t);

	wbe64(&g, 16, 2);
	ck_open_err(&g, ERR_UNSUPPORTED, "type 2 version 1", "0x10", "a flattened type 2");
	wbe64(&g, 16, 1);
	wbe64(&g, 4096, 0x4000 + 50); /* the first record now overlaps the last */
	ck_open_err(&g, ERR_FORMAT, "overlaps kdump offsets", "file offset", "overlapping records");
	g.len = 4096 + 16 + 10;
	ck_open_err(&g, ERR_FORMAT, "no kdump header", "kdump offset 0", "a cut first record");
	free(f.b);
	free(g.b);
}

static void test_dmp_header(void)
{
	struct phys_run runs[2] = { { 0, 0x9F000, 0 }, { 0x100000, 0x300000, 0 } };
	struct cpu_state cpu = { 0 };
	struct dump_image img = { 0 };
	static uint8_t mem[0x400000];
	uint8_t *h = malloc(0x2000);
	uint64_t v;

	cpu.rip = 0xfffff80002c10000ULL;
	cpu.gpr[GPR_RSP] = 0xfffff80000b9cc88ULL;
	cpu.cs = 0x10;
	img.mem = mem;
	img.mem_size = sizeof(mem);
	img.runs = runs;
	img.nruns = 2;
	img.cpus = &cpu;
	img.ncpus = 1;
	img.hints.has_dtb = true;
	img.hints.dtb = 0x187000;
	img.hints.has_kdbg = true;
	img.hints.kdbg_va = 0xfffff80002c3a0a0ULL;
	ck_no_err(dmp_build_header(&img, false, h), "dmp_build_header (full)");
	ok(!memcmp(h, "PAGEDU64", 8), "signature 'PAGEDU64' at 0");
	memcpy(&v, h + 0x10, 8);
	is_u64(v, 0x187000, "DirectoryTableBase at 0x10");
	memcpy(&v, h + 0x80, 8);
	is_u64(v, 0xfffff80002c3a0a0ULL, "KdDebuggerDataBlock at 0x80");
	ok(le32(h + 0x30) == 0x8664 && le32(h + 0x34) == 1, "MachineImageType 0x8664, 1 processor");
	ok(le32(h + 0x88) == 2 && le64(h + 0x90) == 0x39F && le64(h + 0x98) == 0 &&
		   le64(h + 0xA0) == 0x9F && le64(h + 0xA8) == 0x100 && le64(h + 0xB0) == 0x300,
	   "PhysicalMemoryBlock: 2 runs, 0x39f pages, {0,0x9f} {0x100,0x300}");
	ok(le64(h + 0x348 + 0xF8) == cpu.rip && le64(h + 0x348 + 0x98) == cpu.gpr[GPR_RSP] &&
		   le16(h + 0x348 + 0x38) == 0x10 &&
		   le32(h + 0x348 + 0x34) == le32(h + 0x348 + 0x118),
	   "CONTEXT at 0x348: Rip +0xF8, Rsp +0x98, SegCs +0x38, MxCsr == FltSave.MxCsr");
	ok(le32(h + 0xF98) == 1 && le64(h + 0xFA0) == 0x2000 + 0x39F000ULL,
	   "DumpType 1 at 0xf98, RequiredDumpSpace at 0xfa0");
	ok(le32(h + 0x1058) == 0x45474150 && le32(h + 0x1FFC) == 0x45474150,
	   "unused header bytes hold 'PAGE' as Windows leaves them");
	ck_no_err(dmp_build_header(&img, true, h), "dmp_build_header (bitmap)");
	is_u64(le32(h + 0xF98), 5, "DumpType 5");
	free(h);
}

/* Open every prefix of @f and, for each, read a few bytes of every run: nothing may crash. */
static void sweep_truncations(const struct fbuf *f, const char *name)
{
	size_t len, opened = 0, refused = 0;

	for (len = 0; len <= f->len; len += (len < 0x2100 ? 1 : 7)) {
		struct target *t = NULL;
		struct err *err = target_open_buffer("t", f->b, len, NULL, &t);
		size_t i;

		if (err) {
			refused++;
			err_destroy(err);
			continue;
		}
		opened++;
		for (i = 0; i < t->nruns; i++) {
			uint8_t b[16];

			err_destroy(target_read_phys(t, t->runs[i].start_pa, b, sizeof(b), "t"));
			err_destroy(target_read_phys(t, t->runs[i].start_pa + t->runs[i].len - 1, b,
						     1, "t"));
		}
		target_close(t);
	}
	ok(opened + refused > 0, "%s: %zu truncations opened, %zu refused, none crashed", name,
	   opened, refused);
}

/* Set each header byte to 0x00, 0xff and 0x7f in turn; open and read. */
static void sweep_corruptions(struct fbuf *f, const char *name)
{
	size_t off, n = f->len < 0x2100 ? f->len : 0x2100, opened = 0, refused = 0;
	static const uint8_t vals[3] = { 0x00, 0xFF, 0x7F };

	for (off = 0; off < n; off++) {
		uint8_t save = f->b[off];
		unsigned k;

		for (k = 0; k < 3; k++) {
			struct target *t = NULL;
			struct err *err;

			f->b[off] = vals[k];
			err = target_open_buffer("t", f->b, f->len, NULL, &t);
			if (err) {
				refused++;
				err_destroy(err);
				continue;
			}
			opened++;
			if (t->nruns) {
				uint8_t b[64];

				err_destroy(target_read_phys(t, t->runs[0].start_pa, b, sizeof(b),
							     "t"));
			}
			target_close(t);
		}
		f->b[off] = save;
	}
	ok(opened + refused == 3 * n, "%s: %zu corrupted headers opened, %zu refused, none crashed",
	   name, opened, refused);
}

int main(void)
{
	struct fbuf files[6];
	const char *names[6] = { "full crash dump", "bitmap crash dump", "LiME", "ELF core",
				 "plain kdump", "flattened kdump" };
	size_t nl, qd, i;

	test_crashdmp();
	test_bitmap();
	test_lime();
	test_elf();
	test_kdump();
	test_dmp_header();
	files[0] = fb_dmp_full();
	files[1] = fb_dmp_bitmap();
	files[2] = fb_lime();
	files[3] = fb_elf(&nl, &qd);
	files[4] = fb_kdump();
	files[5] = fb_kdump_flat();
	for (i = 0; i < 6; i++) {
		sweep_truncations(&files[i], names[i]);
		sweep_corruptions(&files[i], names[i]);
		free(files[i].b);
	}
	return done_testing();
}
