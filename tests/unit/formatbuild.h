/* SPDX-License-Identifier: MIT */
/*
 * Small dumps of every format built by hand for the tests, byte by byte at the offsets the
 * public descriptions give (formats.md §1a, §1c, §1e; QEMU's include/sysemu/dump.h and
 * target/i386/arch_dump.c; kdmp-parser's static_asserts). Nothing here calls mmkd's writers:
 * these files are the independent side of the reader tests. Each page i of a dump holds the
 * byte PAGE_BYTE(pfn) everywhere, so a read can be checked against the PFN it should come from.
 */
#ifndef MMKD_TESTS_FORMATBUILD_H
#define MMKD_TESTS_FORMATBUILD_H

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define FB_PAGE 4096
#define PAGE_BYTE(pfn) ((uint8_t)(0x40 + (pfn)))

struct fbuf {
	uint8_t *b;
	size_t len;
};

static inline void fb_grow(struct fbuf *f, size_t len)
{
	if (len > f->len) {
		f->b = realloc(f->b, len);
		memset(f->b + f->len, 0, len - f->len);
		f->len = len;
	}
}

static inline void w8(struct fbuf *f, size_t off, uint8_t v)
{
	fb_grow(f, off + 1);
	f->b[off] = v;
}

static inline void w16(struct fbuf *f, size_t off, uint16_t v)
{
	fb_grow(f, off + 2);
	memcpy(f->b + off, &v, 2);
}

static inline void w32(struct fbuf *f, size_t off, uint32_t v)
{
	fb_grow(f, off + 4);
	memcpy(f->b + off, &v, 4);
}

static inline void w64(struct fbuf *f, size_t off, uint64_t v)
{
	fb_grow(f, off + 8);
	memcpy(f->b + off, &v, 8);
}

static inline void wbe64(struct fbuf *f, size_t off, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		w8(f, off + i, (uint8_t)(v >> (56 - 8 * i)));
}

static inline void wbytes(struct fbuf *f, size_t off, const void *p, size_t n)
{
	fb_grow(f, off + n);
	memcpy(f->b + off, p, n);
}

static inline void wpage(struct fbuf *f, size_t off, uint64_t pfn)
{
	fb_grow(f, off + FB_PAGE);
	memset(f->b + off, PAGE_BYTE(pfn), FB_PAGE);
}

/* ---- Windows crash dumps (formats.md §1a) ---- */

/* A full dump: runs {0x10, 2} and {0x100, 1}; CONTEXT Rip 0x1122, Rsp 0x3344. */
static inline struct fbuf fb_dmp_full(void)
{
	struct fbuf f = { NULL, 0 };
	size_t i;

	for (i = 0; i < 0x2000; i += 4)
		w32(&f, i, 0x45474150); /* 'PAGE' fill */
	wbytes(&f, 0, "PAGEDU64", 8);
	w32(&f, 0x08, 0xF);
	w32(&f, 0x0C, 7600);
	w64(&f, 0x10, 0x187000);		/* DirectoryTableBase */
	w64(&f, 0x18, 0xfffffa8000000000ULL);	/* PfnDataBase */
	w64(&f, 0x20, 0xfffff80002c6ae90ULL);	/* PsLoadedModuleList */
	w64(&f, 0x28, 0xfffff80002c6cb90ULL);	/* PsActiveProcessHead */
	w32(&f, 0x30, 0x8664);
	w32(&f, 0x34, 2);			/* NumberProcessors */
	w32(&f, 0x38, 0x161);
	w64(&f, 0x80, 0xfffff80002c3a0a0ULL);	/* KdDebuggerDataBlock */
	w32(&f, 0x88, 2);			/* NumberOfRuns */
	w32(&f, 0x8C, 0);
	w64(&f, 0x90, 3);			/* NumberOfPages */
	w64(&f, 0x98, 0x10);
	w64(&f, 0xA0, 2);
	w64(&f, 0xA8, 0x100);
	w64(&f, 0xB0, 1);
	w32(&f, 0x348 + 0x30, 0x10001F);	/* ContextFlags */
	w32(&f, 0x348 + 0x34, 0x1F80);		/* MxCsr */
	w16(&f, 0x348 + 0x38, 0x10);		/* SegCs */
	w16(&f, 0x348 + 0x42, 0x18);		/* SegSs */
	w32(&f, 0x348 + 0x44, 0x246);		/* EFlags */
	w64(&f, 0x348 + 0x78, 0xAAAA);		/* Rax */
	w64(&f, 0x348 + 0x98, 0x3344);		/* Rsp */
	w64(&f, 0x348 + 0xF0, 0xF15F15);	/* R15 */
	w64(&f, 0x348 + 0xF8, 0x1122);		/* Rip */
	w32(&f, 0x348 + 0x118, 0x1F80);		/* FltSave.MxCsr */
	w32(&f, 0xF98, 1);			/* DumpType */
	w64(&f, 0xFA0, 0x2000 + 3 * FB_PAGE);	/* RequiredDumpSpace */
	wpage(&f, 0x2000, 0x10);
	wpage(&f, 0x3000, 0x11);
	wpage(&f, 0x4000, 0x100);
	return f;
}

