; gates.asm - call gates (ring 3 -> ring 0 with a TSS stack switch and
; parameter copying; ring 3 -> ring 1; same privilege), far ret to an outer
; ring (data segment registers nulled when DPL < new CPL), iret to ring 3,
; interrupt vs trap gates (IF), conforming code segments.
%include "common.inc"

RES             equ 0x5800
SEL_CG3         equ SEL_FREE+0x00+3 ; 32-bit call gate DPL3 -> ring 0, 2 params
SEL_CG0         equ SEL_FREE+0x08+3 ; 32-bit call gate DPL0 (RPL 3 used from ring 3)
SEL_CONF0       equ SEL_FREE+0x10   ; conforming readable code, DPL0
SEL_CONF3       equ SEL_FREE+0x18   ; conforming readable code, DPL3
SEL_CODE32_R1   equ SEL_FREE+0x20+1
SEL_DATA32_R1   equ SEL_FREE+0x28+1
SEL_CG1         equ SEL_FREE+0x30+3 ; call gate DPL3 -> ring 1, no params
SEL_CGS         equ SEL_FREE+0x38   ; call gate DPL0 -> ring 0 (same privilege)
VEC_INTG        equ 0x35            ; interrupt gate
VEC_TRAPG       equ 0x36            ; trap gate
VEC_R3INT       equ 0x37            ; DPL3 trap gate, ring 3 -> ring 0

TEXT16
bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "gates: start", 10
        ENTER_PM32 pm_entry

TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

pm_main:
        POST    0x10
        mov     eax, SEL_CG3
        mov     ebx, cg0_handler
        mov     ecx, SEL_CODE32
        mov     edx, 0x2EC                      ; P DPL3 32-bit call gate, count 2
        call    set_gdt_gate
        mov     eax, SEL_CG0
        mov     edx, 0x28C                      ; DPL0
        call    set_gdt_gate
        mov     eax, SEL_CG1
        mov     ebx, cg1_handler
        mov     ecx, SEL_CODE32_R1
        mov     edx, 0x0EC
        call    set_gdt_gate
        mov     eax, SEL_CGS
        mov     ebx, cgs_handler
        mov     ecx, SEL_CODE32
        mov     edx, 0x08C
        call    set_gdt_gate
        xor     ebx, ebx
        mov     ecx, 0xFFFFF
        mov     eax, SEL_CONF0
        mov     edx, 0xC9F                      ; conforming, readable, DPL0
        call    set_desc
        mov     eax, SEL_CONF3
        mov     edx, 0xCFF                      ; conforming, readable, DPL3
        call    set_desc
        mov     eax, SEL_CODE32_R1
        mov     edx, 0xCBB
        call    set_desc
        mov     eax, SEL_DATA32_R1
        mov     edx, 0xCB3
        call    set_desc
        mov     dword [TSS0+16], SEL_DATA32_R1  ; ss1
        mov     dword [TSS0+12], STACK1_TOP     ; esp1
        mov     eax, VEC_TRAPG
        mov     ebx, [stub_table+VEC_TRAPG*4]
        mov     ecx, SEL_CODE32
        mov     edx, 0x8F                       ; trap gate
        call    set_gate
        mov     eax, VEC_R3INT
        mov     ebx, [stub_table+VEC_R3INT*4]
        mov     edx, 0xEF                       ; DPL3 trap gate
        call    set_gate

        ; ------------------------------------------------ call gate ring 3 -> 0
        POST    0x11
        TRY     .c1
        mov     ebx, .r3_1
        mov     edx, 2
        jmp     go_ring3
.r3_1:  mov     ax, SEL_CONF0|3
        mov     fs, ax                          ; conforming code: kept on return
        push    dword 0x11111111
        push    dword 0x22222222
        mov     esi, 0xC0FFEE
        call    SEL_CG3:0xDEAD                  ; offset ignored
.cr1:   mov     [es:RES+0x40], esp
        mov     [es:RES+0x44], ds
        mov     [es:RES+0x46], es
        mov     [es:RES+0x48], fs
        mov     [es:RES+0x4A], gs
        mov     [es:RES+0x4C], cs
        mov     [es:RES+0x4E], ss
        mov     [es:RES+0x50], eax
        mov     [es:RES+0x54], esi
        int     VEC_RET0
.c1:    CHECK   [exc_vec], VEC_RET0, "cg-returned"
        CHECK   [RES+0x00], ISTACK_TOP-24, "cg-handler-esp"
        CHECK   [RES+0x04], .cr1, "cg-pushed-eip"
        CHECKM  [RES+0x08], 0xFFFF, SEL_CODE32_R3, "cg-pushed-cs"
        CHECK   [RES+0x0C], 0x22222222, "cg-param-0"
        CHECK   [RES+0x10], 0x11111111, "cg-param-1"
        CHECK   [RES+0x14], STACK3_TOP-8, "cg-pushed-esp"
        CHECKM  [RES+0x18], 0xFFFF, SEL_DATA32_R3, "cg-pushed-ss"
        CHECKM  [RES+0x1C], 0xFFFF, SEL_DATA32, "cg-handler-ss"
        CHECKM  [RES+0x20], 0xFFFF, SEL_CODE32, "cg-handler-cs"
        CHECK   [RES+0x24], 0xC0FFEE, "cg-handler-esi"
        CHECKM  [RES+0x28], 0xFFFF, SEL_DATA32_R3, "cg-handler-ds-unchanged"
        CHECK   [RES+0x40], STACK3_TOP, "cg-ret-esp"
        CHECKM  [RES+0x44], 0xFFFF, 0, "cg-ret-ds-nulled"
        CHECKM  [RES+0x46], 0xFFFF, SEL_DATA32_R3, "cg-ret-es-kept"
        CHECKM  [RES+0x48], 0xFFFF, SEL_CONF0|3, "cg-ret-fs-conforming-kept"
        CHECKM  [RES+0x4A], 0xFFFF, 0, "cg-ret-gs-nulled"
        CHECKM  [RES+0x4C], 0xFFFF, SEL_CODE32_R3, "cg-ret-cs"
        CHECKM  [RES+0x4E], 0xFFFF, SEL_DATA32_R3, "cg-ret-ss"
        CHECK   [RES+0x50], 0x600DCA11, "cg-ret-eax"
        CHECK   [RES+0x54], 0xC0FFEE, "cg-ret-esi"
        MSG     "gates: call gate ring3->ring0 ok", 10

        ; ------------------------------------------------ privilege checks on gates
        POST    0x12
        TRY     .c2
        mov     ebx, .cf2
        mov     edx, 2
        jmp     go_ring3
.cf2:   call    SEL_CG0:0                       ; gate DPL0 < CPL3
        int     VEC_RET0
.c2:    EXPECT  13, SEL_CG0 & 0xFFFC, .cf2, "cg-dpl0-from-ring3"
        TRY     .c3
        mov     ebx, .cf3
        mov     edx, 2
        jmp     go_ring3
.cf3:   call    SEL_CODE32:0                    ; non-conforming DPL0 code
        int     VEC_RET0
.c3:    EXPECT  13, SEL_CODE32, .cf3, "far-call-ring0-code"
        TRY     .c4
.cf4:   call    SEL_CONF3:0                     ; conforming DPL3 > CPL0
        NOEXC   "conforming-dpl3-from-ring0"
.c4:    EXPECT  13, SEL_CONF3, .cf4, "conforming-dpl3-from-ring0"
        MSG     "gates: gate privilege checks ok", 10

        ; ------------------------------------------------ call gate ring 3 -> 1
        POST    0x13
        TRY     .c5
        mov     ebx, .r3_5
        mov     edx, 2
        jmp     go_ring3
.r3_5:  call    SEL_CG1:0
.cr5:   mov     [es:RES+0x40], esp
        mov     [es:RES+0x4C], cs
        int     VEC_RET0
.c5:    CHECK   [exc_vec], VEC_RET0, "cg1-returned"
        CHECK   [RES+0x00], STACK1_TOP-16, "cg1-handler-esp"
        CHECK   [RES+0x04], .cr5, "cg1-pushed-eip"
        CHECKM  [RES+0x08], 0xFFFF, SEL_CODE32_R3, "cg1-pushed-cs"
        CHECK   [RES+0x0C], STACK3_TOP, "cg1-pushed-esp"
        CHECKM  [RES+0x10], 0xFFFF, SEL_DATA32_R3, "cg1-pushed-ss"
        CHECKM  [RES+0x1C], 0xFFFF, SEL_DATA32_R1, "cg1-handler-ss"
        CHECKM  [RES+0x20], 0xFFFF, SEL_CODE32_R1, "cg1-handler-cs"
        CHECK   [RES+0x40], STACK3_TOP, "cg1-ret-esp"
        CHECKM  [RES+0x4C], 0xFFFF, SEL_CODE32_R3, "cg1-ret-cs"
        MSG     "gates: call gate ring3->ring1 ok", 10

        ; ------------------------------------------------ same-privilege call gate
        POST    0x14
        mov     dword [RES], 0
        mov     ebx, esp
        call    SEL_CGS:0x12345
.cr6:   mov     eax, esp
        CHECK   eax, ebx, "cgs-esp-balanced"
        mov     eax, ebx
        sub     eax, 8
        CHECK   [RES+0x00], eax, "cgs-handler-esp"
        CHECK   [RES+0x04], .cr6, "cgs-pushed-eip"
        CHECKM  [RES+0x08], 0xFFFF, SEL_CODE32, "cgs-pushed-cs"
        MSG     "gates: same-privilege call gate ok", 10

        ; ------------------------------------------------ conforming code segments
        POST    0x15
        TRY     .c7
        mov     ebx, .r3_7
        mov     edx, 2
        jmp     go_ring3
.r3_7:  mov     ebp, esp
        call    SEL_CONF0:conf_func             ; runs at CPL 3
.cr7:   mov     [es:RES+0x40], esp
        mov     [es:RES+0x44], ebx              ; CS inside
        mov     [es:RES+0x48], ecx              ; ESP inside
        mov     [es:RES+0x4C], edx              ; SS inside
        mov     [es:RES+0x50], ebp
        int     VEC_RET0
.c7:    CHECK   [exc_vec], VEC_RET0, "conf-returned"
        CHECKM  [RES+0x44], 0xFFFF, SEL_CONF0|3, "conf-cs-rpl-is-cpl"
        mov     eax, [RES+0x50]
        sub     eax, 8
        CHECK   [RES+0x48], eax, "conf-no-stack-switch"
        CHECKM  [RES+0x4C], 0xFFFF, SEL_DATA32_R3, "conf-ss"
        mov     eax, [RES+0x50]
        CHECK   [RES+0x40], eax, "conf-ret-esp"
        ; the conforming segment cannot reach ring-0 data from CPL 3: load DS=ring 0 data
        TRY     .c8
        mov     ebx, .r3_8
        mov     edx, 2
        jmp     go_ring3
.r3_8:  jmp     SEL_CONF0:.conf8                ; jmp to conforming code: CPL stays 3
.conf8: mov     ax, SEL_DATA32
.cf8:   mov     ds, ax
        int     VEC_RET0
.c8:    EXPECT  13, SEL_DATA32, .cf8, "conf-cpl3-load-ring0-data"
        CHECK   [exc_cs], SEL_CONF0|3, "conf-cpl3-fault-cs"
        MSG     "gates: conforming code ok", 10

        ; ------------------------------------------------ iret to ring 3
        POST    0x16
        TRY     .c9
        mov     ax, SEL_DATA32                  ; DPL0: nulled by iret to ring 3
        mov     ds, ax
        mov     fs, ax
        mov     ax, SEL_DATA32_R3               ; DPL3: kept
        mov     es, ax
        mov     ax, SEL_CONF0                   ; conforming code: kept
        mov     gs, ax
        push    dword SEL_DATA32_R3
        push    dword STACK3_TOP-0x10
        push    dword 0x0202 & ~0x200
        push    dword SEL_CODE32_R3
        push    dword .r3_9
        iretd
.r3_9:  mov     [es:RES+0x44], ds
        mov     [es:RES+0x46], es
        mov     [es:RES+0x48], fs
        mov     [es:RES+0x4A], gs
        mov     [es:RES+0x4C], esp
        int     VEC_R3INT
