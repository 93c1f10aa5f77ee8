; system.asm - the instructions no other ROM exercises: near Jcc (0F 8x) for all 16 conditions,
; LOOPE/LOOPNE/JCXZ, far-pointer loads (LES LDS LSS LFS LGS), SLDT STR SGDT SIDT SMSW LMSW,
; LAR LSL VERR VERW, INVD WBINVD, RDMSR WRMSR RDTSC RDPMC (with CR4.TSD and CPL checks),
; SYSENTER/SYSEXIT (SDM vol.2 SYSENTER: CS/SS from IA32_SYSENTER_CS, flat, IF/VM/RF cleared),
; and REP OUTSB. Expected values come from the SDM; the ROM passes on QEMU and Bochs.
%include "common.inc"

SEL_SE_CS       equ SEL_FREE            ; 0x40 IA32_SYSENTER_CS: ring-0 code, +8 ring-0 stack,
SEL_SE_SS       equ SEL_FREE+8          ; +16 ring-3 code, +24 ring-3 stack (SDM vol.2 SYSEXIT)
SEL_SX_CS       equ SEL_FREE+16
SEL_SX_SS       equ SEL_FREE+24
SEL_LDT         equ SEL_FREE+32         ; an LDT descriptor for LLDT/SLDT
RES             equ SCRATCH             ; results written by ring-3 code
SE_STACK        equ 0x0E000             ; ESP loaded by SYSENTER

TEXT16
bits 16
reset_entry:
        POST    0x01
        call    init16
        MSG     "system: start", 10
        ENTER_PM32 pm_entry

section .rodata32
farptr32:       dd 0x12345678
                dw SEL_DATA32
farptr16:       dw 0xBEEF
                dw SEL_DATA32
outs_bytes:     db 0x12, 0xFB
jcc_flags:      dd 0x002, 0x8D7, 0x043, 0x882, 0x802, 0x086, 0x007
jcc_expect:     dd 0xAAAA, 0x6555, 0x6A56, 0xA9A9, 0x5AA9, 0x55AA, 0xA666
JCC_CASES       equ 7

TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

; one near Jcc: sets bit %1 of EBX when taken (without touching the flags under test)
%macro JCCN 2
        j%2     near %%t
        jmp     near %%n
%%t:    lea     ebx, [ebx + (1 << %1)]  ; LEA leaves the flags alone
%%n:
%endmacro

pm_main:
        POST    0x10
        ; ------------------------------------------------ Jcc rel32, all conditions
        xor     esi, esi
.jl:    mov     eax, [jcc_flags + esi*4]
        push    eax
        popfd
        xor     ebx, ebx                ; xor changes flags: reload them
        push    eax
        popfd
        JCCN    0, o
        JCCN    1, no
        JCCN    2, b
        JCCN    3, nb
        JCCN    4, z
        JCCN    5, nz
        JCCN    6, be
        JCCN    7, nbe
        JCCN    8, s
        JCCN    9, ns
        JCCN    10, p
        JCCN    11, np
        JCCN    12, l
        JCCN    13, nl
        JCCN    14, le
        JCCN    15, nle
        CHECK   ebx, [jcc_expect + esi*4], "jcc-near-mask"
        inc     esi
        cmp     esi, JCC_CASES
        jb      .jl
        ; LOOPE/LOOPNE stop on the count or ZF; JCXZ/JECXZ; the 16-bit counter with a16
        mov     ecx, 5
        xor     eax, eax
.le:    inc     eax
        cmp     eax, eax                ; ZF=1
        loope   .le
        CHECK   eax, 5, "loope-count"
        mov     ecx, 5
        xor     eax, eax
.ln:    inc     eax
        cmp     eax, 2                  ; ZF=1 when eax == 2
        loopne  .ln
        CHECK   eax, 2, "loopne-zf"
        CHECK   ecx, 3, "loopne-ecx"
        mov     ecx, 0x10000
        jcxz    .cx0                    ; CX (67h prefix) is 0, ECX is not
        FAILMSG "jcxz-a16"
.cx0:   mov     ecx, 0x10000
        jecxz   .cxbad
        mov     ecx, 0x00010001
        loop    .cxl, cx                ; CX 1 -> 0: falls through, upper half kept
        jmp     .cxok
