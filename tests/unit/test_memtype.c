// SPDX-License-Identifier: MIT
/* PAT and MTRR decoding against the book (Windows 7's PAT, L1284-1333 and L4316-4327; the PAT
 * entry selection table, L1303-1314; the MTRR x PAT examples, L1316-1318) and the Intel SDM
 * (Table 11-7 as transcribed in paging.md §8.3; MTRR layouts and precedence, §11.11). The
 * expected values are written out here from those sources, never computed by the code. */
#include "core/util.h"
#include "model/memtype.h"
#include "model/pte.h"
#include "tap.h"

struct msrs {
	uint32_t index[64];
	uint64_t value[64];
	unsigned n;
};

static bool lookup(const void *arg, uint32_t index, uint64_t *ret)
{
	const struct msrs *m = arg;
	unsigned i;

	for (i = 0; i < m->n; i++) {
		if (m->index[i] == index) {
			*ret = m->value[i];
			return true;
		}
	}
	return false;
}

static void add(struct msrs *m, uint32_t index, uint64_t value)
{
	m->index[m->n] = index;
	m->value[m->n++] = value;
}

static void set(struct msrs *m, uint32_t index, uint64_t value)
{
	unsigned i;

	for (i = 0; i < m->n; i++) {
		if (m->index[i] == index) {
			m->value[i] = value;
			return;
		}
	}
	add(m, index, value);
}

static unsigned type_at(const struct msrs *m, uint64_t pa, const char **why)
{
	struct mtrr_state s;

	mtrr_state_init(&s, lookup, m);
	return mtrr_type(&s, pa, why);
}

static void test_pat(void)
{
	/* Book L4316-4327: 0x0007010600070106 = WB WC UC- UC WB WC UC- UC. */
	static const char *const win7[8] = { "WB", "WC", "UC-", "UC", "WB", "WC", "UC-", "UC" };
	/* SDM power-on default 0x0007040600070406 = WB WT UC- UC, twice (paging.md §8.2). */
	static const char *const reset[8] = { "WB", "WT", "UC-", "UC", "WB", "WT", "UC-", "UC" };
	unsigned i;

	for (i = 0; i < 8; i++) {
		is_str(mem_type_name(pat_type(0x0007010600070106ULL, i)), win7[i],
		       "Windows 7 PAT entry %u is %s (book L4318-4327)", i, win7[i]);
		is_str(mem_type_name(pat_type(0x0007040600070406ULL, i)), reset[i],
		       "power-on PAT entry %u is %s (SDM)", i, reset[i]);
	}
	/* Book Table 2 (L1303-1314): entry = PAT*4 + PCD*2 + PWT; PAT is bit 7 of a PTE and
	 * bit 12 of a large PDE; PCD bit 4, PWT bit 3. */
	for (i = 0; i < 8; i++) {
		uint64_t pte = ((i & 4) ? 1ULL << 7 : 0) | ((i & 2) ? 1ULL << 4 : 0) |
			       ((i & 1) ? 1ULL << 3 : 0);
		uint64_t pde = ((i & 4) ? 1ULL << 12 : 0) | ((i & 2) ? 1ULL << 4 : 0) |
			       ((i & 1) ? 1ULL << 3 : 0) | (1ULL << 7);

		is_u64(pat_index(pte | 0x1, false), i, "PTE with PAT/PCD/PWT %u%u%u selects entry %u",
		       (i >> 2) & 1, (i >> 1) & 1, i & 1, i);
		is_u64(pat_index(pde | 0x1, true), i, "large PDE (PAT at bit 12) selects entry %u", i);
	}
	is_str(mem_type_name(pat_type(0x0007010600070106ULL, pat_index(0x873, false))), "UC-",
	       "PTE ...873 (PCD) maps UC- under the Windows PAT");
}

static void test_effective(void)
{
	/* Intel SDM Vol. 3A Table 11-7, paging.md §8.3: rows MTRR, columns PAT. */
	static const unsigned cols[6] = { MT_UC, MT_UCMINUS, MT_WC, MT_WT, MT_WB, MT_WP };
	static const struct {
		unsigned mtrr;
		unsigned want[6];
	} rows[] = {
		{ MT_UC, { MT_UC, MT_UC, MT_WC, MT_UC, MT_UC, MT_UC } },
		{ MT_WC, { MT_UC, MT_WC, MT_WC, MT_UC, MT_WC, MT_UC } },
		{ MT_WT, { MT_UC, MT_UC, MT_WC, MT_WT, MT_WT, MT_WP } },
		{ MT_WB, { MT_UC, MT_UC, MT_WC, MT_WT, MT_WB, MT_WP } },
		{ MT_WP, { MT_UC, MT_WC, MT_WC, MT_WT, MT_WP, MT_WP } },
	};
	unsigned r, c;

	for (r = 0; r < ARRAY_SIZE(rows); r++)
		for (c = 0; c < 6; c++)
			is_str(mem_type_name(effective_mem_type(rows[r].mtrr, cols[c])),
			       mem_type_name(rows[r].want[c]), "MTRR %s x PAT %s = %s (SDM 11-7)",
			       mem_type_name(rows[r].mtrr), mem_type_name(cols[c]),
			       mem_type_name(rows[r].want[c]));
	/* The book's own statements (L1316-1318). */
	ok(effective_mem_type(MT_WB, MT_WC) == MT_WC, "MTRR WB: the PAT type wins (L1316)");
	ok(effective_mem_type(MT_WB, MT_UCMINUS) == MT_UC, "UC- under WB is UC (L1316)");
	ok(effective_mem_type(MT_WC, MT_UCMINUS) == MT_WC, "UC- under WC is WC (L1318)");
	ok(effective_mem_type(MT_WC, MT_UC) == MT_UC, "UC under WC stays UC (L1318)");
}

