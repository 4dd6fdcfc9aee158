// SPDX-License-Identifier: MIT
/* The page state machine against spec/transitions.md §3.2.1: every "1" cell of the matrix
 * is one legal transition with its row ID, every "n" cell a path of the length the matrix
 * gives, and the owner-change rules. */
#include "core/util.h"
#include "model/history.h"
#include "model/kinfo.h"
#include "model/pfn.h"
#include "tap.h"

static int path_len(enum page_state a, enum page_state b, bool owner)
{
	const struct hist_edge *steps[HIST_MAX_PATH];

	return hist_path(a, b, owner, steps, HIST_MAX_PATH);
}

static const char *path_rows(enum page_state a, enum page_state b, bool owner, char *buf)
{
	const struct hist_edge *steps[HIST_MAX_PATH];
	int n = hist_path(a, b, owner, steps, HIST_MAX_PATH), i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, steps[i]->rows);
	}
	return buf;
}

int main(void)
{
	/* single transitions ("1" cells) with their rows */
	static const struct {
		enum page_state a, b;
		bool owner;
		const char *row;
	} ones[] = {
		{ PS_ZEROED, PS_ACTIVE, true, "A1" },   { PS_ZEROED, PS_SRIP, true, "E1" },
		{ PS_FREE, PS_ZEROED, false, "G1" },	   { PS_FREE, PS_ACTIVE, true, "A2" },
		{ PS_FREE, PS_SRIP, true, "E1" },	   { PS_STANDBY, PS_FREE, false, "F1b/F2/F3" },
		{ PS_STANDBY, PS_ACTIVE, false, "D1/D2/D5" }, { PS_STANDBY, PS_ACTIVE, true, "R1+A3" },
		{ PS_STANDBY, PS_SRIP, true, "R1+E1" },	   { PS_MODIFIED, PS_FREE, false, "F1b/F2/F3" },
		{ PS_MODIFIED, PS_ACTIVE, false, "D3" },   { PS_MODIFIED, PS_MWIP, false, "C1" },
		{ PS_ACTIVE, PS_FREE, false, "F1/F2/F3/B4" },
		{ PS_ACTIVE, PS_STANDBY, false, "B2" },	   { PS_ACTIVE, PS_MODIFIED, false, "B1" },
		{ PS_ACTIVE, PS_AWIP, false, "C4" },	   { PS_SRIP, PS_FREE, false, "E6/E8" },
		{ PS_SRIP, PS_STANDBY, false, "E3/E5" },   { PS_SRIP, PS_ACTIVE, false, "E2/E7" },
		{ PS_MWIP, PS_STANDBY, false, "C2" },	   { PS_MWIP, PS_AWIP, false, "D4" },
		{ PS_AWIP, PS_ACTIVE, false, "C3" },
	};
	/* "n" cells with the minimal paths the matrix spells out */
	static const struct {
		enum page_state a, b;
		bool owner;
		const char *rows;
	} ns[] = {
		{ PS_MODIFIED, PS_STANDBY, false, "C1 C2" },	     /* M->Mwip->S, normal outpaging */
		{ PS_STANDBY, PS_ZEROED, false, "F1b/F2/F3 G1" },	     /* S->F->Z */
		{ PS_MODIFIED, PS_AWIP, false, "C1 D4" },	     /* M->Mwip->Awip */
		{ PS_ACTIVE, PS_MWIP, false, "B1 C1" },		     /* A->M->Mwip */
		{ PS_AWIP, PS_STANDBY, false, "C3 B2" },	     /* Awip->A->S */
		{ PS_MWIP, PS_ACTIVE, false, "D4 C3" },		     /* Mwip->Awip->A */
		{ PS_ACTIVE, PS_SRIP, true, "B2 R1+E1" },	     /* A->S->(R1)->Srip */
	};
	const struct hist_edge *e;
	char buf[128];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(ones); i++) {
		e = hist_edge_find(ones[i].a, ones[i].b, ones[i].owner);
		ok(e && !strcmp(e->rows, ones[i].row), "%s -> %s%s is one transition (%s)",
		   page_state_short(ones[i].a), page_state_short(ones[i].b),
		   ones[i].owner ? " (new owner)" : "", ones[i].row);
		is_u64(path_len(ones[i].a, ones[i].b, ones[i].owner), 1, "  and a path of length 1");
	}
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		ok(!hist_edge_find(ns[i].a, ns[i].b, ns[i].owner), "%s -> %s is not one transition",
		   page_state_short(ns[i].a), page_state_short(ns[i].b));
		is_str(path_rows(ns[i].a, ns[i].b, ns[i].owner, buf), ns[i].rows,
		       "  shortest path %s -> %s", page_state_short(ns[i].a), page_state_short(ns[i].b));
	}
	is_u64(path_len(PS_ACTIVE, PS_ACTIVE, false), 0, "same state, same owner: nothing to infer");
	ok(path_len(PS_ACTIVE, PS_ACTIVE, true) >= 2, "same state, new owner: a hand-over path");
	ok(!hist_edge_find(PS_STANDBY, PS_ACTIVE, true) ||
		   strcmp(hist_edge_find(PS_STANDBY, PS_ACTIVE, true)->rows, "D1/D2/D5"),
	   "S->A for a new owner is a repurpose, not a soft fault");
	/* every state pair of the eight machine states has some path (matrix: "given enough
	 * intermediate events every pair can happen") */
	{
		static const enum page_state st[] = { PS_ZEROED, PS_FREE,   PS_STANDBY, PS_MODIFIED,
						      PS_ACTIVE, PS_SRIP,   PS_MWIP,	PS_AWIP };
		size_t a, b;
		unsigned missing = 0;

		for (a = 0; a < ARRAY_SIZE(st); a++)
			for (b = 0; b < ARRAY_SIZE(st); b++)
				if (path_len(st[a], st[b], false) < 0)
					missing++;
		is_u64(missing, 0, "every pair of the 8 states is connected");
	}
	hist_edges(&n);
	ok(n >= 22, "%zu edges in the table", n);
	{
		struct mmpfn p = { 0 };
		char ev[256], ids[32];

		p.location = MM_MODIFIED;
		p.write_in_progress = true;
		p.reference_count = 1;
		p.original_pte = 0x000001A200000080ULL;
		hist_evidence(&p, NULL, "notepad.exe at 0x5b0000", ev, sizeof(ev), ids, sizeof(ids));
		ok(strstr(ev, "trimmed while dirty") && strstr(ev, "offset 0x1a2") &&
			   !strcmp(ids, "EV9"),
		   "EV9: a write in flight: %s", ev);
		p.write_in_progress = false;
		p.reference_count = 0;
		p.location = MM_STANDBY;
		hist_evidence(&p, NULL, NULL, ev, sizeof(ev), ids, sizeof(ids));
		ok(strstr(ev, "not repurposed") && !strcmp(ids, "EV11"), "EV11: standby with a copy");
	}
	return done_testing();
}