.cxl:   FAILMSG "loop-a16-taken"
.cxbad: FAILMSG "jecxz-taken"
.cxok:  CHECK   ecx, 0x00010000, "loop-a16-ecx"
        MSG     "system: jcc loop jcxz ok", 10

        ; ------------------------------------------------ far-pointer loads
        POST    0x11
        xor     ebx, ebx
        mov     ax, SEL_DATA16
        mov     es, ax
        les     ebx, [farptr32]
        CHECK   ebx, 0x12345678, "les-offset"
        mov     ax, es
        and     eax, 0xFFFF
        CHECK   eax, SEL_DATA32, "les-selector"
        lfs     ecx, [farptr32]
        lgs     edx, [farptr32]
        mov     ax, fs
        and     eax, 0xFFFF
        CHECK   eax, SEL_DATA32, "lfs-selector"
        mov     ax, gs
        and     eax, 0xFFFF
        CHECK   eax, SEL_DATA32, "lgs-selector"
        CHECK   ecx, 0x12345678, "lfs-offset"
        mov     edi, 0xFFFFFFFF
        o16 lds di, [farptr16]
        CHECK   edi, 0xFFFFBEEF, "lds-16-offset"
        mov     ax, ds
        and     eax, 0xFFFF
        CHECK   eax, SEL_DATA32, "lds-selector"
        mov     esi, esp
        lss     esp, [farptr32]
        mov     eax, esp
        mov     esp, esi                ; SS is the same flat segment
        CHECK   eax, 0x12345678, "lss-offset"
        ; a register operand is #UD (the 16/32-bit encodings C4/C5 with mod=11)
        TRY     .lx
.lxf:   db      0x0F, 0xB2, 0xC0        ; lss eax, eax
        NOEXC   "lss-reg"
.lx:    EXPECT  6, -1, .lxf, "lss-reg"
        MSG     "system: far pointer loads ok", 10

        ; ------------------------------------------------ descriptor registers
        POST    0x12
        sgdt    [tmp]
        movzx   eax, word [tmp]
        CHECK   eax, GDT_LIMIT, "sgdt-limit"
        CHECK   [tmp+2], GDT_BASE, "sgdt-base"
        sidt    [tmp]
        movzx   eax, word [tmp]
        CHECK   eax, IDT_LIMIT, "sidt-limit"
        CHECK   [tmp+2], IDT_BASE, "sidt-base"
        str     ax
        and     eax, 0xFFFF
        CHECK   eax, SEL_TSS0, "str"
        mov     eax, SEL_LDT
        mov     ebx, SCRATCH + 0x1000
        mov     ecx, 0xFF
        mov     edx, 0x82               ; present LDT
        call    set_desc
        mov     ax, SEL_LDT
        lldt    ax
        mov     eax, 0xFFFFFFFF
        sldt    eax                     ; 32-bit register: the selector, upper bits zero (P6)
        CHECK   eax, SEL_LDT, "sldt"
        xor     eax, eax
        lldt    ax
        sldt    ax
        and     eax, 0xFFFF
        CHECK   eax, 0, "sldt-null"
        ; SMSW/LMSW: LMSW loads PE MP EM TS but cannot clear PE (SDM vol.2 LMSW)
        smsw    eax
        CHECKM  eax, 0xF, 0x1, "smsw"
        mov     ax, 0x000E
        lmsw    ax
        mov     eax, cr0
        CHECKM  eax, 0xF, 0xF, "lmsw-set"
        xor     eax, eax
        lmsw    ax
        mov     eax, cr0
        CHECKM  eax, 0xF, 0x1, "lmsw-pe-stays"
        MSG     "system: sgdt sidt str sldt smsw lmsw ok", 10

        ; ------------------------------------------------ LAR LSL VERR VERW
        POST    0x13
        mov     eax, 0xFFFFFFFF
        mov     ecx, SEL_CODE32
        lar     eax, ecx
        jnz     .larf
        ; bits 19:16 are undefined (SDM vol.2 LAR): compare type, S, DPL, P, AVL, D, G
        CHECKM  eax, 0x00F0FF00, 0x00C09B00, "lar-code32"
        lsl     eax, ecx
        jnz     .larf
        CHECK   eax, 0xFFFFFFFF, "lsl-code32"
        mov     ecx, SEL_DATA16
        lsl     eax, ecx
        CHECK   eax, 0xFFFF, "lsl-data16"
        mov     ecx, SEL_TSS0
        lsl     eax, ecx                ; a TSS is valid for LSL and LAR
        jnz     .larf
        CHECK   eax, TSS0_LIMIT, "lsl-tss"
        lar     eax, ecx
        jnz     .larf
        CHECKM  eax, 0x1F00, 0x0B00, "lar-tss-busy"
        mov     eax, 0x11111111
        xor     ecx, ecx
        lar     eax, ecx                ; null selector: ZF=0, destination unchanged
        jz      .larf
        CHECK   eax, 0x11111111, "lar-null-unchanged"
        mov     ecx, 0xFFF8             ; beyond the GDT limit
        lsl     eax, ecx
        jz      .larf
        mov     ecx, SEL_DATA32 | 3     ; RPL 3 > DPL 0
        lar     eax, ecx
        jz      .larf
        mov     ax, SEL_CODE32
        verr    ax                      ; readable code
        jnz     .larf
        verw    ax                      ; code is never writable
        jz      .larf
        mov     ax, SEL_DATA32
        verw    ax
        jnz     .larf
        mov     ax, SEL_DATA32 | 3
        verr    ax                      ; RPL 3 > DPL 0
        jz      .larf
        mov     ax, SEL_DATA32_R3
        verw    ax
        jnz     .larf
        jmp     .larok