/* A bitmap dump ('SDMP'): PFNs 1, 2 and 5 stored from FirstPage 0x3000. */
static inline struct fbuf fb_dmp_bitmap(void)
{
	struct fbuf f = fb_dmp_full();

	f.len = 0x2000;
	w32(&f, 0x88, 0x45474150); /* PhysicalMemoryBlock not filled */
	w32(&f, 0xF98, 5);
	w32(&f, 0x2000, 0x504D4453); /* 'SDMP' */
	w32(&f, 0x2004, 0x504D5544); /* 'DUMP' */
	w64(&f, 0x2020, 0x3000);     /* FirstPage */
	w64(&f, 0x2028, 3);	     /* TotalPresentPages */
	w64(&f, 0x2030, 8);	     /* Pages */
	w8(&f, 0x2038, 0x26);	     /* bits 1, 2, 5 */
	wpage(&f, 0x3000, 1);
	wpage(&f, 0x4000, 2);
	wpage(&f, 0x5000, 5);
	return f;
}

/* ---- LiME (formats.md §1e): segments [0x1000, 0x2000) and [0x5000, 0x7000) ---- */

static inline void fb_lime_seg(struct fbuf *f, size_t off, uint64_t start, uint64_t end)
{
	w32(f, off, 0x4C694D45);
	w32(f, off + 4, 1);
	w64(f, off + 8, start);
	w64(f, off + 16, end);
	w64(f, off + 24, 0);
}

static inline struct fbuf fb_lime(void)
{
	struct fbuf f = { NULL, 0 };

	fb_lime_seg(&f, 0, 0x1000, 0x1FFF);
	wpage(&f, 32, 1);
	fb_lime_seg(&f, 32 + FB_PAGE, 0x5000, 0x6FFF);
	wpage(&f, 64 + FB_PAGE, 5);
	wpage(&f, 64 + 2 * FB_PAGE, 6);
	return f;
}

/* ---- QEMU ELF core (formats.md §1c, live-lab.md §2) ---- */

/* Append a note (4-byte aligned name and descriptor) at @off; returns the descriptor offset. */
static inline size_t fb_note(struct fbuf *f, size_t off, const char *name, uint32_t type,
			     uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	w32(f, off, namesz);
	w32(f, off + 4, descsz);
	w32(f, off + 8, type);
	wbytes(f, off + 12, name, namesz);
	fb_grow(f, off + 12 + ((namesz + 3) & ~3U) + ((descsz + 3) & ~3U));
	return off + 12 + ((namesz + 3) & ~3U);
}

#define FB_ELF_NOTES 0x100
/* One CPU: CORE (x86_64 prstatus, 0x150 bytes) + QEMU (QEMUCPUState, 0x1b8) + MMKD (PAT);
 * PT_LOAD paddr 0x2000 filesz 0x1000 memsz 0x2000; PT_LOAD paddr 0x10000 two pages. */
