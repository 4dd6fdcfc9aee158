// SPDX-License-Identifier: MIT
/*
 * The page state machine and single-snapshot evidence. See history.h; rows and rules from
 * shared/spec/transitions.md §2 and §3.
 */
#include "history.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "model/pte.h"

enum page_state page_state_of(const struct mmpfn *p)
{
	switch (p->location & 7) {
	case MM_ZEROED:
		return PS_ZEROED;
	case MM_FREE:
		return PS_FREE;
	case MM_STANDBY:
		/* reads in flight keep Loc 2 with RIP set (B:7448-7456) */
		return p->read_in_progress ? PS_SRIP : PS_STANDBY;
	case MM_MODIFIED:
		/* MPW writes keep Loc 3 with WIP set (B:5701-5720) */
		return p->write_in_progress ? PS_MWIP : PS_MODIFIED;
	case MM_MODNOWRITE:
		return PS_MODNOWRITE;
	case MM_BAD:
		return PS_BAD;
	case MM_ACTIVE:
		return p->write_in_progress ? PS_AWIP : PS_ACTIVE;
	default:
		return PS_TRANSITION;
	}
}

const char *page_state_short(enum page_state s)
{
	static const char *const n[PS_COUNT] = { "Z", "F", "S", "M", "MNW", "Bad", "A",
						 "Srip", "Mwip", "Awip", "T" };

	return s < PS_COUNT ? n[s] : "?";
}

const char *page_state_long(enum page_state s)
{
	static const char *const n[PS_COUNT] = {
		"Zeroed", "Free", "Standby", "Modified", "ModifiedNoWrite", "Bad",
		"Active", "Standby, read in flight", "Modified, write in flight",
		"Active, write in flight", "Transition",
	};

	return s < PS_COUNT ? n[s] : "?";
}

/* The "1" entries of the matrix in transitions.md §3.2.1, plus the SLIST-cache and
 * repurpose transients of PageLocation 5 (G2, R1, EV25). The breadth-first search takes a
 * state's edges in this order, so among equally short paths the first listed wins: edges are
 * ordered so that the paths the matrix calls normal come out (M->Mwip->S "the normal
 * outpaging", Mwip->Awip->A, A->S->(R1)->Srip); releases come last. */
static const struct hist_edge edges[] = {
	{ PS_ZEROED, PS_ACTIVE, "A1", "demand-zero fault took it from the zeroed list", true },
	{ PS_ZEROED, PS_SRIP, "E1", "taken from the zeroed list for a hard-fault read", true },
	{ PS_ZEROED, PS_BAD, "G2", "cached on the zeroed-page SList", false },
	{ PS_FREE, PS_ZEROED, "G1", "zeroed by the zero page thread", false },
	{ PS_FREE, PS_ACTIVE, "A2", "demand-zero fault took it from the free list (zeroed first)",
	  true },
	{ PS_FREE, PS_SRIP, "E1", "taken from the free list for a hard-fault read", true },
	{ PS_FREE, PS_BAD, "G2", "cached on the free-page SList", false },
	{ PS_BAD, PS_ZEROED, "G2", "returned from the SList cache to the zeroed list", false },
	{ PS_BAD, PS_FREE, "G2", "returned from the SList cache to the free list", false },
	{ PS_BAD, PS_ACTIVE, "A1/R1", "taken by a fault (from an SList cache, or a repurpose)", true },
	{ PS_ACTIVE, PS_STANDBY, "B2", "trimmed from the working set while clean", false },
	{ PS_ACTIVE, PS_MODIFIED, "B1", "trimmed from the working set while dirty", false },
	{ PS_ACTIVE, PS_AWIP, "C4", "written by the modified page writer while active", false },
	{ PS_ACTIVE, PS_FREE, "F1/F2/F3/B4", "released (decommit, release, exit or zero-page trim)",
	  false },
	{ PS_MODIFIED, PS_MWIP, "C1", "the modified page writer started writing it", false },
	{ PS_MODIFIED, PS_ACTIVE, "D3", "soft fault from the modified list", false },
	{ PS_MODIFIED, PS_FREE, "F1b/F2/F3", "released while on the modified list", false },
	{ PS_MWIP, PS_AWIP, "D4", "soft fault while its write was in flight", false },
	{ PS_MWIP, PS_STANDBY, "C2", "write completed: moved to the standby list", false },
	{ PS_AWIP, PS_ACTIVE, "C3", "write completed while the page was active", false },
	{ PS_STANDBY, PS_ACTIVE, "D1/D2/D5", "soft fault from the standby list", false },
	{ PS_STANDBY, PS_ACTIVE, "R1+A3", "repurposed for a demand-zero fault of another owner",
	  true },
	{ PS_STANDBY, PS_SRIP, "R1+E1", "repurposed for a hard-fault read", true },
	{ PS_STANDBY, PS_BAD, "R1", "repurpose in progress", true },
	{ PS_STANDBY, PS_FREE, "F1b/F2/F3", "released while on the standby list", false },
	{ PS_SRIP, PS_ACTIVE, "E2/E7", "read completed for the faulting page", false },
	{ PS_SRIP, PS_STANDBY, "E3/E5", "read completed for a prefetched page", false },
	{ PS_SRIP, PS_FREE, "E6/E8", "read discarded (released during the read, or lost a collision)",
	  false },
};

/* The same transitions of a paging structure, whose rows are in group H (transitions.md
 * §2.H): created (H1), trimmed (H3), written (H4), brought back by a fault below it (H6). */
static const struct hist_edge ps_edges[] = {
	{ PS_ZEROED, PS_ACTIVE, "H1", "paging structure created from the zeroed list", true },
	{ PS_FREE, PS_ACTIVE, "H1", "paging structure created from the free list", true },
	{ PS_ACTIVE, PS_STANDBY, "H3", "paging structure trimmed while clean", false },
	{ PS_ACTIVE, PS_MODIFIED, "H3", "paging structure trimmed while dirty", false },
	{ PS_MODIFIED, PS_MWIP, "H4", "the modified page writer started writing the paging structure",
	  false },
	{ PS_MWIP, PS_STANDBY, "H4", "paging structure written: moved to the standby list", false },
	{ PS_STANDBY, PS_ACTIVE, "H6", "paging structure brought back by a soft fault", false },
	{ PS_MODIFIED, PS_ACTIVE, "H6", "paging structure brought back by a soft fault", false },
	{ PS_SRIP, PS_ACTIVE, "H6", "paging structure read back for a fault below it", false },
};

/* Releases to the free list, named by what freed the page (§2.F): [from][why]. */
static const struct hist_edge releases[][4] = {
	{ { PS_ACTIVE, PS_FREE, "F1", "decommitted", false },
	  { PS_ACTIVE, PS_FREE, "F2", "released (the whole reservation)", false },
	  { PS_ACTIVE, PS_FREE, "F3", "freed at process exit", false },
	  { PS_ACTIVE, PS_FREE, "B4", "released by a trim as an all-zero page", false } },
	{ { PS_STANDBY, PS_FREE, "F1b", "decommitted while on the standby list", false },
	  { PS_STANDBY, PS_FREE, "F2", "released while on the standby list", false },
	  { PS_STANDBY, PS_FREE, "F3", "freed at process exit from the standby list", false },
	  { PS_COUNT, PS_COUNT, NULL, NULL, false } },
	{ { PS_MODIFIED, PS_FREE, "F1b", "decommitted while on the modified list", false },
	  { PS_MODIFIED, PS_FREE, "F2", "released while on the modified list", false },
	  { PS_MODIFIED, PS_FREE, "F3", "freed at process exit from the modified list", false },
	  { PS_COUNT, PS_COUNT, NULL, NULL, false } },
};

const struct hist_edge *hist_edge_release(enum page_state from, enum hist_release why)
{
	int row = from == PS_ACTIVE ? 0 : from == PS_STANDBY ? 1 : from == PS_MODIFIED ? 2 : -1;

	if (row < 0 || !releases[row][why].rows)
		return NULL;
	return &releases[row][why];
}

/* A paging structure read back from the paging file in one step (H6 with E1+E2 folded). */
static const struct hist_edge ps_reads[] = {
	{ PS_ZEROED, PS_ACTIVE, "H6", "paging structure read back from the paging file", true },
	{ PS_FREE, PS_ACTIVE, "H6", "paging structure read back from the paging file", true },
	{ PS_STANDBY, PS_ACTIVE, "R1+H6", "repurposed to read a paging structure back", true },
};

const struct hist_edge *hist_edge_ps(const struct hist_edge *e)
{
	size_t i;

	for (i = 0; e && i < ARRAY_SIZE(ps_edges); i++)
		if (ps_edges[i].from == e->from && ps_edges[i].to == e->to &&
		    ps_edges[i].new_owner == e->new_owner)
			return &ps_edges[i];
	return e;
}

/* The same when the parent entry could not be read before (its own table was out): the
 * paging structure was created (H1) or read back (H6), the snapshots cannot tell which. */
