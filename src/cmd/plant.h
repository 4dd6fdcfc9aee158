/* SPDX-License-Identifier: MIT */
/*
 * Planting named corruptions into copies of raw dumps (mmkd-model plant), for the tests of
 * the consistency checker: one corruption per invariant family.
 */
#ifndef MMKD_CMD_PLANT_H
#define MMKD_CMD_PLANT_H

#include <stdio.h>

struct err;

#define PLANT_NAMES                                                                            \
	"list-loop, list-outside, list-count, list-location, pte-backlink, pt-share, wsle-va, " \
	"ws-size, vad-count, vad-loop, process-loop, process-dtb"

/**
 * plant_corruption() - copy raw dump @in to @out and plant corruption @name into the copy.
 * @report: receives one JSON line {"corruption", "invariant", "pfn", "address"}; may be NULL.
 * Return: NULL, or why (the dump has nothing of that kind to corrupt, an unknown name, I/O).
 */
struct err *plant_corruption(const char *name, const char *in, const char *out, FILE *report);

#endif
