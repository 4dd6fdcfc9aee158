/* SPDX-License-Identifier: MIT */
/*
 * mmkd guest stub: the smallest multiboot (v1) kernel that enters x86-64 long mode with its
 * own page tables and halts with interrupts off, so that QEMU can host a model image
 * (spec/live-lab.md §2-§3).
 *
 * - QEMU's multiboot loader only takes ELF32: this file is assembled as 64-bit (so .code32 and
 *   .code64 mix with absolute relocations) and converted with objcopy -O elf32-i386.
 * - Everything the stub owns lies below 2 MiB: its own tables identity-map 0-2 MiB with one
 *   2 MiB page. Model images are loaded at 0x200000 and above with -device loader.
 * - EFER.NXE is set: Windows PTEs use bit 63 (NX), which is a reserved bit when NXE is clear,
 *   and QEMU must walk them as Windows' MMU would (paging.md §1).
 * - The IDT is empty (limit 0): any exception triple-faults instead of running garbage.
 * - After the halt, a harness sets CR3 (and other registers) through QEMU's gdbstub. With
 *   IF=0 the halted vCPU never fetches again, so the model's tables need not map the stub.
 * - done_flag becomes 0x600DF00D once the vCPU is in long mode and about to halt; harnesses
 *   poll it (its address: nm stub.elf).
 */
	.set MB_MAGIC, 0x1BADB002
	.set MB_FLAGS, 0x00000003		/* page-align modules, give memory info */

	.section .multiboot, "a"
	.p2align 2
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	mov	$stack_top, %esp
	/* zero the three table pages (bss is zeroed by the loader, but be sure) */
	mov	$pml4, %edi
	xor	%eax, %eax
	mov	$(3 * 4096 / 4), %ecx
	rep stosl
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[0] = 2 MiB identity page (P|RW|PS) */
	mov	$pdpt, %eax
	or	$0x3, %eax
	mov	%eax, pml4
	mov	$pd, %eax
	or	$0x3, %eax
	mov	%eax, pdpt
	movl	$0x83, pd
	/* CR4.PAE */
	mov	%cr4, %eax
	or	$(1 << 5), %eax
	mov	%eax, %cr4
	mov	$pml4, %eax
	mov	%eax, %cr3
	/* EFER.LME | EFER.NXE */
	mov	$0xC0000080, %ecx
	rdmsr
	or	$((1 << 8) | (1 << 11)), %eax
	wrmsr
	/* CR0.PG | CR0.WP | CR0.PE */
	mov	%cr0, %eax
	or	$0x80010001, %eax
	mov	%eax, %cr0
	lgdt	gdt_desc
	lidt	idt_desc
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	movl	$0x600DF00D, done_flag(%rip)
halt:
	cli
	hlt
	jmp	halt

	.data
	.p2align 3
gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF		/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00CF92000000FFFF		/* 0x10: data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
idt_desc:
	.word 0
	.long 0
	.p2align 2
	.globl done_flag
done_flag:
	.long 0

	.bss
	.p2align 12
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096
	.skip 4096
stack_top:
