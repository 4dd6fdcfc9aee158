// SPDX-License-Identifier: MIT
/*
 * Observations and changes between snapshots. See observe.h.
 */
#include "observe.h"

#include <stdio.h>
#include <stdlib.h>
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
	o->ps = pfn_is_paging_structure(sm, &o->p);
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

bool pfn_is_paging_structure(const struct selfmap *sm, const struct mmpfn *p)
{
	uint64_t pte_va = p->pte_address & ~7ULL;

	/* the PDEs, PPEs and PXEs are the 1 GiB of the self-map that maps the PTE region */
	return sm && pte_va >= sm->pde_base && pte_va - sm->pde_base < (1ULL << 30);
}

/* The entry at @pte_address in snapshot @k, read through @owner's tables (user VAs) or the
 * kernel's. */
static bool entry_in(const struct kernel_info *k, const struct selfmap *sm, uint64_t owner,
		     uint64_t pte_address, uint64_t *ret, bool *gone)
{
	uint64_t pte_va = pte_address & ~7ULL, leaf = pte_va;
	struct process_info pi;
	struct as *as;
	struct err *err;
	bool ok;
	int i;

	*gone = false;
	if (!k || !sm || !selfmap_in_region(sm, pte_va))
		return false;
	/* an owner that has exited: its tables are gone (F3) */
	if (owner) {
		err = process_read(k, owner, &pi);
		if (err || pi.header_type != 3 || !process_is_linked(k, owner)) {
			err_destroy(err);
			*gone = true;
			return false;
		}
	}
	/* the address the entry finally maps (a PDE maps a PT, which maps user pages) */
	for (i = 0; i < 4 && selfmap_in_region(sm, leaf); i++)
		leaf = selfmap_va_from_pte(sm, leaf);
	/* system ranges are the same in every process, except hyperspace with the working set
	 * list (PML4 entry 0x1EE) and session space (0x1F2): paging.md, "Shared entries" */
	if (leaf >= 0xFFFF800000000000ULL && (leaf >> 39 & 0x1FF) != 0x1EE &&
	    (leaf >> 39 & 0x1FF) != 0x1F2) {
		/* system ranges: the same tables in every process */
		err = as_read_u64(k->kas, pte_va, ret, "a PTE");
		ok = !err;
		err_destroy(err);
		return ok;
	}
	if (!owner)
		return false;
	as = malloc(sizeof(*as));
	if (!as)
		return false;
	as_init_x64(as, k->kas->t, pi.dtb, "process");
	err = as_read_u64(as, pte_va, ret, "a PTE");
	ok = !err;
	err_destroy(err);
	/* The table holding it is gone: if an entry above reads zero, the tables were freed
	 * with every entry zero (a release), so this entry is zero too. A paged-out table above
	 * says nothing. */
	for (i = 0; !ok && i < 3; i++) {
		uint64_t up;

		pte_va = selfmap_pte_va(sm, pte_va);
		err = as_read_u64(as, pte_va, &up, "a paging-structure entry");
		if (!err) {
			if (up == 0) {
				*ret = 0;
				ok = true;
			}
			break;
		}
		err_destroy(err);
	}
	free(as);
	return ok;
}

void pfn_pair_evidence(const struct kernel_info *ka, const struct selfmap *sma,
		       const struct kernel_info *kb, const struct selfmap *smb,
		       const struct pfn_obs *a, const struct pfn_obs *b, struct pair_evidence *ev)
{
	bool gone;

	memset(ev, 0, sizeof(*ev));
	if (!a->ok || !b->ok)
		return;
	if (has_owner(b)) {
		ev->have_before = entry_in(ka, sma, b->owner, b->p.pte_address, &ev->before, &gone);
		ev->owner_new = gone;
	}
	if (has_owner(a)) {
		ev->have_after = entry_in(kb, smb, a->owner, a->p.pte_address, &ev->after, &gone);
		ev->owner_gone = gone;
	}
}

/* Does the page hold a paging-file copy (OriginalPte PageFileHigh, not a prototype)? */
static bool has_copy(const struct pfn_obs *o)
{
	return (o->p.original_pte >> 32) != 0 && !(o->p.original_pte & 0x400);
}

static enum pte_kind kind_of(uint64_t entry, const struct selfmap *sm_unused)
{
	struct pte_info pi;

	(void)sm_unused;
	pte_decode(entry, true, 3, &pi);
	return pi.kind;
}

/*
 * Evidence that a change which looks like one transition took several (§3.2.3, the MMPFN
 * columns of §2, and the PTE pairs of §3.2.2 through @ev): the state the change passed
 * through, or PS_COUNT. @why says what showed it.
 */
