; tasks.asm - hardware task switches: jmp to a TSS and to a task gate, call
; (NT, back-link, busy bits), int and an exception through task gates, iret
; with NT=1, a 16-bit TSS, and the TSS I/O permission bitmap.
%include "common.inc"

TSS_B           equ 0x5000
TSS_C           equ 0x5100
TSS_D           equ 0x5200          ; 16-bit TSS
RES             equ 0x5800          ; results recorded by the other tasks
SEL_TSSB        equ SEL_FREE+0x00
SEL_TSSC        equ SEL_FREE+0x08
SEL_TSSD        equ SEL_FREE+0x10
SEL_TGB         equ SEL_FREE+0x18   ; task gate -> SEL_TSSB
VEC_TASKGATE    equ 0x44
IOPORT          equ 0x2F0           ; nobody owns 0x2F0..0x2F3

; TSS field offsets (32-bit)
T_LINK  equ 0x00
T_CR3   equ 0x1C
T_EIP   equ 0x20
T_EFL   equ 0x24
T_EAX   equ 0x28
T_ECX   equ 0x2C
T_EDX   equ 0x30
T_EBX   equ 0x34
T_ESP   equ 0x38
T_EBP   equ 0x3C
T_ESI   equ 0x40
T_EDI   equ 0x44
T_ES    equ 0x48
T_CS    equ 0x4C
T_SS    equ 0x50
T_DS    equ 0x54
T_FS    equ 0x58
T_GS    equ 0x5C
T_LDT   equ 0x60
T_IOMAP equ 0x66

%define TYPEBYTE(sel) byte [GDT_BASE + (sel) + 5]
%define TYPEDW(sel) dword [GDT_BASE + (sel) + 5]

TEXT16
bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "tasks: start", 10
        ENTER_PM32 pm_entry

; ------------------------------------------------ task D: 16-bit TSS, 16-bit code
task_d:
        mov     [RES+0x40], ax                  ; from TSS_D
        mov     [RES+0x42], si
        pushf
        pop     word [RES+0x44]
        str     word [RES+0x46]
        mov     bx, [TSS_D+0]                   ; back link
        mov     [RES+0x48], bx
        mov     bl, [GDT_BASE+SEL_TSS0+5]
        mov     [RES+0x4A], bl
        mov     bl, [GDT_BASE+SEL_TSSD+5]
        mov     [RES+0x4B], bl
        mov     [RES+0x4C], sp
        mov     ax, 0xD00D
        iret                                    ; NT=1: back to the 32-bit task
task_d_after:
        jmp     task_d_after

TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

; init_tss32: EBX = TSS base, EAX = EIP, ECX = ESP (ring-0 flat task, no I/O map)
init_tss32:
        push    edi
        push    eax
        mov     edi, ebx
        push    ecx
        mov     ecx, 0x68/4
        xor     eax, eax
        rep stosd
        pop     ecx
        pop     eax
        pop     edi
        mov     dword [ebx+4], ISTACK_TOP
        mov     dword [ebx+8], SEL_DATA32
        mov     [ebx+T_EIP], eax
        mov     dword [ebx+T_EFL], 2
        mov     [ebx+T_ESP], ecx
        mov     dword [ebx+T_EAX], 0xA0A0A0A0
        mov     dword [ebx+T_ESI], 0x51515151
        mov     dword [ebx+T_ES], SEL_DATA32
        mov     dword [ebx+T_CS], SEL_CODE32
        mov     dword [ebx+T_SS], SEL_DATA32
        mov     dword [ebx+T_DS], SEL_DATA32
        mov     dword [ebx+T_FS], SEL_DATA32
        mov     dword [ebx+T_GS], SEL_DATA32
        mov     word [ebx+T_IOMAP], 0x68
        ret

