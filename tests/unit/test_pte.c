// SPDX-License-Identifier: MIT
/* PTE model: self-map formulas (paging.md §5), decoding (§3) and flag strings (§1), against
 * the values the book prints. */
#include "model/pte.h"
#include "tap.h"

int main(void)
{
	struct selfmap sm;
	struct pte_info pi;
	char flags[12], buf[64];

	selfmap_init(&sm, 0x1ED);
	is_u64(sm.pte_base, 0xFFFFF68000000000ULL, "PTE_BASE for 0x1ED (L1716)");
	is_u64(sm.pde_base, 0xFFFFF6FB40000000ULL, "PDE_BASE (L1813)");
	is_u64(sm.ppe_base, 0xFFFFF6FB7DA00000ULL, "PPE_BASE (L1827)");
	is_u64(sm.pxe_base, 0xFFFFF6FB7DBED000ULL, "PXE_BASE (L1835)");
	is_u64(selfmap_pte_va(&sm, sm.pxe_base), 0xFFFFF6FB7DBEDF68ULL, "self-map entry (L1839)");
	/* Example 2 (paging.md §5.4): hyperspace VA, book E37 */
	is_u64(selfmap_pxe_va(&sm, 0xFFFFF70001081FF8ULL), 0xFFFFF6FB7DBEDF70ULL, "E37 PXE");
	is_u64(selfmap_ppe_va(&sm, 0xFFFFF70001081FF8ULL), 0xFFFFF6FB7DBEE000ULL, "E37 PPE");
	is_u64(selfmap_pde_va(&sm, 0xFFFFF70001081FF8ULL), 0xFFFFF6FB7DC00040ULL, "E37 PDE");
	is_u64(selfmap_pte_va(&sm, 0xFFFFF70001081FF8ULL), 0xFFFFF6FB80008408ULL, "E37 PTE");
	/* Example 3: kernel stack VA, book E85 */
	is_u64(selfmap_pte_va(&sm, 0xFFFFF88004CD0FD0ULL), 0xFFFFF6FC40026680ULL, "E85 PTE");
	is_u64(selfmap_pde_va(&sm, 0xFFFFF88004CD0FD0ULL), 0xFFFFF6FB7E200130ULL, "E85 PDE");
	/* inverse (paging.md §5.3 table) */
	is_u64(selfmap_va_from_pte(&sm, 0xFFFFF68000002D80ULL), 0x5B0000, "PTE FFFFF68000002D80 maps 5b0000 (L4283)");
	is_u64(selfmap_va_from_pte(&sm, 0xFFFFF6FC80000000ULL), 0xFFFFF90000000000ULL, "L14255");
	is_u64(selfmap_va_from_pte(&sm, 0xFFFFF6FB40000000ULL), 0xFFFFF68000000000ULL, "E03");
	ok(selfmap_level_of(&sm, 0xFFFFF6FB7DBEDF68ULL) == 0, "PXE range level");
	ok(selfmap_level_of(&sm, 0xFFFFF6FB7DA00000ULL) == 1, "PPE range level");
	ok(selfmap_level_of(&sm, 0xFFFFF6FB40000000ULL) == 2, "PDE range level");
	ok(selfmap_level_of(&sm, 0xFFFFF68000000E00ULL) == 3, "PTE range level");
	ok(selfmap_level_of(&sm, 0xFFFFF70000000000ULL) == -1, "hyperspace is outside");
	/* a randomized index */
	selfmap_init(&sm, 0x1A3);
	is_u64(sm.pte_base, 0xFFFFD18000000000ULL, "PTE base for 0x1A3");
	is_u64(selfmap_pte_va(&sm, sm.pxe_base), sm.pxe_base + 0x1A3 * 8, "self-map entry for 0x1A3");
	selfmap_init(&sm, 0x1ED);

	/* decoding: every format, with the book's values */
	pte_decode(0x9F40000034CAB867ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_VALID && pi.pfn == 0x34cab, "E01 valid PTE, pfn 34cab");
	pte_flags(0x9F40000034CAB867ULL, false, flags);
	is_str(flags, "---DA--UW-V", "E01 flags");
	pte_flags(0x0000000002C009E3ULL, true, flags);
	is_str(flags, "-GLDA--KWEV", "E68 large PDE flags");
	pte_flags(0x000000000D954921ULL, false, flags);
	is_str(flags, "-G--A--KREV", "E28 flags");
	pte_flags(0xE420000008810201ULL, false, flags);
	is_str(flags, "C------KR-V", "E71 copy-on-write flags");
	pte_flags(0x1B80000013AA7847ULL, false, flags);
	is_str(flags, "---D---UWEV", "E21 PDE without A");
	pte_decode(0x808000001D60E886ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_TRANSITION && pi.pfn == 0x1d60e && pi.protection == 4, "E09 transition");
	pte_decode(0x80000000251B2BE2ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_TRANSITION && pi.pfn == 0x251b2 && pi.protection == 0x1f, "E85 transition 1f");
	pte_decode(0x00005E3E00000082ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_PAGEFILE && pi.pagefile == 1 && pi.pagefile_offset == 0x5e3e &&
	   pi.protection == 4, "L7251 paging file 1 offset 5e3e");
	pte_decode(0x0000E9A500000060ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_PAGEFILE && pi.pagefile == 0 && pi.pagefile_offset == 0xe9a5,
	   "E66 paging file 0 (PageFileHigh is the test)");
	pte_decode(0x80, true, 3, &pi);
	ok(pi.kind == PTE_KIND_DEMANDZERO && pi.protection == 4, "0x80 demand zero RW");
	pte_decode(0x200, true, 3, &pi);
	ok(pi.kind == PTE_KIND_DECOMMITTED && pi.protection == 0x10, "0x200 decommitted");
	pte_decode(0x3E0, true, 3, &pi);
	ok(pi.kind == PTE_KIND_DEMANDZERO && pi.protection == 0x1f, "0x3E0 kernel stack DZ");
	pte_decode(0xFFFFFFFF00000480ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_PROTO_VAD && pi.protection == 4, "E21 Proto: VAD");
	pte_decode(0xF8A0001020500400ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_PROTO && pi.address == 0xFFFFF8A000102050ULL, "E73 Proto: address");
	pte_decode(0xCBA9876543210400ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_PROTO && pi.address == 0xFFFFCBA987654321ULL, "E24 in region: proto-pointer");
	pte_decode(0xCBA9876543210400ULL, false, 3, &pi);
	ok(pi.kind == PTE_KIND_SUBSECTION && pi.address == 0xFFFFCBA987654321ULL && pi.protection == 0,
	   "E25 outside region: subsection");
	pte_decode(0xFA8002899D9004C0ULL, false, 3, &pi);
	ok(pi.kind == PTE_KIND_SUBSECTION && pi.address == 0xFFFFFA8002899D90ULL && pi.protection == 6,
	   "E23 subsection, protect 6");
	pte_decode(0x0000000000000C80ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_PROTO_VAD || pi.kind == PTE_KIND_PROTO,
	   "bit 10 is tested before bit 11");
	pte_decode(0, true, 3, &pi);
	ok(pi.kind == PTE_KIND_ZERO, "zero");
	pte_decode(0x00000000030009E3ULL, true, 2, &pi);
	ok(pi.kind == PTE_KIND_LARGE && pi.pfn == 0x3000, "PS at PDE level is a large page");
	pte_decode(0x00000000030009E3ULL, true, 3, &pi);
	ok(pi.kind == PTE_KIND_VALID, "bit 7 at PTE level is PAT, not large");

	is_str(prot_name(4, buf, sizeof(buf)), "ReadWrite", "protection 4");
	is_str(prot_name(3, buf, sizeof(buf)), "ExecuteRead", "protection 3");
	is_str(prot_name(6, buf, sizeof(buf)), "ReadWriteExecute", "protection 6 (E23)");
	is_str(prot_name(5, buf, sizeof(buf)), "ReadwriteCopy", "protection 5 (E77, as printed)");
	is_str(prot_name(0x10, buf, sizeof(buf)), "Decommitted", "protection 0x10 (E04)");
	is_str(prot_name(0x1f, buf, sizeof(buf)), "ReadWriteCopyExecute WC", "protection 0x1f (L15825)");
	is_str(prot_name(0, buf, sizeof(buf)), "", "protection 0 has no name (E25)");
	is_str(vad_prot_name(4, buf, sizeof(buf)), "READWRITE", "VAD protection 4");
	is_str(vad_prot_name(7, buf, sizeof(buf)), "EXECUTE_WRITECOPY", "VAD protection 7");

	/* memory types (paging.md §8) */
	ok(pat_type(0x0007010600070106ULL, 0) == MT_WB, "Windows PAT entry 0 WB (L1332)");
	ok(pat_type(0x0007010600070106ULL, 1) == MT_WC, "entry 1 WC");
	ok(pat_type(0x0007010600070106ULL, 2) == MT_UCMINUS, "entry 2 UC-");
	ok(pat_index(0x10, false) == 2, "PCD selects entry 2 (NOCACHE)");
	ok(pat_index(0x1008, true) == 5, "large PDE: PAT is bit 12");
	ok(effective_mem_type(MT_WB, MT_UCMINUS) == MT_UC, "WB MTRR + UC- PAT = UC (L1316)");
	ok(effective_mem_type(MT_WC, MT_UCMINUS) == MT_WC, "WC MTRR + UC- PAT = WC (L1318)");
	ok(effective_mem_type(MT_WC, MT_UC) == MT_UC, "WC MTRR + UC PAT = UC (L1318)");
	ok(effective_mem_type(MT_WT, MT_WB) == MT_WT, "WT MTRR + WB PAT = WT");
	return done_testing();
}
