// SPDX-License-Identifier: MIT
/*
 * Machine boot: kernel image, globals, KDBG, processor block, PFN database, pool, System.
 * See kimage.h.
 */
#include "kimage.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "model/vmm/kmem.h"
#include "model/vmm/pagefile.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/pool.h"
#include "model/vmm/process.h"
#include "model/vmm/pt.h"
#include "model/vmm/vstate.h"

/* Kernel image layout (RVAs): headers, .text, .rdata (exports), POOLCODE, .data. */
#define RVA_TEXT 0x1000
#define RVA_IDLE 0x1000	    /* CPU 0 halts here (hlt; jmp $-1) */
#define RVA_SYSCALL 0x1010  /* LSTAR: swapgs; sysret */
#define RVA_RDATA 0x2000
#define RVA_POOLCODE 0x3000
#define RVA_DATA 0x1e0000
#define RVA_STACK 0x1fff00  /* CPU 0's stack pointer */

struct err *kimage_symbol(const struct vmm *v, const char *name, uint64_t *va_ret)
{
	uint64_t rva;
	struct err *err = profile_symbol(v->prof, name, &rva);

	if (err)
		return err;
	*va_ret = sym_va(v, rva);
	return NULL;
}

static void kw64(struct vmm *v, uint64_t va, uint64_t value)
{
	struct err *err = vmm_write_va(v, NULL, va, &value, 8);

	BUG_ON(err != NULL);
}

static void kw32(struct vmm *v, uint64_t va, uint32_t value)
{
	struct err *err = vmm_write_va(v, NULL, va, &value, 4);

	BUG_ON(err != NULL);
}

static void kwbytes(struct vmm *v, uint64_t va, const void *b, size_t n)
{
	struct err *err = vmm_write_va(v, NULL, va, b, n);

	BUG_ON(err != NULL);
}

/* Write a global by name (the name must be in the profile: checked at boot). */
static void gw64(struct vmm *v, const char *name, uint64_t value)
{
	uint64_t va;
	struct err *err = kimage_symbol(v, name, &va);

	BUG_ON(err != NULL);
	kw64(v, va, value);
}

/* ---------------------------------------------------------------- PE image */

static void pe_section(uint8_t *h, unsigned i, const char *name, uint32_t rva, uint32_t size,
		       uint32_t chars)
{
	uint8_t *s = h + 0x208 + i * 40; /* after the optional header (PE/COFF spec) */
	uint32_t raw = rva;

	memcpy(s, name, strlen(name));
	memcpy(s + 8, &size, 4);
	memcpy(s + 12, &rva, 4);
	memcpy(s + 16, &size, 4);
	memcpy(s + 20, &raw, 4);
	memcpy(s + 36, &chars, 4);
}

/* Export directory: real ntoskrnl exports that a symbol-less analyzer can resolve
 * (formats.md §3 step 5), names sorted for binary search. */
static void pe_exports(struct vmm *v, uint8_t *rd, uint32_t *dir_size)
{
	static const char *const names[] = {
		"MmHighestUserAddress", "MmSystemRangeStart", "MmUserProbeAddress",
		"PsInitialSystemProcess", "PsLoadedModuleList",
	};
	const unsigned n = ARRAY_SIZE(names);
	uint32_t funcs = 0x40, name_ptrs = funcs + 4 * n, ords = name_ptrs + 4 * n;
	uint32_t strings = ords + 2 * n, dll = RVA_RDATA + strings, one = 1, cnt = n, v32;
	unsigned i;

	memcpy(rd + 12, &dll, 4); /* Name */
	memcpy(rd + 16, &one, 4); /* Base */
	memcpy(rd + 20, &cnt, 4);
	memcpy(rd + 24, &cnt, 4);
	v32 = RVA_RDATA + funcs;
	memcpy(rd + 28, &v32, 4);
	v32 = RVA_RDATA + name_ptrs;
	memcpy(rd + 32, &v32, 4);
	v32 = RVA_RDATA + ords;
	memcpy(rd + 36, &v32, 4);
	strcpy((char *)rd + strings, "ntoskrnl.exe");
	strings += 13;
	for (i = 0; i < n; i++) {
		uint64_t va;
		uint16_t ord = (uint16_t)i;
		struct err *err = kimage_symbol(v, names[i], &va);

		BUG_ON(err != NULL);
		v32 = (uint32_t)(va - VMM_KERNEL_VA);
		memcpy(rd + funcs + 4 * i, &v32, 4);
		v32 = RVA_RDATA + strings;
		memcpy(rd + name_ptrs + 4 * i, &v32, 4);
		memcpy(rd + ords + 2 * i, &ord, 2);
		strcpy((char *)rd + strings, names[i]);
		strings += (uint32_t)strlen(names[i]) + 1;
	}
	*dir_size = strings;
}

