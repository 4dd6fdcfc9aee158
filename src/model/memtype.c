// SPDX-License-Identifier: MIT
/*
 * PAT and MTRR memory types. See memtype.h.
 */
#include "memtype.h"

#include <stdio.h>
#include <string.h>

/* Index into mtrr_state.fixed[] of fixed-range MTRR @msr, or -1. */
static int fixed_slot(uint32_t msr)
{
	if (msr == MSR_MTRR_FIX64K_00000)
		return 0;
	if (msr == MSR_MTRR_FIX16K_80000)
		return 1;
	if (msr == MSR_MTRR_FIX16K_A0000)
		return 2;
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_C0000 + 7)
		return 3 + (int)(msr - MSR_MTRR_FIX4K_C0000);
	return -1;
}

static const uint32_t fixed_msrs[MTRR_NFIXED] = {
	MSR_MTRR_FIX64K_00000, MSR_MTRR_FIX16K_80000, MSR_MTRR_FIX16K_A0000,
	0x268, 0x269, 0x26A, 0x26B, 0x26C, 0x26D, 0x26E, 0x26F,
};

void mtrr_state_init(struct mtrr_state *s, msr_lookup_fn lookup, const void *arg)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->has_pat = lookup(arg, MSR_IA32_PAT, &s->pat);
	s->has_cap = lookup(arg, MSR_MTRRCAP, &s->cap);
	s->has_def_type = lookup(arg, MSR_MTRR_DEF_TYPE, &s->def_type);
	for (i = 0; i < MTRR_NFIXED; i++)
		s->has_fixed[i] = lookup(arg, fixed_msrs[i], &s->fixed[i]);
	for (i = 0; i < MTRR_MAX_VAR; i++) {
		s->has_base[i] = lookup(arg, MSR_MTRR_PHYSBASE0 + 2 * i, &s->base[i]);
		s->has_mask[i] = lookup(arg, MSR_MTRR_PHYSBASE0 + 2 * i + 1, &s->mask[i]);
	}
}

bool mtrr_state_known(const struct mtrr_state *s)
{
	return s->has_pat && s->has_def_type;
}

static bool valid_mtrr_type(unsigned t)
{
	return t == MT_UC || t == MT_WC || t == MT_WT || t == MT_WP || t == MT_WB;
}

/* Fixed ranges cover the first MiB (paging.md §8.3): 8 x 64K, 16 x 16K, 64 x 4K. */
static unsigned fixed_type(const struct mtrr_state *s, uint64_t pa, const char **why)
{
	uint32_t msr;
	unsigned byte;
	int slot;

	if (pa < 0x80000) {
		msr = MSR_MTRR_FIX64K_00000;
		byte = (unsigned)(pa >> 16);
	} else if (pa < 0xC0000) {
		msr = pa < 0xA0000 ? MSR_MTRR_FIX16K_80000 : MSR_MTRR_FIX16K_A0000;
		byte = (unsigned)((pa & 0x1FFFF) >> 14);
	} else {
		msr = MSR_MTRR_FIX4K_C0000 + (uint32_t)((pa - 0xC0000) >> 15);
		byte = (unsigned)((pa & 0x7FFF) >> 12);
	}
	slot = fixed_slot(msr);
	if (!s->has_fixed[slot]) {
		switch (slot) {
		case 0:
			*why = "IA32_MTRR_FIX64K_00000 (0x250) was not recorded";
			break;
		case 1:
			*why = "IA32_MTRR_FIX16K_80000 (0x258) was not recorded";
			break;
		case 2:
			*why = "IA32_MTRR_FIX16K_A0000 (0x259) was not recorded";
			break;
		default:
			*why = "an IA32_MTRR_FIX4K MSR (0x268-0x26f) was not recorded";
			break;
		}
		return MT_INVALID;
	}
	return (unsigned)((s->fixed[slot] >> (8 * byte)) & 0xFF);
}

