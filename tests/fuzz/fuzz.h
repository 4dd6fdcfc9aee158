/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harnesses (STYLE.md §8): each tests/fuzz/fuzz_<parser>.c defines
 * LLVMFuzzerTestOneInput() for one parser. With --enable-fuzzers (clang) they link against
 * libFuzzer; in every build tests/fuzz/replay.c replays the committed corpus
 * tests/fuzz/corpus/<parser>/ through the same function (under ASan in the sanitizer build).
 */
#ifndef MMKD_TESTS_FUZZ_H
#define MMKD_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct target;

/** The entry point libFuzzer and the replay driver call. Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * fuzz_target() - open @data as a dump of @format (NULL: probe every format) and read what a
 * session would: a few bytes of the first, middle and last page of each run (at most 64 runs),
 * every CPU's MSR list, then close. Errors are expected; crashes, leaks and hangs are not.
 */
void fuzz_target(const uint8_t *data, size_t size, const char *format);

#endif