static void pe_image(struct vmm *v)
{
	uint8_t h[0x1000], rd[0x1000];
	static const uint8_t code[] = { 0xF4, 0xEB, 0xFD };		/* hlt; jmp $-1 */
	static const uint8_t sysc[] = { 0x0F, 0x01, 0xF8, 0x48, 0x0F, 0x07 }; /* swapgs; sysretq */
	uint32_t v32, exp_size;
	uint16_t v16;
	uint64_t base = VMM_KERNEL_VA;

	memset(h, 0, sizeof(h));
	memset(rd, 0, sizeof(rd));
	h[0] = 'M';
	h[1] = 'Z';
	v32 = 0x100;
	memcpy(h + 0x3C, &v32, 4); /* e_lfanew */
	memcpy(h + 0x100, "PE\0\0", 4);
	v16 = 0x8664; /* AMD64 */
	memcpy(h + 0x104, &v16, 2);
	v16 = 4; /* sections */
	memcpy(h + 0x106, &v16, 2);
	v32 = 0x4A5BC600; /* 2009-07-14, the Windows 7 RTM build date */
	memcpy(h + 0x108, &v32, 4);
	v16 = 0xF0;
	memcpy(h + 0x114, &v16, 2);
	v16 = 0x22; /* EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE */
	memcpy(h + 0x116, &v16, 2);
	/* PE32+ optional header at 0x118 */
	v16 = 0x20B;
	memcpy(h + 0x118, &v16, 2);
	v32 = RVA_IDLE;
	memcpy(h + 0x118 + 16, &v32, 4);
	memcpy(h + 0x118 + 20, &(uint32_t){ RVA_TEXT }, 4);
	memcpy(h + 0x118 + 24, &base, 8);
	memcpy(h + 0x118 + 32, &(uint32_t){ 0x1000 }, 4);
	memcpy(h + 0x118 + 36, &(uint32_t){ 0x200 }, 4);
	memcpy(h + 0x118 + 40, &(uint16_t){ 6 }, 2);
	memcpy(h + 0x118 + 42, &(uint16_t){ 1 }, 2);
	memcpy(h + 0x118 + 48, &(uint16_t){ 6 }, 2);
	memcpy(h + 0x118 + 50, &(uint16_t){ 1 }, 2);
	memcpy(h + 0x118 + 56, &(uint32_t){ (uint32_t)VMM_KERNEL_SIZE }, 4);
	memcpy(h + 0x118 + 60, &(uint32_t){ 0x1000 }, 4);
	memcpy(h + 0x118 + 68, &(uint16_t){ 1 }, 2); /* native */
	memcpy(h + 0x118 + 108, &(uint32_t){ 16 }, 4);
	pe_exports(v, rd, &exp_size);
	memcpy(h + 0x118 + 112, &(uint32_t){ RVA_RDATA }, 4);
	memcpy(h + 0x118 + 116, &exp_size, 4);
	pe_section(h, 0, ".text", RVA_TEXT, 0x1000, 0x60000020);
	pe_section(h, 1, ".rdata", RVA_RDATA, 0x1000, 0x40000040);
	pe_section(h, 2, "POOLCODE", RVA_POOLCODE, 0x1000, 0x60000020);
	pe_section(h, 3, ".data", RVA_DATA, (uint32_t)(VMM_KERNEL_SIZE - RVA_DATA), 0xC8000040);
	kwbytes(v, base, h, sizeof(h));
	kwbytes(v, base + RVA_RDATA, rd, sizeof(rd));
	kwbytes(v, base + RVA_IDLE, code, sizeof(code));
	kwbytes(v, base + RVA_SYSCALL, sysc, sizeof(sysc));
}

/* ---------------------------------------------------------------- globals and KDBG */

/* MmProtectToPteMask[32] (B:4205-4233, paging.md §4): base masks by bits 2:0, cache bits by
 * bits 4:3 (NOCACHE: PCD, WRITECOMBINE: PWT). Entry 4 is 0x80000000'00000800 (B:4227). */
