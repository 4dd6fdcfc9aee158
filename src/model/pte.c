// SPDX-License-Identifier: MIT
/*
 * Self-map arithmetic and PTE decoding. Facts from shared/spec/paging.md (book lines cited).
 */
#include "pte.h"

#include <stdio.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "targets/pagefile.h"
#include "targets/target.h"

void selfmap_init(struct selfmap *sm, unsigned index)
{
	uint64_t i = index & 0x1FF;

	sm->index = (unsigned)i;
	/* Putting the auto-entry index in bits 39-47 once, twice, ... gives the bases of the
	 * PTE, PDE, PPE and PXE ranges (book L1743-1751, L1821-1833). */
	sm->pte_base = canon48(i << 39);
	sm->pde_base = canon48((i << 39) | (i << 30));
	sm->ppe_base = canon48((i << 39) | (i << 30) | (i << 21));
	sm->pxe_base = canon48((i << 39) | (i << 30) | (i << 21) | (i << 12));
	sm->region_end = sm->pte_base + (1ULL << 39) - 1;
}

uint64_t selfmap_pte_va(const struct selfmap *sm, uint64_t va)
{
	return sm->pte_base + (((va & 0xFFFFFFFFFFFFULL) >> 12) << 3);
}

uint64_t selfmap_pde_va(const struct selfmap *sm, uint64_t va)
{
	return sm->pde_base + (((va & 0xFFFFFFFFFFFFULL) >> 21) << 3);
}

uint64_t selfmap_ppe_va(const struct selfmap *sm, uint64_t va)
{
	return sm->ppe_base + (((va & 0xFFFFFFFFFFFFULL) >> 30) << 3);
}

uint64_t selfmap_pxe_va(const struct selfmap *sm, uint64_t va)
{
	return sm->pxe_base + (((va & 0xFFFFFFFFFFFFULL) >> 39) << 3);
}

uint64_t selfmap_entry_va(const struct selfmap *sm, unsigned level, uint64_t va)
{
	switch (level) {
	case 0:
		return selfmap_pxe_va(sm, va);
	case 1:
		return selfmap_ppe_va(sm, va);
	case 2:
		return selfmap_pde_va(sm, va);
	default:
		return selfmap_pte_va(sm, va);
	}
}

uint64_t selfmap_va_from_pte(const struct selfmap *sm, uint64_t pte_va)
{
	/* Shift left by 9 and re-canonicalize from bit 47 (book L1769-1778). */
	(void)sm;
	return canon48(pte_va << 9);
}

bool selfmap_in_region(const struct selfmap *sm, uint64_t va)
{
	return va >= sm->pte_base && va <= sm->region_end;
}

int selfmap_level_of(const struct selfmap *sm, uint64_t va)
{
	if (!selfmap_in_region(sm, va))
		return -1;
	if (va >= sm->pxe_base && va < sm->pxe_base + 0x1000)
		return 0;
	if (va >= sm->ppe_base && va < sm->ppe_base + (1ULL << 21))
		return 1;
	if (va >= sm->pde_base && va < sm->pde_base + (1ULL << 30))
		return 2;
	return 3;
}

