// SPDX-License-Identifier: MIT
/* libFuzzer harness: the kdump reader (target_kdump.c) on arbitrary bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_target(data, size, "kdump");
	return 0;
}
