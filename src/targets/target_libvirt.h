/* SPDX-License-Identifier: MIT */
/*
 * The libvirt live target: a running QEMU/KVM guest managed by libvirt, attached read-only
 * (`mmkd --libvirt DOMAIN [--connect URI]`). Memory through virDomainMemoryPeek
 * (VIR_MEMORY_PHYSICAL) behind the live chunk cache, or through the guest's shared
 * memory-backend-file when libvirt gives it one; registers and the RAM layout through
 * virDomainQemuMonitorCommand (read-only monitor commands only: never dump-guest-memory, which
 * crashes libvirtd 9.0 when sent through passthrough, live-lab.md §4). Compiled only
 * --with-libvirt (HAVE_LIBVIRT).
 */
#ifndef MMKD_TARGETS_TARGET_LIBVIRT_H
#define MMKD_TARGETS_TARGET_LIBVIRT_H

#include "targets/live.h"

struct err;
struct target;

/**
 * target_libvirt_open() - attach to a running libvirt domain.
 * @domain: the domain's name (or UUID).
 * @uri: the connection URI (qemu:///system, qemu:///session, qemu+ssh://host/system,
 *       "qemu:///system?socket=/path/libvirt-sock"), or NULL for libvirt's default.
 * @opts: access path and cache geometry.
 * @ret: the live target (caller closes).
 * Return: NULL, or one line naming what failed: the connection (refused, no socket,
 *         permission denied), a domain that does not exist or is not running, or a monitor
 *         that does not answer.
 */
struct err *target_libvirt_open(const char *domain, const char *uri, const struct live_opts *opts,
				struct target **ret);

#endif