/* A machine like testdumps/pt/cpus.ptd: fixed ranges, a UC 2-4 GiB range, a WC range. */
static void pc_mtrrs(struct msrs *m)
{
	unsigned i;

	memset(m, 0, sizeof(*m));
	add(m, MSR_MTRRCAP, 0x508);
	add(m, MSR_MTRR_DEF_TYPE, 0xC06);
	add(m, 0x250, 0x0606060606060606ULL);
	add(m, 0x258, 0x0000000006060606ULL); /* 80000-8FFFF WB, 90000-9FFFF UC */
	add(m, 0x259, 0x0101010100000000ULL); /* A0000-AFFFF UC, B0000-BFFFF WC */
	for (i = 0; i < 7; i++)
		add(m, 0x268 + i, 0x0505050505050505ULL);
	add(m, 0x26F, 0x0606060606060605ULL); /* F8000 WP, F9000-FFFFF WB (last wins) */
	add(m, 0x200, 0x80000000);	      /* UC 2-4 GiB */
	add(m, 0x201, 0xF80000800ULL);
	add(m, 0x202, 0x3C00001);	      /* WC 0x3C00000-0x3FFFFFF */
	add(m, 0x203, 0xFFFC00800ULL);
	for (i = 4; i < 16; i++)
		add(m, 0x200 + i, 0);
}

static void test_mtrr(void)
{
	struct msrs m;
	const char *why;
	unsigned i;

	pc_mtrrs(&m);
	is_str(mtrr_type_name(type_at(&m, 0x0, &why)), "WB", "0 is WB (FIX64K_00000 byte 0)");
	is_str(mtrr_type_name(type_at(&m, 0x7FFFF, &why)), "WB", "7FFFF is WB (byte 7)");
	is_str(mtrr_type_name(type_at(&m, 0x8FFFF, &why)), "WB", "8FFFF is WB (FIX16K_80000 byte 3)");
	is_str(mtrr_type_name(type_at(&m, 0x90000, &why)), "UC", "90000 is UC (byte 4)");
	is_str(mtrr_type_name(type_at(&m, 0xA0000, &why)), "UC", "A0000 is UC (FIX16K_A0000)");
	is_str(mtrr_type_name(type_at(&m, 0xB0000, &why)), "WC", "B0000 is WC (byte 4)");
	is_str(mtrr_type_name(type_at(&m, 0xC7FFF, &why)), "WP", "C7FFF is WP (FIX4K_C0000)");
	is_str(mtrr_type_name(type_at(&m, 0xF8000, &why)), "WP", "F8000 is WP (FIX4K_F8000 byte 0)");
	is_str(mtrr_type_name(type_at(&m, 0xFF000, &why)), "WB", "FF000 is WB (FIX4K_F8000 byte 7)");
	is_str(mtrr_type_name(type_at(&m, 0x100000, &why)), "WB", "1 MiB: default type WB");
	is_str(mtrr_type_name(type_at(&m, 0x3BFF000, &why)), "WB", "below the WC range: WB");
	is_str(mtrr_type_name(type_at(&m, 0x3C00000, &why)), "WC", "WC range start");
	is_str(mtrr_type_name(type_at(&m, 0x3FFF000, &why)), "WC", "WC range end");
	is_str(mtrr_type_name(type_at(&m, 0x4000000, &why)), "WB", "above the WC range: WB");
	is_str(mtrr_type_name(type_at(&m, 0x80000000ULL, &why)), "UC", "2 GiB: UC range");
	is_str(mtrr_type_name(type_at(&m, 0xFFFFF000ULL, &why)), "UC", "4 GiB - 4K: UC range");
	is_str(mtrr_type_name(type_at(&m, 0x100000000ULL, &why)), "WB", "4 GiB: default WB");

	/* FE clear: the variable ranges and the default apply below 1 MiB too. */
	set(&m, MSR_MTRR_DEF_TYPE, 0x806);
	is_str(mtrr_type_name(type_at(&m, 0xA0000, &why)), "WB", "FE clear: A0000 takes the default");
	/* E clear: everything UC (paging.md §8.3). */
	set(&m, MSR_MTRR_DEF_TYPE, 0x406);
	is_str(mtrr_type_name(type_at(&m, 0x100000, &why)), "UC", "E clear: all memory is UC");

	/* Overlaps (SDM 11.11.4.1): UC wins; WT + WB is WT; WC + WB is undefined. */
	pc_mtrrs(&m);
	set(&m, 0x204, 0x3C00006);		/* pair 2: WB over the same 4 MiB */
	set(&m, 0x205, 0xFFFC00800ULL);
	ok(type_at(&m, 0x3C00000, &why) == MT_INVALID && why && strstr(why, "undefined"),
	   "WC and WB overlapping: undefined, with a reason");
	set(&m, 0x204, 0x3C00000);		/* pair 2: UC */
	is_str(mtrr_type_name(type_at(&m, 0x3C00000, &why)), "UC", "UC overlapping WC: UC");
	pc_mtrrs(&m);
	set(&m, 0x202, 0x3C00004);		/* pair 1: WT */
	set(&m, 0x204, 0x3C00006);		/* pair 2: WB */
	set(&m, 0x205, 0xFFFC00800ULL);
	is_str(mtrr_type_name(type_at(&m, 0x3C00000, &why)), "WT", "WT overlapping WB: WT");

	/* What was not recorded is said, not guessed. */
	memset(&m, 0, sizeof(m));
	ok(type_at(&m, 0x1000, &why) == MT_INVALID && why && strstr(why, "2ff"),
	   "no MTRR_DEF_TYPE: unknown, naming 0x2ff");
	add(&m, MSR_MTRR_DEF_TYPE, 0xC06);
	ok(type_at(&m, 0xA0000, &why) == MT_INVALID && why && strstr(why, "0x259"),
	   "fixed MSR missing: unknown, naming 0x259");
	is_str(mtrr_type_name(type_at(&m, 0x200000, &why)), "WB",
	       "no MTRRCAP and no pairs: the default type");
	add(&m, MSR_MTRRCAP, 0x508);
	ok(type_at(&m, 0x200000, &why) == MT_INVALID && why && strstr(why, "VCNT"),
	   "VCNT 8 but no pairs recorded: unknown");
	for (i = 0; i < 16; i++)
		add(&m, 0x200 + i, 0);
	is_str(mtrr_type_name(type_at(&m, 0x200000, &why)), "WB", "all 8 pairs invalid: default");
}

static void test_decode(void)
{
	struct mtrr_range r[8];
	struct msr_info mi;
	uint64_t a, b;

	is_u64(mtrr_fixed_ranges(0x250, 0, r), 8, "FIX64K_00000 has 8 ranges");
	ok(r[0].start == 0 && r[7].end == 0x7FFFF && r[1].start == 0x10000, "64K ranges 0-7FFFF");
	mtrr_fixed_ranges(0x258, 0, r);
	ok(r[0].start == 0x80000 && r[7].end == 0x9FFFF && r[1].start == 0x84000, "16K 80000-9FFFF");
	mtrr_fixed_ranges(0x259, 0, r);
	ok(r[0].start == 0xA0000 && r[7].end == 0xBFFFF, "16K A0000-BFFFF");
	mtrr_fixed_ranges(0x26F, 0x0100000000000006ULL, r);
	ok(r[0].start == 0xF8000 && r[7].end == 0xFFFFF && r[0].type == MT_WB && r[7].type == MT_WC,
	   "4K F8000-FFFFF, byte 0 is the first range");
	is_u64(mtrr_fixed_ranges(0x277, 0, r), 0, "the PAT is no fixed MTRR");

	ok(mtrr_var_range(0x3C00001, 0xFFFC00800ULL, &a, &b) && a == 0x3C00000 && b == 0x3FFFFFF,
	   "36-bit mask FFFC00000: 4 MiB at 3C00000");
	ok(mtrr_var_range(0x80000000, 0x7F80000800ULL, &a, &b) && a == 0x80000000 &&
		   b == 0xFFFFFFFF,
	   "39-bit mask 7F80000000: 2 GiB at 2 GiB");
	ok(!mtrr_var_range(0x0, 0xFFFC00000ULL, &a, &b), "mask without V: no range");
	ok(!mtrr_var_range(0x0, 0xFF0F00800ULL, &a, &b), "non-contiguous mask: no single range");

	msr_describe(0x277, &mi);
	ok(mi.kind == MSR_KIND_PAT && !strcmp(mi.name, "IA32_PAT"), "0x277 is IA32_PAT");
	msr_describe(0x20F, &mi);
	ok(mi.kind == MSR_KIND_PHYSMASK && mi.var_index == 7 &&
		   !strcmp(mi.name, "IA32_MTRR_PHYSMASK7"),
	   "0x20F is IA32_MTRR_PHYSMASK7");
	msr_describe(0x26C, &mi);
	ok(mi.kind == MSR_KIND_FIXED && !strcmp(mi.name, "IA32_MTRR_FIX4K_E0000"),
	   "0x26C is IA32_MTRR_FIX4K_E0000");
	msr_describe(0xC0000082, &mi);
	is_str(mi.name, "LSTAR", "0xC0000082 is LSTAR");
}

int main(void)
{
	test_pat();
	test_effective();
	test_mtrr();
	test_decode();
	return done_testing();
}
