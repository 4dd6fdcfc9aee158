/* SPDX-License-Identifier: MIT */
/*
 * The ELF notes QEMU writes into its dumps (formats.md §1c, live-lab.md §2), both in an ELF
 * core's PT_NOTE and in a kdump file's note area: per vCPU a "CORE" NT_PRSTATUS note (Linux
 * user_regs_struct, x86-64 or i386 layout) and a "QEMU" note (QEMUCPUState: GPRs, segments
 * with bases, GDT/IDT, CR0-CR4, kernel_gs_base), then the guest's "VMCOREINFO" note when it
 * registered one (a Windows guest hands over a DUMP_HEADER64 there, live-lab.md §3.4); plus
 * our own "MMKD" note per CPU carrying CR8 and the MSRs the reference VMM recorded.
 */
#ifndef MMKD_TARGETS_DUMP_NOTES_H
#define MMKD_TARGETS_DUMP_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "targets/target.h"
#include "targets/writer.h"

struct err;

#define NT_PRSTATUS_TYPE 1
#define NT_QEMU_TYPE 0
#define NT_VMCOREINFO_TYPE 0
#define NT_MMKD_CPU 0x4D4B0001 /* not 1: BFD reads type 1 as NT_PRSTATUS whatever the owner */

/* x86_64_elf_prstatus (QEMU target/i386/arch_dump.c): pid at 0x20, user_regs_struct at 0x70. */
#define PRSTATUS64_SIZE 0x150
#define PRSTATUS64_PID 0x20
#define PRSTATUS64_REGS 0x70
/* i386 elf_prstatus: pid at 0x18, 17 u32 registers at 0x48. */
#define PRSTATUS32_SIZE 0x90
#define PRSTATUS32_PID 0x18
#define PRSTATUS32_REGS 0x48

/* QEMUCPUState version 1 (formats.md §1c). */
enum qemu_cpu_off {
	QCPU_OFF_VERSION = 0x00,
	QCPU_OFF_SIZE = 0x04,
	QCPU_OFF_RAX = 0x08, /* rax rbx rcx rdx rsi rdi rsp rbp r8 .. r15 */
	QCPU_OFF_RIP = 0x88,
	QCPU_OFF_RFLAGS = 0x90,
	QCPU_OFF_CS = 0x98,  /* cs ds es fs gs ss ldt tr gdt idt: 24 bytes each */
	QCPU_OFF_GDT = 0x158,
	QCPU_OFF_IDT = 0x170,
	QCPU_OFF_CR0 = 0x188, /* cr[5] */
	QCPU_OFF_KERNEL_GS_BASE = 0x1B0,
	QCPU_SIZE_V1 = 0x1B0,
	QCPU_SIZE_KGS = 0x1B8,
	QCPU_SEG_LEN = 24,   /* {u32 selector, u32 limit, u32 flags, u32 pad, u64 base} */
};

/* Our "MMKD" note, type NT_MMKD_CPU: {u32 version 1, u32 cpu, u32 nmsrs, u32 flags,
 * u64 cr8} then nmsrs x {u32 index, u32 reserved, u64 value}. */
#define MMKD_NOTE_VERSION 1
#define MMKD_NOTE_HDR 24
#define MMKD_NOTE_MSR 16
#define MMKD_NOTE_CR8 (1U << 0)
#define MSR_EFER 0xC0000080U

/** What a note area held. */
struct note_summary {
	unsigned ncore, nqemu, nmmkd;
	bool has_vmcoreinfo;
	bool vmcoreinfo_dmp; /* the VMCOREINFO note carried a DUMP_HEADER64 */
};

/**
 * dump_notes_parse() - read a QEMU note area into @t's CPU states and hints.
 * @notes: the note bytes (borrowed), @len their size.
 * @file_off: file offset of @notes, for messages.
 * @align: note alignment (4 for QEMU; 8 allowed).
 * Return: NULL, or ERR_FORMAT naming the note and its file offset.
 */
struct err *dump_notes_parse(struct target *t, const uint8_t *notes, uint64_t len,
			     uint64_t file_off, unsigned align, struct note_summary *ret);

/**
 * dump_notes_build() - the notes QEMU would write for @img's CPUs (CORE and QEMU notes per
 * CPU), a VMCOREINFO note holding a DUMP_HEADER64 when @img has kernel hints (what a Windows
 * guest registers with QEMU), and an MMKD note per CPU with MSRs or CR8.
 * @buf_ret: the note bytes (caller frees); @len_ret their size.
 */
struct err *dump_notes_build(const struct dump_image *img, uint8_t **buf_ret, size_t *len_ret);

#endif