uint64_t vmm_protect_mask(unsigned prot)
{
	static const uint64_t base[8] = {
		0, 0x8000000000000000ULL, 0, 0, 0x8000000000000800ULL, 0x8000000000000200ULL,
		0x800, 0x200,
	};
	uint64_t m = base[prot & 7];

	switch ((prot >> 3) & 3) {
	case 1:
		return m | PTE_PCD;
	case 3:
		return m | PTE_PWT;
	default:
		return m;
	}
}

static const char *const required_symbols[] = {
	"PsActiveProcessHead", "PsInitialSystemProcess", "PsLoadedModuleList", "MmPfnDatabase",
	"MmHighestPhysicalPage", "MmNumberOfPhysicalPages", "MmLowestPhysicalPage",
	"MmAvailablePages", "MmResidentAvailablePages", "MmTotalCommittedPages",
	"MmTotalCommitLimit", "MmSecondaryColorMask", "MmSecondaryColors", "MmNumberOfPagingFiles",
	"MiLastStandbyRePurposed", "MmHighestUserAddress", "MmSystemRangeStart",
	"MmUserProbeAddress", "MmNonPagedPoolStart", "MmPagedPoolEnd", "MmPhysicalMemoryBlock",
	"KiProcessorBlock", "MmZeroedPageListHead", "MmFreePageListHead", "MmStandbyPageListHead",
	"MmModifiedPageListHead", "MmModifiedNoWritePageListHead", "MmBadPageListHead",
	"MmProtectToPteMask", "MmSystemPtesWs", "MmPagedPoolWs", "MmSystemCacheWs",
	"KiBugcheckData", "KiInitialPCR", "KiInitialThread", "KdDebuggerDataBlock",
};

static struct err *check_symbols(const struct vmm *v)
{
	size_t i;
	uint64_t va;

	for (i = 0; i < ARRAY_SIZE(required_symbols); i++) {
		struct err *err = kimage_symbol(v, required_symbols[i], &va);

		if (err)
			return err;
	}
	return NULL;
}

/* A KDBG-only list head carrying a global total; its pages are chained on the per-color or
 * per-priority heads, so its Flink/Blink are the empty-list terminators [our choice]. */
static void total_head(struct vmm *v, const char *name, unsigned list_name, uint64_t total)
{
	const struct pfnlist_layout *L = &v->l.pfnlist;
	uint64_t va;
	struct err *err = kimage_symbol(v, name, &va);

	BUG_ON(err != NULL);
	vmm_kfield_write(v, va, &L->total, total);
	vmm_kfield_write(v, va, &L->list_name, list_name);
	vmm_kfield_write(v, va, &L->flink, VMM_LIST_END);
	vmm_kfield_write(v, va, &L->blink, VMM_LIST_END);
}

void kimage_sync_globals(struct vmm *v)
{
	unsigned i;

	gw64(v, "MmAvailablePages", v->c.available);
	gw64(v, "MmResidentAvailablePages", v->c.resident_available);
	gw64(v, "MmTotalCommittedPages", v->c.committed);
	gw64(v, "MmTotalCommitLimit", v->c.commit_limit);
	gw64(v, "MiLastStandbyRePurposed", v->c.last_repurposed);
	for (i = 0; i < VMM_NPRIO; i++)
		kw64(v, sym_va(v, v->l.sym.mi_standby_repurposed_by_priority) + 8 * i,
		     v->c.repurposed[i]);
	total_head(v, "MmZeroedPageListHead", LOC_ZEROED, v->zeroed_total);
	total_head(v, "MmFreePageListHead", LOC_FREE, v->free_total);
	total_head(v, "MmStandbyPageListHead", LOC_STANDBY, v->standby_total);
	/* MmModifiedPageListHead.Total counts every Modified page (B:4692, B:16698). */
	total_head(v, "MmModifiedPageListHead", LOC_MODIFIED, v->modified_total);
	gw64(v, "MmNumberOfPagingFiles", v->pf.size_pages ? 1 : 0);
}

