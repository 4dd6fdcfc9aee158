// SPDX-License-Identifier: MIT
/*
 * ELF core writer, shaped like QEMU 7.2's dump-guest-memory with paging=false (measured in
 * live-lab.md §2 and with readelf on a QEMU-written core): ELF64 ET_CORE EM_X86_64; the two
 * section headers (NULL and .shstrtab) right after the ELF header; the program headers at
 * offset 192, PT_NOTE first, then one PT_LOAD per RAM run with p_vaddr = p_paddr = the run's
 * physical address and p_filesz = p_memsz; the notes right after the program headers (CORE
 * and QEMU per CPU, VMCOREINFO, our MMKD notes: dump_notes.h); memory right after the notes,
 * unaligned as QEMU stores it; the .shstrtab string table last. With 0xffff or more program
 * headers e_phnum is PN_XNUM and section 0's sh_info holds the count, as QEMU does.
 */
#include "writer.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dump_notes.h"

static const char shstrtab[] = "\0.shstrtab";

static void fill_ehdr(Elf64_Ehdr *eh, uint64_t phnum)
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_shoff = sizeof(Elf64_Ehdr);
	eh->e_phoff = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Shdr);
	/* QEMU 7.2 writes e_ehsize 8 (a QEMU bug); the ELF size is what tools expect. */
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = phnum >= PN_XNUM ? PN_XNUM : (Elf64_Half)phnum;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 2;
	eh->e_shstrndx = 1;
}

struct err *writer_elf(const struct dump_image *img, const char *path)
{
	_cleanup_free_ uint8_t *notes = NULL, *head = NULL;
	_cleanup_free_ Elf64_Phdr *ph = NULL;
	struct phys_run one;
	const struct phys_run *r;
	size_t nnotes = 0, n, i, head_len;
	uint64_t phnum, off;
	Elf64_Shdr sh[2];
	Elf64_Ehdr eh;
	struct err *err;
	int fd = -1;

	err = dump_image_check(img);
	if (!err)
		err = dump_notes_build(img, &notes, &nnotes);
	if (err)
		return err;
	r = dump_image_runs(img, &one, &n);
	phnum = 1 + n;
	ph = calloc(phnum, sizeof(*ph));
	if (!ph)
		return err_nomem;
	fill_ehdr(&eh, phnum);
	off = eh.e_phoff + phnum * sizeof(Elf64_Phdr);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = off, .p_filesz = nnotes,
			      .p_memsz = nnotes };
	off += nnotes;
	for (i = 0; i < n; i++) {
		ph[1 + i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off,
					  .p_vaddr = r[i].start_pa, .p_paddr = r[i].start_pa,
					  .p_filesz = r[i].len, .p_memsz = r[i].len };
		off += r[i].len;
	}
	memset(sh, 0, sizeof(sh));
	if (phnum >= PN_XNUM)
		sh[0].sh_info = (Elf64_Word)phnum;
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = off,
			      .sh_size = sizeof(shstrtab) };
	head_len = eh.e_phoff + phnum * sizeof(Elf64_Phdr) + nnotes;
	head = malloc(head_len);
	if (!head)
		return err_nomem;
	memcpy(head, &eh, sizeof(eh));
	memcpy(head + eh.e_shoff, sh, sizeof(sh));
	memcpy(head + eh.e_phoff, ph, phnum * sizeof(Elf64_Phdr));
	if (nnotes)
		memcpy(head + ph[0].p_offset, notes, nnotes);
	err = dump_create(path, &fd);
	if (err)
		return err;
	err = dump_write_at(fd, head, head_len, 0, path);
	for (i = 0; !err && i < n; i++)
		err = dump_write_pages(img, fd, r[i].start_pa >> 12, r[i].len >> 12,
				       ph[1 + i].p_offset, path);
	if (!err)
		err = dump_write_at(fd, shstrtab, sizeof(shstrtab), off, path);
	return dump_close(fd, off + sizeof(shstrtab), path, err);
}