pm_main:
        POST    0x10
        mov     eax, SEL_TSSB
        mov     ebx, TSS_B
        mov     ecx, 0x67
        mov     edx, 0x089
        call    set_desc
        mov     eax, SEL_TSSC
        mov     ebx, TSS_C
        call    set_desc
        mov     eax, SEL_TSSD
        mov     ebx, TSS_D
        mov     ecx, 0x2B
        mov     edx, 0x081                      ; available 16-bit TSS
        call    set_desc
        mov     eax, SEL_TGB
        xor     ebx, ebx
        mov     ecx, SEL_TSSB
        mov     edx, 0x85                       ; task gate
        call    set_gdt_gate
        CHECKM  TYPEDW(SEL_TSS0), 0xFF, 0x8B, "ltr-sets-busy"

        ; ------------------------------------------------ jmp to a TSS
        POST    0x11
        mov     ebx, TSS_B
        mov     eax, task_b_jmp
        mov     ecx, 0xD000
        call    init_tss32
        mov     word [TSS_B+T_LINK], 0x5A5A     ; jmp leaves the link alone
        mov     esi, 0x12345678
        mov     edi, 0x9ABCDEF0
        mov     ebp, 0x0BB0
        clts
        jmp     SEL_TSSB:0
.ret1:  ; back from task B (it jumped to SEL_TSS0)
        CHECK   esi, 0x12345678, "jmp-back-esi"
        CHECK   edi, 0x9ABCDEF0, "jmp-back-edi"
        CHECK   ebp, 0x0BB0, "jmp-back-ebp"
        str     ax
        CHECKM  eax, 0xFFFF, SEL_TSS0, "jmp-back-tr"
        mov     eax, cr0
        CHECKM  eax, 8, 8, "jmp-back-cr0-ts"
        clts
        CHECK   [RES+0x00], SEL_TSSB, "jmp-tr"
        CHECK   [RES+0x04], 0xA0A0A0A0, "jmp-eax-from-tss"
        CHECK   [RES+0x08], 0x51515151, "jmp-esi-from-tss"
        CHECKM  [RES+0x0C], 0x4000, 0, "jmp-nt-clear"
        CHECK   [RES+0x10], 0x5A5A, "jmp-link-unchanged"
        CHECK   [RES+0x14], 0x89, "jmp-old-busy-cleared"
        CHECK   [RES+0x18], 0x8B, "jmp-new-busy-set"
        CHECK   [RES+0x1C], .ret1, "jmp-old-eip-saved"
        CHECK   [RES+0x20], 0x12345678, "jmp-old-esi-saved"
        CHECK   [RES+0x24], 8, "jmp-cr0-ts-set"
        CHECK   [TSS_B+T_EIP], task_b_jmp.after, "jmp-b-eip-saved"
        CHECK   [TSS_B+T_EBX], 0xB0B0, "jmp-b-ebx-saved"
        CHECKM  TYPEDW(SEL_TSSB), 0xFF, 0x89, "jmp-b-busy-cleared"
        CHECKM  TYPEDW(SEL_TSS0), 0xFF, 0x8B, "jmp-a-busy-set"
        MSG     "tasks: jmp tss ok", 10

        ; ------------------------------------------------ jmp through a task gate
        POST    0x12
        mov     ebx, TSS_B
        mov     eax, task_b_jmp
        mov     ecx, 0xD000
        call    init_tss32
        mov     dword [RES+0x00], 0
        jmp     SEL_TGB:0x12345678              ; offset ignored
.ret2:  CHECK   [RES+0x00], SEL_TSSB, "gate-jmp-tr"
        CHECK   [RES+0x1C], .ret2, "gate-jmp-old-eip"
        CHECKM  TYPEDW(SEL_TSSB), 0xFF, 0x89, "gate-jmp-b-busy-cleared"
        clts
        MSG     "tasks: jmp task gate ok", 10

        ; ------------------------------------------------ call a TSS, iret back
        POST    0x13
        mov     ebx, TSS_B
        mov     eax, task_b_call
        mov     ecx, 0xD000
        call    init_tss32
        mov     word [TSS_B+T_LINK], 0x5A5A
        mov     esi, 0x600D
        call    SEL_TSSB:0
