// SPDX-License-Identifier: MIT
/* What !pfnhist concludes from a pair of observations of one page (pfn_change), on synthetic
 * MMPFN entries: one legal transition is observed; attribute evidence (transitions.md §3.2.3)
 * and the other snapshot's PTEs (§3.2.1 extra rules, §3.2.2) turn a change that looks like one
 * transition into the shortest path through the state it proves, and name releases. */
#include <string.h>

#include "model/kinfo.h"
#include "model/observe.h"
#include "tap.h"

static struct pfn_obs obs(unsigned loc, bool wip, bool rip, bool mod, uint64_t wsidx,
			  uint64_t orig, bool ps)
{
	struct pfn_obs o;

	memset(&o, 0, sizeof(o));
	o.ok = true;
	o.p.location = loc;
	o.p.write_in_progress = wip;
	o.p.read_in_progress = rip;
	o.p.modified = mod;
	o.p.u1 = wsidx;
	o.p.original_pte = orig;
	o.p.pte_address = 0xfffff68000000820ULL;
	o.p.pte_frame = 0x48b;
	o.p.reference_count = loc == MM_ACTIVE ? 1 : 0;
	o.state = page_state_of(&o.p);
	o.owner = 0xfffffa80000349d0ULL;
	o.ps = ps;
	return o;
}

static const char *path(const struct obs_change *c, char *buf)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < c->nsteps; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, c->steps[i]->rows);
	}
	return buf;
}

int main(void)
{
	struct pfn_obs a, b;
	struct pair_evidence ev;
	struct obs_change c;
	char buf[128];

	/* M -> A, Modified still set: one soft fault (D3) */
	a = obs(MM_MODIFIED, false, false, true, 0, 0x80, false);
	b = obs(MM_ACTIVE, false, false, true, 22, 0x80, false);
	pfn_change(&a, &b, NULL, &c);
	ok(c.observed && c.nsteps == 1, "M -> A with Modified set: observed");
	is_str(path(&c, buf), "D3", "  soft fault from the modified list");
	/* M -> A, clean now: written first (C1), then back (two more steps) */
	b.p.modified = false;
	pfn_change(&a, &b, NULL, &c);
	ok(!c.observed && c.nsteps == 3, "M -> A clean: inferred, three steps (%d)", c.nsteps);
	ok(c.nsteps > 0 && !strcmp(c.steps[0]->rows, "C1"), "  starting with the write (C1)");
	ok(strstr(c.note, "Modified 0") != NULL, "  and it says why: %s", c.note);

	/* A -> Awip: C4, unless the working set index changed */
	a = obs(MM_ACTIVE, false, false, true, 21, 0x80, false);
	b = obs(MM_ACTIVE, true, false, false, 21, 0x80, false);
	pfn_change(&a, &b, NULL, &c);
	ok(c.observed && !strcmp(path(&c, buf), "C4"), "A -> Awip, same WSLE: C4 observed");
	b.p.u1 = 30;
	pfn_change(&a, &b, NULL, &c);
	is_str(path(&c, buf), "B1 C1 D4", "A -> Awip, new WSLE: trimmed, written, faulted back");
	ok(!c.observed, "  inferred");

	/* F -> A: a demand-zero fault (A2), unless the page came from the paging file */
	a = obs(MM_FREE, false, false, false, 0, 0x80, false);
	b = obs(MM_ACTIVE, false, false, false, 5, 0x21100000080ULL, false);
	pfn_change(&a, &b, NULL, &c);
	is_str(path(&c, buf), "E1 E2/E7", "F -> A holding a paging-file copy: a hard fault (E1, E2)");
	ok(!c.observed, "  inferred");
	b.p.original_pte = 0x80;
	b.p.modified = true;
	pfn_change(&a, &b, NULL, &c);
	ok(c.observed && !strcmp(path(&c, buf), "A2"), "F -> A, no copy: A2 observed");
	memset(&ev, 0, sizeof(ev));
	ev.have_before = true;
	ev.before = 0x3100000080ULL; /* the new VA's PTE was a paging-file PTE */
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "E1 E2/E7", "F -> A where the PTE was a paging-file PTE: a hard fault");
	ev.before = 0x80; /* demand zero */
	pfn_change(&a, &b, &ev, &c);
	ok(c.observed && !strcmp(path(&c, buf), "A2"), "F -> A where the PTE was demand-zero: A2");

	/* paging structures: the rows of group H */
	a = obs(MM_FREE, false, false, false, 0, 0x80, true);
	b = obs(MM_ACTIVE, false, false, true, 9, 0x53600000080ULL, true);
	pfn_change(&a, &b, NULL, &c);
	ok(c.observed && !strcmp(path(&c, buf), "H6"), "PS F -> A with a copy: read back (H6)");
	b.p.original_pte = 0x80;
	pfn_change(&a, &b, NULL, &c);
	is_str(path(&c, buf), "H1/H6", "PS F -> A, parent entry unknown: created or read back");
	ev.have_before = true;
	ev.before = 0;
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "H1", "PS F -> A, parent entry was zero: created (H1)");
	a = obs(MM_MODIFIED, false, false, true, 0, 0x80, true);
	b = obs(MM_MODIFIED, true, false, false, 0, 0x80, true);
	pfn_change(&a, &b, NULL, &c);
	is_str(path(&c, buf), "H4", "PS M -> Mwip: written by the MPW (H4)");

	/* releases named by the old PTE */
	a = obs(MM_STANDBY, false, false, false, 0, 0x80, false);
	b = obs(MM_FREE, false, false, false, 0, 0x80, false);
	pfn_change(&a, &b, NULL, &c);
	is_str(path(&c, buf), "F1b/F2/F3", "S -> F, nothing known: any release");
	memset(&ev, 0, sizeof(ev));
	ev.have_after = true;
	ev.after = 0x200;
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "F1b", "S -> F, old PTE decommitted: F1b");
	ev.after = 0;
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "F2", "S -> F, old PTE zero: released (F2)");
	ev.have_after = false;
	ev.owner_gone = true;
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "F3", "S -> F, owner gone: process exit (F3)");
	ev.owner_gone = false;
	ev.have_after = true;
	ev.after = 0x80; /* demand zero: only B4 writes it, and B4 starts from Active */
	a = obs(MM_MODIFIED, false, false, true, 0, 0x80, false);
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "D3 B4", "M -> F, old PTE demand-zero: faulted back, zero-trimmed");
	ok(!c.observed, "  inferred");
	b = obs(MM_ZEROED, false, false, false, 0, 0x80, false);
	ev.after = 0x200;
	pfn_change(&a, &b, &ev, &c);
	is_str(path(&c, buf), "F1b G1", "M -> Z, old PTE decommitted: F1b then zeroed (G1)");

	/* nothing to compare */
	a.ok = false;
	snprintf(a.why, sizeof(a.why), "PFN beyond the database");
	pfn_change(&a, &b, NULL, &c);
	ok(c.nsteps < 0 && strstr(c.note, "cannot compare"), "an unreadable side: cannot compare");
	return done_testing();
}
