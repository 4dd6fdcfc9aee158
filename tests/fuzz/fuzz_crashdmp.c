// SPDX-License-Identifier: MIT
/* libFuzzer harness: the crashdump reader (target_crashdmp.c) on arbitrary bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_target(data, size, "crashdump");
	return 0;
}
