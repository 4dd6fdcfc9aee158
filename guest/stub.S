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
 * - vmcoreinfo (live-lab.md §3.4): when QEMU loads a multiboot module (-initrd FILE; libvirt
 *   <initrd>), the first one is an ELF note (mmkd-model --format vmcoreinfo: a VMCOREINFO note
 *   holding a DUMP_HEADER64) that the stub registers, still in 32-bit mode, with QEMU's
 *   -device vmcoreinfo: it finds "etc/vmcoreinfo" in the fw_cfg file directory and DMA-writes
 *   FWCfgVMCoreInfo {host_format 1, guest_format 1 (ELF), size, paddr} to it
 *   (docs/specs/vmcoreinfo.rst, docs/specs/fw_cfg.rst in QEMU). QEMU then reads the note at
 *   dump time: dump-guest-memory format=win-dmp uses the header, ELF and kdump dumps carry
 *   the note. The module must lie below 2 MiB, where QEMU puts it (right after the stub and
 *   its multiboot information); the model image at 0x200000 is never touched. Without a
 *   module the stub does exactly what it did before. vmci_status says what happened
 *   (harnesses read it like done_flag): 0 no module, 1 registered, 2 no fw_cfg DMA
 *   interface, 3 no etc/vmcoreinfo file (no -device vmcoreinfo), 4 the DMA write failed,
 *   5 the module reaches 2 MiB or is empty or over 1 MiB (QEMU's MAX_GUEST_NOTE_SIZE).
 */
	.set MB_MAGIC, 0x1BADB002
	.set MB_FLAGS, 0x00000003		/* page-align modules, give memory info */
	.set MB_BOOT_MAGIC, 0x2BADB002		/* %eax at entry from a multiboot loader */
	.set MB_INFO_MODS, 1 << 3		/* mbi.flags: mods_count and mods_addr valid */
	/* fw_cfg on x86 (QEMU docs/specs/fw_cfg.rst): selector, data and DMA address ports */
	.set FW_CFG_PORT_SEL, 0x510
	.set FW_CFG_PORT_DATA, 0x511
	.set FW_CFG_PORT_DMA_HI, 0x514
	.set FW_CFG_PORT_DMA_LO, 0x518		/* writing the low half starts the transfer */
	.set FW_CFG_ID, 0x01			/* feature bitmap: bit 1 = DMA interface */
	.set FW_CFG_FILE_DIR, 0x19		/* be32 count, then 64-byte FWCfgFile entries */
	.set FW_CFG_DMA_ERROR, 0x01
	.set FW_CFG_DMA_SELECT, 0x08
	.set FW_CFG_DMA_WRITE, 0x10
	.set NOTE_MAX, 1 << 20			/* QEMU's MAX_GUEST_NOTE_SIZE */

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
	cmp	$MB_BOOT_MAGIC, %eax
	jne	1f
	call	vmcoreinfo_register		/* %ebx: the multiboot information */
1:
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

/*
 * vmcoreinfo_register: register the first multiboot module (%ebx: multiboot information) as
 * the guest's vmcoreinfo note; sets vmci_status. 32-bit, flat segments, paging off.
 */
vmcoreinfo_register:
	testl	$MB_INFO_MODS, (%ebx)		/* mbi.flags */
	jz	9f
	cmpl	$0, 20(%ebx)			/* mbi.mods_count */
	je	9f
	mov	24(%ebx), %esi			/* mbi.mods_addr: {mod_start, mod_end, string, 0} */
	mov	(%esi), %eax
	mov	4(%esi), %ecx
	movl	$5, vmci_status
	cmp	%eax, %ecx			/* mod_end > mod_start */
	jbe	9f
	cmp	$0x200000, %ecx			/* below the model image */
	ja	9f
	sub	%eax, %ecx
	cmp	$NOTE_MAX, %ecx
	ja	9f
	mov	%eax, vmci_paddr
	mov	%ecx, vmci_size
	/* the DMA interface is advertised in FW_CFG_ID bit 1 */
	movl	$2, vmci_status
	mov	$FW_CFG_ID, %eax
	call	fw_cfg_select
	mov	$FW_CFG_PORT_DATA, %dx
	inb	%dx, %al
	test	$2, %al
	jz	9f
	/* find etc/vmcoreinfo in the file directory */
	movl	$3, vmci_status
	mov	$FW_CFG_FILE_DIR, %eax
	call	fw_cfg_select
	call	fw_cfg_read_be32
	mov	%eax, %ebp			/* entries left */
2:	test	%ebp, %ebp
	jz	9f
	dec	%ebp
	mov	$fw_cfg_file, %edi
	mov	$64, %ecx
	mov	$FW_CFG_PORT_DATA, %dx
	rep insb
	mov	$fw_cfg_file + 8, %esi		/* FWCfgFile.name */
	mov	$vmci_name, %edi
	mov	$vmci_name_end - vmci_name, %ecx
	repe cmpsb
	jne	2b
	/* DMA-write the 16-byte FWCfgVMCoreInfo: control = selector << 16 | SELECT | WRITE */
	movzwl	fw_cfg_file + 4, %eax		/* FWCfgFile.select, big-endian */
	xchg	%al, %ah
	shl	$16, %eax
	or	$(FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE), %eax
	bswap	%eax
	mov	%eax, fw_cfg_dma
	movl	$vmci_end - vmci, %eax
	bswap	%eax
	mov	%eax, fw_cfg_dma + 4
	movl	$0, fw_cfg_dma + 8		/* address, big-endian: high half */
	mov	$vmci, %eax
	bswap	%eax
	mov	%eax, fw_cfg_dma + 12
	xor	%eax, %eax
	mov	$FW_CFG_PORT_DMA_HI, %dx
	outl	%eax, %dx
	mov	$fw_cfg_dma, %eax
	bswap	%eax
	mov	$FW_CFG_PORT_DMA_LO, %dx
	outl	%eax, %dx
	/* QEMU completes the transfer before the OUT returns: control is 0, or has ERROR */
	movl	$4, vmci_status
	mov	fw_cfg_dma, %eax
	bswap	%eax
	test	%eax, %eax
	jnz	9f
	movl	$1, vmci_status
9:	ret

fw_cfg_select:				/* %ax: the key */
	mov	$FW_CFG_PORT_SEL, %dx
	outw	%ax, %dx
	ret

fw_cfg_read_be32:			/* next 4 data bytes as a big-endian u32 in %eax */
	mov	$FW_CFG_PORT_DATA, %dx
	mov	$4, %ecx
1:	shl	$8, %eax
	inb	%dx, %al
	loop	1b
	ret

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
	.globl vmci_status
vmci_status:
	.long 0
	/* FWCfgVMCoreInfo (QEMU include/hw/misc/vmcoreinfo.h), little-endian */
	.p2align 3
vmci:
	.word 1					/* host_format: FW_CFG_VMCOREINFO_FORMAT_ELF */
	.word 1					/* guest_format: ELF */
vmci_size:
	.long 0
vmci_paddr:
	.quad 0
vmci_end:
	/* FWCfgDmaAccess {be32 control, be32 length, be64 address} */
	.p2align 4
fw_cfg_dma:
	.skip 16
vmci_name:
	.asciz "etc/vmcoreinfo"
vmci_name_end:

	.bss
	.p2align 6
fw_cfg_file:				/* one FWCfgFile entry {be32 size, be16 select, be16, name[56]} */
	.skip 64
	.p2align 12
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096
	.skip 4096
stack_top:
