// SPDX-License-Identifier: MIT
/*
 * Trace lines. See trace.h.
 */
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>

#include "core/util.h"
#include "model/vmm/pfndb.h"
#include "model/vmm/vstate.h"

static void hex_or_null(FILE *f, const char *key, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ", \"%s\": \"0x%" PRIx64 "\"", key, v);
	else
		fprintf(f, ", \"%s\": null", key);
}

void trace_emit(struct vmm *v, const struct vev *e)
{
	FILE *f = v->trace.f;

	v->trace.seq++;
	if (e->has & VEV_PFN) {
		if (v->trace.nrecent < ARRAY_SIZE(v->trace.recent))
			v->trace.recent[v->trace.nrecent++] = e->pfn;
		else
			v->trace.recent_overflow = true;
	}
	if (!f)
		return;
	fprintf(f, "{\"seq\": %" PRIu64 ", \"event\": \"%s\", \"what\": \"%s\"", v->trace.seq,
		e->event, e->what);
	hex_or_null(f, "pfn", e->has & VEV_PFN, e->pfn);
	if (e->p)
		fprintf(f, ", \"pid\": %u", e->p->pid);
	else
		fprintf(f, ", \"pid\": null");
	hex_or_null(f, "va", e->has & VEV_VA, e->va);
	if (e->has & VEV_FROM)
		fprintf(f, ", \"from\": \"%s\"", vmm_pfn_state_name(e->from));
	else
		fprintf(f, ", \"from\": null");
	if (e->has & VEV_TO)
		fprintf(f, ", \"to\": \"%s\"", vmm_pfn_state_name(e->to));
	else
		fprintf(f, ", \"to\": null");
	hex_or_null(f, "pte_before", e->has & VEV_PTE, e->pte_before);
	hex_or_null(f, "pte_after", e->has & VEV_PTE, e->pte_after);
	fprintf(f, ", \"line\": %u}\n", v->line);
}

uint64_t trace_count(const struct vmm *v)
{
	return v->trace.seq;
}