/* Variable ranges: UC wins; WT beats WB; other overlaps are undefined (SDM 11.11.4.1). */
static unsigned variable_type(const struct mtrr_state *s, uint64_t pa, bool *matched,
			      const char **why)
{
	unsigned n = s->has_cap ? (unsigned)(s->cap & 0xFF) : MTRR_MAX_VAR, i, type = MT_INVALID;
	bool uc = false;

	*matched = false;
	if (n > MTRR_MAX_VAR)
		n = MTRR_MAX_VAR;
	for (i = 0; i < n; i++) {
		uint64_t m;
		unsigned t;

		if (!s->has_base[i] || !s->has_mask[i]) {
			if (!s->has_cap)
				break; /* without VCNT, the recorded pairs are all there is */
			*why = "a variable-range MTRR pair below VCNT was not recorded";
			return MT_INVALID;
		}
		if (!(s->mask[i] & (1ULL << 11)))
			continue;
		m = s->mask[i] & 0x000FFFFFFFFFF000ULL;
		if ((pa & m) != (s->base[i] & m))
			continue;
		t = (unsigned)(s->base[i] & 0xFF);
		if (t == MT_UC)
			uc = true;
		if (!*matched)
			type = t;
		else if (type != t) {
			if ((type == MT_WT && t == MT_WB) || (type == MT_WB && t == MT_WT))
				type = MT_WT;
			else
				type = MT_INVALID;
		}
		*matched = true;
	}
	if (uc)
		return MT_UC;
	if (*matched && type == MT_INVALID)
		*why = "overlapping variable-range MTRRs of different types are undefined";
	return type;
}

unsigned mtrr_type(const struct mtrr_state *s, uint64_t pa, const char **why)
{
	bool matched;
	unsigned t;

	*why = NULL;
	if (!s->has_def_type) {
		*why = "IA32_MTRR_DEF_TYPE (0x2ff) was not recorded";
		return MT_INVALID;
	}
	/* E (bit 11) clear: MTRRs disabled, all of memory is UC (paging.md §8.3). */
	if (!(s->def_type & (1ULL << 11)))
		return MT_UC;
	/* FE (bit 10): fixed ranges take precedence below 1 MiB (if the CPU has them). */
	if ((s->def_type & (1ULL << 10)) && pa < 0x100000 &&
	    (!s->has_cap || (s->cap & (1ULL << 8))))
		t = fixed_type(s, pa, why);
	else {
		t = variable_type(s, pa, &matched, why);
		if (!matched && !*why)
			t = (unsigned)(s->def_type & 0xFF);
	}
	if (t != MT_INVALID && !valid_mtrr_type(t)) {
		*why = "the MTRR holds a reserved type encoding";
		return MT_INVALID;
	}
	return t;
}

void memtype_of_page(const struct mtrr_state *s, uint64_t leaf, bool large, uint64_t pa,
		     struct memtype *m)
{
	memset(m, 0, sizeof(*m));
	m->pat_index = pat_index(leaf, large);
	m->pat_type = pat_type(s->pat, m->pat_index);
	m->mtrr_type = mtrr_type(s, pa, &m->why);
	m->effective = MT_INVALID;
	if (m->mtrr_type == MT_INVALID)
		return;
	m->effective = effective_mem_type(m->mtrr_type, m->pat_type);
	if (m->effective == MT_INVALID)
		m->why = "the PAT entry holds a reserved type encoding";
}

const char *mtrr_type_name(unsigned t)
{
	return valid_mtrr_type(t) ? mem_type_name(t) : "reserved";
}

