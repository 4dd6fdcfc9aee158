// SPDX-License-Identifier: MIT
/*
 * Terminal progress line. See progress.h.
 */
#include "progress.h"

#include <stdio.h>

#include "core/util.h"

void progress_begin(struct progress *p, bool enabled, const char *what)
{
	p->enabled = enabled;
	p->what = what;
	p->last = now_seconds();
	p->shown = false;
}

void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	double t;

	if (!p->enabled)
		return;
	t = now_seconds();
	if (t - p->last < 0.1)
		return;
	p->last = t;
	p->shown = true;
	fprintf(stderr, "\r%s... %3u%%", p->what,
		total ? (unsigned)(done * 100 / total) : 0U);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (p->enabled && p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = false;
}