static enum page_state evidence_mid(const struct pfn_obs *a, const struct pfn_obs *b,
				    const struct pair_evidence *ev, bool owner_changed, char *why,
				    size_t len)
{
	bool fresh = a->state == PS_ZEROED || a->state == PS_FREE || a->state == PS_BAD ||
		     (a->state == PS_STANDBY && owner_changed);
	bool released = b->state == PS_FREE || b->state == PS_ZEROED;

	/* A demand-zero page has OrigPte = the protection (A1); a paging-file copy on a page
	 * that was free or repurposed since, or a paging-file PTE where it is now mapped, means
	 * it was read from the file (E1, E2). */
	if (fresh && b->state == PS_ACTIVE && has_copy(b)) {
		snprintf(why, len, "it now holds paging file %llu offset %#llx: read in by a hard "
			 "fault, not zero-filled",
			 (unsigned long long)((b->p.original_pte >> 1) & 0xF),
			 (unsigned long long)(b->p.original_pte >> 32));
		return PS_SRIP;
	}
	if (fresh && b->state == PS_ACTIVE && ev && ev->have_before &&
	    kind_of(ev->before, NULL) == PTE_KIND_PAGEFILE) {
		snprintf(why, len, "the entry that maps it now was a paging-file PTE (%#llx) before: "
			 "read in by a hard fault", (unsigned long long)ev->before);
		return PS_SRIP;
	}
	/* A soft fault from the modified list leaves Modified set (D3); a clean page was
	 * written first. */
	if (a->state == PS_MODIFIED && b->state == PS_ACTIVE && !b->p.modified) {
		snprintf(why, len, "it is clean now (Modified 0): the modified page writer wrote it "
			 "before it came back");
		return PS_MWIP;
	}
	/* C4 keeps the page in its working set entry; a new index means it left and came back. */
	if (a->state == PS_ACTIVE && b->state == PS_AWIP &&
	    (a->p.u1 & 0xFFFFFFFF) != (b->p.u1 & 0xFFFFFFFF)) {
		snprintf(why, len, "its working set index changed (%#llx -> %#llx): it was trimmed "
			 "and faulted back during the write",
			 (unsigned long long)(a->p.u1 & 0xFFFFFFFF),
			 (unsigned long long)(b->p.u1 & 0xFFFFFFFF));
		return PS_MODIFIED;
	}
	/* A demand-zero PTE left behind is the zero-page trim of an active page (B4): a page
	 * that was on a list came back first. */
	if ((a->state == PS_STANDBY || a->state == PS_MODIFIED) && released && ev &&
	    ev->have_after && kind_of(ev->after, NULL) == PTE_KIND_DEMANDZERO) {
		snprintf(why, len, "its old PTE is demand-zero (%#llx) now: it was faulted back and "
			 "released as an all-zero page (B4)", (unsigned long long)ev->after);
		return PS_ACTIVE;
	}
	return PS_COUNT;
}

/* Which release freed a page that was owned at @a, by what its old PTE shows now (§2.F). */
static const struct hist_edge *release_edge(enum page_state from, const struct pair_evidence *ev)
{
	if (!ev)
		return NULL;
	if (ev->owner_gone)
		return hist_edge_release(from, HIST_EXIT);
	if (!ev->have_after)
		return NULL;
	switch (kind_of(ev->after, NULL)) {
	case PTE_KIND_DECOMMITTED:
		return hist_edge_release(from, HIST_DECOMMIT);
	case PTE_KIND_ZERO:
		return hist_edge_release(from, HIST_RELEASE);
	case PTE_KIND_DEMANDZERO:
		return hist_edge_release(from, HIST_ZERO_TRIM);
	default:
		return NULL;
	}
}

void pfn_change(const struct pfn_obs *a, const struct pfn_obs *b, const struct pair_evidence *ev,
		struct obs_change *c)
{
	uint64_t pa = a->p.original_pte >> 32, pb = b->p.original_pte >> 32;
	bool ps = (has_owner(a) && a->ps) || (has_owner(b) && b->ps);
	enum page_state mid;
	int i;

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
	mid = evidence_mid(a, b, ev, c->owner_changed, c->note, sizeof(c->note));
	if (ps && b->state == PS_ACTIVE &&
	    (mid == PS_SRIP || (mid == PS_COUNT && !(ev && (ev->have_before || ev->owner_new)))) &&
	    hist_edge_ps_read(a->state, mid == PS_SRIP)) {
		/* a paging structure read back during a fault below it: one step, H6 (or, when
		 * its parent entry was itself out of reach, created or read back) */
		c->steps[0] = hist_edge_ps_read(a->state, mid == PS_SRIP);
		c->observed = true;
		c->nsteps = 1;
		return;
	}
	if (mid == PS_COUNT && (c->steps[0] = hist_edge_find(a->state, b->state, c->owner_changed))) {
		c->observed = true;
		c->nsteps = 1;
	} else if (mid != PS_COUNT) {
		c->nsteps = hist_path_via(a->state, mid, b->state, c->owner_changed, c->steps,
					  HIST_MAX_PATH);
	} else {
		c->nsteps = hist_path(a->state, b->state, c->owner_changed, c->steps, HIST_MAX_PATH);
	}
	if (c->nsteps < 0) {
		snprintf(c->note, sizeof(c->note), "no legal path from %s to %s",
			 page_state_long(a->state), page_state_long(b->state));
		return;
	}
	for (i = 0; i < c->nsteps; i++) {
		const struct hist_edge *r;

		/* name the release by what it left in the old PTE */
		if (c->steps[i]->to == PS_FREE && has_owner(a) &&
		    (r = release_edge(c->steps[i]->from, ev)))
			c->steps[i] = r;
		/* a paging structure's transitions are named by the rows of group H */
		if (ps)
			c->steps[i] = hist_edge_ps(c->steps[i]);
	}
}

void va_observe(const struct kernel_info *k, struct as *pas, const struct selfmap *sm,
		struct pagefile_image *const *pagefiles, uint64_t va, struct va_obs *o)
{
	const struct pte_info *pi;
	int deepest;

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
	pte_walk_offline(&o->w, pas->t, pagefiles);
	pi = pte_walk_deepest(&o->w, &deepest);
	o->kind = o->w.large ? PTE_KIND_LARGE : pi->kind;
	o->pte = o->w.noff ? o->w.off_entry[deepest] : o->w.entry[deepest];
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