.ret3:  pushfd
        pop     eax
        CHECKM  eax, 0x4000, 0, "call-back-nt-clear"
        CHECK   esi, 0x600D, "call-back-esi"
        CHECKM  [RES+0x0C], 0x4000, 0x4000, "call-nt-set"
        CHECK   [RES+0x10], SEL_TSS0, "call-link"
        CHECK   [RES+0x14], 0x8B, "call-old-busy-kept"
        CHECK   [RES+0x18], 0x8B, "call-new-busy-set"
        CHECK   [RES+0x1C], .ret3, "call-old-eip-saved"
        CHECKM  TYPEDW(SEL_TSSB), 0xFF, 0x89, "iret-b-busy-cleared"
        CHECKM  TYPEDW(SEL_TSS0), 0xFF, 0x8B, "iret-a-busy-kept"
        CHECKM  [TSS_B+T_EFL], 0x4000, 0, "iret-b-saved-nt-cleared"
        CHECK   [TSS_B+T_EIP], task_b_call.after, "iret-b-eip-saved"
        CHECK   [TSS_B+T_LINK], SEL_TSS0, "iret-b-link-kept"
        clts
        ; calling or jumping to a busy task: #GP(selector)
        TRY     .bz1
.bzf1:  call    SEL_TSS0:0
        NOEXC   "call-busy"
.bz1:   EXPECT  13, SEL_TSS0, .bzf1, "call-busy"
        TRY     .bz2
.bzf2:  jmp     SEL_TSS0:0
        NOEXC   "jmp-busy"
.bz2:   EXPECT  13, SEL_TSS0, .bzf2, "jmp-busy"
        ; iret with NT=1 whose back link names a TSS that is not busy: #TS(link)
        mov     word [TSS0+T_LINK], SEL_TSSB
        TRY     .bz3
        pushfd
        or      dword [esp], 0x4000
        popfd
.bzf3:  iretd
        NOEXC   "iret-link-not-busy"
.bz3:   mov     word [TSS0+T_LINK], 0
        EXPECT  10, SEL_TSSB, .bzf3, "iret-link-not-busy"
        MSG     "tasks: call/iret ok", 10

        ; ------------------------------------------------ int through a task gate
        POST    0x14
        mov     ebx, TSS_C
        mov     eax, task_c_int
        mov     ecx, 0xE000
        call    init_tss32
        mov     eax, VEC_TASKGATE
        xor     ebx, ebx
        mov     ecx, SEL_TSSC
        mov     edx, 0x85
        call    set_gate
        mov     edi, 0x77
        int     VEC_TASKGATE
.ret4:  CHECK   edi, 0x77, "int-tg-back-edi"
        CHECK   [RES+0x30], SEL_TSSC, "int-tg-tr"
        CHECKM  [RES+0x34], 0x4000, 0x4000, "int-tg-nt"
        CHECK   [RES+0x38], SEL_TSS0, "int-tg-link"
        CHECK   [RES+0x3C], .ret4, "int-tg-old-eip"
        CHECK   [RES+0x2C], 0xE000, "int-tg-no-push"
        CHECKM  TYPEDW(SEL_TSSC), 0xFF, 0x89, "int-tg-c-busy-cleared"
        clts
        ; #GP through a task gate: the error code goes on the new task's stack
        mov     ebx, TSS_C
        mov     eax, task_c_gp
        mov     ecx, 0xE000
        call    init_tss32
        mov     eax, 13
        xor     ebx, ebx
        mov     ecx, SEL_TSSC
        mov     edx, 0x85
        call    set_gate
        mov     ax, 0x0FF0                      ; beyond the GDT limit
.gpf:   mov     ds, ax
        FAILMSG "gp-tg-not-skipped"
