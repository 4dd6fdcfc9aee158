// SPDX-License-Identifier: MIT
/* libFuzzer harness: the ISF profile loader (core/profile.c) and the lookups the model makes
 * into a loaded profile. */
#include "fuzz.h"

#include "core/err.h"
#include "core/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[][2] = {
		{ "_MMPFN", "u3.e1.PageLocation" }, { "_MMPFN", "OriginalPte" },
		{ "_EPROCESS", "Pcb.DirectoryTableBase" }, { "_MMVAD", "u5.VadFlags3.PreferredNode" },
		{ "_PHYSICAL_MEMORY_DESCRIPTOR", "Run[2]" }, { "_KPROCESS", "DirectoryTableBase" },
	};
	struct profile *p = NULL;
	struct err *err = profile_load_string((const char *)data, size, "fuzz", &p);
	uint8_t buf[64] = { 0 };
	struct field f;
	uint64_t v;
	size_t i;

	if (err) {
		err_destroy(err);
		return 0;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		err = profile_field(p, fields[i][0], fields[i][1], &f);
		if (!err) {
			v = field_read(&f, buf, sizeof(buf));
			field_write(&f, buf, sizeof(buf), v + 1);
		}
		err_destroy(err);
		err_destroy(profile_type_size(p, fields[i][0], &v));
		(void)profile_has_type(p, fields[i][0]);
	}
	err_destroy(profile_symbol(p, "PsActiveProcessHead", &v));
	(void)profile_enum_name(p, "_MMLISTS", 3);
	profile_destroy(p);
	return 0;
}