void pte_decode(uint64_t v, bool in_region, unsigned level, struct pte_info *r)
{
	memset(r, 0, sizeof(*r));
	r->raw = v;
	if (v & 1) {
		r->pfn = bits64(v, 12, 36);
		if (level < 3 && level > 0 && (v & (1ULL << 7)))
			r->kind = PTE_KIND_LARGE;
		else
			r->kind = PTE_KIND_VALID;
		return;
	}
	if (v == 0) {
		r->kind = PTE_KIND_ZERO;
		return;
	}
	r->protection = (unsigned)bits64(v, 5, 5);
	/* Bit 10 is tested before bit 11: a proto or subsection value may have bit 11 set
	 * (paging.md §3.8). */
	if (v & (1ULL << 10)) {
		if (in_region) {
			if ((v >> 32) == 0xFFFFFFFFULL) {
				/* "Proto: VAD": protection in bits 5-9 (book E21, L8955). */
				r->kind = PTE_KIND_PROTO_VAD;
			} else {
				r->kind = PTE_KIND_PROTO;
				r->address = (v >> 16) | 0xFFFF000000000000ULL; /* E73 */
			}
		} else {
			r->kind = PTE_KIND_SUBSECTION;
			r->address = (v >> 16) | 0xFFFF000000000000ULL; /* E23, E25 */
		}
		return;
	}
	if (v & (1ULL << 11)) {
		r->kind = PTE_KIND_TRANSITION;
		r->pfn = bits64(v, 12, 36);
		return;
	}
	r->pagefile = (unsigned)bits64(v, 1, 4);
	r->pagefile_offset = v >> 32;
	/* PageFileHigh != 0 is the real paging-file test; E66 has PageFileLow 0 (paging.md §3.8). */
	if (r->pagefile_offset)
		r->kind = PTE_KIND_PAGEFILE;
	else if (r->protection == 0x10 && (v & ~(0x1FULL << 5)) == 0)
		r->kind = PTE_KIND_DECOMMITTED;
	else
		r->kind = PTE_KIND_DEMANDZERO;
}

const char *pte_kind_name(enum pte_kind kind)
{
	static const char *const names[] = {
		[PTE_KIND_ZERO] = "zero",
		[PTE_KIND_VALID] = "valid",
		[PTE_KIND_LARGE] = "large",
		[PTE_KIND_TRANSITION] = "transition",
		[PTE_KIND_PAGEFILE] = "pagefile",
		[PTE_KIND_DEMANDZERO] = "demandzero",
		[PTE_KIND_DECOMMITTED] = "decommitted",
		[PTE_KIND_PROTO_VAD] = "proto_vad",
		[PTE_KIND_PROTO] = "prototype",
		[PTE_KIND_SUBSECTION] = "subsection",
	};

	return kind < ARRAY_SIZE(names) ? names[kind] : "unknown";
}

const char *pte_state_name(enum pte_kind kind)
{
	switch (kind) {
	case PTE_KIND_ZERO:
		return "zero";
	case PTE_KIND_VALID:
		return "valid";
	case PTE_KIND_LARGE:
		return "large";
	case PTE_KIND_TRANSITION:
		return "transition";
	case PTE_KIND_PAGEFILE:
		return "pagefile";
	case PTE_KIND_DEMANDZERO:
	case PTE_KIND_DECOMMITTED:
		return "demandzero";
	case PTE_KIND_PROTO_VAD:
		return "vad";
	case PTE_KIND_PROTO:
		return "prototype";
	case PTE_KIND_SUBSECTION:
		return "subsection";
	}
	return "zero";
}

void pte_flags(uint64_t v, bool large, char buf[12])
{
	/* Order C G L D A N T U|K W|R E|- V (paging.md §1): C=bit 9, G=8, L=7 (large PDE only),
	 * D=6, A=5, N=PCD(4), T=PWT(3), U/K=2, W/R=1, E when bit 63 is clear, V=0. */
	buf[0] = (v & (1ULL << 9)) ? 'C' : '-';
	buf[1] = (v & (1ULL << 8)) ? 'G' : '-';
	buf[2] = (large && (v & (1ULL << 7))) ? 'L' : '-';
	buf[3] = (v & (1ULL << 6)) ? 'D' : '-';
	buf[4] = (v & (1ULL << 5)) ? 'A' : '-';
	buf[5] = (v & (1ULL << 4)) ? 'N' : '-';
	buf[6] = (v & (1ULL << 3)) ? 'T' : '-';
	buf[7] = (v & (1ULL << 2)) ? 'U' : 'K';
	buf[8] = (v & (1ULL << 1)) ? 'W' : 'R';
	buf[9] = (v & (1ULL << 63)) ? '-' : 'E';
	buf[10] = (v & 1) ? 'V' : '-';
	buf[11] = '\0';
}

