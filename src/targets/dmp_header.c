// SPDX-License-Identifier: MIT
/*
 * DUMP_HEADER64 validation and CONTEXT conversion. See dmp_header.h.
 */
#include "dmp_header.h"

#include <string.h>

#include "core/err.h"
#include "core/util.h"

/* 52-bit physical addresses at most (Intel MAXPHYADDR, paging.md §10 #2): 40-bit PFNs. */
#define DMP_MAX_PFN (1ULL << 40)

static inline void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A pointer field: absent when zero or still holding the 'PAGE' fill (formats.md §1a). */
static bool ptr_field(const uint8_t *hdr, unsigned off, uint64_t *ret)
{
	uint64_t v = le64(hdr + off);

	*ret = v;
	return v != 0 && v != DMP_PAGE_FILL64;
}

static struct err *parse_runs(const uint8_t *hdr, const char *name, uint64_t base_off,
			      struct dmp_header *h)
{
	uint32_t n = le32(hdr + DMP_OFF_PMB);
	uint64_t npages = 0, next_pfn = 0;
	uint32_t i;

	/* 'PAGE' in NumberOfRuns: the kernel never filled the descriptor (formats.md §1a). */
	if (n == DMP_PAGE_FILL)
		return NULL;
	if (n > TARGET_MAX_KERNEL_RUNS)
		return err_format(base_off + DMP_OFF_PMB,
				  "'%s': crash dump header: PhysicalMemoryBlock.NumberOfRuns %u at "
				  "file offset %#llx exceeds the %u runs its buffer holds",
				  name, n, (unsigned long long)(base_off + DMP_OFF_PMB),
				  TARGET_MAX_KERNEL_RUNS);
	for (i = 0; i < n; i++) {
		unsigned off = DMP_OFF_PMB + 0x10 + i * 0x10;
		uint64_t base = le64(hdr + off), count = le64(hdr + off + 8);

		if (base >= DMP_MAX_PFN || count > DMP_MAX_PFN - base)
			return err_format(base_off + off,
					  "'%s': crash dump header: PhysicalMemoryBlock run %u at file "
					  "offset %#llx (BasePage %#llx, PageCount %#llx) is beyond "
					  "52-bit physical memory",
					  name, i, (unsigned long long)(base_off + off),
					  (unsigned long long)base, (unsigned long long)count);
		if (base < next_pfn)
			return err_format(base_off + off,
					  "'%s': crash dump header: PhysicalMemoryBlock run %u at file "
					  "offset %#llx (BasePage %#llx) overlaps or precedes run %u",
					  name, i, (unsigned long long)(base_off + off),
					  (unsigned long long)base, i - 1);
		h->runs[i].base_page = base;
		h->runs[i].page_count = count;
		next_pfn = base + count;
		npages += count;
	}
	h->has_runs = true;
	h->nruns = n;
	h->npages = npages;
	return NULL;
}

struct err *dmp_header_parse(const uint8_t *hdr, uint64_t len, const char *name,
			     uint64_t base_off, struct dmp_header *h)
{
	memset(h, 0, sizeof(*h));
	if (len < DMP_HEADER_SIZE)
		return err_format(base_off + len,
				  "'%s': crash dump header truncated: %llu bytes at file offset "
				  "%#llx, the header is %#x bytes",
				  name, (unsigned long long)len, (unsigned long long)base_off,
				  DMP_HEADER_SIZE);
	if (le32(hdr + DMP_OFF_SIGNATURE) != DMP_SIGNATURE ||
	    le32(hdr + DMP_OFF_VALID_DUMP) != DMP_VALID_DUMP64)
		return err_format(base_off, "'%s': no 'PAGEDU64' signature at file offset %#llx",
				  name, (unsigned long long)base_off);
	h->machine = le32(hdr + DMP_OFF_MACHINE);
	if (h->machine != DMP_MACHINE_AMD64)
		return err_create(ERR_UNSUPPORTED,
				  "'%s': crash dump MachineImageType %#x at file offset %#llx is "
				  "not x64 (0x8664)",
				  name, h->machine, (unsigned long long)(base_off + DMP_OFF_MACHINE));
	h->major_version = le32(hdr + DMP_OFF_MAJOR_VERSION);
	h->minor_version = le32(hdr + DMP_OFF_MINOR_VERSION);
	h->nprocessors = le32(hdr + DMP_OFF_NPROCESSORS);
	if (h->nprocessors == DMP_PAGE_FILL)
		h->nprocessors = 0;
	h->bugcheck_code = le32(hdr + DMP_OFF_BUGCHECK_CODE);
	for (unsigned i = 0; i < 4; i++)
		h->bugcheck_params[i] = le64(hdr + DMP_OFF_BUGCHECK_PARAMS + 8 * i);
	h->dump_type = le32(hdr + DMP_OFF_DUMP_TYPE);
	h->required_dump_space = (int64_t)le64(hdr + DMP_OFF_REQUIRED_DUMP_SPACE);
	h->has_dtb = ptr_field(hdr, DMP_OFF_DTB, &h->dtb);
	h->has_pfn_db = ptr_field(hdr, DMP_OFF_PFN_DB, &h->pfn_db);
	h->has_kdbg = ptr_field(hdr, DMP_OFF_KDBG, &h->kdbg);
	h->has_ps_active_head = ptr_field(hdr, DMP_OFF_PS_ACTIVE_PROCESS_HEAD, &h->ps_active_head);
	h->has_ps_loaded_module_list =
		ptr_field(hdr, DMP_OFF_PS_LOADED_MODULE_LIST, &h->ps_loaded_module_list);
	/* A DTB is a page-aligned physical address (CR3 low bits are flags we ignore). */
	if (h->has_dtb && (h->dtb & ~0xFFFULL) >= (DMP_MAX_PFN << 12))
		return err_format(base_off + DMP_OFF_DTB,
				  "'%s': crash dump header: DirectoryTableBase %#llx at file offset "
				  "%#llx is not a physical address",
				  name, (unsigned long long)h->dtb,
				  (unsigned long long)(base_off + DMP_OFF_DTB));
	h->has_context = h->nprocessors != 0 &&
			 le32(hdr + DMP_OFF_CONTEXT + CTX_OFF_CONTEXT_FLAGS) != DMP_PAGE_FILL;
	return parse_runs(hdr, name, base_off, h);
}

