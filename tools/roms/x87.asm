; x87.asm - the x87 FPU's system side: the FSAVE/FRSTOR and FSTENV/FLDENV memory layouts in
; real and protected mode with 16- and 32-bit operand size (SDM vol.1 §8.1.10, figures
; 8-9 to 8-12), stack overflow and underflow (masked: the indefinite, C1; unmasked: nothing
; changes and the error is pending), #MF with CR0.NE=1 at the next waiting instruction (and not
; at the non-waiting ones), the PC's legacy error path with CR0.NE=0 (IRQ 13 through the PICs,
; port 0xF0), and #NM with CR0.TS. Skipped (PASS) when CPUID reports no FPU.
%include "common.inc"

BUF             equ SCRATCH             ; 0x20000: images (real mode: DS=0x2000)
BUFSEG          equ BUF >> 4
VEC_IRQ13       equ 0x2D                ; slave PIC base 0x28 + 5

[absolute user_vars]
irq_count:      resd 1
irq_sw:         resd 1
irq_clear:      resd 1                  ; the IRQ 13 handler also clears the exception
TEXT16

bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "x87: start", 10
        mov     eax, 1
        cpuid
        test    dl, 1
        jnz     .fpu
        MSG     "x87: skipped (CPUID reports no FPU)", 10
        PASS_HALT
.fpu:
        mov     eax, cr0
        and     eax, ~0x0E                      ; MP EM TS clear
        or      eax, 0x20                       ; NE
        mov     cr0, eax
        fninit
        fnstsw  ax
        movzx   eax, ax
        CHECK   eax, 0, "rm-finit-sw"
        fnstcw  [tmp]
        movzx   eax, word [tmp]
        CHECK   eax, 0x037F, "rm-finit-cw"

        ; ------------------------------------------------ real mode, 16-bit FSAVE
        POST    0x02
        mov     ax, BUFSEG
        mov     ds, ax
        mov     dword [0x200], 0x40400000       ; 3.0f
        fldcw   [cs:cw_027f]                    ; double precision, all masked
        fld1
        fld     dword [0x200]
.rdv:   fdivp   st1, st0                        ; 1/3: inexact, rounded down
        fnsave  [0x000]                         ; 16-bit real-mode format, 94 bytes
        fnstcw  [0x400]
        movzx   eax, word [0x400]
        CHECK   eax, 0x037F, "rm-fsave16-reinit-cw"
        fnstsw  ax
        movzx   eax, ax
        CHECK   eax, 0, "rm-fsave16-reinit-sw"
        movzx   eax, word [0x000]
        CHECK   eax, 0x027F, "rm-fsave16-cw"
        movzx   eax, word [0x002]
        CHECK   eax, 0x3820, "rm-fsave16-sw"            ; TOP=7, PE
        movzx   eax, word [0x004]
        CHECK   eax, 0x3FFF, "rm-fsave16-tw"            ; R7 valid, the rest empty
        ; the real-mode format's pointers are 20-bit linear addresses beside the opcode
        ; (SDM vol.1 figure 8-10)
        movzx   eax, word [0x006]
        CHECK   eax, .rdv, "rm-fsave16-ip"              ; (0xF0000 + .rdv) & 0xFFFF
        CHECKM  [0x008], 0xF000, 0xF000, "rm-fsave16-ip-hi"     ; IP bits 19-16
%ifdef HW_ONLY
        ; QEMU's TCG does not keep the last opcode (FOP)
        CHECKM  [0x008], 0xFFFF, 0xF6F9, "rm-fsave16-ip-hi-fop" ; ... | FOP (DE F9)
%endif
        movzx   eax, word [0x00A]
        CHECK   eax, 0x0200, "rm-fsave16-dp"
        movzx   eax, word [0x00C]
        CHECK   eax, 0x2000, "rm-fsave16-dp-hi"
        CHECK   [0x00E], 0xAAAAA800, "rm-fsave16-st0-lo"    ; 1/3 rounded to 53 bits
        CHECK   [0x012], 0xAAAAAAAA, "rm-fsave16-st0-hi"
        movzx   eax, word [0x016]
        CHECK   eax, 0x3FFD, "rm-fsave16-st0-exp"
        ; FRSTOR gives it all back
        frstor  [0x000]
        fnstsw  ax
        movzx   eax, ax
        CHECK   eax, 0x3820, "rm-frstor16-sw"
        fnstcw  [0x400]
        movzx   eax, word [0x400]
        CHECK   eax, 0x027F, "rm-frstor16-cw"
.rst:   fstp    qword [0x300]
        CHECK   [0x300], 0x55555555, "rm-frstor16-st0-lo"
        CHECK   [0x304], 0x3FD55555, "rm-frstor16-st0-hi"

        ; ------------------------------------------------ real mode, 32-bit FSAVE and FSTENV
        o32 fnsave [0x100]                      ; 108 bytes
        movzx   eax, word [0x100]
        CHECK   eax, 0x027F, "rm-fsave32-cw"
        movzx   eax, word [0x104]
        CHECK   eax, 0x0020, "rm-fsave32-sw"            ; popped: TOP=0
        movzx   eax, word [0x108]
        CHECK   eax, 0xFFFF, "rm-fsave32-tw"
        movzx   eax, word [0x10C]
        CHECK   eax, .rst, "rm-fsave32-ip"
        CHECKM  [0x110], 0x0FFFF000, 0x0000F000, "rm-fsave32-ip-hi"
%ifdef HW_ONLY
        CHECKM  [0x110], 0x0FFFF7FF, 0x0000F51E, "rm-fsave32-ip-hi-fop"   ; FSTP m64 = DD 1E
%endif
        movzx   eax, word [0x114]
        CHECK   eax, 0x0300, "rm-fsave32-dp"
        CHECKM  [0x118], 0x0FFFF000, 0x00002000, "rm-fsave32-dp-hi"
        ; FLDENV of an edited 16-bit image, FSTENV back
        fninit
        mov     word [0x000], 0x0B7F                    ; RC up, PC 64 bits
        mov     word [0x002], 0x4100                    ; C3 C0
        fldenv  [0x000]
        fnstenv [0x040]                                 ; 14 bytes; masks all afterwards
        movzx   eax, word [0x040]
        CHECK   eax, 0x0B7F, "rm-fstenv16-cw"
        movzx   eax, word [0x042]
        CHECK   eax, 0x4100, "rm-fstenv16-sw"
        movzx   eax, word [0x044]
        CHECK   eax, 0x3FFF, "rm-fstenv16-tw"           ; tags of R7 (1/3: valid) kept
        fninit
        xor     ax, ax
        mov     ds, ax
        MSG     "x87: real-mode fsave/frstor fstenv/fldenv ok", 10

        POST    0x03
        ENTER_PM32 pm_entry

section .rodata16
cw_027f:        dw 0x027F

; ============================================================ protected mode
TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

pm_main:
        POST    0x10
        ; ------------------------------------------------ 32-bit protected-mode FSAVE
        fninit
        fldcw   [cw_027f32]
        mov     dword [BUF+0x200], 0x40400000
        fld1
        fld     dword [BUF+0x200]
.pdv:   fdivp   st1, st0
        fnsave  [BUF]
        movzx   eax, word [BUF+0x00]
        CHECK   eax, 0x027F, "pm-fsave32-cw"
        movzx   eax, word [BUF+0x04]
        CHECK   eax, 0x3820, "pm-fsave32-sw"
        movzx   eax, word [BUF+0x08]
        CHECK   eax, 0x3FFF, "pm-fsave32-tw"
        CHECK   [BUF+0x0C], .pdv, "pm-fsave32-fip"
        CHECKM  [BUF+0x10], 0xFFFF, SEL_CODE32, "pm-fsave32-fcs"
%ifdef HW_ONLY
        CHECKM  [BUF+0x10], 0x07FFFFFF, 0x06F90008, "pm-fsave32-fcs-fop"
%endif
        CHECK   [BUF+0x14], BUF+0x200, "pm-fsave32-fdp"
        movzx   eax, word [BUF+0x18]
        CHECK   eax, SEL_DATA32, "pm-fsave32-fds"
        CHECK   [BUF+0x1C], 0xAAAAA800, "pm-fsave32-st0-lo"
        CHECK   [BUF+0x20], 0xAAAAAAAA, "pm-fsave32-st0-hi"
        movzx   eax, word [BUF+0x24]
        CHECK   eax, 0x3FFD, "pm-fsave32-st0-exp"
        fnstcw  [tmp]
        movzx   eax, word [tmp]
        CHECK   eax, 0x037F, "pm-fsave32-reinit"
        frstor  [BUF]
        fnstsw  ax
        movzx   eax, ax
        CHECK   eax, 0x3820, "pm-frstor32-sw"
        ; ------------------------------------------------ 16-bit protected-mode FSAVE/FSTENV
        fldcw   [cw_027d]                       ; DE unmasked (no DE flag: nothing pending)
        o16 fnstenv [BUF+0x100]
        movzx   eax, word [BUF+0x100]
        CHECK   eax, 0x027D, "pm-fstenv16-cw"
        movzx   eax, word [BUF+0x102]
        CHECK   eax, 0x3820, "pm-fstenv16-sw"
        movzx   eax, word [BUF+0x104]
        CHECK   eax, 0x3FFF, "pm-fstenv16-tw"
