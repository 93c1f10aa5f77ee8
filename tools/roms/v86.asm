; v86.asm - virtual-8086 mode: IOPL-sensitive instructions (cli sti pushf
; popf int n iret) fault with #GP(0) when IOPL<3 and work when IOPL=3; INT3
; is not IOPL-sensitive but checks the gate DPL; in/out are governed by the
; TSS I/O bitmap (not IOPL); segment loads are real-mode-like; an interrupt
; from V86 pushes GS/FS/DS/ES, clears them, and iret restores them;
; exceptions from V86 (#DE #UD #GP #PF) reach the protected-mode handlers.
%include "common.inc"

RES             equ 0x5800          ; V86 code records results here (segment 0)
V86_SP          equ 0x6800
VEC_V86RET      equ 0x31            ; DPL3 gate: V86 code returns to the test
VEC_V86IRET     equ 0x32            ; DPL3 gate whose handler irets back to V86
VEC_DPL0        equ 0x33            ; DPL0 gate
IOPORT          equ 0x2F0
NP_PAGE         equ 0x30000         ; not present while paging is on

TEXT16
bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "v86: start", 10
        ENTER_PM32 pm_entry

; ------------------------------------------------ V86 snippets (CS = F000)
v_cli:  cli
        int3
v_sti:  sti
        int3
v_pushf: pushf
        int3
v_popf: push    word 2
v_popf_f: popf
        int3
v_pushfd: pushfd
        int3
v_popfd: push   dword 2
v_popfd_f: popfd
        int3
v_intn: int     VEC_V86RET
        int3
v_iret: push    word 2
        push    cs
        push    word v_iret_target
v_iret_f: iret
v_iret_target:
        int3
v_int3: int3
v_int3_after:
        nop
v_hlt:  hlt
        int3
v_movcr: mov    eax, cr0
        int3
v_str:  str     ax
        int3
v_arpl: arpl    [RES], ax
        int3
v_div:  xor     cx, cx
v_div_f: div    cx
        int3
v_pf:   mov     ax, NP_PAGE >> 4
        mov     ds, ax
v_pf_f: mov     al, [0x123]
        int3

; IOPL=3: the sensitive instructions just work
v_iopl3:
        cli
        pushf
        pop     ax
        mov     [RES+0x00], ax                  ; IF=0, IOPL=3
        sti
        pushfd
        pop     eax
        mov     [RES+0x04], eax                 ; IF=1, VM/RF not in the image
        cli
        push    dword 0x00000202                ; IOPL field 0 in the image
        popfd
        pushfd
        pop     eax
        mov     [RES+0x08], eax                 ; IOPL unchanged (3), IF=1
        cli
        push    word 0x0002
        push    cs
        push    word .back
        iret                                    ; 16-bit iret inside V86
.back:  pushf
        pop     word [RES+0x0C]
        int     VEC_V86RET
.end:

; segment loads are real-mode-like
v_segs: mov     ax, 0x2000
        mov     ds, ax
        mov     dword [0x0010], 0x2000F00D      ; linear 0x20010
        mov     ax, 0xFFFF
        mov     es, ax
        mov     dword [es:0x0020], 0xFFFF0020   ; linear 0x100010
        mov     ax, 0x1234
        mov     ss, ax                          ; any value is fine in V86
        mov     sp, 0x100
        push    dword 0x55AA55AA                ; linear 0x12340+0xFC
        xor     ax, ax
        mov     ss, ax
        mov     sp, V86_SP
        mov     ds, ax
        mov     ax, 0x0ABC
        mov     fs, ax
        mov     ax, fs
        mov     [RES+0x10], ax
        mov     ax, cs
        mov     [RES+0x12], ax
        int     VEC_V86RET

; interrupt with iret back: GS/FS/DS/ES saved and restored
v_irq:  mov     ax, 0x1111
        mov     es, ax
        mov     ax, 0x2222
        mov     fs, ax
        mov     ax, 0x3333
        mov     gs, ax
        xor     ax, ax
        mov     ds, ax
        mov     bx, sp
        int     VEC_V86IRET
        mov     [RES+0x20], es
        mov     [RES+0x22], fs
        mov     [RES+0x24], gs
        mov     [RES+0x26], ds
        mov     [RES+0x28], sp
        mov     [RES+0x2A], bx
        mov     [RES+0x2C], eax                 ; set by the ring-0 handler
        mov     ax, 0x4444
        mov     ds, ax
        int     VEC_V86RET
.after:

; I/O in V86 follows the bitmap
v_io:   mov     dx, IOPORT
        in      al, dx
        int3
v_io_denied:
        mov     dx, IOPORT+1
v_io_denied_f:
        in      al, dx
        int3
v_int_dpl0:
        int     VEC_DPL0
        int3

TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

; enter_v86: EBX = IP (CS=F000), EDX = EFLAGS (VM is added); SS:SP = 0:V86_SP,
; DS=ES=FS=GS=0.  Never returns: the V86 code ends in an exception or int.
enter_v86:
        push    dword 0                         ; GS
        push    dword 0                         ; FS
        push    dword 0                         ; DS
        push    dword 0                         ; ES
        push    dword 0                         ; SS
        push    dword V86_SP                    ; ESP
        or      edx, 0x20002
        push    edx                             ; EFLAGS
        push    dword 0xF000                    ; CS
        push    ebx                             ; EIP
        iretd

; VEC_V86IRET handler: record what the CPU left in the data segment registers,
; then iret straight back to V86
v86iret_handler:
        mov     [ss:RES+0x40], ds
        mov     [ss:RES+0x42], es
        mov     [ss:RES+0x44], fs
        mov     [ss:RES+0x46], gs
        mov     [ss:RES+0x48], esp
        mov     eax, [esp+20]                   ; pushed ES
        mov     [ss:RES+0x4C], eax
        mov     eax, [esp+24]                   ; pushed DS
        mov     [ss:RES+0x50], eax
        mov     eax, 0x1D1D1D1D
        iretd

pm_main:
        POST    0x10
        mov     al, 0xFF                        ; mask both PICs: IF=1 happens below
        out     0x21, al
        out     0xA1, al
        mov     eax, VEC_V86RET
        mov     ebx, [stub_table+VEC_V86RET*4]
        mov     ecx, SEL_CODE32
        mov     edx, 0xEE
        call    set_gate
        mov     eax, 3                          ; int3 reachable from V86 (DPL3)
        mov     ebx, [stub_table+3*4]
        call    set_gate
        mov     eax, VEC_V86IRET
        mov     ebx, v86iret_handler
        call    set_gate
        mov     eax, VEC_DPL0
        mov     ebx, [stub_table+VEC_DPL0*4]
        mov     edx, 0x8E
        call    set_gate

        ; ------------------------------------------------ IOPL<3: #GP(0)
        POST    0x11
%macro V86GP 3                          ; snippet, faulting IP, name
        TRY     %%c
        mov     ebx, %1
        mov     edx, 0                  ; IOPL 0
        jmp     enter_v86
%%c:    EXPECT  13, 0, %2, %3
        CHECK   [exc_cs], 0xF000, %3
        CHECKM  [exc_efl], 0x23000, 0x20000, %3
%endmacro
        V86GP   v_cli, v_cli, "v86-iopl0-cli"
        V86GP   v_sti, v_sti, "v86-iopl0-sti"
        V86GP   v_pushf, v_pushf, "v86-iopl0-pushf"
        V86GP   v_popf, v_popf_f, "v86-iopl0-popf"
        V86GP   v_pushfd, v_pushfd, "v86-iopl0-pushfd"
        V86GP   v_popfd, v_popfd_f, "v86-iopl0-popfd"
        V86GP   v_intn, v_intn, "v86-iopl0-int-n"
        V86GP   v_iret, v_iret_f, "v86-iopl0-iret"
        CHECK   [exc_esp], V86_SP-6, "v86-iopl0-iret-sp"
        ; same with IOPL 1 and 2
        TRY     .g1
        mov     ebx, v_cli
        mov     edx, 0x1000
        jmp     enter_v86
.g1:    EXPECT  13, 0, v_cli, "v86-iopl1-cli"
        TRY     .g2
        mov     ebx, v_pushf
        mov     edx, 0x2000
        jmp     enter_v86
.g2:    EXPECT  13, 0, v_pushf, "v86-iopl2-pushf"
        ; INT3 is not IOPL-sensitive: it goes through the (DPL3) IDT gate
        TRY     .g3
        mov     ebx, v_int3
        mov     edx, 0
        jmp     enter_v86
.g3:    EXPECT  3, -1, v_int3_after, "v86-iopl0-int3"
        CHECKM  [exc_efl], 0x20000, 0x20000, "v86-int3-vm"
        ; ... and a DPL0 gate refuses it: #GP(vector*8+2)
        and     byte [IDT_BASE+3*8+5], ~0x60
        TRY     .g4
        mov     ebx, v_int3
        mov     edx, 0x3000
        jmp     enter_v86
.g4:    or      byte [IDT_BASE+3*8+5], 0x60
        EXPECT  13, 3*8+2, v_int3, "v86-int3-dpl0-gate"
        ; int n with IOPL=3 through a DPL0 gate: #GP(n*8+2)
        TRY     .g5
        mov     ebx, v_int_dpl0
        mov     edx, 0x3000
        jmp     enter_v86
.g5:    EXPECT  13, VEC_DPL0*8+2, v_int_dpl0, "v86-int-n-dpl0-gate"
        MSG     "v86: iopl-sensitive #GP ok", 10

        ; ------------------------------------------------ IOPL=3: they work
        POST    0x12
        TRY     .i1
        mov     ebx, v_iopl3
        mov     edx, 0x3000
        jmp     enter_v86
.i1:    EXPECT  VEC_V86RET, -1, v_iopl3.end, "v86-iopl3"
        CHECKM  [RES+0x00], 0x3200, 0x3000, "v86-iopl3-cli-pushf"
        CHECKM  [RES+0x04], 0x33200, 0x03200, "v86-iopl3-sti-pushfd"
        CHECKM  [RES+0x08], 0x33200, 0x03200, "v86-iopl3-popfd-keeps-iopl"
        CHECKM  [RES+0x0C], 0x3200, 0x3000, "v86-iopl3-iret"
        CHECKM  [exc_efl], 0x23000, 0x23000, "v86-iopl3-eflags"
        MSG     "v86: iopl=3 ok", 10

        ; ------------------------------------------------ segments
        POST    0x13
        mov     dword [0x20010], 0
        mov     dword [0x100010], 0
        TRY     .s1
        mov     ebx, v_segs
        mov     edx, 0x3000
        jmp     enter_v86
.s1:    CHECK   [exc_vec], VEC_V86RET, "v86-segs-done"
        CHECK   [0x20010], 0x2000F00D, "v86-seg-ds"
        CHECK   [0x100010], 0xFFFF0020, "v86-seg-ffff"
        CHECK   [0x12340+0xFC], 0x55AA55AA, "v86-seg-ss"
        CHECKM  [RES+0x10], 0xFFFF, 0x0ABC, "v86-seg-fs"
        CHECKM  [RES+0x12], 0xFFFF, 0xF000, "v86-seg-cs"
        MSG     "v86: segment loads ok", 10

        ; ------------------------------------------------ interrupts from V86
        POST    0x14
        TRY     .q1
        mov     ebx, v_irq
        mov     edx, 0x3000
        jmp     enter_v86
.q1:    EXPECT  VEC_V86RET, -1, v_irq.after, "v86-irq"
        CHECK   [RES+0x40], 0, "v86-irq-handler-ds-es"
        CHECK   [RES+0x44], 0, "v86-irq-handler-fs-gs"
        CHECK   [RES+0x48], ISTACK_TOP-36, "v86-irq-handler-esp"
        CHECKM  [RES+0x4C], 0xFFFF, 0x1111, "v86-irq-pushed-es"
        CHECKM  [RES+0x50], 0xFFFF, 0, "v86-irq-pushed-ds"
        CHECK   [RES+0x20], 0x22221111, "v86-irq-restored-es-fs"
        CHECK   [RES+0x24], 0x00003333, "v86-irq-restored-gs-ds"
        CHECKM  [RES+0x28], 0xFFFF, V86_SP, "v86-irq-sp"
        CHECKM  [RES+0x2A], 0xFFFF, V86_SP, "v86-irq-sp-before"
        CHECK   [RES+0x2C], 0x1D1D1D1D, "v86-irq-eax"
        CHECK   [exc_ds], 0x4444, "v86-int-pushed-ds"
        CHECK   [exc_es], 0x1111, "v86-int-pushed-es"
        CHECK   [exc_fs], 0x2222, "v86-int-pushed-fs"
        CHECK   [exc_gs], 0x3333, "v86-int-pushed-gs"
        CHECK   [exc_ss], 0, "v86-int-pushed-ss"
        CHECK   [exc_esp], V86_SP, "v86-int-pushed-sp"
        MSG     "v86: interrupts ok", 10

        ; ------------------------------------------------ I/O bitmap
        POST    0x15
        and     byte [TSS0+TSS0_IOMAP+IOPORT/8], ~(1 << (IOPORT & 7))
        TRY     .o1
        mov     ebx, v_io
        mov     edx, 0                          ; IOPL 0, port allowed
        jmp     enter_v86
.o1:    EXPECT  3, -1, v_io_denied, "v86-io-allowed-iopl0"
        TRY     .o2
        mov     ebx, v_io_denied
        mov     edx, 0x3000                     ; IOPL 3, port denied
        jmp     enter_v86
.o2:    EXPECT  13, 0, v_io_denied_f, "v86-io-denied-iopl3"
        MSG     "v86: i/o bitmap ok", 10

        ; ------------------------------------------------ other exceptions
        POST    0x16
        TRY     .e1
        mov     ebx, v_hlt
        mov     edx, 0x3000
        jmp     enter_v86
.e1:    EXPECT  13, 0, v_hlt, "v86-hlt"
        TRY     .e2
        mov     ebx, v_movcr
        mov     edx, 0x3000
        jmp     enter_v86
.e2:    EXPECT  13, 0, v_movcr, "v86-mov-cr0"
        TRY     .e3
        mov     ebx, v_str
        mov     edx, 0x3000
        jmp     enter_v86
.e3:    EXPECT  6, -1, v_str, "v86-str-ud"
        TRY     .e4
        mov     ebx, v_arpl
        mov     edx, 0x3000
        jmp     enter_v86
.e4:    EXPECT  6, -1, v_arpl, "v86-arpl-ud"
        TRY     .e5
        mov     ebx, v_div
        mov     edx, 0x3000
        jmp     enter_v86
.e5:    EXPECT  0, -1, v_div_f, "v86-de"
        CHECK   [exc_cs], 0xF000, "v86-de-cs"
        CHECKM  [exc_efl], 0x20000, 0x20000, "v86-de-vm"
        ; #PF from V86 is a user-mode access
        call    setup_paging
        mov     dword [PT_BASE+(NP_PAGE>>12)*4], NP_PAGE|6
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        TRY     .e6
        mov     ebx, v_pf
        mov     edx, 0x3000
        jmp     enter_v86
.e6:    mov     eax, cr0
        and     eax, ~0x80000000
        mov     cr0, eax
        EXPECT  14, 4, v_pf_f, "v86-pf"
        CHECK   [exc_cr2], NP_PAGE+0x123, "v86-pf-cr2"
        CHECK   [exc_ds], NP_PAGE>>4, "v86-pf-ds"
        MSG     "v86: exceptions ok", 10

        POST    0xFF
        PASS_HALT
