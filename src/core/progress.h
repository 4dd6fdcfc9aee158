/* SPDX-License-Identifier: MIT */
/*
 * Progress of long scans on stderr, only when stderr is a terminal (and never in JSON or
 * batch output, which go to stdout): "scanning PFN database... 45%".
 */
#ifndef MMKD_CORE_PROGRESS_H
#define MMKD_CORE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool enabled;
	const char *what;
	double last;	/* time of the last update */
	bool shown;
};

/** progress_begin() - start; @enabled false makes every call a no-op. */
void progress_begin(struct progress *p, bool enabled, const char *what);
/** progress_update() - at most ten redraws a second. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);
/** progress_end() - erase the line. */
void progress_end(struct progress *p);

#endif
