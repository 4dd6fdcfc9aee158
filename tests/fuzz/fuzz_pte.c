// SPDX-License-Identifier: MIT
/* libFuzzer harness: the PTE decoder and flag strings (model/pte.c), the self-map walk and the
 * x64 page walker over hostile page tables (core/as.c: the input is physical memory; its
 * first page is the PML4), and the PAT/MTRR memory-type lookup (model/memtype.c) with MSR
 * values taken from the input. */
#include "fuzz.h"

#include <string.h>

#include "core/as.h"
#include "core/err.h"
#include "core/util.h"
#include "model/memtype.h"
#include "model/pte.h"
#include "targets/target.h"

static uint64_t word(const uint8_t *data, size_t size, size_t i)
{
	uint64_t v = 0;

	if (size >= 8 * (i + 1))
		memcpy(&v, data + 8 * i, 8);
	return v;
}

static bool msr_from_input(const void *arg, uint32_t index, uint64_t *ret)
{
	const uint8_t *const *in = arg;
	const uint8_t *data = in[0];
	size_t size = (size_t)(in[1] - in[0]);

	if (index % 3 == 0 && index != MSR_MTRR_DEF_TYPE)
		return false; /* some MSRs "not recorded" */
	*ret = word(data, size, index % 64);
	return true;
}

static struct err *count(void *arg, uint64_t va, uint64_t pa, uint64_t size, uint64_t leaf)
{
	unsigned *n = arg;

	return ++*n > 512 ? err_stop : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *in[2] = { data, data + size };
	struct target *t = NULL;
	struct err *err;
	struct mtrr_state mt;
	struct selfmap sm;
	struct as as;
	char buf[64];
	unsigned l, n = 0;
	size_t i;

	for (i = 0; i < 4 && i < size / 8; i++) {
		struct pte_info pi;
		uint64_t v = word(data, size, i);

		for (l = 0; l < 4; l++) {
			pte_decode(v, l & 1, l, &pi);
			(void)pte_kind_name(pi.kind);
			(void)pte_state_name(pi.kind);
		}
		pte_flags(v, v & 1, buf);
		prot_name((unsigned)(v >> 5) & 0x1F, buf, sizeof(buf));
		vad_prot_name((unsigned)(v >> 5) & 0x1F, buf, sizeof(buf));
	}
	if (size < 4096)
		return 0;
	err = target_mem_create("fuzz", data, size, true, &t);
	if (err) {
		err_destroy(err);
		return 0;
	}
	as_init_x64(&as, t, 0, "fuzz");
	selfmap_init(&sm, 0x100 + (unsigned)(word(data, size, 0) & 0xFF));
	for (i = 0; i < 16; i++) {
		struct pte_walk w;
		struct xlate x;
		uint64_t va = canon48(word(data, size, 16 + i));

		err_destroy(as_translate(&as, va, &x));
		pte_walk(&as, &sm, va, &w);
		if (w.valid) {
			struct memtype m;

			mtrr_state_init(&mt, msr_from_input, in);
			memtype_of_page(&mt, w.entry[w.stop_level], w.large, w.pa, &m);
		}
	}
	err_destroy(as_walk(&as, 0, UINT64_MAX, 1 << 12, count, &n));
	target_close(t);
	return 0;
}
