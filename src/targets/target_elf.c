// SPDX-License-Identifier: MIT
/*
 * ELF cores written by QEMU and libvirt (dump-guest-memory, virsh dump --memory-only;
 * formats.md §1c, live-lab.md §2), read through libelf over the read-only mapping. Physical
 * memory comes from the PT_LOADs by p_paddr; only p_filesz bytes are in the file (the rest of
 * p_memsz is absent, not zero). paging=true dumps list a physical page once per virtual
 * alias, always at the same file offset: such consistent overlaps are merged, inconsistent
 * ones refused. The PT_NOTE segments give the CPUs (CORE and QEMU notes), the guest's
 * VMCOREINFO note and our MMKD notes (dump_notes.h).
 */
#include "target_formats.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/util.h"
#include "targets/dump_notes.h"

struct load {
	uint64_t paddr, offset, filesz;
	size_t index;
};

static struct err *elf_probe(const struct target_src *src, int *score_ret)
{
	*score_ret = 0;
	/* ELF magic and e_type ET_CORE (little-endian: QEMU writes the guest's byte order,
	 * and x86 is little-endian). */
	if (src->len >= 18 && !memcmp(src->map, ELFMAG, SELFMAG) && le16(src->map + 16) == ET_CORE)
		*score_ret = 100;
	return NULL;
}

static int load_cmp(const void *a, const void *b)
{
	const struct load *x = a, *y = b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return x->filesz < y->filesz ? -1 : x->filesz > y->filesz;
}

/* Add the sorted loads as runs, merging aliases that agree on the file offset. */
static struct err *add_loads(struct target *t, struct load *l, size_t n)
{
	uint64_t cur_pa = 0, cur_off = 0, cur_len = 0;
	size_t i, cur_index = 0;
	struct err *err;

	qsort(l, n, sizeof(*l), load_cmp);
	for (i = 0; i < n; i++) {
		if (!l[i].filesz)
			continue;
		if (cur_len && l[i].paddr <= cur_pa + cur_len) {
			if (l[i].paddr - cur_pa != l[i].offset - cur_off)
				return err_format(l[i].offset,
						  "'%s': ELF program headers %zu and %zu map physical "
						  "%#llx to different file offsets (not a physical "
						  "memory dump?)",
						  t->path, cur_index, l[i].index,
						  (unsigned long long)l[i].paddr);
			cur_len = MAX(cur_len, l[i].paddr + l[i].filesz - cur_pa);
			continue;
		}
		if (cur_len) {
			err = target_add_run(t, cur_pa, cur_len, cur_off);
			if (err)
				return err;
		}
		cur_pa = l[i].paddr;
		cur_off = l[i].offset;
		cur_len = l[i].filesz;
		cur_index = l[i].index;
	}
	return cur_len ? target_add_run(t, cur_pa, cur_len, cur_off) : NULL;
}

static struct err *read_phdrs(struct target *t, Elf *e, size_t phnum, struct load *loads,
			      size_t *nloads, bool *truncated, struct note_summary *ns)
{
	uint64_t len = t->src.len;
	struct err *err;
	size_t i;

	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		uint64_t filesz;

		if (!gelf_getphdr(e, (int)i, &ph))
			return err_libelf("ELF program header");
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		if (ph.p_type == PT_LOAD && ph.p_filesz > ph.p_memsz)
			return err_format(ph.p_offset,
					  "'%s': ELF program header %zu: p_filesz %#llx exceeds "
					  "p_memsz %#llx",
					  t->path, i, (unsigned long long)ph.p_filesz,
					  (unsigned long long)ph.p_memsz);
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
			if (ph.p_type == PT_NOTE)
				return err_format(ph.p_offset,
						  "'%s': ELF PT_NOTE (program header %zu) at file "
						  "offset %#llx, %#llx bytes, runs past the end of "
						  "the file",
						  t->path, i, (unsigned long long)ph.p_offset,
						  (unsigned long long)ph.p_filesz);
			*truncated = true;
		}
		filesz = ph.p_offset > len ? 0 : MIN(ph.p_filesz, len - ph.p_offset);
		if (ph.p_type == PT_NOTE) {
			struct note_summary s;

			err = dump_notes_parse(t, t->src.map + ph.p_offset, filesz, ph.p_offset,
					       ph.p_align == 8 ? 8 : 4, &s);
			if (err)
				return err;
			ns->ncore += s.ncore;
			ns->nqemu += s.nqemu;
			ns->nmmkd += s.nmmkd;
			ns->has_vmcoreinfo |= s.has_vmcoreinfo;
			ns->vmcoreinfo_dmp |= s.vmcoreinfo_dmp;
			continue;
		}
		if (ph.p_paddr >= (1ULL << 52) || filesz > (1ULL << 52) - ph.p_paddr)
			return err_format(ph.p_offset,
					  "'%s': ELF program header %zu: p_paddr %#llx + %#llx is "
					  "beyond 52-bit physical memory",
					  t->path, i, (unsigned long long)ph.p_paddr,
					  (unsigned long long)filesz);
		loads[(*nloads)++] = (struct load){ ph.p_paddr, ph.p_offset, filesz, i };
	}
	return NULL;
}

static struct err *elf_open(struct target *t)
{
	_cleanup_free_ struct load *loads = NULL;
	struct note_summary ns = { 0 };
	bool truncated = false;
	size_t phnum = 0, nloads = 0;
	struct err *err = NULL;
	GElf_Ehdr eh;
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return err_libelf("libelf");
	/* elf_memory never writes a natively ordered image; the mapping is read-only. */
	e = elf_memory((char *)(uintptr_t)t->src.map, t->src.len);
	if (!e)
		return err_libelf("ELF core");
	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		err = err_format(0, "'%s': not a readable ELF file", t->path);
		goto out;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    (eh.e_machine != EM_X86_64 && eh.e_machine != EM_386)) {
		err = err_create(ERR_UNSUPPORTED,
				 "'%s': ELF core for machine %u (byte order %u) is not an x86 "
				 "guest's",
				 t->path, eh.e_machine, eh.e_ident[EI_DATA]);
		goto out;
	}
	if (elf_getphdrnum(e, &phnum) != 0) {
		err = err_libelf("ELF program header count");
		goto out;
	}
	if (phnum > t->src.len / sizeof(Elf32_Phdr)) {
		err = err_format(eh.e_phoff, "'%s': ELF e_phnum %zu does not fit in the file",
				 t->path, phnum);
		goto out;
	}
	loads = calloc(phnum ? phnum : 1, sizeof(*loads));
	if (!loads) {
		err = err_nomem;
		goto out;
	}
	err = read_phdrs(t, e, phnum, loads, &nloads, &truncated, &ns);
	if (!err)
		err = add_loads(t, loads, nloads);
	if (!err)
		snprintf(t->format, sizeof(t->format), "ELF%d core, %s, %zu CPU%s%s%s%s",
			 eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32,
			 eh.e_machine == EM_X86_64 ? "x86-64" : "i386", t->ncpus,
			 t->ncpus == 1 ? "" : "s", ns.nqemu ? ", QEMU notes" : "",
			 ns.has_vmcoreinfo ? ", VMCOREINFO" : "", truncated ? ", truncated" : "");
out:
	elf_end(e);
	return err;
}

const struct target_ops target_elf_ops = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
};