.larf:  FAILMSG "lar-lsl-verr-verw"
.larok: MSG     "system: lar lsl verr verw ok", 10

        ; ------------------------------------------------ caches, MSRs, TSC, PMCs
        POST    0x14
        mov     dword [tmp], 0x5A5A5A5A
        wbinvd
        CHECK   [tmp], 0x5A5A5A5A, "wbinvd-keeps-data"
        invd                            ; (on hardware INVD may drop dirty lines: no data check)
        mov     ecx, 0x174              ; IA32_SYSENTER_CS/ESP/EIP round trip
        mov     eax, SEL_SE_CS
        xor     edx, edx
        wrmsr
        mov     ecx, 0x175
        mov     eax, SE_STACK
        wrmsr
        mov     ecx, 0x176
        mov     eax, sysenter_target
        wrmsr
        mov     ecx, 0x174
        xor     eax, eax
        rdmsr
        CHECK   eax, SEL_SE_CS, "msr-sysenter-cs"
        mov     ecx, 0x176
        rdmsr
        CHECK   eax, sysenter_target, "msr-sysenter-eip"
        ; the TSC counts up and can be written (IA32_TIME_STAMP_COUNTER, MSR 0x10)
        rdtsc
        mov     esi, eax
        mov     edi, edx
        rdtsc
        sub     eax, esi
        sbb     edx, edi
        CHECK   edx, 0, "tsc-delta-high"
        cmp     eax, 0
        jne     .tsc1
        FAILMSG "tsc-not-counting"
.tsc1:  ; WRMSR 10h sets the TSC. A P6 writes only the low 32 bits and clears the high half
        ; (SDM vol.3 §17.17); later CPUs write all 64 (Bochs models that), so only a value
        ; with a zero high half is checked: it reads back a little larger
        mov     ecx, 0x10
        mov     eax, 0x1000
        xor     edx, edx
        wrmsr
        rdtsc
        CHECK   edx, 0, "tsc-write-high"
        sub     eax, 0x1000
        cmp     eax, 0x10000000
        jb      .tsc2
        FAILMSG "tsc-write-low"
.tsc2:
%ifdef HW_ONLY
        ; QEMU's TCG raises #UD for RDPMC (it has no performance counters); the SDM (vol.2
        ; RDPMC) allows it at CPL 0 whatever CR4.PCE says. Checked on Bochs and tab86.
        xor     ecx, ecx
        rdpmc
%endif
        MSG     "system: wbinvd invd msr tsc ok", 10

        ; ------------------------------------------------ CPL 3: privileged forms and TSD
        POST    0x15
        TRY     .p1
        mov     ebx, .r3_rdmsr
        mov     edx, 2
        jmp     go_ring3
.r3_rdmsr:
        mov     ecx, 0x10
        rdmsr
        int     VEC_RET0
.p1:    EXPECT  13, 0, .r3_rdmsr+5, "rdmsr-cpl3"
        TRY     .p2
        mov     ebx, .r3_invd
        mov     edx, 2
        jmp     go_ring3
.r3_invd:
        wbinvd
        int     VEC_RET0
.p2:    EXPECT  13, 0, .r3_invd, "wbinvd-cpl3"
        mov     eax, cr4
        or      eax, 4                  ; CR4.TSD: RDTSC only at CPL 0
        mov     cr4, eax
        TRY     .p3
        mov     ebx, .r3_tsc
        mov     edx, 2
        jmp     go_ring3
.r3_tsc:
        rdtsc
        int     VEC_RET0
.p3:    EXPECT  13, 0, .r3_tsc, "rdtsc-tsd-cpl3"
        mov     eax, cr4
        and     eax, ~4
        mov     cr4, eax
        TRY     .p4
        mov     ebx, .r3_tsc2
        mov     edx, 2
        jmp     go_ring3