%ifdef HW_ONLY
        ; FSTENV masks all exceptions after storing (SDM vol.2 FSTENV); QEMU's TCG does not
        fnstcw  [tmp]
        movzx   eax, word [tmp]
        CHECK   eax, 0x027F, "pm-fstenv-masks-all"
%endif
        fldcw   [cw_027f32]
        o16 fnsave [BUF+0x140]                  ; 94 bytes
        movzx   eax, word [BUF+0x140]
        CHECK   eax, 0x027F, "pm-fsave16-cw"
        movzx   eax, word [BUF+0x142]
        CHECK   eax, 0x3820, "pm-fsave16-sw"
        movzx   eax, word [BUF+0x144]
        CHECK   eax, 0x3FFF, "pm-fsave16-tw"
        CHECK   [BUF+0x14E], 0xAAAAA800, "pm-fsave16-st0-lo"
        o16 frstor [BUF+0x140]
        fnstsw  ax
        movzx   eax, ax
        CHECK   eax, 0x3820, "pm-frstor16-sw"
        fninit
        MSG     "x87: protected-mode fsave/frstor fstenv ok", 10

        ; ------------------------------------------------ stack overflow / underflow (masked)
        POST    0x11
%ifdef HW_ONLY
        ; QEMU's TCG does not detect stack faults (SDM vol.1 §8.5.1.1)
        fninit
        mov     ecx, 8
.push:  fld1
        loop    .push
        fld1                                    ; a ninth push: overflow
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0x47FF, 0x0241, "stack-overflow-sw"     ; IE SF C1, TOP 7
        fstp    qword [BUF+0x300]
        CHECK   [BUF+0x304], 0xFFF80000, "stack-overflow-indefinite"
        fninit
        fld1
        fstp    st0
        fchs                                    ; ST0 empty: underflow
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0x02FF, 0x0041, "stack-underflow-sw"    ; IE SF, C1 = 0
        fstp    qword [BUF+0x300]
        CHECK   [BUF+0x304], 0xFFF80000, "stack-underflow-indefinite"
        CHECK   [BUF+0x300], 0, "stack-underflow-indefinite-lo"
        MSG     "x87: stack overflow/underflow ok", 10
%endif

        ; ------------------------------------------------ unmasked: #MF (CR0.NE = 1)
        POST    0x12
        fninit
%ifdef HW_ONLY
        fldcw   [cw_037e]                       ; IE unmasked
.uf:    fadd    st0, st1                        ; both empty: underflow, nothing changes
        fnstsw  ax                              ; non-waiting: no #MF
        movzx   eax, ax
        CHECK   eax, 0x80C1, "unmasked-underflow-sw"    ; B ES SF IE
%else
        fldcw   [cw_037b]                       ; ZE unmasked
        fld1
        fldz
.uf:    fdivp   st1, st0                        ; pending, no fault yet
        fnstsw  ax                              ; non-waiting: no #MF
        movzx   eax, ax
        CHECKM  eax, 0xC7FF, 0x8084, "unmasked-zero-divide-sw"  ; B ES ZE
%endif
        TRY     .mf1
.mff1:  fwait
        NOEXC   "mf-fwait"
.mf1:   EXPECT  16, -1, .mff1, "mf-fwait"
        fnstenv [BUF+0x380]                     ; non-waiting: the pointers name the culprit
%ifdef HW_ONLY
        ; QEMU's TCG also records the control instructions (FNSTSW) in FIP
        CHECK   [BUF+0x38C], .uf, "mf-fip"
        CHECKM  [BUF+0x390], 0x07FF0000, 0x00C10000, "mf-fop"  ; D8 C1 (fadd st0, st1)
%endif
        fnclex
        fninit
        fldcw   [cw_037b]                       ; ZE unmasked
        fld1
        fldz
        fdivp   st1, st0                        ; pending, no fault yet
        TRY     .mf2
%ifdef HW_ONLY
        ; any waiting x87 instruction reports it, not only FWAIT (SDM vol.1 §8.6); QEMU's
        ; TCG only checks at FWAIT
.mff2:  fld1
%else
.mff2:  fwait
%endif
        NOEXC   "mf-wait2"