static const struct hist_edge ps_either[] = {
	{ PS_ZEROED, PS_ACTIVE, "H1/H6", "paging structure created, or read back from the paging "
	  "file", true },
	{ PS_FREE, PS_ACTIVE, "H1/H6", "paging structure created, or read back from the paging "
	  "file", true },
};

const struct hist_edge *hist_edge_ps_read(enum page_state from, bool certain)
{
	const struct hist_edge *t = certain ? ps_reads : ps_either;
	size_t i, n = certain ? ARRAY_SIZE(ps_reads) : ARRAY_SIZE(ps_either);

	for (i = 0; i < n; i++)
		if (t[i].from == from)
			return &t[i];
	return NULL;
}

int hist_path_via(enum page_state from, enum page_state mid, enum page_state to,
		  bool owner_changed, const struct hist_edge **steps, int max)
{
	const struct hist_edge *a[HIST_MAX_PATH], *b[HIST_MAX_PATH];
	int best = -1, split, i;

	/* the owner change happens in the first or in the second part: take the shorter */
	for (split = 0; split < (owner_changed ? 2 : 1); split++) {
		int na = hist_path(from, mid, owner_changed && split == 0, a, HIST_MAX_PATH);
		int nb = hist_path(mid, to, owner_changed && split == 1, b, HIST_MAX_PATH);

		if (na <= 0 || nb <= 0 || na + nb > max || (best >= 0 && na + nb >= best))
			continue;
		for (i = 0; i < na; i++)
			steps[i] = a[i];
		for (i = 0; i < nb; i++)
			steps[na + i] = b[i];
		best = na + nb;
	}
	return best;
}

const struct hist_edge *hist_edges(size_t *n_ret)
{
	*n_ret = ARRAY_SIZE(edges);
	return edges;
}

const struct hist_edge *hist_edge_find(enum page_state from, enum page_state to,
				       bool owner_changed)
{
	const struct hist_edge *any = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(edges); i++) {
		if (edges[i].from != from || edges[i].to != to)
			continue;
		if (edges[i].new_owner == owner_changed)
			return &edges[i];
		any = &edges[i];
	}
	/* an edge that gives a page its first owner also explains an "owner change" */
	if (any && owner_changed && any->new_owner)
		return any;
	return owner_changed ? NULL : any;
}

int hist_path(enum page_state from, enum page_state to, bool owner_changed,
	      const struct hist_edge **steps, int max)
{
	/* BFS over (state, has the path changed the owner yet) */
	int prev_node[PS_COUNT * 2], dist[PS_COUNT * 2];
	const struct hist_edge *via[PS_COUNT * 2];
	int queue[PS_COUNT * 2], head = 0, tail = 0, i, goal, n;

	if (from == to && !owner_changed)
		return 0;
	for (i = 0; i < PS_COUNT * 2; i++) {
		dist[i] = -1;
		via[i] = NULL;
		prev_node[i] = -1;
	}
	dist[from * 2] = 0;
	queue[tail++] = from * 2;
	while (head < tail) {
		int node = queue[head++], st = node / 2, flag = node % 2;
		size_t e;

		for (e = 0; e < ARRAY_SIZE(edges); e++) {
			int next;

			if ((int)edges[e].from != st)
				continue;
			next = (int)edges[e].to * 2 + (flag || edges[e].new_owner);
			if (dist[next] >= 0)
				continue;
			dist[next] = dist[node] + 1;
			via[next] = &edges[e];
			prev_node[next] = node;
			queue[tail++] = next;
		}
	}
	goal = (int)to * 2 + (owner_changed ? 1 : 0);
	if (dist[goal] < 0 && !owner_changed)
		goal = (int)to * 2 + 1; /* reachable only through a hand-over */
	if (dist[goal] < 0 || dist[goal] > max)
		return -1;
	n = dist[goal];
	for (i = n - 1; i >= 0; i--) {
		steps[i] = via[goal];
		goal = prev_node[goal];
	}
	return n;
}

static void add_id(char *ids, size_t len, const char *id)
{
	size_t n = strlen(ids);

	snprintf(ids + n, len - n, "%s%s", n ? "," : "", id);
}