.gpres: mov     ax, SEL_DATA32
        mov     ds, ax
        mov     eax, 13
        mov     ebx, [stub_table+13*4]
        mov     ecx, SEL_CODE32
        mov     edx, 0x8E
        call    set_gate
        CHECK   [RES+0x50], 0x0FF0, "gp-tg-errcode"
        CHECK   [RES+0x54], .gpf, "gp-tg-old-eip"
        CHECK   [RES+0x58], 0xE000, "gp-tg-esp-after-pop"
        clts
        MSG     "tasks: int/exception through task gate ok", 10

        ; ------------------------------------------------ 16-bit TSS
        POST    0x15
        mov     edi, TSS_D
        mov     ecx, 0x2C/4
        xor     eax, eax
        rep stosd
        mov     word [TSS_D+0x0E], task_d       ; IP
        mov     word [TSS_D+0x10], 0x0002       ; FLAGS
        mov     word [TSS_D+0x12], 0x1616       ; AX
        mov     word [TSS_D+0x1A], 0xF000       ; SP
        mov     word [TSS_D+0x1E], 0x0D0D       ; SI
        mov     word [TSS_D+0x22], SEL_DATA16   ; ES
        mov     word [TSS_D+0x24], SEL_CODE16   ; CS
        mov     word [TSS_D+0x26], SEL_DATA16   ; SS
        mov     word [TSS_D+0x28], SEL_DATA16   ; DS
        mov     esi, 0x3333
        call    SEL_TSSD:0
.ret5:  CHECK   esi, 0x3333, "tss16-back-esi"
        CHECKM  [RES+0x40], 0xFFFF, 0x1616, "tss16-ax"
        CHECKM  [RES+0x42], 0xFFFF, 0x0D0D, "tss16-si"
        CHECKM  [RES+0x44], 0x4000, 0x4000, "tss16-nt"
        CHECKM  [RES+0x46], 0xFFFF, SEL_TSSD, "tss16-tr"
        CHECKM  [RES+0x48], 0xFFFF, SEL_TSS0, "tss16-link"
        CHECKM  [RES+0x4A], 0xFF, 0x8B, "tss16-old-busy"
        CHECKM  [RES+0x4B], 0xFF, 0x83, "tss16-new-busy"
        CHECKM  [RES+0x4C], 0xFFFF, 0xF000, "tss16-sp"
        CHECKM  [TSS_D+0x0E], 0xFFFF, task_d_after, "tss16-ip-saved"
        CHECKM  [TSS_D+0x12], 0xFFFF, 0xD00D, "tss16-ax-saved"
        CHECKM  [TSS_D+0x10], 0x4000, 0, "tss16-nt-cleared"
        CHECKM  TYPEDW(SEL_TSSD), 0xFF, 0x81, "tss16-busy-cleared"
        CHECK   [TSS0+T_EIP], .ret5, "tss16-a-eip-saved"
        clts
        MSG     "tasks: 16-bit tss ok", 10

        ; ------------------------------------------------ I/O permission bitmap
        POST    0x16
        ; TSS0 bitmap: everything denied (init32); allow IOPORT only
        and     byte [TSS0+TSS0_IOMAP+IOPORT/8], ~(1 << (IOPORT & 7))
%macro R3IO 3                           ; code, expected vector, name
        TRY     %%c
        mov     ebx, %%r3
        mov     edx, 2                  ; IOPL 0
        jmp     go_ring3
%%r3:   mov     edx, IOPORT
%%f:    %1
%%e:    int     VEC_RET0
%%c:
%if %2 == 13
        EXPECT  13, 0, %%f, %3
%else
        EXPECT  VEC_RET0, -1, %%e+2, %3
%endif
%endmacro
        R3IO    {in al, dx}, VEC_RET0, "io-allowed-byte"
        R3IO    {out dx, al}, VEC_RET0, "io-allowed-out"
        R3IO    {in ax, dx}, 13, "io-word-half-denied"
        ; a denied single port
        TRY     .io1
        mov     ebx, .io1r3
        mov     edx, 2
        jmp     go_ring3
.io1r3: mov     edx, IOPORT+1
.iof1:  in      al, dx
        int     VEC_RET0
.io1:   EXPECT  13, 0, .iof1, "io-denied-byte"
        TRY     .io2
        mov     ebx, .iof2
        mov     edx, 2
        jmp     go_ring3
.iof2:  in      al, IOPORT & 0xFF               ; port 0xF0: denied
        int     VEC_RET0
.io2:   EXPECT  13, 0, .iof2, "io-denied-imm"
        ; allow IOPORT+1 too: the word access now works
        and     byte [TSS0+TSS0_IOMAP+(IOPORT+1)/8], ~(1 << ((IOPORT+1) & 7))
        R3IO    {in ax, dx}, VEC_RET0, "io-word-allowed"
        R3IO    {in eax, dx}, 13, "io-dword-half-denied"
        ; IOPL=3: the bitmap is not consulted
        TRY     .io3
        mov     ebx, .io3r3
        mov     edx, 0x3002
        jmp     go_ring3
