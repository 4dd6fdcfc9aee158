// SPDX-License-Identifier: MIT
/*
 * Table-driven resolution of every field mmkd uses. See layout.h.
 */
#include "layout.h"

#include <stddef.h>

#include "core/err.h"
#include "core/util.h"

struct field_spec {
	const char *type;
	const char *path;
	size_t off; /* offsetof the struct field in struct mm_layout */
};

#define F(T, P, M) { T, P, offsetof(struct mm_layout, M) }

static const struct field_spec fields[] = {
	F("_MMPFN", "u1.Flink", pfn.flink),
	F("_MMPFN", "u1.WsIndex", pfn.ws_index),
	F("_MMPFN", "u1.Event", pfn.event),
	F("_MMPFN", "u1.Next", pfn.next),
	F("_MMPFN", "u2.Blink", pfn.blink),
	F("_MMPFN", "u2.ShareCount", pfn.share_count),
	F("_MMPFN", "PteAddress", pfn.pte_address),
	F("_MMPFN", "u3.ReferenceCount", pfn.reference_count),
	F("_MMPFN", "u3.e1.PageLocation", pfn.page_location),
	F("_MMPFN", "u3.e1.WriteInProgress", pfn.write_in_progress),
	F("_MMPFN", "u3.e1.Modified", pfn.modified),
	F("_MMPFN", "u3.e1.ReadInProgress", pfn.read_in_progress),
	F("_MMPFN", "u3.e1.CacheAttribute", pfn.cache_attribute),
	F("_MMPFN", "u3.e1.Priority", pfn.priority),
	F("_MMPFN", "u3.e1.Rom", pfn.rom),
	F("_MMPFN", "u3.e1.InPageError", pfn.in_page_error),
	F("_MMPFN", "u3.e1.KernelStack", pfn.kernel_stack),
	F("_MMPFN", "u3.e1.RemovalRequested", pfn.removal_requested),
	F("_MMPFN", "u3.e1.ParityError", pfn.parity_error),
	F("_MMPFN", "UsedPageTableEntries", pfn.used_pte_entries),
	F("_MMPFN", "VaType", pfn.va_type),
	F("_MMPFN", "OriginalPte", pfn.original_pte),
	F("_MMPFN", "u4.PteFrame", pfn.pte_frame),
	F("_MMPFN", "u4.PfnImageVerified", pfn.pfn_image_verified),
	F("_MMPFN", "u4.AweAllocation", pfn.awe_allocation),
	F("_MMPFN", "u4.PrototypePte", pfn.prototype_pte),
	F("_MMPFN", "u4.PageColor", pfn.page_color),

	F("_MMPFNLIST", "Total", pfnlist.total),
	F("_MMPFNLIST", "ListName", pfnlist.list_name),
	F("_MMPFNLIST", "Flink", pfnlist.flink),
	F("_MMPFNLIST", "Blink", pfnlist.blink),

	F("_SLIST_HEADER", "HeaderX64.Depth", slist.depth),
	F("_SLIST_HEADER", "HeaderX64.Sequence", slist.sequence),
	F("_SLIST_HEADER", "HeaderX64.NextEntry", slist.next_entry),

	F("_MMSUPPORT", "MinimumWorkingSetSize", mmsupport.minimum_ws),
	F("_MMSUPPORT", "WorkingSetSize", mmsupport.ws_size),
	F("_MMSUPPORT", "WorkingSetPrivateSize", mmsupport.ws_private_size),
	F("_MMSUPPORT", "MaximumWorkingSetSize", mmsupport.maximum_ws),
	F("_MMSUPPORT", "PeakWorkingSetSize", mmsupport.peak_ws),
	F("_MMSUPPORT", "HardFaultCount", mmsupport.hard_fault_count),
	F("_MMSUPPORT", "VmWorkingSetList", mmsupport.vm_working_set_list),
	F("_MMSUPPORT", "NextPageColor", mmsupport.next_page_color),
	F("_MMSUPPORT", "PageFaultCount", mmsupport.page_fault_count),
	F("_MMSUPPORT", "RepurposeCount", mmsupport.repurpose_count),
	F("_MMSUPPORT", "WorkingSetSizeOverhead", mmsupport.ws_overhead),
	F("_MMSUPPORT", "Flags.WorkingSetType", mmsupport.ws_type),
	F("_MMSUPPORT", "Flags.MaximumWorkingSetHard", mmsupport.maximum_ws_hard),

	F("_EPROCESS", "Pcb.Header.Type", eprocess.header_type),
	F("_EPROCESS", "Pcb.DirectoryTableBase", eprocess.directory_table_base),
	F("_EPROCESS", "UniqueProcessId", eprocess.unique_process_id),
	F("_EPROCESS", "ActiveProcessLinks", eprocess.active_process_links),
	F("_EPROCESS", "CommitCharge", eprocess.commit_charge),
	F("_EPROCESS", "PeakVirtualSize", eprocess.peak_virtual_size),
	F("_EPROCESS", "VirtualSize", eprocess.virtual_size),
	F("_EPROCESS", "ObjectTable", eprocess.object_table),
	F("_EPROCESS", "WorkingSetPage", eprocess.working_set_page),
	F("_EPROCESS", "NumberOfPrivatePages", eprocess.number_of_private_pages),
	F("_EPROCESS", "InheritedFromUniqueProcessId", eprocess.inherited_from_pid),
	F("_EPROCESS", "Session", eprocess.session),
	F("_EPROCESS", "ImageFileName", eprocess.image_file_name),
	F("_EPROCESS", "Peb", eprocess.peb),
	F("_EPROCESS", "ActiveThreads", eprocess.active_threads),
	F("_EPROCESS", "CommitChargePeak", eprocess.commit_charge_peak),
	F("_EPROCESS", "Vm", eprocess.vm),
	F("_EPROCESS", "ModifiedPageCount", eprocess.modified_page_count),
	F("_EPROCESS", "NumaAware", eprocess.numa_aware),
	F("_EPROCESS", "DefaultPagePriority", eprocess.default_page_priority),
	F("_EPROCESS", "Flags", eprocess.flags),
	F("_EPROCESS", "VadRoot", eprocess.vad_root),
	F("_EPROCESS", "ExitStatus", eprocess.exit_status),
	F("_EPROCESS", "CreateTime", eprocess.create_time),

	F("_MM_AVL_TABLE", "BalancedRoot.RightChild", avl.root_right_child),
	F("_MM_AVL_TABLE", "DepthOfTree", avl.depth_of_tree),
	F("_MM_AVL_TABLE", "NumberGenericTableElements", avl.number_elements),

	F("_MMVAD", "u1.Parent", vad.parent),
	F("_MMVAD", "u1.Balance", vad.balance),
	F("_MMVAD", "LeftChild", vad.left_child),
	F("_MMVAD", "RightChild", vad.right_child),
	F("_MMVAD", "StartingVpn", vad.starting_vpn),
	F("_MMVAD", "EndingVpn", vad.ending_vpn),
	F("_MMVAD", "u.VadFlags.CommitCharge", vad.commit_charge),
	F("_MMVAD", "u.VadFlags.NoChange", vad.no_change),
	F("_MMVAD", "u.VadFlags.VadType", vad.vad_type),
	F("_MMVAD", "u.VadFlags.MemCommit", vad.mem_commit),
	F("_MMVAD", "u.VadFlags.Protection", vad.protection),
	F("_MMVAD", "u.VadFlags.PrivateMemory", vad.private_memory),
	F("_MMVAD", "u5.VadFlags3.PreferredNode", vad.preferred_node),
	F("_MMVAD", "Subsection", vad.subsection),
	F("_MMVAD", "FirstPrototypePte", vad.first_prototype_pte),
	F("_MMVAD", "LastContiguousPte", vad.last_contiguous_pte),
	F("_MMVAD", "VadsProcess", vad.vads_process),

	F("_MMWSL", "FirstFree", wsl.first_free),
	F("_MMWSL", "FirstDynamic", wsl.first_dynamic),
	F("_MMWSL", "LastEntry", wsl.last_entry),
	F("_MMWSL", "NextSlot", wsl.next_slot),
	F("_MMWSL", "Wsle", wsl.wsle),
	F("_MMWSL", "LowestPagableAddress", wsl.lowest_pagable),
	F("_MMWSL", "LastInitializedWsle", wsl.last_initialized),
	F("_MMWSL", "NextAgingSlot", wsl.next_aging_slot),
	F("_MMWSL", "NonDirectCount", wsl.nondirect_count),
	F("_MMWSL", "NonDirectHash", wsl.nondirect_hash),
	F("_MMWSL", "HashTableStart", wsl.hash_table_start),
	F("_MMWSL", "HighestPermittedHashAddress", wsl.highest_permitted_hash),
	F("_MMWSL", "LastVadBit", wsl.last_vad_bit),
	F("_MMWSLE", "u1.e1.Valid", wsl.e_valid),
	F("_MMWSLE", "u1.e1.Hashed", wsl.e_hashed),
	F("_MMWSLE", "u1.e1.Direct", wsl.e_direct),
	F("_MMWSLE", "u1.e1.Protection", wsl.e_protection),
	F("_MMWSLE", "u1.e1.Age", wsl.e_age),
	F("_MMWSLE", "u1.e1.VirtualPageNumber", wsl.e_vpn),
	F("_MMWSLE", "u1.e2.PreviousFree", wsl.e_prev_free),
	F("_MMWSLE", "u1.e2.NextFree", wsl.e_next_free),
	F("_MMWSLE_NONDIRECT_HASH", "Key", wsl.nd_key),
	F("_MMWSLE_NONDIRECT_HASH", "Index", wsl.nd_index),

	F("_KDDEBUGGER_DATA64", "Header.OwnerTag", kdbg.owner_tag),
	F("_KDDEBUGGER_DATA64", "Header.Size", kdbg.block_size),
	F("_KDDEBUGGER_DATA64", "KernBase", kdbg.kern_base),
	F("_KDDEBUGGER_DATA64", "PsLoadedModuleList", kdbg.ps_loaded_module_list),
	F("_KDDEBUGGER_DATA64", "PsActiveProcessHead", kdbg.ps_active_process_head),
	F("_KDDEBUGGER_DATA64", "KiBugcheckData", kdbg.ki_bugcheck_data),
	F("_KDDEBUGGER_DATA64", "MmSystemCacheWs", kdbg.mm_system_cache_ws),
	F("_KDDEBUGGER_DATA64", "MmPfnDatabase", kdbg.mm_pfn_database),
	F("_KDDEBUGGER_DATA64", "MmNumberOfPagingFiles", kdbg.mm_number_of_paging_files),
	F("_KDDEBUGGER_DATA64", "MmLowestPhysicalPage", kdbg.mm_lowest_physical_page),
	F("_KDDEBUGGER_DATA64", "MmHighestPhysicalPage", kdbg.mm_highest_physical_page),
	F("_KDDEBUGGER_DATA64", "MmNumberOfPhysicalPages", kdbg.mm_number_of_physical_pages),
	F("_KDDEBUGGER_DATA64", "MmNonPagedPoolStart", kdbg.mm_nonpaged_pool_start),
	F("_KDDEBUGGER_DATA64", "MmPagedPoolEnd", kdbg.mm_paged_pool_end),
	F("_KDDEBUGGER_DATA64", "MmTotalCommitLimit", kdbg.mm_total_commit_limit),
	F("_KDDEBUGGER_DATA64", "MmTotalCommittedPages", kdbg.mm_total_committed_pages),
	F("_KDDEBUGGER_DATA64", "MmZeroedPageListHead", kdbg.mm_zeroed_list),
	F("_KDDEBUGGER_DATA64", "MmFreePageListHead", kdbg.mm_free_list),
	F("_KDDEBUGGER_DATA64", "MmStandbyPageListHead", kdbg.mm_standby_list),
	F("_KDDEBUGGER_DATA64", "MmModifiedPageListHead", kdbg.mm_modified_list),
	F("_KDDEBUGGER_DATA64", "MmModifiedNoWritePageListHead", kdbg.mm_modified_no_write_list),
	F("_KDDEBUGGER_DATA64", "MmAvailablePages", kdbg.mm_available_pages),
	F("_KDDEBUGGER_DATA64", "MmResidentAvailablePages", kdbg.mm_resident_available_pages),
	F("_KDDEBUGGER_DATA64", "MmHighestUserAddress", kdbg.mm_highest_user_address),
	F("_KDDEBUGGER_DATA64", "MmSystemRangeStart", kdbg.mm_system_range_start),
	F("_KDDEBUGGER_DATA64", "KiProcessorBlock", kdbg.ki_processor_block),
	F("_KDDEBUGGER_DATA64", "MmPhysicalMemoryBlock", kdbg.mm_physical_memory_block),
	F("_KDDEBUGGER_DATA64", "SizeEProcess", kdbg.size_eprocess),
	F("_KDDEBUGGER_DATA64", "OffsetEprocessPeb", kdbg.offset_eprocess_peb),
	F("_KDDEBUGGER_DATA64", "OffsetEprocessParentCID", kdbg.offset_eprocess_parent_cid),
	F("_KDDEBUGGER_DATA64", "OffsetEprocessDirectoryTableBase", kdbg.offset_eprocess_dtb),
	F("_KDDEBUGGER_DATA64", "OffsetPrcbContext", kdbg.offset_prcb_context),
	F("_KDDEBUGGER_DATA64", "MmBadPagesDetected", kdbg.mm_bad_pages_detected),

	F("_MMPAGING_FILE", "Size", pagingfile.size_pages),
	F("_MMPAGING_FILE", "MaximumSize", pagingfile.maximum_size),
	F("_MMPAGING_FILE", "MinimumSize", pagingfile.minimum_size),
	F("_MMPAGING_FILE", "FreeSpace", pagingfile.free_space),
	F("_MMPAGING_FILE", "PeakUsage", pagingfile.peak_usage),
	F("_MMPAGING_FILE", "HighestPage", pagingfile.highest_page),
	F("_MMPAGING_FILE", "PageFileName.Length", pagingfile.file_name_length),
	F("_MMPAGING_FILE", "PageFileName.Buffer", pagingfile.file_name_buffer),
	F("_MMPAGING_FILE", "Bitmap", pagingfile.bitmap),
	F("_MMPAGING_FILE", "PageFileNumber", pagingfile.page_file_number),

	F("_PHYSICAL_MEMORY_DESCRIPTOR", "NumberOfRuns", physmem.number_of_runs),
	F("_PHYSICAL_MEMORY_DESCRIPTOR", "NumberOfPages", physmem.number_of_pages),
	F("_PHYSICAL_MEMORY_DESCRIPTOR", "Run[0].BasePage", physmem.run0_base),
	F("_PHYSICAL_MEMORY_DESCRIPTOR", "Run[0].PageCount", physmem.run0_count),

	F("_RTL_BITMAP", "SizeOfBitMap", bitmap.size_of_bitmap),
	F("_RTL_BITMAP", "Buffer", bitmap.buffer),
};

