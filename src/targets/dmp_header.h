/* SPDX-License-Identifier: MIT */
/*
 * The Windows 64-bit crash dump header (DUMP_HEADER64, 'PAGE'/'DU64', 0x2000 bytes) and the
 * x64 CONTEXT record it embeds: field offsets (formats.md §1a, checked against kdmp-parser's
 * static_asserts), validation into a plain struct, hints, and CONTEXT <-> cpu_state. Used by
 * the crash dump reader, by the ELF/kdump readers when a VMCOREINFO note carries such a header
 * (QEMU's win-dmp protocol, live-lab.md §3.4), and by the crash dump writer.
 */
#ifndef MMKD_TARGETS_DMP_HEADER_H
#define MMKD_TARGETS_DMP_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "targets/target.h"

struct err;

/* DUMP_HEADER64 (formats.md §1a). */
enum dmp_off {
	DMP_OFF_SIGNATURE = 0x000,	/* 'PAGE' */
	DMP_OFF_VALID_DUMP = 0x004,	/* 'DU64' */
	DMP_OFF_MAJOR_VERSION = 0x008,
	DMP_OFF_MINOR_VERSION = 0x00C,
	DMP_OFF_DTB = 0x010,		/* DirectoryTableBase */
	DMP_OFF_PFN_DB = 0x018,		/* PfnDataBase */
	DMP_OFF_PS_LOADED_MODULE_LIST = 0x020,
	DMP_OFF_PS_ACTIVE_PROCESS_HEAD = 0x028,
	DMP_OFF_MACHINE = 0x030,	/* MachineImageType */
	DMP_OFF_NPROCESSORS = 0x034,
	DMP_OFF_BUGCHECK_CODE = 0x038,
	DMP_OFF_BUGCHECK_PARAMS = 0x040,
	DMP_OFF_VERSION_USER = 0x060,
	DMP_OFF_KDBG = 0x080,		/* KdDebuggerDataBlock */
	DMP_OFF_PMB = 0x088,		/* PHYSICAL_MEMORY_DESCRIPTOR64, 700-byte buffer */
	DMP_OFF_CONTEXT = 0x348,	/* CONTEXT, 3000-byte buffer */
	DMP_OFF_EXCEPTION = 0xF00,
	DMP_OFF_DUMP_TYPE = 0xF98,
	DMP_OFF_REQUIRED_DUMP_SPACE = 0xFA0,
	DMP_OFF_SYSTEM_TIME = 0xFA8,
	DMP_OFF_COMMENT = 0xFB0,	/* 128 bytes */
	DMP_OFF_SYSTEM_UP_TIME = 0x1030,
	DMP_HEADER_SIZE = 0x2000,
};

#define DMP_PMB_BUFFER_LEN 700
#define DMP_CONTEXT_BUFFER_LEN 3000
#define DMP_SIGNATURE 0x45474150U	/* 'PAGE' */
#define DMP_VALID_DUMP64 0x34365544U	/* 'DU64' */
#define DMP_PAGE_FILL 0x45474150U	/* what Windows pre-fills unused header bytes with */
#define DMP_PAGE_FILL64 0x4547415045474150ULL
#define DMP_MACHINE_AMD64 0x8664

/* The bitmap header of DumpType 5/6 at file offset 0x2000 (formats.md §1a). */
enum dmp_bmp_off {
	DMP_BMP_OFF_SIGNATURE = 0x00,	/* 'SDMP' or 'FDMP' */
	DMP_BMP_OFF_VALID_DUMP = 0x04,	/* 'DUMP' */
	DMP_BMP_OFF_FIRST_PAGE = 0x20,	/* file offset of the first stored page */
	DMP_BMP_OFF_TOTAL_PRESENT = 0x28, /* popcount of the bitmap */
	DMP_BMP_OFF_PAGES = 0x30,	/* bits in the bitmap: highest PFN + 1 */
	DMP_BMP_OFF_BITMAP = 0x38,
};
#define DMP_BMP_SDMP 0x504D4453U	/* 'SDMP' summary (kernel) */
#define DMP_BMP_FDMP 0x504D4446U	/* 'FDMP' full */
#define DMP_BMP_VALID 0x504D5544U	/* 'DUMP' */

