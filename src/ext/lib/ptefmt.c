// SPDX-License-Identifier: MIT
/*
 * !pte rendering. Line shapes from the book's WinDbg outputs (spec/excerpts/book-pte-
 * excerpts.md): "VA" header indented 41 columns (L15153), "<L> at <16 HEX>" address row,
 * "contains <16 HEX>" row, "pfn <hex> <flags>" row, then detail lines for an invalid entry.
 */
#include "ptefmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

const char *const ptefmt_level_names[4] = { "PXE", "PPE", "PDE", "PTE" };

void ptefmt_details(struct out *o, const struct pte_info *pi, unsigned col, char *buf,
		    size_t len)
{
	switch (pi->kind) {
	case PTE_KIND_ZERO:
	case PTE_KIND_VALID:
	case PTE_KIND_LARGE:
		return;
	case PTE_KIND_TRANSITION:
		out_printf(o, "%*sTransition: %" PRIx64 "\n", col, "", pi->pfn);
		break;
	case PTE_KIND_PAGEFILE:
	case PTE_KIND_DECOMMITTED:
		/* E04: a decommitted PTE prints PageFile/Offset, not DemandZero (paging.md §3.8). */
		out_printf(o, "%*sPageFile: %u\n", col, "", pi->pagefile);
		out_printf(o, "%*sOffset: %" PRIx64 "\n", col, "", pi->pagefile_offset);
		break;
	case PTE_KIND_DEMANDZERO:
		out_printf(o, "%*sDemandZero\n", col, "");
		break;
	case PTE_KIND_PROTO_VAD:
		out_printf(o, "%*sProto: VAD\n", col, "");
		break;
	case PTE_KIND_PROTO:
		out_printf(o, "%*sProto: %016" PRIX64 "\n", col, "", pi->address);
		return; /* protection comes from the prototype PTE (paging.md §3.5) */
	case PTE_KIND_SUBSECTION:
		out_printf(o, "%*sSubsection: %016" PRIX64 "\n", col, "", pi->address);
		break;
	}
	prot_name(pi->protection, buf, len);
	if (*buf)
		out_printf(o, "%*sProtect: %x - %s\n", col, "", pi->protection, buf);
	else
		out_printf(o, "%*sProtect: %x\n", col, "", pi->protection);
}

/* Print a row built in @sb without trailing blanks, then reset @sb. */
static void flush_row(struct out *o, struct strbuf *sb)
{
	size_t n = sb->len;

	while (n && sb->s[n - 1] == ' ')
		n--;
	out_printf(o, "%.*s\n", (int)n, sb->s ? sb->s : "");
	strbuf_deinit(sb);
}

void ptefmt_print(struct out *o, const struct pte_walk *w)
{
	struct strbuf sb;
	char flags[12], buf[64];
	unsigned l;

	strbuf_init(&sb);
	out_printf(o, "%41sVA %016" PRIx64 "\n", "", w->va);
	for (l = 0; l < 4; l++) {
		strbuf_pad_to(&sb, l * PTEFMT_COL);
		strbuf_addf(&sb, "%s at %016" PRIX64, ptefmt_level_names[l], w->addr[l]);
	}
	flush_row(o, &sb);
	if (!w->nread) {
		out_printf(o, "unable to read the PXE: %s\n", w->why);
		return;
	}
	for (l = 0; l < w->nread; l++) {
		strbuf_pad_to(&sb, l * PTEFMT_COL);
		strbuf_addf(&sb, "contains %016" PRIX64, w->entry[l]);
	}
	if (w->large && w->stop_level == 2 && w->have_large_pte) {
		strbuf_pad_to(&sb, 3 * PTEFMT_COL);
		strbuf_addf(&sb, "contains %016" PRIX64, w->large_pte);
	}
	flush_row(o, &sb);
	for (l = 0; l < w->nread; l++) {
		const struct pte_info *pi = &w->info[l];

		strbuf_pad_to(&sb, l * PTEFMT_COL);
		if (pi->kind == PTE_KIND_VALID || pi->kind == PTE_KIND_LARGE) {
			pte_flags(w->entry[l], pi->kind == PTE_KIND_LARGE, flags);
			strbuf_addf(&sb, "pfn %-10" PRIx64 "%s", pi->pfn, flags);
		} else {
			strbuf_addf(&sb, "not valid");
		}
	}
	if (w->large) {
		strbuf_pad_to(&sb, (unsigned)(w->stop_level + 1) * PTEFMT_COL);
		strbuf_addf(&sb, "LARGE PAGE pfn %" PRIx64, w->pfn);
	}
	flush_row(o, &sb);
	l = (unsigned)w->stop_level;
	if (!w->large && w->info[l].kind != PTE_KIND_VALID)
		ptefmt_details(o, &w->info[l], l * PTEFMT_COL, buf, sizeof(buf));
	if (w->unreadable)
		out_printf(o, "%*sunable to read the %s: %s\n", w->nread * PTEFMT_COL, "",
			   ptefmt_level_names[w->nread], w->why);
	ptefmt_print_offline(o, w);
	out_printf(o, "\n");
}

