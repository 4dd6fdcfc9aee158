// SPDX-License-Identifier: MIT
/*
 * !pfnhist against the simulator's trace: for every scenario series in the test dumps, every
 * page that changed between consecutive snapshots is observed in both (pfn_observe, the code
 * behind !pfnhist) and the change explained (pfn_change). An observed transition is right when
 * the trace between those snapshots records that row for that page, or when the trace has
 * several events that take the page from the observed start state to the observed end state
 * (the structures kept no record of the ones between: transitions.md §3.2.1, "the analyzer
 * learns the minimum history"; counted and reported); an inferred path is
 * consistent when the trace records at least as many events, starting in the observed start
 * state and ending in the observed end state. The agreement is reported as figures; observed
 * transitions must agree 100%.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/as.h"
#include "core/profile.h"
#include "core/util.h"
#include "model/kernel.h"
#include "model/kinfo.h"
#include "model/observe.h"
#include "tap.h"
#include "targets/target.h"

struct snap {
	char name[64];
	uint64_t seq;
	struct target *t;
	struct as kas;
	struct selfmap sm;
	struct kernel_info *k;
};

struct tev {
	uint64_t seq, pfn;
	char event[16], from[24], to[24];
};

static int snap_cmp(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int tev_cmp(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct tev *load_trace(const char *path, size_t *n_ret)
{
	FILE *f = fopen(path, "r");
	struct tev *ev = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;

	*n_ret = 0;
	if (!f)
		return NULL;
	while (getline(&line, &lcap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		const char *pfn = json_string_value(json_object_get(j, "pfn"));

		if (j && pfn) {
			if (n == cap) {
				cap = cap ? cap * 2 : 4096;
				ev = realloc(ev, cap * sizeof(*ev));
			}
			ev[n].seq = (uint64_t)json_integer_value(json_object_get(j, "seq"));
			ev[n].pfn = strtoull(pfn, NULL, 16);
			snprintf(ev[n].event, sizeof(ev[n].event), "%s",
				 json_string_value(json_object_get(j, "event")) ?: "");
			snprintf(ev[n].from, sizeof(ev[n].from), "%s",
				 json_string_value(json_object_get(j, "from")) ?: "");
			snprintf(ev[n].to, sizeof(ev[n].to), "%s",
				 json_string_value(json_object_get(j, "to")) ?: "");
			n++;
		}
		json_decref(j);
	}
	free(line);
	fclose(f);
	qsort(ev, n, sizeof(*ev), tev_cmp);
	*n_ret = n;
	return ev;
}

/* Does the trace slice record any alternative of @rows ("A1/H1", "R1+A3")? */
static bool slice_has(const struct tev *s, size_t n, const char *rows)
{
	char buf[64], *tok, *save = NULL;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", rows);
	for (tok = strtok_r(buf, "/+", &save); tok; tok = strtok_r(NULL, "/+", &save))
		for (i = 0; i < n; i++)
			if (!strcmp(s[i].event, tok))
				return true;
	return false;
}

struct tally {
	uint64_t observed, observed_ok, inferred, inferred_ok, untraced, hidden;
};

static void compare_pair(struct snap *a, struct snap *b, const struct tev *ev, size_t nev,
			 struct tally *t, const char *label)
{
	unsigned shown = 0;
	size_t r;

	for (r = 0; r < a->k->nruns; r++) {
		uint64_t pfn = a->k->runs[r].base_page, end = pfn + a->k->runs[r].page_count;

		for (; pfn < end && pfn <= a->k->highest_pfn; pfn++) {
			struct pfn_obs oa, ob;
			struct pair_evidence pe;
			struct obs_change c;
			const struct tev *lo;
			size_t i, cnt = 0;
			struct tev key = { 0, pfn, "", "", "" };

			pfn_observe(a->k, &a->sm, pfn, &oa);
			pfn_observe(b->k, &b->sm, pfn, &ob);
			pfn_pair_evidence(a->k, &a->sm, b->k, &b->sm, &oa, &ob, &pe);
			pfn_change(&oa, &ob, &pe, &c);
			if (c.unchanged || !oa.ok || !ob.ok)
				continue;
			/* the trace events of this page between the two snapshots */
			lo = bsearch(&key, ev, nev, sizeof(*ev), tev_cmp);
			for (i = 0; i < nev && ev[i].pfn < pfn; i++)
				;
			lo = &ev[i];
			while (i < nev && ev[i].pfn == pfn && ev[i].seq <= a->seq)
				i++;
			lo = &ev[i];
			while (i + cnt < nev && ev[i + cnt].pfn == pfn && ev[i + cnt].seq <= b->seq)
				cnt++;
			if (!cnt) {
				t->untraced++;
				if (shown++ < 5)
					printf("# %s: PFN %#llx changed (%s -> %s) with no trace event\n",
					       label, (unsigned long long)pfn, page_state_long(oa.state),
					       page_state_long(ob.state));
				continue;
			}
			if (c.observed) {
				bool net = !strcmp(lo[0].from, pfn_state_name(oa.p.location)) &&
					   !strcmp(lo[cnt - 1].to, pfn_state_name(ob.p.location));

				t->observed++;
				if (slice_has(lo, cnt, c.steps[0]->rows)) {
					t->observed_ok++;
				} else if (cnt > 1 && net) {
					/* the structures show one transition's worth; the trace has more
					 * events that left no trace in them (§3.2.1: the analyzer learns
					 * the minimum history) */
					t->observed_ok++;
					t->hidden++;
				} else if (shown++ < 5)
					printf("# %s: PFN %#llx observed %s but the trace has %s..%s (%zu events)\n",
					       label, (unsigned long long)pfn, c.steps[0]->rows, lo[0].event,
					       lo[cnt - 1].event, cnt);
			} else if (c.nsteps > 0) {
				t->inferred++;
				if (cnt >= (size_t)c.nsteps &&
				    !strcmp(lo[0].from, pfn_state_name(oa.p.location)) &&
				    !strcmp(lo[cnt - 1].to, pfn_state_name(ob.p.location)))
					t->inferred_ok++;
				else if (shown++ < 5)
					printf("# %s: PFN %#llx inferred %d steps, trace %zu events %s(%s)..%s(%s)\n",
					       label, (unsigned long long)pfn, c.nsteps, cnt, lo[0].event,
					       lo[0].from, lo[cnt - 1].event, lo[cnt - 1].to);
			}
		}
	}
}