.io3r3: mov     edx, IOPORT+3
        in      eax, dx
.io3e:  int     VEC_RET0
.io3:   EXPECT  VEC_RET0, -1, .io3e+2, "io-iopl3"
        ; bitmap bytes beyond the TSS limit count as set: shrink TSS0 to cover
        ; ports 0..0xFF only (and reload TR)
        mov     word [GDT_BASE+SEL_TSS0], TSS0_IOMAP + 0x20 - 1
        and     byte [GDT_BASE+SEL_TSS0+6], 0xF0
        mov     byte [GDT_BASE+SEL_TSS0+5], 0x89
        mov     ax, SEL_TSS0
        ltr     ax
        and     byte [TSS0+TSS0_IOMAP+0x80/8], ~1       ; port 0x80 allowed
        R3IO    {in al, 0x80}, VEC_RET0, "io-inside-limit"
        R3IO    {in al, dx}, 13, "io-beyond-limit"
        ; restore the full TSS0
        mov     word [GDT_BASE+SEL_TSS0], TSS0_LIMIT & 0xFFFF
        mov     byte [GDT_BASE+SEL_TSS0+6], TSS0_LIMIT >> 16
        mov     byte [GDT_BASE+SEL_TSS0+5], 0x89
        mov     ax, SEL_TSS0
        ltr     ax
        MSG     "tasks: i/o bitmap ok", 10

        POST    0xFF
        PASS_HALT

; ------------------------------------------------ task B (entered by jmp)
task_b_jmp:
        mov     [RES+0x04], eax                 ; loaded from TSS_B
        str     ax
        movzx   eax, ax
        mov     [RES+0x00], eax
        mov     [RES+0x08], esi
        pushfd
        pop     dword [RES+0x0C]
        movzx   eax, word [TSS_B+T_LINK]
        mov     [RES+0x10], eax
        movzx   eax, TYPEBYTE(SEL_TSS0)
        mov     [RES+0x14], eax
        movzx   eax, TYPEBYTE(SEL_TSSB)
        mov     [RES+0x18], eax
        mov     eax, [TSS0+T_EIP]
        mov     [RES+0x1C], eax
        mov     eax, [TSS0+T_ESI]
        mov     [RES+0x20], eax
        mov     eax, cr0
        and     eax, 8
        mov     [RES+0x24], eax
        mov     ebx, 0xB0B0
        jmp     SEL_TSS0:0
.after: jmp     $

; ------------------------------------------------ task B (entered by call)
task_b_call:
        pushfd
        pop     dword [RES+0x0C]
        movzx   eax, word [TSS_B+T_LINK]
        mov     [RES+0x10], eax
        movzx   eax, TYPEBYTE(SEL_TSS0)
        mov     [RES+0x14], eax
        movzx   eax, TYPEBYTE(SEL_TSSB)
        mov     [RES+0x18], eax
        mov     eax, [TSS0+T_EIP]
        mov     [RES+0x1C], eax
        iretd
.after: jmp     $

; ------------------------------------------------ task C (int through a task gate)
task_c_int:
        mov     [RES+0x2C], esp
        str     ax
        movzx   eax, ax
        mov     [RES+0x30], eax
        pushfd
        pop     dword [RES+0x34]
        movzx   eax, word [TSS_C+T_LINK]
        mov     [RES+0x38], eax
        mov     eax, [TSS0+T_EIP]
        mov     [RES+0x3C], eax
        iretd
        jmp     $

; ------------------------------------------------ task C (#GP through a task gate)
task_c_gp:
        pop     eax                             ; error code
        mov     [RES+0x50], eax
        mov     eax, [TSS0+T_EIP]
        mov     [RES+0x54], eax
        mov     [RES+0x58], esp
        mov     dword [TSS0+T_EIP], pm_main.gpres
        iretd
        jmp     $
