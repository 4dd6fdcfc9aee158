// SPDX-License-Identifier: MIT
/* libFuzzer harness: the elf reader (target_elf.c) on arbitrary bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_target(data, size, "elf");
	return 0;
}