void dmp_header_hints(const struct dmp_header *h, const char *dtb_source,
		      struct target_hints *hints)
{
	size_t i;

	if (h->has_dtb && !hints->has_dtb) {
		hints->has_dtb = true;
		hints->dtb = h->dtb & ~0xFFFULL;
		hints->dtb_source = dtb_source;
	}
	if (h->has_kdbg && !hints->has_kdbg) {
		hints->has_kdbg = true;
		hints->kdbg_va = h->kdbg;
	}
	if (h->has_pfn_db && !hints->has_pfn_db) {
		hints->has_pfn_db = true;
		hints->pfn_db = h->pfn_db;
	}
	if (h->has_ps_active_head && !hints->has_ps_active_head) {
		hints->has_ps_active_head = true;
		hints->ps_active_head = h->ps_active_head;
	}
	if (h->has_ps_loaded_module_list && !hints->has_ps_loaded_module_list) {
		hints->has_ps_loaded_module_list = true;
		hints->ps_loaded_module_list = h->ps_loaded_module_list;
	}
	if (!hints->nprocessors)
		hints->nprocessors = h->nprocessors;
	if (h->has_runs && !hints->nkernel_runs) {
		hints->nkernel_runs = h->nruns;
		for (i = 0; i < h->nruns; i++) {
			hints->kernel_runs[i].base_page = h->runs[i].base_page;
			hints->kernel_runs[i].page_count = h->runs[i].page_count;
		}
	}
}

void dmp_context_to_cpu(const uint8_t *ctx, struct cpu_state *cpu)
{
	unsigned i;

	for (i = 0; i < 16; i++)
		cpu->gpr[i] = le64(ctx + CTX_OFF_RAX + 8 * i);
	cpu->rip = le64(ctx + CTX_OFF_RIP);
	cpu->rflags = le32(ctx + CTX_OFF_EFLAGS);
	cpu->cs = le16(ctx + CTX_OFF_SEG_CS);
	cpu->ds = le16(ctx + CTX_OFF_SEG_CS + 2);
	cpu->es = le16(ctx + CTX_OFF_SEG_CS + 4);
	cpu->fs = le16(ctx + CTX_OFF_SEG_CS + 6);
	cpu->gs = le16(ctx + CTX_OFF_SEG_CS + 8);
	cpu->ss = le16(ctx + CTX_OFF_SEG_CS + 10);
	cpu->valid |= REG_GPR | REG_SEG;
}

void dmp_cpu_to_context(const struct cpu_state *cpu, uint8_t *ctx)
{
	const uint16_t segs[6] = { cpu->cs, cpu->ds, cpu->es, cpu->fs, cpu->gs, cpu->ss };
	unsigned i;

	memset(ctx, 0, CTX_SIZE);
	put32(ctx + CTX_OFF_CONTEXT_FLAGS, CTX_FLAGS_ALL);
	/* kdmp-parser checks MxCsr == FltSave.MxCsr (formats.md §1a). */
	put32(ctx + CTX_OFF_MXCSR, CTX_MXCSR_DEFAULT);
	put32(ctx + CTX_OFF_FLTSAVE_MXCSR, CTX_MXCSR_DEFAULT);
	for (i = 0; i < 6; i++) {
		uint16_t v = segs[i];

		memcpy(ctx + CTX_OFF_SEG_CS + 2 * i, &v, 2);
	}
	put32(ctx + CTX_OFF_EFLAGS, (uint32_t)cpu->rflags);
	for (i = 0; i < 16; i++)
		put64(ctx + CTX_OFF_RAX + 8 * i, cpu->gpr[i]);
	put64(ctx + CTX_OFF_RIP, cpu->rip);
}

const char *dmp_type_name(uint32_t type)
{
	switch (type) {
	case DMP_TYPE_FULL:
		return "full";
	case DMP_TYPE_KERNEL:
		return "kernel (summary)";
	case DMP_TYPE_MINI:
		return "minidump";
	case DMP_TYPE_BITMAP:
		return "bitmap";
	case DMP_TYPE_LIVE_BITMAP:
		return "live kernel bitmap";
	case DMP_TYPE_RDMP_KERNEL:
		return "kernel memory (RDMP)";
	case DMP_TYPE_RDMP_KERNEL_USER:
		return "kernel and user memory (RDMP)";
	case DMP_TYPE_RDMP_COMPLETE:
		return "complete memory (RDMP)";
	}
	return "unknown";
}