const char *prot_name(unsigned prot, char *buf, size_t len)
{
	/* Base names as WinDbg 6.11 prints them in the book (E09 "ReadWrite", E64 "ExecuteRead",
	 * E23 "ReadWriteExecute", E77 "ReadwriteCopy" [sic], L15825 "ReadWriteCopyExecute WC"). */
	static const char *const base[8] = {
		"NoAccess", "Readonly", "Execute", "ExecuteRead",
		"ReadWrite", "ReadwriteCopy", "ReadWriteExecute", "ReadWriteCopyExecute",
	};
	unsigned b = prot & 7, mod = (prot >> 3) & 3;

	prot &= 0x1F;
	if (prot == 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	if (prot == 0x10) {
		snprintf(buf, len, "Decommitted"); /* E04, L2521 */
		return buf;
	}
	if (prot == 0x18) {
		snprintf(buf, len, "NoAccess"); /* MM_NOACCESS (paging.md §4) */
		return buf;
	}
	switch (mod) {
	case 1:
		snprintf(buf, len, "%s UC", b ? base[b] : "NoAccess");
		break;
	case 2:
		snprintf(buf, len, "%s Guard", base[b]);
		break;
	case 3:
		snprintf(buf, len, "%s WC", base[b]);
		break;
	default:
		snprintf(buf, len, "%s", base[b]);
	}
	return buf;
}

const char *vad_prot_name(unsigned prot, char *buf, size_t len)
{
	static const char *const base[8] = {
		"NO_ACCESS", "READONLY", "EXECUTE", "EXECUTE_READ",
		"READWRITE", "WRITECOPY", "EXECUTE_READWRITE", "EXECUTE_WRITECOPY",
	};
	unsigned b = prot & 7, mod = (prot >> 3) & 3;

	if ((prot & 0x1F) == 0x18 || (prot & 0x1F) == 0) {
		snprintf(buf, len, "NO_ACCESS");
		return buf;
	}
	switch (mod) {
	case 1:
		snprintf(buf, len, "%s NOCACHE", base[b]);
		break;
	case 2:
		snprintf(buf, len, "%s GUARD", base[b]);
		break;
	case 3:
		snprintf(buf, len, "%s WRITECOMBINE", base[b]);
		break;
	default:
		snprintf(buf, len, "%s", base[b]);
	}
	return buf;
}

const char *mem_type_name(unsigned t)
{
	switch (t) {
	case MT_UC:
		return "UC";
	case MT_WC:
		return "WC";
	case MT_WT:
		return "WT";
	case MT_WP:
		return "WP";
	case MT_WB:
		return "WB";
	case MT_UCMINUS:
		return "UC-";
	}
	return "reserved";
}

unsigned pat_index(uint64_t leaf, bool large)
{
	unsigned pat = large ? (unsigned)((leaf >> 12) & 1) : (unsigned)((leaf >> 7) & 1);

	return pat * 4 + (unsigned)((leaf >> 4) & 1) * 2 + (unsigned)((leaf >> 3) & 1);
}

unsigned pat_type(uint64_t pat, unsigned idx)
{
	return (unsigned)((pat >> (idx * 8)) & 0xFF);
}

unsigned effective_mem_type(unsigned mtrr, unsigned pat)
{
	/* Intel SDM Vol. 3A Table 11-7 (paging.md §8.3); rows MTRR, columns PAT. */
	switch (pat) {
	case MT_UC:
		return MT_UC;
	case MT_UCMINUS:
		return (mtrr == MT_WC || mtrr == MT_WP) ? MT_WC : MT_UC;
	case MT_WC:
		return MT_WC;
	case MT_WT:
		return (mtrr == MT_UC || mtrr == MT_WC) ? MT_UC : MT_WT;
	case MT_WB:
		return mtrr;
	case MT_WP:
		if (mtrr == MT_UC || mtrr == MT_WC)
			return MT_UC;
		if (mtrr == MT_WT)
			return MT_WP;
		return MT_WP;
	}
	return MT_INVALID;
}

void pte_walk(struct as *as, const struct selfmap *sm, uint64_t va, struct pte_walk *w)
{
	unsigned l;

	memset(w, 0, sizeof(*w));
	w->va = va;
	w->stop_level = -1;
	for (l = 0; l < 4; l++)
		w->addr[l] = selfmap_entry_va(sm, l, va);
	for (l = 0; l < 4; l++) {
		struct err *err = as_read_u64(as, w->addr[l], &w->entry[l], "page table entry");

		if (err) {
			const char *why = strrchr(err->message, ':');

			w->unreadable = true;
			snprintf(w->why, sizeof(w->why), "%s", why ? why + 2 : err->message);
			err_destroy(err);
			return;
		}
		w->nread = l + 1;
		w->stop_level = (int)l;
		pte_decode(w->entry[l], true, l, &w->info[l]);
		if (w->info[l].kind == PTE_KIND_LARGE && l >= 1) {
			uint64_t span = (l == 1) ? (1ULL << 30) : (1ULL << 21);
			uint64_t base = (l == 1) ? (w->entry[l] & 0x000FFFFFC0000000ULL)
						 : (w->entry[l] & 0x000FFFFFFFE00000ULL);

			w->large = true;
			w->valid = true;
			w->pa = base + (va & (span - 1));
			/* WinDbg prints "LARGE PAGE pfn X" with X = PDE.PFN + PT index (paging.md
			 * §2, E56, E68); the entry's PFN field includes the PAT bit area, so use
			 * the 2 MiB/1 GiB-aligned frame. */
			w->pfn = w->pa >> 12;
			/* The PTE column still shows what the self-map reads there (E68). */
			if (l == 2) {
				err = as_read_u64(as, w->addr[3], &w->large_pte, NULL);
				if (!err)
					w->have_large_pte = true;
				err_destroy(err);
			}
			return;
		}
		if (w->info[l].kind != PTE_KIND_VALID)
			return;
		if (l == 3) {
			w->valid = true;
			w->pfn = w->info[3].pfn;
			w->pa = (w->pfn << 12) | (va & 0xFFF);
		}
	}
}

void pte_walk_offline(struct pte_walk *w, struct target *t, struct pagefile_image *const *files)
{
	const struct pte_info *up;
	int l;

	w->noff = 0;
	w->off_blocked = false;
	if (w->stop_level < 0 || w->stop_level >= 3 || w->unreadable || w->large)
		return;
	up = &w->info[w->stop_level];
	for (l = w->stop_level + 1; l <= 3; l++) {
		uint64_t idx = (w->va >> (39 - 9 * l)) & 0x1FF, e;
		struct err *err = NULL;

		if (up->kind == PTE_KIND_TRANSITION) {
			w->off_in_file[l] = false;
			w->off_where[l] = (up->pfn << 12) + idx * 8;
			err = target_read_phys(t, w->off_where[l], &e, 8, "a paged-out table's entry");
		} else if (up->kind == PTE_KIND_PAGEFILE) {
			const struct pagefile_image *pf = files ? files[up->pagefile & (PAGEFILE_MAX - 1)] : NULL;

			w->off_in_file[l] = true;
			w->off_file[l] = up->pagefile;
			w->off_where[l] = up->pagefile_offset * 0x1000 + idx * 8;
			if (!pf) {
				w->off_blocked = true;
				snprintf(w->off_why, sizeof(w->off_why),
					 "its table is in paging file %u at offset %#llx; give --pagefile "
					 "to read it", up->pagefile,
					 (unsigned long long)up->pagefile_offset);
				return;
			}
			err = pagefile_image_read(pf, w->off_where[l], &e, 8);
		} else {
			return; /* zero, demand-zero, decommitted...: nothing below */
		}
		if (err) {
			w->off_blocked = true;
			snprintf(w->off_why, sizeof(w->off_why), "%s", err->message);
			err_destroy(err);
			return;
		}
		w->off_entry[l] = e;
		pte_decode(e, true, (unsigned)l, &w->off_info[l]);
		w->noff++;
		up = &w->off_info[l];
	}
}

const struct pte_info *pte_walk_deepest(const struct pte_walk *w, int *level_ret)
{
	int l = w->stop_level + (int)w->noff;

	*level_ret = l;
	if (l < 0)
		return NULL;
	return w->noff ? &w->off_info[l] : &w->info[l];
}
