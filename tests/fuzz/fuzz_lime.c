// SPDX-License-Identifier: MIT
/* libFuzzer harness: the lime reader (target_lime.c) on arbitrary bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_target(data, size, "lime");
	return 0;
}