.r3_tsc2:
        rdtsc                           ; allowed with TSD clear
        int     VEC_RET0
.p4:    EXPECT  VEC_RET0, -1, -1, "rdtsc-cpl3"
%ifdef HW_ONLY
        TRY     .p5                     ; (QEMU: #UD, see above)
        mov     ebx, .r3_pmc
        mov     edx, 2
        jmp     go_ring3
.r3_pmc:
        xor     ecx, ecx
        rdpmc                           ; CR4.PCE clear at CPL 3
        int     VEC_RET0
.p5:    EXPECT  13, 0, .r3_pmc+2, "rdpmc-cpl3"
%endif
        MSG     "system: cpl3 checks ok", 10

        ; ------------------------------------------------ SYSENTER / SYSEXIT
        POST    0x16
        mov     eax, SEL_SE_CS
        xor     ebx, ebx
        mov     ecx, 0xFFFFF
        mov     edx, 0xC9B              ; ring-0 code (SYSENTER expects flat segments)
        call    set_desc
        mov     eax, SEL_SE_SS
        mov     edx, 0xC93
        call    set_desc
        mov     eax, SEL_SX_CS
        mov     edx, 0xCFB              ; ring-3 code
        call    set_desc
        mov     eax, SEL_SX_SS
        mov     edx, 0xCF3
        call    set_desc
        mov     dword [RES], 0
        TRY     .se
        mov     ebx, .r3_se
        mov     edx, 0x202              ; IF set in ring 3 (PICs are masked by init)
        jmp     go_ring3
.r3_se:
        mov     ecx, esp                ; SYSEXIT: ESP <- ECX, EIP <- EDX
        mov     edx, .r3_back
        sysenter
        int     VEC_RET0                ; not reached
.r3_back:
        mov     [RES+0x10], cs
        mov     [RES+0x14], ss
        mov     [RES+0x18], esp
        int     VEC_RET0
.se:    EXPECT  VEC_RET0, -1, -1, "sysenter-roundtrip"
        CHECK   [RES], 1, "sysenter-reached"
        CHECK   [RES+0x04], SEL_SE_CS, "sysenter-cs"
        CHECK   [RES+0x08], SEL_SE_SS, "sysenter-ss"
        CHECK   [RES+0x0C], SE_STACK, "sysenter-esp"
        CHECKM  [RES+0x20], 0x200, 0, "sysenter-clears-if"
        CHECKM  [RES+0x10], 0xFFFF, SEL_SX_CS | 3, "sysexit-cs"
        CHECKM  [RES+0x14], 0xFFFF, SEL_SX_SS | 3, "sysexit-ss"
        CHECK   [RES+0x18], STACK3_TOP, "sysexit-esp"
        ; SYSENTER with IA32_SYSENTER_CS = 0 is #GP(0)
        mov     ecx, 0x174
        xor     eax, eax
        xor     edx, edx
        wrmsr
        TRY     .se0
.se0f:  sysenter
        NOEXC   "sysenter-cs0"
.se0:   EXPECT  13, 0, .se0f, "sysenter-cs0"
        ; SYSEXIT at CPL 3 is #GP(0)
        mov     ecx, 0x174
        mov     eax, SEL_SE_CS
        xor     edx, edx
        wrmsr
        TRY     .sx3
        mov     ebx, .r3_sx
        mov     edx, 2
        jmp     go_ring3
.r3_sx: sysexit
        int     VEC_RET0
.sx3:   EXPECT  13, 0, .r3_sx, "sysexit-cpl3"
        MSG     "system: sysenter sysexit ok", 10

        ; ------------------------------------------------ REP OUTSB
        POST    0x17
        mov     esi, outs_bytes
        mov     ecx, 2
        mov     edx, 0x21               ; the master PIC's IMR: a register that reads back
        rep outsb
        in      al, dx
        and     eax, 0xFF
        CHECK   eax, 0xFB, "outsb-last-byte"
        CHECK   ecx, 0, "outsb-ecx"
        CHECK   esi, outs_bytes + 2, "outsb-esi"
        mov     al, 0xFF
        out     0x21, al
        MSG     "system: outs ok", 10
        PASS_HALT

; ring 0, entered by SYSENTER from ring 3: record CS SS ESP EFLAGS, then SYSEXIT
sysenter_target:
        mov     dword [ss:RES], 1
        mov     [ss:RES+0x04], cs
        mov     [ss:RES+0x08], ss
        mov     [ss:RES+0x0C], esp
        pushfd
        pop     dword [ss:RES+0x20]
        sysexit