.mf2:   EXPECT  16, -1, .mff2, "mf-wait2"
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0xC7FF, 0x8084, "mf-sw"    ; B ES ZE
        fnclex
        fld1                                    ; and now it works
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0x00FF, 0, "mf-after-fnclex"
%ifdef HW_ONLY
        ; an unmasked zero divide left the stack as it was (SDM vol.1 §8.5.3: no result, no
        ; pop); QEMU's TCG popped
        CHECKM  eax, 0x3800, 0x2800, "mf-unmasked-no-pop"
%endif
        fninit
        MSG     "x87: #MF ok", 10

        ; ------------------------------------------------ legacy: IRQ 13 and port 0xF0 (NE = 0)
        POST    0x13
%ifdef HW_ONLY
        ; (QEMU 7.2's TCG does not deliver FERR# as IRQ 13: with the I/O APIC nothing arrives,
        ; on isapc it aborts, its issue 1808)
        ; both 8259As: master base 0x20, slave base 0x28, cascade on IR2; only IRQ 13 open
        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, 0x20
        out     0x21, al
        mov     al, 0x28
        out     0xA1, al
        mov     al, 0x04
        out     0x21, al
        mov     al, 0x02
        out     0xA1, al
        mov     al, 0x01
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFB
        out     0x21, al
        mov     al, 0xDF
        out     0xA1, al
        mov     eax, VEC_IRQ13
        mov     ebx, irq13_handler
        mov     ecx, SEL_CODE32
        mov     edx, 0x8E
        call    set_gate
        mov     eax, cr0
        and     eax, ~0x20                      ; NE = 0
        mov     cr0, eax
        ; A: the handler writes port 0xF0 and clears the exception
        mov     dword [irq_count], 0
        mov     dword [irq_clear], 1
        fninit
        fldcw   [cw_037b]
        fld1
        fldz
        fdivp   st1, st0
        sti
        fwait                                   ; FERR#: IRQ 13
        call    wait_irq
        cli
        CHECK   [irq_count], 1, "irq13-count"
        CHECKM  [irq_sw], 0x80FF, 0x8084, "irq13-sw-in-handler"
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0x80FF, 0, "irq13-cleared"
        ; B: the handler only writes port 0xF0: the CPU then ignores the error (IGNNE#)
        mov     dword [irq_count], 0
        mov     dword [irq_clear], 0
        fninit
        fldcw   [cw_037b]
        fld1
        fldz
        fdivp   st1, st0
        sti
        fwait
        call    wait_irq
        cli
        CHECK   [irq_count], 1, "irq13-ignne-count"
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0x80FF, 0x8084, "irq13-ignne-still-pending"
        fnclex
        fninit
        mov     al, 0xFF
        out     0x21, al
        out     0xA1, al
        mov     eax, cr0
        or      eax, 0x20
        mov     cr0, eax
        MSG     "x87: IRQ 13 / port F0 ok", 10
%endif

        ; ------------------------------------------------ #NM with TS
        POST    0x14
        mov     eax, cr0
        or      eax, 0x08                       ; TS (MP clear)
        mov     cr0, eax
        TRY     .nm1
.nmf1:  fldpi
        NOEXC   "nm-ts"
.nm1:   EXPECT  7, -1, .nmf1, "nm-ts"
        fwait                                   ; MP = 0: fwait runs
        clts
        fldpi                                   ; and now the escape works
        fnstsw  ax
        movzx   eax, ax
        CHECKM  eax, 0x3800, 0x3800, "nm-after-clts"
        fninit
        MSG     "x87: #NM ok", 10

        POST    0xFF
        PASS_HALT

; give the interrupt a few instructions to arrive (an emulator may only look for
; interrupts between blocks of instructions)
wait_irq:
        push    ecx
        mov     ecx, 10000
.w:     cmp     dword [irq_count], 0
        jne     .d
        loop    .w
.d:     pop     ecx
        ret

irq13_handler:
        push    eax
        inc     dword [irq_count]
        fnstsw  ax
        movzx   eax, ax
        mov     [irq_sw], eax
        xor     al, al
        out     0xF0, al                        ; clear the error latch (IRQ 13 drops, IGNNE#)
        cmp     dword [irq_clear], 0
        je      .eoi
        fnclex
.eoi:   mov     al, 0x20
        out     0xA0, al
        out     0x20, al
        pop     eax
        iretd

section .rodata32
cw_027f32:      dw 0x027F
cw_037e:        dw 0x037E
cw_027d:        dw 0x027D
cw_037b:        dw 0x037B
