/* SPDX-License-Identifier: MIT */
/*
 * The QMP live target: a QEMU that libvirt does not manage, attached read-only through a QMP
 * unix socket (`mmkd --qemu-monitor SOCKET`), with the semantics of the libvirt target
 * (live.h). Registers and the RAM layout come from the monitor; memory from the guest's
 * shared memory-backend-file when it has one, else from `pmemsave` into a private temporary
 * file (about a millisecond a call, like libvirt's peek, which does the same). QEMU must run
 * on this machine and be able to write that file.
 */
#ifndef MMKD_TARGETS_TARGET_QMP_H
#define MMKD_TARGETS_TARGET_QMP_H

#include "targets/live.h"

struct err;
struct target;

/**
 * target_qmp_open() - attach to a QEMU through its QMP socket
 * (`-qmp unix:PATH,server=on,wait=off`). QEMU serves one QMP client per socket: give it a
 * monitor of mmkd's own.
 * @path: the socket.
 * @opts: access path and cache geometry.
 * @ret: the live target (caller closes).
 * Return: NULL, or one line: no socket, connection refused, permission denied, not a QMP
 *         monitor, or a guest that is not there.
 */
struct err *target_qmp_open(const char *path, const struct live_opts *opts, struct target **ret);

#endif
