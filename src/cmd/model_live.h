/* SPDX-License-Identifier: MIT */
/*
 * mmkd --model SCENARIO: the reference VMM run in-process as a target. The scenario's
 * `machine` statement boots it (snapshot 0, "boot"); `.model step [N|all]` runs the next
 * statements and `.model do 'STATEMENT'` one more of the user's, each appending a snapshot to
 * the series (target_pages.h shares unchanged pages between them) and making it current.
 */
#ifndef MMKD_CMD_MODEL_LIVE_H
#define MMKD_CMD_MODEL_LIVE_H

struct err;
struct session;
struct model_live;

/**
 * model_live_open() - load and check @path, boot its machine, take snapshot 0.
 * Return: NULL, or an error naming the scenario line at fault.
 */
struct err *model_live_open(struct session *s, const char *path);

/** model_live_free() - destroy the simulator (the snapshots belong to the session). */
void model_live_free(struct model_live *m);

#endif