static bool open_snap(struct snap *s, const char *path, const struct profile *prof)
{
	uint64_t dtb;
	unsigned index;

	if (target_open(path, NULL, &s->t) || dtb_scan(s->t, &dtb, &index))
		return false;
	as_init_x64(&s->kas, s->t, dtb, "kernel");
	selfmap_init(&s->sm, index);
	return kinfo_open(s->t, &s->kas, prof, &s->k) == NULL;
}

static void series(const char *dir, const struct profile *prof, struct tally *all)
{
	char path[4096];
	struct snap *snaps = calloc(64, sizeof(*snaps));
	size_t ns = 0, i, nev;
	struct tev *ev;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d || !snaps) {
		free(snaps);
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d)) && ns < 64) {
		size_t l = strlen(de->d_name);
		json_t *j;

		if (l < 12 || strcmp(de->d_name + l - 11, ".truth.json"))
			continue;
		snprintf(path, sizeof(path), "%.3000s/%.255s", dir, de->d_name);
		j = json_load_file(path, 0, NULL);
		memset(&snaps[ns], 0, sizeof(snaps[ns]));
		snprintf(snaps[ns].name, sizeof(snaps[ns].name), "%.*s", (int)(l - 11), de->d_name);
		snaps[ns].seq = (uint64_t)json_integer_value(json_object_get(j, "seq"));
		json_decref(j);
		ns++;
	}
	closedir(d);
	if (ns < 2) {
		free(snaps);
		return;
	}
	qsort(snaps, ns, sizeof(*snaps), snap_cmp);
	snprintf(path, sizeof(path), "%.3000s/trace.jsonl", dir);
	ev = load_trace(path, &nev);
	for (i = 0; i < ns; i++) {
		snprintf(path, sizeof(path), "%.3000s/%.64s.raw", dir, snaps[i].name);
		ok(open_snap(&snaps[i], path, prof), "open %s", path);
	}
	for (i = 0; i + 1 < ns; i++) {
		struct tally t = { 0 };
		char label[256];

		if (!snaps[i].k || !snaps[i + 1].k)
			continue;
		snprintf(label, sizeof(label), "%.60s: %.60s -> %.60s", strrchr(dir, '/') + 1,
			 snaps[i].name, snaps[i + 1].name);
		compare_pair(&snaps[i], &snaps[i + 1], ev, nev, &t, label);
		ok(t.observed_ok == t.observed, "%s: observed transitions agree with the trace: "
		   "%llu/%llu", label, (unsigned long long)t.observed_ok,
		   (unsigned long long)t.observed);
		ok(t.inferred_ok == t.inferred, "%s: inferred paths consistent with the trace: %llu/%llu",
		   label, (unsigned long long)t.inferred_ok, (unsigned long long)t.inferred);
		ok(t.untraced == 0, "%s: every changed page has trace events (%llu without)", label,
		   (unsigned long long)t.untraced);
		all->observed += t.observed;
		all->observed_ok += t.observed_ok;
		all->inferred += t.inferred;
		all->inferred_ok += t.inferred_ok;
		all->hidden += t.hidden;
	}
	for (i = 0; i < ns; i++) {
		kinfo_destroy(snaps[i].k);
		target_close(snaps[i].t);
	}
	free(ev);
	free(snaps);
}

int main(void)
{
	const char *bd = getenv("top_builddir");
	char td[4096];
	struct profile *prof;
	struct tally all = { 0 };
	struct dirent *de;
	DIR *d;

	snprintf(td, sizeof(td), "%s/testdumps", bd ? bd : ".");
	if (profile_load_builtin(&prof))
		return 1;
	d = opendir(td);
	while (d && (de = readdir(d))) {
		char sub[4400];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%.4000s/%.255s", td, de->d_name);
		series(sub, prof, &all);
	}
	if (d)
		closedir(d);
	printf("# agreement: observed %llu/%llu (%.1f%%), inferred %llu/%llu (%.1f%%)\n",
	       (unsigned long long)all.observed_ok, (unsigned long long)all.observed,
	       all.observed ? 100.0 * all.observed_ok / all.observed : 100.0,
	       (unsigned long long)all.inferred_ok, (unsigned long long)all.inferred,
	       all.inferred ? 100.0 * all.inferred_ok / all.inferred : 100.0);
	printf("# of the observed, %llu were the minimum history of a longer trace (events that "
	       "left nothing in the structures)\n", (unsigned long long)all.hidden);
	ok(all.observed > 0, "some series had observed transitions to check");
	profile_destroy(prof);
	return done_testing();
}