struct size_spec {
	const char *type;
	size_t off;
};

#define S(T, M) { T, offsetof(struct mm_layout, M) }

static const struct size_spec sizes[] = {
	S("_MMPFN", pfn.size),
	S("_MMPFNLIST", pfnlist.size),
	S("_SLIST_HEADER", slist.size),
	S("_MMSUPPORT", mmsupport.size),
	S("_EPROCESS", eprocess.size),
	S("_MM_AVL_TABLE", avl.size),
	S("_MMVAD_SHORT", vad.short_size),
	S("_MMVAD", vad.long_size),
	S("_MMWSL", wsl.size),
	S("_MMWSLE", wsl.wsle_size),
	S("_MMWSLE_NONDIRECT_HASH", wsl.nondirect_size),
	S("_KDDEBUGGER_DATA64", kdbg.size),
	S("_MMPAGING_FILE", pagingfile.size),
	S("_PHYSICAL_MEMORY_RUN", physmem.run_size),
	S("_RTL_BITMAP", bitmap.size),
};

struct sym_spec {
	const char *name;
	size_t off;
};

#define Y(N, M) { N, offsetof(struct mm_layout, sym.M) }

static const struct sym_spec syms[] = {
	Y("PsInitialSystemProcess", ps_initial_system_process),
	Y("MmStandbyPageListByPriority", mm_standby_by_priority),
	Y("MmModifiedProcessListByColor", mm_modified_process_list),
	Y("MmModifiedPageListByColor", mm_modified_page_list),
	Y("MmFreePagesByColor", mm_free_pages_by_color),
	Y("MiZeroPageSlist", mi_zero_page_slist),
	Y("MiFreePageSlist", mi_free_page_slist),
	Y("MmSecondaryColorMask", mm_secondary_color_mask),
	Y("MmSecondaryColors", mm_secondary_colors),
	Y("MiStandbyRepurposedByPriority", mi_standby_repurposed_by_priority),
	Y("MiLastStandbyRePurposed", mi_last_standby_repurposed),
	Y("MmPagingFile", mm_paging_file),
	Y("MmBadPageListHead", mm_bad_page_list),
	Y("KdDebuggerDataBlock", kd_debugger_data_block),
};

struct err *mm_layout_init(struct mm_layout *l, const struct profile *prof)
{
	struct err *err;
	size_t i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		err = profile_field(prof, fields[i].type, fields[i].path,
				    (struct field *)((char *)l + fields[i].off));
		if (err)
			return err;
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		err = profile_type_size(prof, sizes[i].type, (uint64_t *)((char *)l + sizes[i].off));
		if (err)
			return err;
	}
	for (i = 0; i < ARRAY_SIZE(syms); i++) {
		err = profile_symbol(prof, syms[i].name, (uint64_t *)((char *)l + syms[i].off));
		if (err)
			return err;
	}
	return NULL;
}