void msr_describe(uint32_t index, struct msr_info *r)
{
	static const struct {
		uint32_t index;
		const char *name;
	} names[] = {
		{ 0x10, "IA32_TIME_STAMP_COUNTER" }, { 0x1B, "IA32_APIC_BASE" },
		{ 0x174, "IA32_SYSENTER_CS" },	     { 0x175, "IA32_SYSENTER_ESP" },
		{ 0x176, "IA32_SYSENTER_EIP" },	     { 0x1D9, "IA32_DEBUGCTL" },
		{ 0xC0000081, "STAR" },		     { 0xC0000082, "LSTAR" },
		{ 0xC0000083, "CSTAR" },	     { 0xC0000084, "SFMASK" },
		{ 0xC0000100, "FS_BASE" },	     { 0xC0000101, "GS_BASE" },
		{ 0xC0000102, "KERNEL_GS_BASE" },    { 0xC0000103, "TSC_AUX" },
	};
	static const char *const fixed_names[MTRR_NFIXED] = {
		"IA32_MTRR_FIX64K_00000", "IA32_MTRR_FIX16K_80000", "IA32_MTRR_FIX16K_A0000",
		"IA32_MTRR_FIX4K_C0000",  "IA32_MTRR_FIX4K_C8000",  "IA32_MTRR_FIX4K_D0000",
		"IA32_MTRR_FIX4K_D8000",  "IA32_MTRR_FIX4K_E0000",  "IA32_MTRR_FIX4K_E8000",
		"IA32_MTRR_FIX4K_F0000",  "IA32_MTRR_FIX4K_F8000",
	};
	size_t i;
	int slot = fixed_slot(index);

	memset(r, 0, sizeof(*r));
	if (index == MSR_IA32_PAT) {
		r->kind = MSR_KIND_PAT;
		snprintf(r->name, sizeof(r->name), "IA32_PAT");
	} else if (index == MSR_MTRRCAP) {
		r->kind = MSR_KIND_MTRRCAP;
		snprintf(r->name, sizeof(r->name), "IA32_MTRRCAP");
	} else if (index == MSR_MTRR_DEF_TYPE) {
		r->kind = MSR_KIND_DEF_TYPE;
		snprintf(r->name, sizeof(r->name), "IA32_MTRR_DEF_TYPE");
	} else if (index >= MSR_MTRR_PHYSBASE0 && index < MSR_MTRR_PHYSBASE0 + 2 * MTRR_MAX_VAR &&
		   index < MSR_MTRR_FIX64K_00000) {
		r->var_index = (index - MSR_MTRR_PHYSBASE0) / 2;
		r->kind = (index & 1) ? MSR_KIND_PHYSMASK : MSR_KIND_PHYSBASE;
		snprintf(r->name, sizeof(r->name), "IA32_MTRR_PHYS%s%u",
			 (index & 1) ? "MASK" : "BASE", r->var_index);
	} else if (slot >= 0) {
		r->kind = MSR_KIND_FIXED;
		snprintf(r->name, sizeof(r->name), "%s", fixed_names[slot]);
	} else if (index == MSR_IA32_EFER) {
		r->kind = MSR_KIND_EFER;
		snprintf(r->name, sizeof(r->name), "IA32_EFER");
	} else {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].index == index)
				snprintf(r->name, sizeof(r->name), "%s", names[i].name);
	}
}

unsigned mtrr_fixed_ranges(uint32_t index, uint64_t value, struct mtrr_range out[8])
{
	uint64_t start, size;
	unsigned i;

	if (index == MSR_MTRR_FIX64K_00000) {
		start = 0;
		size = 0x10000;
	} else if (index == MSR_MTRR_FIX16K_80000 || index == MSR_MTRR_FIX16K_A0000) {
		start = index == MSR_MTRR_FIX16K_80000 ? 0x80000 : 0xA0000;
		size = 0x4000;
	} else if (index >= MSR_MTRR_FIX4K_C0000 && index <= MSR_MTRR_FIX4K_C0000 + 7) {
		start = 0xC0000 + (uint64_t)(index - MSR_MTRR_FIX4K_C0000) * 0x8000;
		size = 0x1000;
	} else {
		return 0;
	}
	for (i = 0; i < 8; i++) {
		out[i].start = start + i * size;
		out[i].end = start + (i + 1) * size - 1;
		out[i].type = (unsigned)((value >> (8 * i)) & 0xFF);
	}
	return 8;
}

bool mtrr_var_range(uint64_t base, uint64_t mask, uint64_t *start, uint64_t *end)
{
	uint64_t m = mask & 0x000FFFFFFFFFF000ULL, span;
	unsigned top;

	if (!(mask & (1ULL << 11)) || !m)
		return false;
	top = 63 - (unsigned)__builtin_clzll(m);
	span = ~m & ((top == 63) ? ~0ULL : ((1ULL << (top + 1)) - 1));
	/* Contiguous ones from bit 12 up: the complement below MAXPHYADDR is 2^k - 1. */
	if (span & (span + 1))
		return false;
	*start = base & m;
	*end = *start + span;
	return true;
}
