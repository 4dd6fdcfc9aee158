// SPDX-License-Identifier: MIT
/* libFuzzer harness: format probing (every probe in target_table.c, then the winner's open,
 * the raw image being the fallback) on arbitrary bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_target(data, size, NULL);
	return 0;
}