static inline struct fbuf fb_elf(size_t *notes_len, size_t *qemu_desc)
{
	struct fbuf f = { NULL, 0 };
	size_t d, off, data;
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[3];

	/* notes */
	d = fb_note(&f, FB_ELF_NOTES, "CORE", 1, 0x150);
	w32(&f, d + 0x20, 1);			  /* pid: vCPU index + 1, as QEMU writes */
	w64(&f, d + 0x70 + 10 * 8, 0xAAAA);	  /* rax */
	w64(&f, d + 0x70 + 16 * 8, 0x1000);	  /* rip (the QEMU note wins) */
	off = d + 0x150;
	d = fb_note(&f, off, "QEMU", 0, 0x1b8);
	*qemu_desc = d;
	w32(&f, d + 0x00, 1);			  /* version */
	w32(&f, d + 0x04, 0x1b8);		  /* size, with kernel_gs_base */
	w64(&f, d + 0x08, 0xAAAA);		  /* rax */
	w64(&f, d + 0x38, 0x5555);		  /* rsp */
	w64(&f, d + 0x88, 0xfffff80002c10000ULL); /* rip */
	w64(&f, d + 0x90, 0x246);		  /* rflags */
	w32(&f, d + 0x98, 0x10);		  /* cs selector */
	w64(&f, d + 0xF8 + 16, 0xfffff80002bfbd00ULL); /* gs base */
	w64(&f, d + 0x170 + 16, 0xfffff80000b95080ULL); /* idt base */
	w64(&f, d + 0x188, 0x80050033);		  /* cr0 */
	w64(&f, d + 0x1A0, 0x187000);		  /* cr3 */
	w64(&f, d + 0x1A8, 0x6f8);		  /* cr4 */
	w64(&f, d + 0x1B0, 0x7fffffde000ULL);	  /* kernel_gs_base */
	off = d + 0x1b8;
	d = fb_note(&f, off, "MMKD", 0x4D4B0001, 24 + 16);
	w32(&f, d, 1);				  /* version */
	w32(&f, d + 4, 0);			  /* cpu */
	w32(&f, d + 8, 1);			  /* one MSR */
	w32(&f, d + 24, 0x277);
	w64(&f, d + 32, 0x0007010600070106ULL);
	off = d + 40;
	*notes_len = off - FB_ELF_NOTES;
	data = (off + 0xFFF) & ~(size_t)0xFFF;
	wpage(&f, data, 2);
	wpage(&f, data + FB_PAGE, 0x10);
	wpage(&f, data + 2 * FB_PAGE, 0x11);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = FB_ELF_NOTES,
			      .p_filesz = *notes_len, .p_memsz = *notes_len };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = data, .p_vaddr = 0x2000,
			      .p_paddr = 0x2000, .p_filesz = FB_PAGE, .p_memsz = 2 * FB_PAGE };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = data + FB_PAGE, .p_vaddr = 0x10000,
			      .p_paddr = 0x10000, .p_filesz = 2 * FB_PAGE,
			      .p_memsz = 2 * FB_PAGE };
	wbytes(&f, 0, &eh, sizeof(eh));
	wbytes(&f, sizeof(eh), ph, sizeof(ph));
	return f;
}

/* ---- kdump-compressed (QEMU include/sysemu/dump.h) ---- */

/* Plain layout, header version 6: PFN 1 zlib-compressed, PFN 2 stored raw, max_mapnr 8. */
static inline struct fbuf fb_kdump(void)
{
	struct fbuf f = { NULL, 0 };
	uint8_t page[FB_PAGE], z[8192];
	uLongf zlen = sizeof(z);
	size_t data = 0x4000 + 2 * 24;

	wbytes(&f, 0, "KDUMP   ", 8);
	w32(&f, 8, 6);				/* header_version */
	wbytes(&f, 12 + 4 * 65, "x86_64", 6);	/* utsname.machine */
	w32(&f, 424, 1);			/* status: zlib */
	w32(&f, 428, FB_PAGE);			/* block_size */
	w32(&f, 432, 1);			/* sub_hdr_size */
	w32(&f, 436, 2);			/* bitmap_blocks */
	w32(&f, 440, 8);			/* max_mapnr */
	w32(&f, 460, 1);			/* nr_cpus */
	w32(&f, 0x1000 + 8, 1);			/* dump_level */
	w64(&f, 0x1000 + 96, 8);		/* max_mapnr_64 */
	w8(&f, 0x2000, 0x06);			/* 1st bitmap: PFNs 1, 2 */
	w8(&f, 0x3000, 0x06);			/* 2nd bitmap */
	memset(page, PAGE_BYTE(1), sizeof(page));
	page[100] = 0x99;
	compress(z, &zlen, page, sizeof(page));
	w64(&f, 0x4000, data);			/* PFN 1 descriptor */
	w32(&f, 0x4008, (uint32_t)zlen);
	w32(&f, 0x400C, 1);
	w64(&f, 0x4018, data + zlen);		/* PFN 2 descriptor: raw */
	w32(&f, 0x4020, FB_PAGE);
	w32(&f, 0x4024, 0);
	wbytes(&f, data, z, zlen);
	wpage(&f, data + zlen, 2);
	return f;
}

/* The same in makedumpfile's flattened format, split into records written out of order, one
 * of them cutting the compressed page in two. */
static inline struct fbuf fb_kdump_flat(void)
{
	struct fbuf k = fb_kdump(), f = { NULL, 0 };
	const size_t cut = 0x4000 + 100;
	const size_t recs[][2] = { { cut, k.len - cut }, { 0, 0x1000 }, { 0x1000, 0x3000 },
				   { 0x4000, cut - 0x4000 } };
	size_t off = 4096, i;

	wbytes(&f, 0, "makedumpfile", 12);
	wbe64(&f, 16, 1);
	wbe64(&f, 24, 1);
	fb_grow(&f, 4096);
	for (i = 0; i < 4; i++) {
		wbe64(&f, off, recs[i][0]);
		wbe64(&f, off + 8, recs[i][1]);
		wbytes(&f, off + 16, k.b + recs[i][0], recs[i][1]);
		off += 16 + recs[i][1];
	}
	wbe64(&f, off, UINT64_MAX);
	wbe64(&f, off + 8, UINT64_MAX);
	free(k.b);
	return f;
}

#endif