/* KDDEBUGGER_DATA64: every Mm/Ps field holds the address of its global (formats.md §1b). */
static void kdbg_render(struct vmm *v)
{
	const struct kdbg_layout *K = &v->l.kdbg;
	const struct vmm_layout *X = &v->vl;
	uint64_t kd = v->kdbg_va, va;
	uint8_t *b = calloc(1, K->size);
	size_t n = K->size, i;
	struct err *err;
	static const struct {
		const char *sym;
		size_t field; /* offset of the struct field in struct mm_layout */
	} ptrs[] = {
#define P(S, F) { S, offsetof(struct mm_layout, kdbg.F) }
		P("PsLoadedModuleList", ps_loaded_module_list),
		P("PsActiveProcessHead", ps_active_process_head),
		P("KiBugcheckData", ki_bugcheck_data),
		P("MmSystemCacheWs", mm_system_cache_ws),
		P("MmPfnDatabase", mm_pfn_database),
		P("MmNumberOfPagingFiles", mm_number_of_paging_files),
		P("MmLowestPhysicalPage", mm_lowest_physical_page),
		P("MmHighestPhysicalPage", mm_highest_physical_page),
		P("MmNumberOfPhysicalPages", mm_number_of_physical_pages),
		P("MmNonPagedPoolStart", mm_nonpaged_pool_start),
		P("MmPagedPoolEnd", mm_paged_pool_end),
		P("MmTotalCommitLimit", mm_total_commit_limit),
		P("MmTotalCommittedPages", mm_total_committed_pages),
		P("MmZeroedPageListHead", mm_zeroed_list),
		P("MmFreePageListHead", mm_free_list),
		P("MmStandbyPageListHead", mm_standby_list),
		P("MmModifiedPageListHead", mm_modified_list),
		P("MmModifiedNoWritePageListHead", mm_modified_no_write_list),
		P("MmAvailablePages", mm_available_pages),
		P("MmResidentAvailablePages", mm_resident_available_pages),
		P("MmHighestUserAddress", mm_highest_user_address),
		P("MmSystemRangeStart", mm_system_range_start),
		P("KiProcessorBlock", ki_processor_block),
		P("MmPhysicalMemoryBlock", mm_physical_memory_block),
#undef P
	};

	BUG_ON(!b);
	field_write(&X->kdbg.list_flink, b, n, kd);
	field_write(&X->kdbg.list_blink, b, n, kd);
	field_write(&K->owner_tag, b, n, 0x4742444B); /* 'KDBG' */
	field_write(&K->block_size, b, n, K->size);
	field_write(&K->kern_base, b, n, VMM_KERNEL_VA);
	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		err = kimage_symbol(v, ptrs[i].sym, &va);
		BUG_ON(err != NULL);
		field_write((const struct field *)((const char *)&v->l + ptrs[i].field), b, n, va);
	}
	field_write(&X->kdbg.mm_system_cache_start, b, n, VMM_SYSCACHE_START);
	field_write(&X->kdbg.mm_system_cache_end, b, n, VMM_SYSCACHE_END);
	field_write(&X->kdbg.mm_system_ptes_start, b, n, VMM_SYSPTE_VA);
	field_write(&X->kdbg.mm_system_ptes_end, b, n, 0xFFFFF89FFFFFFFFFULL);
	field_write(&X->kdbg.mm_page_size, b, n, 0x1000);
	err = kimage_symbol(v, "MmUserProbeAddress", &va);
	BUG_ON(err != NULL);
	field_write(&X->kdbg.mm_user_probe_address, b, n, va);
	field_write(&K->size_eprocess, b, n, v->l.eprocess.size);
	field_write(&K->offset_eprocess_peb, b, n, v->l.eprocess.peb.offset);
	field_write(&K->offset_eprocess_parent_cid, b, n, v->l.eprocess.inherited_from_pid.offset);
	field_write(&K->offset_eprocess_dtb, b, n, v->l.eprocess.directory_table_base.offset);
	field_write(&X->kdbg.size_prcb, b, n, v->vl.kprcb.size);
	field_write(&X->kdbg.offset_prcb_current_thread, b, n, v->vl.kprcb.current_thread.offset);
	field_write(&X->kdbg.offset_prcb_number, b, n, v->vl.kprcb.number.offset);
	field_write(&X->kdbg.size_pcr, b, n, v->vl.kpcr.size);
	field_write(&X->kdbg.offset_pcr_self_pcr, b, n, v->vl.kpcr.self.offset);
	field_write(&X->kdbg.offset_pcr_current_prcb, b, n, v->vl.kpcr.current_prcb.offset);
	field_write(&X->kdbg.offset_pcr_contained_prcb, b, n, v->vl.kpcr.prcb.offset);
	field_write(&X->kdbg.offset_prcb_proc_state_special_reg, b, n, v->vl.kprcb.cr0.offset);
	field_write(&K->offset_prcb_context, b, n, v->vl.kprcb.context.offset);
	kwbytes(v, kd, b, n);
	free(b);
}

