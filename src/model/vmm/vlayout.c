// SPDX-License-Identifier: MIT
/*
 * Table-driven resolution of the simulator's extra layout fields. See vlayout.h.
 */
#include "vlayout.h"

#include <stddef.h>

#include "core/err.h"
#include "core/util.h"


#define F(T, P, M) { T, P, offsetof(struct vmm_layout, M) }

static const struct profile_field_spec fields[] = {
	F("_LIST_ENTRY", "Flink", le_flink),
	F("_LIST_ENTRY", "Blink", le_blink),
	F("_UNICODE_STRING", "Length", us_length),
	F("_UNICODE_STRING", "MaximumLength", us_max_length),
	F("_UNICODE_STRING", "Buffer", us_buffer),

	F("_KDDEBUGGER_DATA64", "Header.List.Flink", kdbg.list_flink),
	F("_KDDEBUGGER_DATA64", "Header.List.Blink", kdbg.list_blink),
	F("_KDDEBUGGER_DATA64", "KernBase", kdbg.kern_base),
	F("_KDDEBUGGER_DATA64", "SavedContext", kdbg.saved_context),
	F("_KDDEBUGGER_DATA64", "MmSystemCacheStart", kdbg.mm_system_cache_start),
	F("_KDDEBUGGER_DATA64", "MmSystemCacheEnd", kdbg.mm_system_cache_end),
	F("_KDDEBUGGER_DATA64", "MmSystemPtesStart", kdbg.mm_system_ptes_start),
	F("_KDDEBUGGER_DATA64", "MmSystemPtesEnd", kdbg.mm_system_ptes_end),
	F("_KDDEBUGGER_DATA64", "MmLowestPhysicalPage", kdbg.mm_lowest_physical_page),
	F("_KDDEBUGGER_DATA64", "MmNonPagedPoolEnd", kdbg.mm_nonpaged_pool_end),
	F("_KDDEBUGGER_DATA64", "MmPagedPoolStart", kdbg.mm_paged_pool_start),
	F("_KDDEBUGGER_DATA64", "MmPageSize", kdbg.mm_page_size),
	F("_KDDEBUGGER_DATA64", "MmUserProbeAddress", kdbg.mm_user_probe_address),
	F("_KDDEBUGGER_DATA64", "MmNonPagedSystemStart", kdbg.mm_non_paged_system_start),
	F("_KDDEBUGGER_DATA64", "SizePrcb", kdbg.size_prcb),
	F("_KDDEBUGGER_DATA64", "OffsetPrcbCurrentThread", kdbg.offset_prcb_current_thread),
	F("_KDDEBUGGER_DATA64", "OffsetPrcbNumber", kdbg.offset_prcb_number),
	F("_KDDEBUGGER_DATA64", "SizeEThread", kdbg.size_ethread),
	F("_KDDEBUGGER_DATA64", "SizePcr", kdbg.size_pcr),
	F("_KDDEBUGGER_DATA64", "OffsetPcrSelfPcr", kdbg.offset_pcr_self_pcr),
	F("_KDDEBUGGER_DATA64", "OffsetPcrCurrentPrcb", kdbg.offset_pcr_current_prcb),
	F("_KDDEBUGGER_DATA64", "OffsetPcrContainedPrcb", kdbg.offset_pcr_contained_prcb),
	F("_KDDEBUGGER_DATA64", "OffsetPrcbProcStateContext", kdbg.offset_prcb_proc_state_context),
	F("_KDDEBUGGER_DATA64", "OffsetPrcbProcStateSpecialReg",
	  kdbg.offset_prcb_proc_state_special_reg),
	F("_KDDEBUGGER_DATA64", "NtBuildLab", kdbg.nt_build_lab),

	F("_KPCR", "Self", kpcr.self),
	F("_KPCR", "CurrentPrcb", kpcr.current_prcb),
	F("_KPCR", "Prcb", kpcr.prcb),

	F("_KPRCB", "CurrentThread", kprcb.current_thread),
	F("_KPRCB", "IdleThread", kprcb.idle_thread),
	F("_KPRCB", "Number", kprcb.number),
	F("_KPRCB", "ProcessorState.SpecialRegisters.Cr0", kprcb.cr0),
	F("_KPRCB", "ProcessorState.SpecialRegisters.Cr3", kprcb.cr3),
	F("_KPRCB", "ProcessorState.SpecialRegisters.Cr4", kprcb.cr4),
	F("_KPRCB", "NodeShiftedColor", kprcb.node_shifted_color),
	F("_KPRCB", "SecondaryColorMask", kprcb.secondary_color_mask),
	F("_KPRCB", "PageColor", kprcb.page_color),
	F("_KPRCB", "CachedResidentAvailable", kprcb.cached_resident_available),
	F("_KPRCB", "HyperPte", kprcb.hyper_pte),
	F("_KPRCB", "VendorString", kprcb.vendor_string),
	F("_KPRCB", "Context", kprcb.context),
	F("_KPRCB", "ContextFlags", kprcb.context_flags),

	F("_CONTEXT", "ContextFlags", context.context_flags),
	F("_CONTEXT", "MxCsr", context.mx_csr),
	F("_CONTEXT", "SegCs", context.seg_cs),
	F("_CONTEXT", "SegDs", context.seg_ds),
	F("_CONTEXT", "SegEs", context.seg_es),
	F("_CONTEXT", "SegFs", context.seg_fs),
	F("_CONTEXT", "SegGs", context.seg_gs),
	F("_CONTEXT", "SegSs", context.seg_ss),
	F("_CONTEXT", "EFlags", context.eflags),
	F("_CONTEXT", "Rsp", context.rsp),
	F("_CONTEXT", "Rip", context.rip),

	F("_POOL_HEADER", "PreviousSize", pool.previous_size),
	F("_POOL_HEADER", "PoolIndex", pool.pool_index),
	F("_POOL_HEADER", "BlockSize", pool.block_size),
	F("_POOL_HEADER", "PoolType", pool.pool_type),
	F("_POOL_HEADER", "PoolTag", pool.pool_tag),

	F("_KUSER_SHARED_DATA", "NtProductType", kuser.product_type),
	F("_KUSER_SHARED_DATA", "ProductTypeIsValid", kuser.product_valid),
	F("_KUSER_SHARED_DATA", "NtMajorVersion", kuser.major),
	F("_KUSER_SHARED_DATA", "NtMinorVersion", kuser.minor),
	F("_KUSER_SHARED_DATA", "KdDebuggerEnabled", kuser.kd_enabled),
	F("_KUSER_SHARED_DATA", "NumberOfPhysicalPages", kuser.phys_pages),

	F("_EPROCESS", "Pcb.Header.Size", eprocess.header_size),
	F("_EPROCESS", "Pcb.Header.SignalState", eprocess.header_signal_state),
	F("_EPROCESS", "ThreadListHead.Flink", eprocess.thread_list_flink),
	F("_EPROCESS", "ThreadListHead.Blink", eprocess.thread_list_blink),
	F("_EPROCESS", "ProcessLock", eprocess.process_lock),
	F("_EPROCESS", "HasAddressSpace", eprocess.flags_has_address_space),
	F("_EPROCESS", "AddressSpaceInitialized", eprocess.flags_address_space_initialized),

	F("_MM_AVL_TABLE", "BalancedRoot.u1.Parent", avl.parent),
	F("_MM_AVL_TABLE", "BalancedRoot.LeftChild", avl.left_child),
	F("_MM_AVL_TABLE", "NodeHint", avl.node_hint),
	F("_MM_AVL_TABLE", "NodeFreeHint", avl.node_free_hint),

	F("_MMPAGING_FILE", "LastAllocationSize", pagingfile.last_allocation_size),
	F("_MMPAGING_FILE", "BitmapHint", pagingfile.bitmap_hint),
	F("_MMPAGING_FILE", "PageFileName.MaximumLength", pagingfile.name_maximum_length),

	F("_MMWSL", "MaximumUserPageTablePages", wsl.max_user_pt_pages),
	F("_MMWSL", "MaximumUserPageDirectoryPages", wsl.max_user_pd_pages),

	F("_MMSUPPORT", "WorkingSetMutex", mmsupport.ws_mutex),
	F("_MMSUPPORT", "PeakWorkingSetSize", mmsupport.peak_ws),
	F("_MMSUPPORT", "WorkingSetPrivateSize", mmsupport.private_size),
};


static const struct profile_size_spec sizes[] = {
	{ "_KPCR", offsetof(struct vmm_layout, kpcr.size) },
	{ "_KPRCB", offsetof(struct vmm_layout, kprcb.size) },
	{ "_CONTEXT", offsetof(struct vmm_layout, context.size) },
	{ "_POOL_HEADER", offsetof(struct vmm_layout, pool.size) },
};

struct err *vmm_layout_init(struct vmm_layout *l, const struct profile *prof)
{
	memset(l, 0, sizeof(*l));
	return profile_resolve(prof, l, fields, ARRAY_SIZE(fields), sizes, ARRAY_SIZE(sizes), NULL,
			       0);
}
