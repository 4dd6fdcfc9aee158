// SPDX-License-Identifier: MIT
/*
 * Page content patterns. See content.h.
 */
#include "content.h"

#include <string.h>

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Header: "MMKDPAGE", pid, version, VA, then a pseudo-random stream. */
static void pattern(uint64_t *q, uint32_t pid, uint64_t va, uint32_t version)
{
	uint64_t s = va * 0x100000001B3ULL ^ ((uint64_t)pid << 32) ^ version;
	unsigned i;

	memcpy(&q[0], "MMKDPAGE", 8);
	q[1] = ((uint64_t)version << 32) | pid;
	q[2] = va;
	for (i = 3; i < 512; i++)
		q[i] = splitmix(&s);
}

void content_fill(uint8_t *page, uint32_t pid, uint64_t va, uint32_t version)
{
	uint64_t q[512];

	if (!version) {
		memset(page, 0, 4096);
		return;
	}
	pattern(q, pid, va, version);
	memcpy(page, q, sizeof(q));
}

bool content_is_zero(const uint8_t *page)
{
	static const uint8_t zero[4096];

	return !memcmp(page, zero, sizeof(zero));
}

bool content_check(const uint8_t *page, uint32_t pid, uint64_t va, uint32_t version)
{
	uint64_t q[512];

	if (!version)
		return content_is_zero(page);
	pattern(q, pid, va, version);
	return !memcmp(page, q, sizeof(q));
}