enum dmp_type {
	DMP_TYPE_FULL = 1,
	DMP_TYPE_KERNEL = 2,
	DMP_TYPE_MINI = 4,
	DMP_TYPE_BITMAP = 5,
	DMP_TYPE_LIVE_BITMAP = 6,
	DMP_TYPE_RDMP_KERNEL = 8,
	DMP_TYPE_RDMP_KERNEL_USER = 9,
	DMP_TYPE_RDMP_COMPLETE = 0xA,
};

/* x64 CONTEXT (winnt.h; offsets as asserted by kdmp-parser: Xmm0 at 0x1A0, size 0x4D0). */
enum ctx_off {
	CTX_OFF_CONTEXT_FLAGS = 0x30,
	CTX_OFF_MXCSR = 0x34,
	CTX_OFF_SEG_CS = 0x38,	/* then Ds 0x3A, Es 0x3C, Fs 0x3E, Gs 0x40, Ss 0x42 */
	CTX_OFF_EFLAGS = 0x44,
	CTX_OFF_DR0 = 0x48,
	CTX_OFF_RAX = 0x78,	/* Rax Rcx Rdx Rbx Rsp Rbp Rsi Rdi R8..R15: the x86 encoding order */
	CTX_OFF_RSP = 0x98,
	CTX_OFF_RIP = 0xF8,
	CTX_OFF_FLTSAVE_MXCSR = 0x118, /* FltSave.MxCsr (must equal MxCsr) */
	CTX_OFF_XMM0 = 0x1A0,
	CTX_SIZE = 0x4D0,
};
/* CONTEXT_AMD64 | CONTROL | INTEGER | SEGMENTS | FLOATING_POINT | DEBUG_REGISTERS: the flags
 * QEMU's win_dump.c writes (live-lab.md §3.4: "flags 0x10001f"). */
#define CTX_FLAGS_ALL 0x10001FU
#define CTX_MXCSR_DEFAULT 0x1F80U

/** A validated DUMP_HEADER64. Unfilled ('PAGE') fields have their has_ flag clear. */
struct dmp_header {
	uint32_t major_version, minor_version;
	uint32_t machine;
	uint32_t nprocessors;
	uint32_t bugcheck_code;
	uint64_t bugcheck_params[4];
	uint32_t dump_type;
	int64_t required_dump_space;
	bool has_dtb, has_pfn_db, has_kdbg, has_ps_active_head, has_ps_loaded_module_list;
	uint64_t dtb, pfn_db, kdbg, ps_active_head, ps_loaded_module_list;
	bool has_runs;		/* PhysicalMemoryBlock filled */
	uint32_t nruns;
	uint64_t npages;	/* sum of the runs' PageCount */
	struct {
		uint64_t base_page, page_count;
	} runs[TARGET_MAX_KERNEL_RUNS];
	bool has_context;	/* ContextRecord filled (ContextFlags not 'PAGE') */
};

/**
 * dmp_header_parse() - validate a DUMP_HEADER64.
 * @hdr: the header bytes (at least DMP_HEADER_SIZE unless @len says otherwise).
 * @len: bytes available at @hdr.
 * @name: the file, for messages.
 * @base_off: file offset of @hdr, for messages.
 * Return: NULL, or ERR_FORMAT naming the field and its file offset, or ERR_UNSUPPORTED
 * (not x64).
 */
struct err *dmp_header_parse(const uint8_t *hdr, uint64_t len, const char *name,
			     uint64_t base_off, struct dmp_header *ret);

/**
 * dmp_header_hints() - copy the header's kernel pointers into @hints (fields already set are
 * kept: the first source wins).
 * @dtb_source: static string naming where the header came from ("crash dump header").
 */
void dmp_header_hints(const struct dmp_header *h, const char *dtb_source,
		      struct target_hints *hints);

/** dmp_context_to_cpu() - registers of an x64 CONTEXT record into @cpu (GPRs, RIP, flags,
 * selectors). @ctx must hold CTX_SIZE bytes. */
void dmp_context_to_cpu(const uint8_t *ctx, struct cpu_state *cpu);

/** dmp_cpu_to_context() - the inverse, for writers: fills CTX_SIZE bytes at @ctx. */
void dmp_cpu_to_context(const struct cpu_state *cpu, uint8_t *ctx);

/** dmp_type_name() - "full", "bitmap", ... for a DumpType value. */
const char *dmp_type_name(uint32_t type);

#endif