static void static_globals(struct vmm *v)
{
	uint64_t va, i;
	struct err *err;

	gw64(v, "MmPfnDatabase", VMM_PFN_DB_VA);
	gw64(v, "MmHighestPhysicalPage", v->highest_pfn);
	gw64(v, "MmLowestPhysicalPage", 1);
	gw64(v, "MmNumberOfPhysicalPages", v->ram_pages);
	kw32(v, sym_va(v, v->l.sym.mm_secondary_color_mask), v->color_mask);
	kw32(v, sym_va(v, v->l.sym.mm_secondary_colors), v->colors);
	gw64(v, "MmHighestUserAddress", VMM_HIGHEST_USER);
	gw64(v, "MmSystemRangeStart", VMM_SYSTEM_RANGE_START);
	gw64(v, "MmUserProbeAddress", VMM_USER_PROBE);
	gw64(v, "MmNonPagedPoolStart", v->pool.start_va);
	gw64(v, "MmPagedPoolEnd", VMM_PAGED_POOL_END);
	/* MmFreePagesByColor[0/1] and the SLIST arrays follow the database (B:14556-14617). */
	kw64(v, sym_va(v, v->l.sym.mm_free_pages_by_color), v->pfndb_end_va);
	kw64(v, sym_va(v, v->l.sym.mm_free_pages_by_color) + 8,
	     v->pfndb_end_va + v->colors * v->l.pfnlist.size);
	kw64(v, sym_va(v, v->l.sym.mi_zero_page_slist), v->slist_zero_va);
	kw64(v, sym_va(v, v->l.sym.mi_free_page_slist), v->slist_free_va);
	err = kimage_symbol(v, "MmProtectToPteMask", &va);
	BUG_ON(err != NULL);
	for (i = 0; i < 32; i++)
		kw64(v, va + 8 * i, vmm_protect_mask((unsigned)i));
	/* The system working sets (not simulated: empty lists at their usual addresses,
	 * WorkingSetType 2-4, structures.md §7.1, paging.md §7). */
	{
		static const struct {
			const char *name;
			uint64_t wsl;
			unsigned type;
		} ws[] = {
			{ "MmSystemCacheWs", 0xFFFFF780C0000000ULL, 2 },
			{ "MmPagedPoolWs", 0xFFFFF781C0000000ULL, 3 },
			{ "MmSystemPtesWs", 0xFFFFF78000001000ULL, 4 },
		};

		for (i = 0; i < ARRAY_SIZE(ws); i++) {
			err = kimage_symbol(v, ws[i].name, &va);
			BUG_ON(err != NULL);
			vmm_kfield_write(v, va, &v->l.mmsupport.vm_working_set_list, ws[i].wsl);
			vmm_kfield_write(v, va, &v->l.mmsupport.ws_type, ws[i].type);
		}
	}
	/* PsLoadedModuleList: an empty list [our choice: no loader entries are modelled]. */
	err = kimage_symbol(v, "PsLoadedModuleList", &va);
	BUG_ON(err != NULL);
	vmm_kfield_write(v, va, &v->vl.le_flink, va);
	vmm_kfield_write(v, va, &v->vl.le_blink, va);
	err = kimage_symbol(v, "PsActiveProcessHead", &va);
	BUG_ON(err != NULL);
	vmm_kfield_write(v, va, &v->vl.le_flink, va);
	vmm_kfield_write(v, va, &v->vl.le_blink, va);
}

/* ---------------------------------------------------------------- processor 0, shared data */

#define CPU_CR0 0x80050033ULL /* PG WP NE ET MP PE */
#define CPU_CR4 0x6F8ULL      /* OSXMMEXCPT OSFXSR PGE MCE PAE PSE DE */
#define CPU_EFER 0xD01ULL     /* NXE LMA LME SCE */
#define CPU_RFLAGS 0x2ULL     /* interrupts off: the QEMU stub halts with IF=0 */
#define SEL_KCODE 0x10
#define SEL_KDATA 0x18
#define SEL_UDATA 0x2B
#define SEL_TEB 0x53

