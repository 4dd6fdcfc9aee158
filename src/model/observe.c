// SPDX-License-Identifier: MIT
/*
 * Observations and changes between snapshots. See observe.h.
 */
#include "observe.h"

#include <stdio.h>
#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/kinfo.h"
#include "model/process.h"

void pfn_observe(const struct kernel_info *k, const struct selfmap *sm, uint64_t pfn,
		 struct pfn_obs *o)
{
	struct process_info pi;
	struct err *err;
	uint64_t pte_va;

	memset(o, 0, sizeof(*o));
	if (!k) {
		snprintf(o->why, sizeof(o->why), "no kernel globals in this snapshot");
		return;
	}
	err = pfn_read(k, pfn, &o->p);
	if (err) {
		snprintf(o->why, sizeof(o->why), "%s", err->message);
		err_destroy(err);
		return;
	}
	o->ok = true;
	o->state = page_state_of(&o->p);
	if (o->state == PS_ZEROED || o->state == PS_FREE || o->state == PS_BAD)
		return; /* no owner: the PTE address and frame are stale */
	pte_va = o->p.pte_address & ~7ULL;
	if (sm && selfmap_in_region(sm, pte_va))
		o->va = selfmap_va_from_pte(sm, pte_va);
	err = pfn_owner(k, &o->p, &o->owner);
	err_destroy(err);
	if (o->owner && !process_read(k, o->owner, &pi)) {
		o->pid = pi.pid;
		memcpy(o->name, pi.name, sizeof(o->name));
	}
}

static bool has_owner(const struct pfn_obs *o)
{
	return o->state != PS_ZEROED && o->state != PS_FREE && o->state != PS_BAD;
}

void pfn_change(const struct pfn_obs *a, const struct pfn_obs *b, struct obs_change *c)
{
	uint64_t pa = a->p.original_pte >> 32, pb = b->p.original_pte >> 32;

	memset(c, 0, sizeof(*c));
	c->nsteps = -1;
	if (!a->ok || !b->ok) {
		snprintf(c->note, sizeof(c->note), "cannot compare: %s", !a->ok ? a->why : b->why);
		return;
	}
	/* A hand-over shows as another mapping: another PTE (address and frame) or owner. */
	c->owner_changed = has_owner(a) && has_owner(b) &&
			   (a->p.pte_address != b->p.pte_address ||
			    a->p.pte_frame != b->p.pte_frame || a->owner != b->owner);
	if (a->state == b->state && !c->owner_changed) {
		c->unchanged = true;
		c->nsteps = 0;
		/* attribute changes of a page that stayed in its state (§3.2.3) */
		if (a->state == PS_ACTIVE && (a->p.u1 & 0xFFFFFFFF) != (b->p.u1 & 0xFFFFFFFF))
			snprintf(c->note, sizeof(c->note),
				 "working set index %#llx -> %#llx: it left the working set and came "
				 "back, or its WSLE moved",
				 (unsigned long long)(a->p.u1 & 0xFFFFFFFF),
				 (unsigned long long)(b->p.u1 & 0xFFFFFFFF));
		else if (a->state == PS_ACTIVE && !pa && pb)
			snprintf(c->note, sizeof(c->note),
				 "gained a paging-file copy (offset %#llx) while active: written by the "
				 "modified page writer (C4, C3)", (unsigned long long)pb);
		else if (a->state == PS_ACTIVE && pa && !pb)
			snprintf(c->note, sizeof(c->note),
				 "lost its paging-file copy while active: written to (A7, D2, E2)");
		else if (a->state == PS_STANDBY)
			snprintf(c->note, sizeof(c->note),
				 "no change seen (or soft-fault and trim cycles in between)");
		return;
	}
	c->steps[0] = hist_edge_find(a->state, b->state, c->owner_changed);
	if (c->steps[0]) {
		c->observed = true;
		c->nsteps = 1;
		return;
	}
	c->nsteps = hist_path(a->state, b->state, c->owner_changed, c->steps, HIST_MAX_PATH);
	if (c->nsteps < 0)
		snprintf(c->note, sizeof(c->note), "no legal path from %s to %s",
			 page_state_long(a->state), page_state_long(b->state));
}

void va_observe(const struct kernel_info *k, struct as *pas, const struct selfmap *sm,
		uint64_t va, struct va_obs *o)
{
	const struct pte_info *pi;

	memset(o, 0, sizeof(*o));
	if (!pas || !sm) {
		snprintf(o->why, sizeof(o->why), "no address space for this process");
		return;
	}
	pte_walk(pas, sm, va, &o->w);
	if (o->w.stop_level < 0) {
		snprintf(o->why, sizeof(o->why), "cannot read the PXE: %s", o->w.why);
		return;
	}
	o->ok = true;
	pi = &o->w.info[o->w.stop_level];
	o->kind = o->w.large ? PTE_KIND_LARGE : pi->kind;
	o->pte = o->w.entry[o->w.stop_level];
	/* a large page: the 4 KiB frame holding VA (its own PFN entry) */
	if (k && (o->w.valid || pi->kind == PTE_KIND_TRANSITION)) {
		pfn_observe(k, sm, o->w.valid ? o->w.pfn : pi->pfn, &o->page);
		o->have_page = o->page.ok;
	}
}

