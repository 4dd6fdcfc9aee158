// SPDX-License-Identifier: MIT
/*
 * The "vmcoreinfo" output of the reference VMM: not a dump but the ELF note a Windows guest
 * registers with QEMU's vmcoreinfo device so that QEMU can write a win-dmp crash dump of it
 * (live-lab.md §3.4, formats.md §1c "win-dmp"): an Elf64_Nhdr {namesz 11, descsz 0x2000,
 * type 0}, the name "VMCOREINFO" padded to 12 bytes, then the machine's DUMP_HEADER64 as
 * dmp_build_header() writes it for a full dump: 24 + 0x2000 bytes, the only size QEMU's
 * win_dump.c accepts for a 64-bit guest ("win-dump: invalid vmcoreinfo note size" otherwise).
 * The guest stub (guest/stub.S) registers it when it is given as the first multiboot module.
 */
#include "writer.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dmp_header.h"
#include "targets/dump_notes.h"

/* Elf64_Nhdr (12 bytes) + "VMCOREINFO\0" padded to 4: QEMU's VMCOREINFO_ELF_NOTE_HDR_SIZE. */
#define VMCI_NAME "VMCOREINFO"
#define VMCI_HDR_SIZE 24

struct err *writer_vmcoreinfo(const struct dump_image *img, const char *path)
{
	_cleanup_free_ uint8_t *note = calloc(1, VMCI_HDR_SIZE + DMP_HEADER_SIZE);
	const uint32_t nhdr[3] = { sizeof(VMCI_NAME), DMP_HEADER_SIZE, NT_VMCOREINFO_TYPE };
	struct err *err;
	int fd = -1;

	if (!note)
		return err_nomem;
	/* QEMU needs the kernel's page tables and KDBG to patch the header at dump time. */
	if (!img->hints.has_dtb || !img->hints.has_kdbg)
		return err_create(ERR_UNSUPPORTED, "a vmcoreinfo note needs the machine's "
				  "DirectoryTableBase and KdDebuggerDataBlock: this image has no %s",
				  img->hints.has_dtb ? "KDBG" : "DTB");
	memcpy(note, nhdr, sizeof(nhdr));
	memcpy(note + sizeof(nhdr), VMCI_NAME, sizeof(VMCI_NAME));
	err = dmp_build_header(img, false, note + VMCI_HDR_SIZE);
	if (!err)
		err = dump_create(path, &fd);
	if (err)
		return err;
	err = dump_write_at(fd, note, VMCI_HDR_SIZE + DMP_HEADER_SIZE, 0, path);
	return dump_close(fd, VMCI_HDR_SIZE + DMP_HEADER_SIZE, path, err);
}