static struct err *processor_block(struct vmm *v)
{
	const struct vmm_layout *X = &v->vl;
	uint64_t thread, kpcr, prcb, ctx, va;
	struct err *err = kimage_symbol(v, "KiInitialPCR", &kpcr);

	if (!err)
		err = kimage_symbol(v, "KiInitialThread", &thread);
	if (!err)
		err = pool_alloc(v, POOL_TAG_CONTEXT, X->context.size, &ctx);
	if (err)
		return err;
	prcb = kpcr + X->kpcr.prcb.offset;
	v->kpcr_va = kpcr;
	v->kprcb_va = prcb;
	v->context_va = ctx;
	vmm_kfield_write(v, kpcr, &X->kpcr.self, kpcr);
	vmm_kfield_write(v, kpcr, &X->kpcr.current_prcb, prcb);
	vmm_kfield_write(v, prcb, &X->kprcb.current_thread, thread);
	vmm_kfield_write(v, prcb, &X->kprcb.idle_thread, thread);
	vmm_kfield_write(v, prcb, &X->kprcb.number, 0);
	vmm_kfield_write(v, prcb, &X->kprcb.cr0, CPU_CR0);
	vmm_kfield_write(v, prcb, &X->kprcb.cr3, v->system->pml4_pfn << 12);
	vmm_kfield_write(v, prcb, &X->kprcb.cr4, CPU_CR4);
	vmm_kfield_write(v, prcb, &X->kprcb.secondary_color_mask, v->color_mask);
	vmm_kfield_write(v, prcb, &X->kprcb.node_shifted_color, 0);
	vmm_kfield_write(v, prcb, &X->kprcb.hyper_pte, VMM_WORK_VA);
	vmm_kfield_write(v, prcb, &X->kprcb.context, ctx);
	vmm_kfield_write(v, prcb, &X->kprcb.context_flags, 0x10001F);
	kwbytes(v, prcb + X->kprcb.vendor_string.offset, "GenuineIntel", 12);
	/* The CONTEXT QEMU's win-dmp fills in (live-lab.md §3.4), with CPU 0's state. */
	vmm_kfield_write(v, ctx, &X->context.context_flags, 0x10001F);
	vmm_kfield_write(v, ctx, &X->context.mx_csr, 0x1F80);
	vmm_kfield_write(v, ctx, &X->context.seg_cs, SEL_KCODE);
	vmm_kfield_write(v, ctx, &X->context.seg_ss, SEL_KDATA);
	vmm_kfield_write(v, ctx, &X->context.seg_ds, SEL_UDATA);
	vmm_kfield_write(v, ctx, &X->context.seg_es, SEL_UDATA);
	vmm_kfield_write(v, ctx, &X->context.seg_fs, SEL_TEB);
	vmm_kfield_write(v, ctx, &X->context.seg_gs, SEL_UDATA);
	vmm_kfield_write(v, ctx, &X->context.eflags, CPU_RFLAGS);
	vmm_kfield_write(v, ctx, &X->context.rsp, VMM_KERNEL_VA + RVA_STACK);
	vmm_kfield_write(v, ctx, &X->context.rip, VMM_KERNEL_VA + RVA_IDLE);
	err = kimage_symbol(v, "KiProcessorBlock", &va);
	if (!err)
		kw64(v, va, prcb);
	return err;
}

static void kuser_render(struct vmm *v)
{
	const struct vmm_layout *X = &v->vl;

	vmm_kfield_write(v, VMM_KUSER_VA, &X->kuser.product_type, 1); /* NtProductWinNt */
	vmm_kfield_write(v, VMM_KUSER_VA, &X->kuser.product_valid, 1);
	vmm_kfield_write(v, VMM_KUSER_VA, &X->kuser.major, 6);
	vmm_kfield_write(v, VMM_KUSER_VA, &X->kuser.minor, 1);
	vmm_kfield_write(v, VMM_KUSER_VA, &X->kuser.phys_pages, (uint32_t)v->ram_pages);
}

/* MmPhysicalMemoryBlock -> _PHYSICAL_MEMORY_DESCRIPTOR with the two RAM runs. */
static struct err *physmem_descriptor(struct vmm *v)
{
	const struct physmem_layout *L = &v->l.physmem;
	uint64_t d, runs[2][2] = { { 1, 0x9E }, { 0x100, v->npages - 0x100 } };
	struct err *err = pool_alloc(v, POOL_TAG_PHYSMEM, L->run0_base.offset + 2 * L->run_size, &d);
	unsigned i;