void ptefmt_print_offline(struct out *o, const struct pte_walk *w)
{
	unsigned l, first = (unsigned)(w->stop_level + 1);
	char buf[64];

	for (l = first; l < first + w->noff; l++) {
		const struct pte_info *pi = &w->off_info[l];

		if (w->off_in_file[l])
			out_printf(o, "%s read from its table's copy in paging file %u at %#" PRIx64
				      ": contains %016" PRIX64 "\n",
				   ptefmt_level_names[l], w->off_file[l], w->off_where[l], w->off_entry[l]);
		else
			out_printf(o, "%s read from its table's page in transition (pfn %" PRIx64
				      "): contains %016" PRIX64 "\n",
				   ptefmt_level_names[l], w->off_where[l] >> 12, w->off_entry[l]);
		if (pi->kind == PTE_KIND_VALID || pi->kind == PTE_KIND_LARGE) {
			char flags[12];

			pte_flags(w->off_entry[l], pi->kind == PTE_KIND_LARGE, flags);
			out_printf(o, "    pfn %-10" PRIx64 "%s\n", pi->pfn, flags);
		} else {
			ptefmt_details(o, pi, 4, buf, sizeof(buf));
		}
	}
	if (w->off_blocked)
		out_printf(o, "%s: %s\n", ptefmt_level_names[first + w->noff], w->off_why);
}