static const char *kind_code(enum pte_kind k)
{
	switch (k) {
	case PTE_KIND_VALID:
	case PTE_KIND_LARGE:
		return "V";
	case PTE_KIND_TRANSITION:
		return "TR";
	case PTE_KIND_PAGEFILE:
		return "PF";
	case PTE_KIND_DEMANDZERO:
		return "DZ";
	case PTE_KIND_DECOMMITTED:
		return "DEC";
	case PTE_KIND_PROTO_VAD:
	case PTE_KIND_PROTO:
		return "PP";
	case PTE_KIND_SUBSECTION:
		return "SUB";
	default:
		return "Z";
	}
}

bool va_change(const struct va_obs *a, const struct va_obs *b, char *buf, size_t len)
{
	const char *ka = kind_code(a->kind), *kb = kind_code(b->kind);
	uint64_t pfa = a->have_page ? a->page.p.pfn : ~0ULL, pfb = b->have_page ? b->page.p.pfn : ~0ULL;

#define SAY(obs, ...) (snprintf(buf, len, __VA_ARGS__), (obs))
	if (!a->ok || !b->ok)
		return SAY(false, "cannot compare: %s", !a->ok ? a->why : b->why);
	if (a->pte == b->pte)
		return SAY(true, "unchanged (%s)", ka);
	/* the PTE-pair table of transitions.md §3.2.2 */
	if ((!strcmp(ka, "Z") || !strcmp(ka, "DZ")) && !strcmp(kb, "V"))
		return SAY(true, "%s -> V: first access, a demand-zero fault (A1-A3)", ka);
	if (!strcmp(ka, "V") && !strcmp(kb, "TR") && pfa == pfb)
		return SAY(true, "V -> TR: trimmed from the working set (B1 dirty / B2 clean)");
	if (!strcmp(ka, "TR") && !strcmp(kb, "V") && pfa == pfb)
		return SAY(true, "TR -> V: soft fault on the same page (D1-D4)");
	if (!strcmp(ka, "TR") && !strcmp(kb, "V"))
		return SAY(false, "TR -> V on another page: the old page was repurposed (R1), the "
				  "content read back (E1) and the fault completed (E2)");
	if (!strcmp(ka, "TR") && !strcmp(kb, "PF"))
		return SAY(a->have_page && a->page.state == PS_STANDBY,
			   a->have_page && a->page.state == PS_STANDBY
				   ? "TR -> PF: the standby page was repurposed (R1)"
				   : "TR -> PF: written by the modified page writer (C1, C2), then "
				     "repurposed (R1)");
	if (!strcmp(ka, "PF") && !strcmp(kb, "TR"))
		return SAY(true, "PF -> TR: a hard-fault read started (E1), for this VA or a "
				 "neighbour in its cluster");
	if (!strcmp(ka, "PF") && !strcmp(kb, "V"))
		return SAY(false, "PF -> V: a hard fault (E1, E2), or a prefetch then a soft fault");
	if (!strcmp(ka, "V") && !strcmp(kb, "PF"))
		return SAY(false, "V -> PF: trimmed (B1/B2), written if dirty (C1, C2), then the page "
				  "repurposed (R1)");
	if (!strcmp(ka, "V") && !strcmp(kb, "DZ"))
		return SAY(true, "V -> DZ: released by the zero-page trim (B4)");
	if ((!strcmp(ka, "Z") || !strcmp(ka, "DZ")) && !strcmp(kb, "TR"))
		return SAY(false, "%s -> TR: a demand-zero fault (A1-A3), then trimmed from the working "
				  "set (B1 dirty / B2 clean)", ka);
	if ((!strcmp(ka, "Z") || !strcmp(ka, "DZ")) && !strcmp(kb, "PF"))
		return SAY(false, "%s -> PF: a demand-zero fault, trimmed, written by the modified page "
				  "writer (C1, C2) and repurposed (R1)", ka);
	if (!strcmp(kb, "DEC") || !strcmp(kb, "Z"))
		return SAY(true, "%s -> %s: decommitted or released (F1/F2)", ka, kb);
	if (!strcmp(ka, "V") && !strcmp(kb, "V") && pfa != pfb)
		return SAY(false, "V -> V on another page: trimmed, repurposed and faulted again");
	if (!strcmp(ka, "V") && !strcmp(kb, "V")) {
		bool da = a->pte & 2, db = b->pte & 2;

		if (!da && db)
			return SAY(true, "V/C -> V/D: written while active (A7)");
		if (da && !db)
			return SAY(false, "V/D -> V/C: written by the modified page writer while active "
					  "(C4), or trimmed, written and read back");
		return SAY(true, "valid, attribute bits changed (accessed, age)");
	}
	return SAY(false, "%s -> %s", ka, kb);
#undef SAY
}
