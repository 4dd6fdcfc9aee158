/* SPDX-License-Identifier: MIT */
/*
 * Resolved type layouts: every field of the Windows structures that mmkd reads (the analyzer)
 * or writes (the reference VMM), resolved once from the profile into plain structs of
 * struct field. This is the one source of truth for offsets shared by both sides (DESIGN.md
 * "One source of truth for layouts"). Read a field with field_read() on a buffer holding the
 * structure, write with field_write().
 */
#ifndef MMKD_MODEL_LAYOUT_H
#define MMKD_MODEL_LAYOUT_H

#include <stdint.h>

#include "core/profile.h"

struct err;

struct pfn_layout { /* _MMPFN (structures.md §3) */
	uint64_t size;
	struct field flink, ws_index, event, next, blink, share_count, pte_address;
	struct field reference_count, page_location, write_in_progress, modified,
		read_in_progress, cache_attribute, priority, rom, in_page_error, kernel_stack,
		removal_requested, parity_error, used_pte_entries, va_type, original_pte,
		pte_frame, pfn_image_verified, awe_allocation, prototype_pte, page_color;
};

struct pfnlist_layout { /* _MMPFNLIST (structures.md §4.1) */
	uint64_t size;
	struct field total, list_name, flink, blink;
};

struct slist_layout { /* _SLIST_HEADER, HeaderX64 view (structures.md §4.2) */
	uint64_t size;
	struct field depth, sequence, next_entry;
};

struct mmsupport_layout { /* _MMSUPPORT (structures.md §7) */
	uint64_t size;
	struct field minimum_ws, ws_size, ws_private_size, maximum_ws, peak_ws, hard_fault_count,
		vm_working_set_list, next_page_color, page_fault_count, repurpose_count,
		ws_overhead, ws_type, maximum_ws_hard;
};

struct eprocess_layout { /* _EPROCESS / _KPROCESS (structures.md §6) */
	uint64_t size;
	struct field header_type, directory_table_base, unique_process_id, active_process_links,
		commit_charge, peak_virtual_size, virtual_size, object_table, working_set_page,
		number_of_private_pages, inherited_from_pid, session, image_file_name, peb,
		active_threads, commit_charge_peak, vm, modified_page_count, numa_aware,
		default_page_priority, flags, vad_root, exit_status, create_time;
};

struct avl_layout { /* _MM_AVL_TABLE (structures.md §5.2) */
	uint64_t size;
	struct field root_right_child, depth_of_tree, number_elements;
};

struct vad_layout { /* _MMVAD_SHORT / _MMVAD (structures.md §5.3-5.6) */
	uint64_t short_size, long_size;
	struct field parent, balance, left_child, right_child, starting_vpn, ending_vpn,
		commit_charge, no_change, vad_type, mem_commit, protection, private_memory,
		preferred_node, subsection, first_prototype_pte, last_contiguous_pte,
		vads_process;
};

struct wsl_layout { /* _MMWSL, _MMWSLE, hash entries (structures.md §8) */
	uint64_t size, wsle_size, nondirect_size;
	struct field first_free, first_dynamic, last_entry, next_slot, wsle, lowest_pagable,
		last_initialized, next_aging_slot, nondirect_count, nondirect_hash,
		hash_table_start, highest_permitted_hash, last_vad_bit;
	struct field e_valid, e_hashed, e_direct, e_protection, e_age, e_vpn, e_prev_free,
		e_next_free;
	struct field nd_key, nd_index;
};

struct kdbg_layout { /* _KDDEBUGGER_DATA64 (formats.md §1b) */
	uint64_t size;
	struct field owner_tag, block_size, kern_base, ps_loaded_module_list,
		ps_active_process_head, ki_bugcheck_data, mm_system_cache_ws, mm_pfn_database,
		mm_number_of_paging_files, mm_lowest_physical_page, mm_highest_physical_page,
		mm_number_of_physical_pages, mm_nonpaged_pool_start, mm_paged_pool_end,
		mm_total_commit_limit, mm_total_committed_pages, mm_zeroed_list,
		mm_free_list, mm_standby_list, mm_modified_list, mm_modified_no_write_list,
		mm_available_pages, mm_resident_available_pages, mm_highest_user_address,
		mm_system_range_start, ki_processor_block, mm_physical_memory_block,
		size_eprocess, offset_eprocess_peb, offset_eprocess_parent_cid,
		offset_eprocess_dtb, offset_prcb_context, mm_bad_pages_detected;
};

struct pagingfile_layout { /* _MMPAGING_FILE (structures.md §13.1) */
	uint64_t size;
	struct field size_pages, maximum_size, minimum_size, free_space, peak_usage,
		highest_page, file_name_length, file_name_buffer, bitmap, page_file_number;
};

struct physmem_layout { /* _PHYSICAL_MEMORY_DESCRIPTOR */
	uint64_t run_size;
	struct field number_of_runs, number_of_pages, run0_base, run0_count;
};

struct bitmap_layout { /* _RTL_BITMAP */
	uint64_t size;
	struct field size_of_bitmap, buffer;
};

/** RVAs (from the kernel base) of globals that KDBG does not point to. */
struct symbol_layout {
	uint64_t ps_initial_system_process, mm_standby_by_priority, mm_modified_process_list,
		mm_modified_page_list, mm_free_pages_by_color, mi_zero_page_slist,
		mi_free_page_slist, mm_secondary_color_mask, mm_secondary_colors,
		mi_standby_repurposed_by_priority, mi_last_standby_repurposed, mm_paging_file,
		mm_bad_page_list, kd_debugger_data_block;
};

struct mm_layout {
	struct pfn_layout pfn;
	struct pfnlist_layout pfnlist;
	struct slist_layout slist;
	struct mmsupport_layout mmsupport;
	struct eprocess_layout eprocess;
	struct avl_layout avl;
	struct vad_layout vad;
	struct wsl_layout wsl;
	struct kdbg_layout kdbg;
	struct pagingfile_layout pagingfile;
	struct physmem_layout physmem;
	struct bitmap_layout bitmap;
	struct symbol_layout sym;
};

/**
 * mm_layout_init() - resolve every field from @prof.
 * Return: NULL, or the ERR_LAYOUT of the first missing field, named in full
 * ("profile 'x' has no field _MMPFN.u3.e1.PageLocation").
 */
struct err *mm_layout_init(struct mm_layout *l, const struct profile *prof);

/** field_off() - absolute offset of a non-bitfield (or of a bitfield's storage unit). */
static inline uint64_t field_off(const struct field *f)
{
	return f->offset;
}

#endif
