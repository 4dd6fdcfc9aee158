/* SPDX-License-Identifier: MIT */
/*
 * Layout fields the reference VMM writes beyond the analyzer's struct mm_layout: the kernel
 * processor block (KPCR/KPRCB/CONTEXT), pool headers, KUSER_SHARED_DATA, list entries, the rest
 * of KDDEBUGGER_DATA64 and a few process and AVL-table fields. Resolved once from the same
 * profile (profiles/win7-x64-rtm.json) so that the simulator never hard-codes an offset.
 */
#ifndef MMKD_MODEL_VMM_VLAYOUT_H
#define MMKD_MODEL_VMM_VLAYOUT_H

#include <stdint.h>

#include "core/profile.h"

struct err;

struct vmm_layout {
	struct field le_flink, le_blink; /* _LIST_ENTRY */
	struct field us_length, us_max_length, us_buffer; /* _UNICODE_STRING */
	struct {
		struct field list_flink, list_blink, kern_base, saved_context, mm_system_cache_start,
			mm_system_cache_end, mm_system_ptes_start, mm_system_ptes_end,
			mm_lowest_physical_page, mm_nonpaged_pool_end, mm_paged_pool_start,
			mm_page_size, mm_user_probe_address, mm_non_paged_system_start,
			size_prcb, offset_prcb_current_thread, offset_prcb_number, size_ethread,
			size_pcr, offset_pcr_self_pcr, offset_pcr_current_prcb,
			offset_pcr_contained_prcb, offset_prcb_proc_state_context,
			offset_prcb_proc_state_special_reg, nt_build_lab;
	} kdbg;
	struct {
		uint64_t size;
		struct field self, current_prcb, prcb;
	} kpcr;
	struct {
		uint64_t size;
		struct field current_thread, idle_thread, number, cr0, cr3, cr4, node_shifted_color,
			secondary_color_mask, page_color, cached_resident_available, hyper_pte,
			vendor_string, context, context_flags;
	} kprcb;
	struct {
		uint64_t size;
		struct field context_flags, mx_csr, seg_cs, seg_ds, seg_es, seg_fs, seg_gs, seg_ss,
			eflags, rsp, rip;
	} context;
	struct {
		uint64_t size;
		struct field previous_size, pool_index, block_size, pool_type, pool_tag;
	} pool;
	struct {
		struct field product_type, product_valid, major, minor, kd_enabled, phys_pages;
	} kuser;
	struct {
		struct field header_size, header_signal_state, thread_list_flink, thread_list_blink,
			process_lock, flags_has_address_space, flags_address_space_initialized;
	} eprocess;
	struct {
		struct field parent, left_child, node_hint, node_free_hint;
	} avl;
	struct {
		struct field last_allocation_size, bitmap_hint, name_maximum_length;
	} pagingfile;
	struct {
		struct field max_user_pt_pages, max_user_pd_pages;
	} wsl;
	struct {
		struct field ws_mutex, peak_ws, private_size;
	} mmsupport;
};

/**
 * vmm_layout_init() - resolve every field from @prof.
 * Return: NULL or the ERR_LAYOUT of the first missing field, named in full.
 */
struct err *vmm_layout_init(struct vmm_layout *l, const struct profile *prof);

#endif