.c9r:   nop
.c9:    EXPECT  VEC_R3INT, -1, .c9r, "iret-r3"
        CHECKM  [RES+0x44], 0xFFFF, 0, "iret-r3-ds-nulled"
        CHECKM  [RES+0x46], 0xFFFF, SEL_DATA32_R3, "iret-r3-es-kept"
        CHECKM  [RES+0x48], 0xFFFF, 0, "iret-r3-fs-nulled"
        CHECKM  [RES+0x4A], 0xFFFF, SEL_CONF0, "iret-r3-gs-conforming-kept"
        CHECK   [RES+0x4C], STACK3_TOP-0x10, "iret-r3-esp"
        ; the interrupt back to ring 0 switched to the TSS stack
        CHECK   [exc_esp], STACK3_TOP-0x10, "int-r3-pushed-esp"
        CHECK   [exc_ss], SEL_DATA32_R3, "int-r3-pushed-ss"
        CHECK   [exc_curesp], ISTACK_TOP-20-8, "int-r3-handler-esp"
        MSG     "gates: iret to ring 3 ok", 10

        ; ------------------------------------------------ interrupt vs trap gate
        POST    0x17
        mov     al, 0xFF                        ; mask both PICs before IF=1
        out     0x21, al
        out     0xA1, al
        TRY     .c10
        sti
        int     VEC_INTG
.c10r:  nop
.c10:   EXPECT  VEC_INTG, -1, .c10r, "int-gate"
        CHECKM  [exc_efl], 0x200, 0x200, "int-gate-pushed-if"
        CHECKM  [exc_hefl], 0x200, 0, "int-gate-clears-if"
        TRY     .c11
        sti
        int     VEC_TRAPG
.c11r:  nop
.c11:   EXPECT  VEC_TRAPG, -1, .c11r, "trap-gate"
        CHECKM  [exc_efl], 0x200, 0x200, "trap-gate-pushed-if"
        CHECKM  [exc_hefl], 0x200, 0x200, "trap-gate-keeps-if"
        ; TF is cleared by both kinds of gate
        TRY     .c12
        pushfd
        or      dword [esp], 0x100
        popfd
        int     VEC_TRAPG
.c12r:  nop
.c12:   EXPECT  VEC_TRAPG, -1, .c12r, "trap-gate-tf"
        CHECKM  [exc_efl], 0x100, 0x100, "trap-gate-pushed-tf"
        CHECKM  [exc_hefl], 0x100, 0, "trap-gate-clears-tf"
        cli
        MSG     "gates: interrupt/trap gates ok", 10

        POST    0xFF
        PASS_HALT

; ------------------------------------------------ gate targets
; ring 0 through SEL_CG3 (2 parameters)
cg0_handler:
        mov     [ss:RES+0x00], esp
        push    eax
        mov     eax, [esp+4]
        mov     [ss:RES+0x04], eax
        mov     eax, [esp+8]
        mov     [ss:RES+0x08], eax
        mov     eax, [esp+12]
        mov     [ss:RES+0x0C], eax
        mov     eax, [esp+16]
        mov     [ss:RES+0x10], eax
        mov     eax, [esp+20]
        mov     [ss:RES+0x14], eax
        mov     eax, [esp+24]
        mov     [ss:RES+0x18], eax
        pop     eax
        mov     word [ss:RES+0x1C], ss
        mov     word [ss:RES+0x1E], 0
        mov     word [ss:RES+0x20], cs
        mov     word [ss:RES+0x22], 0
        mov     [ss:RES+0x24], esi
        mov     word [ss:RES+0x28], ds
        mov     word [ss:RES+0x2A], 0
        mov     ax, SEL_DATA32
        mov     ds, ax                          ; DPL0: will be nulled
        mov     gs, ax                          ; DPL0: will be nulled
        mov     eax, 0x600DCA11
        retf    8

; ring 1 through SEL_CG1 (DS = SEL_DATA32_R3 is usable at CPL 1)
cg1_handler:
        mov     [RES+0x00], esp
        mov     eax, [esp]
        mov     [RES+0x04], eax
        mov     eax, [esp+4]
        mov     [RES+0x08], eax
        mov     eax, [esp+8]
        mov     [RES+0x0C], eax
        mov     eax, [esp+12]
        mov     [RES+0x10], eax
        mov     dword [RES+0x1C], 0
        mov     [RES+0x1C], ss
        mov     dword [RES+0x20], 0
        mov     [RES+0x20], cs
        retf

; ring 0 -> ring 0
cgs_handler:
        mov     [RES+0x00], esp
        mov     eax, [esp]
        mov     [RES+0x04], eax
        mov     eax, [esp+4]
        mov     [RES+0x08], eax
        retf

; conforming code, called from ring 3
conf_func:
        mov     ebx, cs
        mov     ecx, esp
        mov     edx, ss
        retf