	if (err)
		return err;
	v->physmem_desc_va = d;
	vmm_kfield_write(v, d, &L->number_of_runs, 2);
	vmm_kfield_write(v, d, &L->number_of_pages, v->ram_pages);
	for (i = 0; i < 2; i++) {
		vmm_kfield_write(v, d + i * L->run_size, &L->run0_base, runs[i][0]);
		vmm_kfield_write(v, d + i * L->run_size, &L->run0_count, runs[i][1]);
	}
	gw64(v, "MmPhysicalMemoryBlock", d);
	return NULL;
}

static struct err *add_msrs(struct cpu_state *c, uint64_t ram)
{
	static const struct msr_val fixed[] = {
		{ 0xC0000080, CPU_EFER },
		{ 0xC0000081, 0x0023001000000000ULL }, /* STAR: kernel CS 0x10, user base 0x23 */
		{ 0xC0000084, 0x4700 },		      /* SFMASK */
		{ 0xC0000100, 0 },		      /* FS_BASE */
		{ 0xC0000102, 0 },		      /* KERNEL_GS_BASE (no user thread) */
		{ 0x277, 0x0007010600070106ULL },     /* IA32_PAT (B:1332-1333, B:4316) */
		{ 0xFE, 0x508 },		      /* MTRRCAP: 8 variable, fixed, WC */
		{ 0x2FF, 0xC06 },		      /* MTRR_DEF_TYPE: enabled, fixed on, WB */
		{ 0x250, 0x0606060606060606ULL },     /* 0-0x7FFFF WB */
		{ 0x258, 0x0606060606060606ULL },     /* 0x80000-0x9FFFF WB */
		{ 0x259, 0 },			      /* 0xA0000-0xBFFFF UC: legacy VGA */
	};
	uint64_t base = 0;
	unsigned i, n = 0;
	struct err *err = NULL;

	for (i = 0; i < ARRAY_SIZE(fixed) && !err; i++)
		err = target_add_msr(c, fixed[i].index, fixed[i].value);
	for (i = 0x268; i <= 0x26F && !err; i++)
		err = target_add_msr(c, i, 0x0505050505050505ULL); /* 0xC0000-0xFFFFF WP (ROM) */
	/* Variable MTRRs: RAM as WB in power-of-two blocks (36-bit physical addresses). */
	while (base < ram && n < 8 && !err) {
		uint64_t size = 1ULL << 63;

		while (size > ram - base || (base & (size - 1)))
			size >>= 1;
		err = target_add_msr(c, 0x200 + 2 * n, base | 6);
		if (!err)
			err = target_add_msr(c, 0x201 + 2 * n,
					     (~(size - 1) & 0xFFFFFFFFFULL & ~0xFFFULL) | 0x800);
		base += size;
		n++;
	}
	/* the unused pairs of MTRRCAP's eight, recorded as invalid (valid bit 11 clear), so the
	 * memory type of any address can be worked out from the dump (SDM 11.11.2.3) */
	for (; n < 8 && !err; n++) {
		err = target_add_msr(c, 0x200 + 2 * n, 0);
		if (!err)
			err = target_add_msr(c, 0x201 + 2 * n, 0);
	}
	return err;
}

static struct err *cpu_state(struct vmm *v)
{
	struct cpu_state *c = &v->cpu;
	struct err *err;

	memset(c, 0, sizeof(*c));
	c->valid = REG_GPR | REG_CR | REG_CR8 | REG_SEG | REG_SEGBASE | REG_KGS | REG_EFER;
	c->rip = VMM_KERNEL_VA + RVA_IDLE;
	c->gpr[GPR_RSP] = VMM_KERNEL_VA + RVA_STACK;
	c->rflags = CPU_RFLAGS;
	c->cr0 = CPU_CR0;
	c->cr3 = v->system->pml4_pfn << 12;
	c->cr4 = CPU_CR4;
	c->efer = CPU_EFER;
	c->cs = SEL_KCODE;
	c->ss = SEL_KDATA;
	c->ds = c->es = c->gs = SEL_UDATA;
	c->fs = SEL_TEB;
	c->gs_base = v->kpcr_va;
	c->kernel_gs_base = 0;
	err = add_msrs(c, v->ram_bytes);
	if (!err)
		err = target_add_msr(c, 0xC0000082, VMM_KERNEL_VA + RVA_SYSCALL); /* LSTAR */
	if (!err)
		err = target_add_msr(c, 0xC0000083, VMM_KERNEL_VA + RVA_SYSCALL); /* CSTAR */
	if (!err)
		err = target_add_msr(c, 0xC0000101, v->kpcr_va); /* GS_BASE = KPCR */
	return err;
}