void ptefmt_summary(const struct pte_walk *w, char *buf, size_t len)
{
	const struct pte_info *pi;
	char flags[12], pn[48];
	int l = w->stop_level;

	if (l < 0) {
		snprintf(buf, len, "PXE unreadable");
		return;
	}
	pi = pte_walk_deepest(w, &l);
	if (w->valid) {
		pte_flags(w->entry[l], w->large, flags);
		snprintf(buf, len, "%spfn %" PRIx64 " %s", w->large ? "LARGE PAGE " : "", w->pfn,
			 flags);
		return;
	}
	if (w->unreadable) {
		snprintf(buf, len, "%s unreadable", ptefmt_level_names[w->nread]);
		return;
	}
	prot_name(pi->protection, pn, sizeof(pn));
	switch (pi->kind) {
	case PTE_KIND_ZERO:
		snprintf(buf, len, "%s zero", ptefmt_level_names[l]);
		break;
	case PTE_KIND_TRANSITION:
		snprintf(buf, len, "%sTransition: %" PRIx64 " Protect: %x - %s",
			 l == 3 ? "" : "(PS) ", pi->pfn, pi->protection, pn);
		break;
	case PTE_KIND_PAGEFILE:
	case PTE_KIND_DECOMMITTED:
		snprintf(buf, len, "%sPageFile: %u Offset: %" PRIx64 " Protect: %x - %s",
			 l == 3 ? "" : "(PS) ", pi->pagefile, pi->pagefile_offset, pi->protection,
			 pn);
		break;
	case PTE_KIND_DEMANDZERO:
		snprintf(buf, len, "DemandZero Protect: %x - %s", pi->protection, pn);
		break;
	case PTE_KIND_PROTO_VAD:
		snprintf(buf, len, "Proto: VAD Protect: %x - %s", pi->protection, pn);
		break;
	case PTE_KIND_PROTO:
		snprintf(buf, len, "Proto: %016" PRIX64, pi->address);
		break;
	case PTE_KIND_SUBSECTION:
		snprintf(buf, len, "Subsection: %016" PRIX64, pi->address);
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void ptefmt_json_entry(struct out *o, uint64_t addr, const struct pte_info *pi)
{
	char flags[12];

	out_u64(o, "address", addr, OUT_HEX);
	out_u64(o, "contents", pi->raw, OUT_HEX);
	if (pi->kind == PTE_KIND_VALID || pi->kind == PTE_KIND_LARGE) {
		pte_flags(pi->raw, pi->kind == PTE_KIND_LARGE, flags);
		out_bool(o, "valid", true);
		out_u64(o, "pfn", pi->pfn, OUT_HEX);
		out_str(o, "flags", flags);
		out_bool(o, "large", pi->kind == PTE_KIND_LARGE);
	} else {
		out_bool(o, "valid", false);
		out_null(o, "pfn");
		out_null(o, "flags");
		out_str(o, "kind", pte_kind_name(pi->kind));
	}
}

void ptefmt_json_state(struct out *o, const struct pte_info *pi, uint64_t pa)
{
	char pn[48];

	out_str(o, "state", pte_state_name(pi->kind));
	out_str(o, "kind", pte_kind_name(pi->kind));
	switch (pi->kind) {
	case PTE_KIND_VALID:
	case PTE_KIND_LARGE:
		out_u64(o, "pa", pa, OUT_HEX);
		break;
	case PTE_KIND_ZERO:
		break;
	case PTE_KIND_PROTO:
		out_u64(o, "proto_address", pi->address, OUT_HEX);
		break;
	default:
		out_u64(o, "protection", pi->protection, OUT_DEC);
		out_str(o, "protection_name", prot_name(pi->protection, pn, sizeof(pn)));
		if (pi->kind == PTE_KIND_TRANSITION)
			out_u64(o, "transition_pfn", pi->pfn, OUT_HEX);
		if (pi->kind == PTE_KIND_PAGEFILE || pi->kind == PTE_KIND_DECOMMITTED) {
			out_u64(o, "pagefile", pi->pagefile, OUT_DEC);
			out_u64(o, "pagefile_offset", pi->pagefile_offset, OUT_HEX);
		}
		if (pi->kind == PTE_KIND_SUBSECTION)
			out_u64(o, "subsection", pi->address, OUT_HEX);
	}
}

void ptefmt_json_walk(struct out *o, const struct pte_walk *w)
{
	unsigned l;

	out_list_begin(o, "levels");
	for (l = 0; l < w->nread; l++) {
		out_record_begin(o);
		out_str(o, "name", ptefmt_level_names[l]);
		ptefmt_json_entry(o, w->addr[l], &w->info[l]);
		out_end(o);
	}
	/* entries of tables in transition or in the paging file, read where they are */
	for (l = (unsigned)(w->stop_level + 1); l < (unsigned)(w->stop_level + 1) + w->noff; l++) {
		out_record_begin(o);
		out_str(o, "name", ptefmt_level_names[l]);
		ptefmt_json_entry(o, w->addr[l], &w->off_info[l]);
		out_str(o, "read_from", w->off_in_file[l] ? "paging file" : "transition page");
		if (w->off_in_file[l]) {
			out_u64(o, "pagefile", w->off_file[l], OUT_DEC);
			out_u64(o, "file_offset", w->off_where[l], OUT_HEX);
		} else {
			out_u64(o, "physical_address", w->off_where[l], OUT_HEX);
		}
		out_end(o);
	}
	out_end(o);
	if (w->off_blocked)
		out_str(o, "tables_unread", w->off_why);
	if (w->stop_level < 0) {
		out_str(o, "state", "unreadable");
		return;
	}
	if (w->valid) {
		out_str(o, "state", w->large ? "large" : "valid");
		out_str(o, "kind", w->large ? "large" : "valid");
		out_u64(o, "pa", w->pa, OUT_HEX);
		out_u64(o, "pfn", w->pfn, OUT_HEX);
		return;
	}
	if (w->unreadable) {
		out_str(o, "state", "unreadable");
		out_str(o, "unreadable_level", ptefmt_level_names[w->nread]);
		return;
	}
	{
		int deepest;
		const struct pte_info *pi = pte_walk_deepest(w, &deepest);

		/* the state of the deepest entry read: where the VA's data is */
		ptefmt_json_state(o, pi, 0);
	}
	out_str(o, "stop_level", ptefmt_level_names[w->stop_level]);
}