char *hist_evidence(const struct mmpfn *p, const struct pte_info *pte, const char *owner,
		    char *buf, size_t len, char *ids, size_t ids_len)
{
	uint64_t pf_off = p->original_pte >> 32;
	unsigned pf_file = (unsigned)((p->original_pte >> 1) & 0xF);
	const char *who = owner ? owner : "its owner";
	bool has_copy = pf_off != 0 && !(p->original_pte & 0x400);
	char copy[64];

	ids[0] = '\0';
	snprintf(copy, sizeof(copy), "paging file %u offset %#llx", pf_file,
		 (unsigned long long)pf_off);
	if (p->pte_address & 1) {
		add_id(ids, ids_len, "EV29");
		snprintf(buf, len, "its PFN entry was locked (PteAddress bit 0): the snapshot caught an "
				   "update in progress");
		return buf;
	}
	switch (page_state_of(p)) {
	case PS_ACTIVE:
		if (pte && pte->kind == PTE_KIND_TRANSITION) {
			add_id(ids, ids_len, "EV30");
			snprintf(buf, len, "being trimmed from %s: the PTE is already in transition", who);
		} else if (p->prototype) {
			add_id(ids, ids_len, "EV14");
			snprintf(buf, len, "a shared (section) page, active in %u working set(s)",
				 (unsigned)p->u2);
		} else if (has_copy && p->modified) {
			add_id(ids, ids_len, "EV7");
			snprintf(buf, len, "active in %s, marked modified although %s holds a copy", who,
				 copy);
		} else if (has_copy) {
			add_id(ids, ids_len, "EV5");
			snprintf(buf, len, "active and clean in %s: a copy is at %s (read back from it, "
					   "or written by the modified page writer while active)",
				 who, copy);
		} else if (!p->modified && pte && pte->kind == PTE_KIND_VALID) {
			add_id(ids, ids_len, "EV6");
			snprintf(buf, len, "active in %s: it was clean, then written while active, so its "
					   "paging-file copy was released (A7)", who);
		} else {
			add_id(ids, ids_len, "EV4");
			snprintf(buf, len, "active in %s with no paging-file copy: demand-zero, or written "
					   "since it was last brought in (A1-A3, D2, D3, E2)", who);
		}
		break;
	case PS_AWIP:
		add_id(ids, ids_len, "EV8");
		snprintf(buf, len, "active in %s while the modified page writer writes it to %s "
				   "(C4, or D4 after a fault during the write)%s", who, copy,
			 p->modified ? "; written again since, so the copy will be released (C3)" : "");
		break;
	case PS_MWIP:
		add_id(ids, ids_len, "EV9");
		snprintf(buf, len, "was active in %s, trimmed while dirty (B1); the modified page writer "
				   "is writing it to %s (C1), not complete", who, copy);
		break;
	case PS_MODIFIED:
		if (!pfn_is_linked(p)) {
			add_id(ids, ids_len, "EV26");
			snprintf(buf, len, "left every working set while locked (reference count %u): "
					   "not on the modified list yet", p->reference_count);
		} else {
			add_id(ids, ids_len, "EV10");
			snprintf(buf, len, "was active in %s, trimmed while dirty (B1); not yet written by "
					   "the modified page writer", who);
		}
		break;
	case PS_STANDBY:
		if (!pfn_is_linked(p)) {
			add_id(ids, ids_len, "EV26");
			snprintf(buf, len, "left every working set while locked (reference count %u)",
				 p->reference_count);
		} else if (has_copy) {
			add_id(ids, ids_len, "EV11");
			snprintf(buf, len, "was active in %s; its content is at %s and the page was not "
					   "repurposed (trimmed dirty then written, trimmed clean, or "
					   "prefetched)", who, copy);
		} else {
			add_id(ids, ids_len, "EV11");
			snprintf(buf, len, "on the standby list for %s without a paging-file copy in "
					   "its restore PTE", who);
		}
		break;
	case PS_SRIP:
		add_id(ids, ids_len, "EV13");
		snprintf(buf, len, "a hard-fault read from %s is in flight for %s (E1)%s", copy, who,
			 (p->pte_address & 2) ? "; it will be discarded (E6/E8)" : "");
		break;
	case PS_FREE:
		add_id(ids, ids_len, "EV24");
		snprintf(buf, len, "released and not zeroed yet: its content may still show the "
				   "previous owner's data");
		break;
	case PS_ZEROED:
		snprintf(buf, len, "zeroed and unused since");
		break;
	case PS_BAD:
		add_id(ids, ids_len, "EV25");
		snprintf(buf, len, pfn_is_linked(p)
				       ? "on the bad list, or cached on a zeroed/free SList"
				       : "a repurpose was in progress (R1)");
		break;
	default:
		snprintf(buf, len, "in a state Windows 7 does not use");
	}
	return buf;
}