/* ---------------------------------------------------------------- boot */

/* The _MMPFN array, then the zeroed and free heads per color and the two SLIST arrays
 * (B:14504-14617); 2 MiB pages when RAM is above 4 GiB (B:14528-14554). */
static struct err *map_pfn_database(struct vmm *v)
{
	uint64_t db = (v->highest_pfn + 1) * v->l.pfn.size;
	uint64_t heads = 2ULL * v->colors * (v->l.pfnlist.size + v->l.slist.size);
	uint64_t end = VMM_PFN_DB_VA + db + heads, pages = ((db + heads) + 0xFFF) >> 12, i, pfn;
	bool large = v->ram_bytes > (4ULL << 30);
	struct err *err;

	v->pfndb_page_pa = calloc(pages + 512, sizeof(*v->pfndb_page_pa));
	if (!v->pfndb_page_pa)
		return err_nomem;
	v->pfndb_end_va = VMM_PFN_DB_VA + db;
	v->slist_zero_va = v->pfndb_end_va + 2ULL * v->colors * v->l.pfnlist.size;
	v->slist_free_va = v->slist_zero_va + v->colors * v->l.slist.size;
	if (large) {
		uint64_t blocks = (pages + 511) / 512, b;

		for (b = 0; b < blocks; b++) {
			err = boot_alloc(v, 512, 512, &pfn);
			if (!err)
				err = kmap_large(v, VMM_PFN_DB_VA + b * 0x200000, pfn, PDE_LARGE_KERNEL);
			if (err)
				return err;
			for (i = 0; i < 512 && b * 512 + i < pages + 512; i++)
				v->pfndb_page_pa[b * 512 + i] = (pfn + i) << 12;
		}
		/* Pool starts at the next 2 MiB boundary, beyond the large pages (B:14679-14699). */
		pool_init(v, VMM_PFN_DB_VA + blocks * 0x200000);
		return NULL;
	}
	for (i = 0; i < pages; i++) {
		err = boot_alloc(v, 1, 1, &pfn);
		if (!err)
			err = kmap_page(v, VMM_PFN_DB_VA + i * 0x1000, pfn, PTE_PFN_DB);
		if (err)
			return err;
		v->pfndb_page_pa[i] = pfn << 12;
	}
	pool_init(v, (end + 0xFFF) & ~0xFFFULL);
	return NULL;
}

struct err *kimage_boot(struct vmm *v)
{
	uint64_t pfn;
	struct err *err;

	err = check_symbols(v);
	if (!err)
		err = kimage_symbol(v, "KdDebuggerDataBlock", &v->kdbg_va);
	if (err)
		return err;
	v->boot_next_pa = VMM_KERNEL_PA + VMM_KERNEL_SIZE;
	/* The System PML4 is the lowest page holding a PML4, so a DTB scan finds it first. */
	err = boot_alloc(v, 1, 1, &pfn);
	if (!err)
		err = process_system_create(v, pfn);
	if (!err)
		err = kmap_large(v, VMM_KERNEL_VA, VMM_KERNEL_PA >> 12, PDE_LARGE_KERNEL);
	if (!err)
		err = map_pfn_database(v);
	if (!err)
		err = boot_alloc(v, 1, 1, &v->kuser_pfn);
	if (!err)
		err = kmap_page(v, VMM_KUSER_VA, v->kuser_pfn, PTE_KERNEL_DATA);
	if (!err)
		err = kmap_ensure(v, VMM_WORK_VA, 3);
	if (err)
		return err;
	err = pfndb_init(v);
	if (err)
		return err;
	v->lists_ready = true;
	pe_image(v);
	static_globals(v);
	kdbg_render(v);
	kuser_render(v);
	err = physmem_descriptor(v);
	if (!err)
		err = pagefile_create(v);
	if (!err)
		err = process_system_finish(v);
	if (!err)
		err = processor_block(v);
	if (!err)
		err = cpu_state(v);
	if (err)
		return err;
	process_flush(v);
	kimage_sync_globals(v);
	return NULL;
}
