; exceptions.asm - provoke every exception the CPU can raise and check the
; vector, the error code and the saved CS:EIP (faults: the faulting
; instruction; traps: the next one).
%include "common.inc"

SEL_NP_DATA     equ SEL_FREE+0x00   ; RW data, not present
SEL_XO_CODE     equ SEL_FREE+0x08   ; execute-only code
SEL_SMALL_CODE  equ SEL_FREE+0x10   ; 32-bit code, base 0, limit 0xFFF
SEL_NP_CODE     equ SEL_FREE+0x18   ; code, not present
SEL_BADTSS      equ SEL_FREE+0x20   ; TSS descriptor with limit 0x50 (< 0x67)
SEL_CODE32_R1   equ SEL_FREE+0x28+1 ; DPL1 flat code
SEL_RO_DATA     equ SEL_FREE+0x30   ; read-only data
SEL_LIM_DATA    equ SEL_FREE+0x40   ; RW data base 0 limit 0xFFF (byte granular)
SEL_LIM_STK_R3  equ SEL_FREE+0x48+3 ; ring-3 stack base 0 limit 0xFFFF
SEL_LDT         equ SEL_FREE+0x50   ; LDT descriptor (3 entries at LDT_ADDR)
LDT_ADDR        equ SCRATCH+0x1000

VEC_NPGATE      equ 0x41
VEC_DPL0GATE    equ 0x42
VEC_R1GATE      equ 0x43

TEXT16
bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "exceptions: start", 10

        ; ------------------------------------------------ real mode (IVT path)
        POST    0x02
        TRY     .r1
        xor     cx, cx
.rf1:   div     cx
        NOEXC   "rm-de"
.r1:    EXPECT  0, -1, .rf1, "rm-de"
        CHECK   [exc_cs], 0xF000, "rm-de-cs"

        TRY     .r2
.rf2:   ud2
        NOEXC   "rm-ud"
.r2:    EXPECT  6, -1, .rf2, "rm-ud"

        TRY     .r3
        int3
.rf3:   NOEXC   "rm-bp"
.r3:    EXPECT  3, -1, .rf3, "rm-bp"

        TRY     .r4
        mov     al, 0x7F
        add     al, 1
        into
.rf4:   NOEXC   "rm-of"
.r4:    EXPECT  4, -1, .rf4, "rm-of"

        TRY     .r5
        mov     ax, 30
.rf5:   bound   ax, [cs:bnd16]
        NOEXC   "rm-br"
.r5:    EXPECT  5, -1, .rf5, "rm-br"

        ; an interrupt whose vector is beyond the IDTR limit: #GP (vector 13)
        o32 lidt [cs:idtr_rm_small]
        TRY     .r6
.rf6:   int     0x50
        NOEXC   "rm-idt-limit"
.r6:    o32 lidt [cs:idtr_rm]
        EXPECT  13, -1, .rf6, "rm-idt-limit"
        MSG     "exceptions: real mode ok", 10

        POST    0x03
        ENTER_PM32 pm_entry

section .rodata16
bnd16:          dw 10, 20
idtr_rm_small:  dw 0x50*4-1
                dd 0
idtr_rm:        dw 0x3FF
                dd 0

; ============================================================ protected mode
TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

pm_main:
        POST    0x10
        ; test descriptors
        mov     eax, SEL_NP_DATA
        xor     ebx, ebx
        mov     ecx, 0xFFFFF
        mov     edx, 0xC13
        call    set_desc
        mov     eax, SEL_XO_CODE
        mov     edx, 0xC99
        call    set_desc
        mov     eax, SEL_NP_CODE
        mov     edx, 0xC1B
        call    set_desc
        mov     eax, SEL_CODE32_R1
        mov     edx, 0xCBB
        call    set_desc
        mov     eax, SEL_RO_DATA
        mov     edx, 0xC91
        call    set_desc
        mov     eax, SEL_SMALL_CODE
        mov     ecx, 0xFFF
        mov     edx, 0x49B
        call    set_desc
        mov     eax, SEL_LIM_DATA
        mov     edx, 0x493
        call    set_desc
        mov     eax, SEL_LIM_STK_R3
        mov     ecx, 0xFFFF
        mov     edx, 0x4F3
        call    set_desc
        mov     eax, SEL_BADTSS
        mov     ebx, 0x5000
        mov     ecx, 0x50
        mov     edx, 0x089
        call    set_desc
        ; gates
        mov     eax, VEC_NPGATE
        mov     ebx, exc_stub_stray
        mov     ecx, SEL_CODE32
        mov     edx, 0x0E                       ; 32-bit interrupt gate, P=0
        call    set_gate
        mov     eax, VEC_DPL0GATE
        mov     edx, 0x8E                       ; DPL0
        call    set_gate
        mov     eax, VEC_R1GATE
        mov     ebx, ring1_handler
        mov     ecx, SEL_CODE32_R1
        mov     edx, 0xEE                       ; DPL3 gate into ring 1
        call    set_gate
        xor     eax, eax
        lldt    ax

        ; ------------------------------------------------ #DE
        POST    0x11
        TRY     .de1
        xor     ecx, ecx
        mov     eax, 1
        xor     edx, edx
.def1:  div     ecx
        NOEXC   "de-div0"
.de1:   EXPECT  0, -1, .def1, "de-div0"
        CHECK   [exc_cs], SEL_CODE32, "de-div0-cs"

        TRY     .de2
        mov     edx, 1
        xor     eax, eax
        mov     ecx, 1
.def2:  div     ecx                             ; quotient 2^32 does not fit
        NOEXC   "de-div-overflow"
.de2:   EXPECT  0, -1, .def2, "de-div-overflow"

        TRY     .de3
        mov     eax, 0x80000000
        cdq
        mov     ecx, -1
.def3:  idiv    ecx                             ; -2^31 / -1
        NOEXC   "de-idiv-overflow"
.de3:   EXPECT  0, -1, .def3, "de-idiv-overflow"

        TRY     .de4
        mov     ax, 0x1234
.def4:  db      0xD4, 0x00                      ; aam 0
        NOEXC   "de-aam0"
.de4:   EXPECT  0, -1, .def4, "de-aam0"

        TRY     .de5
        mov     ax, 0x8000
        mov     cl, 2
.def5:  div     cl                              ; 0x8000/2 = 0x4000 > 0xFF
        NOEXC   "de-div8-overflow"
.de5:   EXPECT  0, -1, .def5, "de-div8-overflow"
        MSG     "exceptions: #DE ok", 10

        ; ------------------------------------------------ #DB
        POST    0x12
        xor     eax, eax
        mov     dr6, eax
        TRY     .db1
        pushfd
        or      dword [esp], 0x100
        popfd
        nop                                     ; single-step trap after this one
.dbf1:  nop
        nop
        NOEXC   "db-tf"
.db1:   EXPECT  1, -1, .dbf1, "db-tf"
        CHECKM  [exc_efl], 0x100, 0x100, "db-tf-pushed-tf"
        CHECKM  [exc_hefl], 0x100, 0, "db-tf-handler-tf"
        mov     eax, dr6
        CHECKM  eax, 0x400F, 0x4000, "db-tf-dr6"

        ; data write breakpoint (trap, after the write)
        xor     eax, eax
        mov     dr6, eax
        mov     eax, tmp+16
        mov     dr0, eax
        mov     eax, 0x000D0001                 ; L0, RW0=01 (write), LEN0=11 (4 bytes)
        mov     dr7, eax
        mov     dword [tmp+20], 0               ; not watched
        mov     eax, [tmp+16]                   ; a read does not trigger
        TRY     .db2
        mov     dword [tmp+16], 5
.dbf2:  nop
        NOEXC   "db-data-bp"
.db2:   xor     eax, eax
        mov     dr7, eax
        EXPECT  1, -1, .dbf2, "db-data-bp"
        CHECK   [tmp+16], 5, "db-data-bp-written"
        mov     eax, dr6
        CHECKM  eax, 0x400F, 0x0001, "db-data-bp-dr6"

        ; instruction breakpoint (fault, before the instruction)
        xor     eax, eax
        mov     dr6, eax
        mov     eax, .dbf3
        mov     dr1, eax
        mov     eax, 0x00000004                 ; L1, RW1=00 (execute), LEN1=00
        mov     dr7, eax
        TRY     .db3
        nop
.dbf3:  inc     eax
        NOEXC   "db-exec-bp"
.db3:   xor     eax, eax
        mov     dr7, eax
        EXPECT  1, -1, .dbf3, "db-exec-bp"
        mov     eax, dr6
        CHECKM  eax, 0x400F, 0x0002, "db-exec-bp-dr6"

%ifdef HW_ONLY
        ; Left out by default: INT1/ICEBP (F1) raises a #DB trap (SDM vol.2 "INT n/
        ; INTO/INT3/INT1"), but QEMU 7.2 TCG only decodes it under #ifdef WANT_ICEBP
        ; and raises #UD instead.
        TRY     .db4
        db      0xF1
.dbf4:  NOEXC   "db-icebp"
.db4:   EXPECT  1, -1, .dbf4, "db-icebp"
%endif
        MSG     "exceptions: #DB ok", 10

        ; ------------------------------------------------ #BP #OF #BR
        POST    0x13
        TRY     .bp1
        int3
.bpf1:  NOEXC   "bp-int3"
.bp1:   EXPECT  3, -1, .bpf1, "bp-int3"

        TRY     .of1
        mov     al, 0x7F
        add     al, 1
        into
.off1:  NOEXC   "of-into"
.of1:   EXPECT  4, -1, .off1, "of-into"
        ; into with OF clear does nothing
        TRY     .of2
        xor     eax, eax
        into
        mov     dword [catch_eip], 0
        jmp     .of3
.of2:   FAILMSG "of-into-of0-trapped"
.of3:
        TRY     .br1
        mov     eax, 21
.brf1:  bound   eax, [bnd32]
        NOEXC   "br-above"
.br1:   EXPECT  5, -1, .brf1, "br-above"
        TRY     .br2
        mov     eax, 9
.brf2:  bound   eax, [bnd32]
        NOEXC   "br-below"
.br2:   EXPECT  5, -1, .brf2, "br-below"
        TRY     .br3
        mov     eax, 20
        bound   eax, [bnd32]
        mov     eax, 10
        bound   eax, [bnd32]
        mov     dword [catch_eip], 0
        jmp     .br4
.br3:   FAILMSG "br-in-range-trapped"
.br4:   MSG     "exceptions: #BP #OF #BR ok", 10

        ; ------------------------------------------------ #UD
        POST    0x14
        TRY     .ud1
.udf1:  ud2
        NOEXC   "ud-ud2"
.ud1:   EXPECT  6, -1, .udf1, "ud-ud2"
        TRY     .ud2
.udf2:  db      0x0F, 0xFF                      ; ud0
        NOEXC   "ud-ud0"
.ud2:   EXPECT  6, -1, .udf2, "ud-ud0"
        TRY     .ud3
.udf3:  db      0x8D, 0xC0                      ; lea eax, eax (register operand)
        NOEXC   "ud-lea-reg"
.ud3:   EXPECT  6, -1, .udf3, "ud-lea-reg"
        TRY     .ud4
.udf4:  db      0xF0, 0x90                      ; lock nop
        NOEXC   "ud-lock-nop"
.ud4:   EXPECT  6, -1, .udf4, "ud-lock-nop"
        TRY     .ud5
.udf5:  db      0xF0, 0x01, 0xD8                ; lock add eax, ebx (register destination)
        NOEXC   "ud-lock-reg"
.ud5:   EXPECT  6, -1, .udf5, "ud-lock-reg"
        TRY     .ud6
.udf6:  db      0x8C, 0xF8                      ; mov ax, <sreg 7>
        NOEXC   "ud-mov-sreg7"
.ud6:   EXPECT  6, -1, .udf6, "ud-mov-sreg7"
        TRY     .ud7
.udf7:  db      0x8E, 0xC8                      ; mov cs, ax
        NOEXC   "ud-mov-cs"
.ud7:   EXPECT  6, -1, .udf7, "ud-mov-cs"
        ; lock on a lockable read-modify-write memory form is fine
        TRY     .ud8
        lock add dword [tmp], 1
        mov     dword [catch_eip], 0
        jmp     .ud9
.ud8:   FAILMSG "ud-lock-mem-trapped"
.ud9:   MSG     "exceptions: #UD ok", 10

        ; ------------------------------------------------ #NM #MF
        POST    0x15
        mov     eax, cr0
        and     eax, ~0x0E                      ; MP EM TS clear
        or      eax, 0x20                       ; NE
        mov     cr0, eax
        fninit
        mov     eax, cr0
        or      eax, 0x04                       ; EM
        mov     cr0, eax
        TRY     .nm1
.nmf1:  fld1
        NOEXC   "nm-em"
.nm1:   EXPECT  7, -1, .nmf1, "nm-em"
        mov     eax, cr0
        xor     eax, 0x0C                       ; EM off, TS on
        mov     cr0, eax
        TRY     .nm2
.nmf2:  fld1
        NOEXC   "nm-ts"
.nm2:   EXPECT  7, -1, .nmf2, "nm-ts"
        TRY     .nm3                            ; TS=1 MP=0: wait does not fault
        fwait
        mov     dword [catch_eip], 0
        jmp     .nm4
.nm3:   FAILMSG "nm-wait-mp0-trapped"
.nm4:   mov     eax, cr0
        or      eax, 0x02                       ; MP
        mov     cr0, eax
        TRY     .nm5
.nmf5:  fwait
        NOEXC   "nm-wait-mp1"
.nm5:   EXPECT  7, -1, .nmf5, "nm-wait-mp1"
        clts
        ; #MF: unmasked zero-divide, reported at the next waiting FPU instruction. Only a CPU
        ; with an FPU can raise it (CPUID.1:EDX bit 0, SDM vol.2 CPUID); without one the
        ; escapes above are all the CPU does (SDM vol.3 §2.5, CR0.EM/TS)
        mov     eax, 1
        cpuid
        test    dl, 1
        jnz     .mf_fpu
        MSG     "exceptions: #NM ok, #MF skipped (CPUID reports no FPU)", 10
        jmp     .mf_done
.mf_fpu:
        fninit
        fldcw   [fpu_cw_zm]
        fld1
        fldz
        fdivp   st1, st0
        TRY     .mf1
.mff1:  fwait
        NOEXC   "mf"
.mf1:   fnstsw  ax
        fnclex
        fninit
        EXPECT  16, -1, .mff1, "mf"
        CHECKM  eax, 0x0084, 0x0084, "mf-fsw-es-ze"
        MSG     "exceptions: #NM #MF ok", 10
.mf_done:

        ; ------------------------------------------------ #DF
        POST    0x16
        and     byte [IDT_BASE+0*8+5], 0x7F     ; #DE gate not present
        TRY     .df1
        xor     ecx, ecx
        div     ecx                             ; #DE -> #NP while delivering -> #DF
        NOEXC   "df"
.df1:   or      byte [IDT_BASE+0*8+5], 0x80
        EXPECT  8, 0, -1, "df"                  ; saved CS:EIP are undefined for #DF
        MSG     "exceptions: #DF ok", 10

        ; ------------------------------------------------ #TS
        POST    0x17
        TRY     .ts1
.tsf1:  jmp     SEL_BADTSS:0
        NOEXC   "ts-tss-limit"
.ts1:   EXPECT  10, SEL_BADTSS, .tsf1, "ts-tss-limit"
        ; int from ring 3 through a DPL3 gate into ring 1 whose TSS.ss1 has RPL 3
        mov     dword [TSS0+16], SEL_DATA32_R3
        TRY     .ts2
        mov     ebx, .ts2r3
        mov     edx, 2
        jmp     go_ring3
.ts2r3: int     VEC_R1GATE
        int     VEC_RET0
.ts2:   mov     dword [TSS0+16], SEL_DATA32
        EXPECT  10, SEL_DATA32_R3 & 0xFFFC, .ts2r3, "ts-ss1"
        CHECK   [exc_cs], SEL_CODE32_R3, "ts-ss1-cs"
        MSG     "exceptions: #TS ok", 10

        ; ------------------------------------------------ #NP
        POST    0x18
        TRY     .np1
        mov     ax, SEL_NP_DATA
.npf1:  mov     ds, ax
        NOEXC   "np-ds"
.np1:   EXPECT  11, SEL_NP_DATA, .npf1, "np-ds"
        TRY     .np2
        mov     ax, SEL_NP_DATA
.npf2:  mov     fs, ax
        NOEXC   "np-fs"
.np2:   EXPECT  11, SEL_NP_DATA, .npf2, "np-fs"
        TRY     .np3
.npf3:  int     VEC_NPGATE
        NOEXC   "np-gate"
.np3:   EXPECT  11, VEC_NPGATE*8+2, .npf3, "np-gate"
        TRY     .np4
.npf4:  jmp     SEL_NP_CODE:0
        NOEXC   "np-code"
.np4:   EXPECT  11, SEL_NP_CODE, .npf4, "np-code"
        ; through an LDT: TI=1 in the error code
        mov     dword [LDT_ADDR+0], 0
        mov     dword [LDT_ADDR+4], 0
        mov     dword [LDT_ADDR+8], 0x0000FFFF          ; 1: data, not present
        mov     dword [LDT_ADDR+12], 0x00CF1300
        mov     dword [LDT_ADDR+16], 0x0000FFFF         ; 2: data, present
        mov     dword [LDT_ADDR+20], 0x00CF9300
        mov     eax, SEL_LDT
        mov     ebx, LDT_ADDR
        mov     ecx, 3*8-1
        mov     edx, 0x082
        call    set_desc
        mov     ax, SEL_LDT
        lldt    ax
        mov     ax, 2*8+4
        mov     gs, ax                                  ; valid LDT selector loads
        TRY     .np5
        mov     ax, 1*8+4
.npf5:  mov     gs, ax
        NOEXC   "np-ldt"
.np5:   EXPECT  11, 1*8+4, .npf5, "np-ldt"
        TRY     .np6
        mov     ax, 3*8+4+3                             ; beyond the LDT limit, RPL 3
.npf6:  mov     gs, ax
        NOEXC   "gp-ldt-limit"
.np6:   EXPECT  13, 3*8+4, .npf6, "gp-ldt-limit"
        xor     eax, eax
        lldt    ax
        MSG     "exceptions: #NP ok", 10

        ; ------------------------------------------------ #SS
        POST    0x19
        TRY     .ss1
        mov     ax, SEL_NP_DATA
.ssf1:  mov     ss, ax
        NOEXC   "ss-not-present"
.ss1:   EXPECT  12, SEL_NP_DATA, .ssf1, "ss-not-present"
%ifdef HW_ONLY
        ; Left out by default: stack-limit violation -> #SS(0) (SDM vol.3 6.15
        ; "Interrupt 12 - Stack Fault Exception", 5.3 "Limit Checking").  QEMU 7.2
        ; TCG performs no segment-limit checks on data/stack accesses.
        ; Done at CPL 3 so that the handler runs on the TSS ring-0 stack.
        TRY     .ss2
        mov     ebx, .ss2r3
        mov     edx, 2
        jmp     go_ring3
.ss2r3: mov     ax, SEL_LIM_STK_R3
        mov     ss, ax
        mov     esp, 0x10002
.ssf2:  push    eax                             ; writes 0xFFFE..0x10001
        int     VEC_RET0
.ss2:   EXPECT  12, 0, .ssf2, "ss-limit"
%endif
        MSG     "exceptions: #SS ok", 10

        ; ------------------------------------------------ #GP
        POST    0x1A
        TRY     .gp1
        mov     ax, GDT_LIMIT+1
.gpf1:  mov     ds, ax
        NOEXC   "gp-gdt-limit"
.gp1:   EXPECT  13, GDT_LIMIT+1, .gpf1, "gp-gdt-limit"
        TRY     .gp2
        mov     ax, 0x0C                        ; TI=1 with a null LDTR
.gpf2:  mov     es, ax
        NOEXC   "gp-ldt-null"
.gp2:   EXPECT  13, 0x0C, .gpf2, "gp-ldt-null"
        TRY     .gp3
        mov     ax, SEL_XO_CODE
.gpf3:  mov     ds, ax
        NOEXC   "gp-ds-exec-only"
.gp3:   EXPECT  13, SEL_XO_CODE, .gpf3, "gp-ds-exec-only"
        TRY     .gp4
        mov     ax, SEL_RO_DATA
.gpf4:  mov     ss, ax
        NOEXC   "gp-ss-readonly"
.gp4:   EXPECT  13, SEL_RO_DATA, .gpf4, "gp-ss-readonly"
        TRY     .gp5
        mov     ax, SEL_DATA32_R3
.gpf5:  mov     ss, ax
        NOEXC   "gp-ss-dpl3"
.gp5:   EXPECT  13, SEL_DATA32_R3 & 0xFFFC, .gpf5, "gp-ss-dpl3"
        TRY     .gp6
        xor     eax, eax
.gpf6:  mov     ss, ax
        NOEXC   "gp-ss-null"
.gp6:   EXPECT  13, 0, .gpf6, "gp-ss-null"
        TRY     .gp7
.gpf7:  jmp     SEL_DATA32:0
        NOEXC   "gp-jmp-data"
.gp7:   EXPECT  13, SEL_DATA32, .gpf7, "gp-jmp-data"
        TRY     .gp8
.gpf8:  jmp     SEL_SMALL_CODE:0x2000           ; beyond the CS limit
        NOEXC   "gp-cs-limit"
.gp8:   EXPECT  13, 0, .gpf8, "gp-cs-limit"
        ; IDT limit: int beyond the IDTR limit -> #GP(n*8+2)
        lidt    [idtr_small]
        TRY     .gp9
.gpf9:  int     0x40
        NOEXC   "gp-idt-limit"
.gp9:   lidt    [idtr_full]
        EXPECT  13, 0x40*8+2, .gpf9, "gp-idt-limit"
%ifdef HW_ONLY
        ; Left out by default: QEMU 7.2 TCG does no limit/type/null checks on
        ; data accesses.  SDM vol.3 5.3 "Limit Checking" (offset beyond the DS
        ; limit -> #GP(0)), 5.4.1 "Null Segment Selector Checking" (memory access
        ; through a null DS -> #GP(0)) and 5.4 "Type Checking" (write through a
        ; read-only data or a code segment -> #GP(0)).
        TRY     .gph1
        mov     ax, SEL_LIM_DATA
        mov     ds, ax
.gphf1: mov     eax, [0x1000]
        NOEXC   "gp-ds-limit"
.gph1:  EXPECT  13, 0, .gphf1, "gp-ds-limit"
        TRY     .gph2
        xor     eax, eax
        mov     es, ax
.gphf2: mov     eax, [es:0x20000]
        NOEXC   "gp-null-es"
.gph2:  EXPECT  13, 0, .gphf2, "gp-null-es"
        TRY     .gph3
        mov     ax, SEL_RO_DATA
        mov     ds, ax
        mov     eax, [SCRATCH]                  ; reading is fine
.gphf3: mov     [SCRATCH], eax
        NOEXC   "gp-write-ro-data"
.gph3:  EXPECT  13, 0, .gphf3, "gp-write-ro-data"
        TRY     .gph4
        mov     ax, SEL_CODE32                  ; readable code segment in DS
        mov     ds, ax
        mov     eax, [SCRATCH]
.gphf4: mov     [SCRATCH], eax
        NOEXC   "gp-write-code"
.gph4:  EXPECT  13, 0, .gphf4, "gp-write-code"
        ; EXT bit: #NP while delivering a single-step #DB (IDT[1] not present)
        ; must report EXT=1 (SDM vol.3 6.13 "Error Code"); QEMU reports EXT=0.
        and     byte [IDT_BASE+1*8+5], 0x7F
        TRY     .gph5
        pushfd
        or      dword [esp], 0x100
        popfd
        nop
        nop
        NOEXC   "np-ext"
.gph5:  or      byte [IDT_BASE+1*8+5], 0x80
        EXPECT  11, 1*8+2+1, -1, "np-ext"
%endif
        ; a null DS still loads fine in protected mode
        TRY     .gp10
        xor     eax, eax
        mov     ds, ax
        mov     ax, SEL_DATA32
        mov     ds, ax
        mov     dword [catch_eip], 0
        jmp     .gp11
.gp10:  FAILMSG "gp-null-load-trapped"
.gp11:
        ; privileged instructions at CPL 3
%macro R3GP 2                                   ; instruction bytes, name
        TRY     %%c
        mov     ebx, %%r3
        mov     edx, 2
        jmp     go_ring3
%%r3:   %1
        int     VEC_RET0
%%c:    EXPECT  13, 0, %%r3, %2
        CHECK   [exc_cs], SEL_CODE32_R3, %2
%endmacro
        R3GP    hlt, "gp-cpl3-hlt"
        R3GP    {mov cr0, eax}, "gp-cpl3-mov-cr0"
        R3GP    {lgdt [gdtr_dummy]}, "gp-cpl3-lgdt"
        R3GP    cli, "gp-cpl3-cli-iopl0"
        R3GP    {in al, 0x80}, "gp-cpl3-in-iopl0"
        R3GP    {mov dr7, eax}, "gp-cpl3-mov-dr7"
        R3GP    clts, "gp-cpl3-clts"
        ; int n from CPL 3 through a DPL 0 gate -> #GP(n*8+2)
        TRY     .gp20
        mov     ebx, .gp20r3
        mov     edx, 2
        jmp     go_ring3
.gp20r3: int    VEC_DPL0GATE
        int     VEC_RET0
.gp20:  EXPECT  13, VEC_DPL0GATE*8+2, .gp20r3, "gp-int-dpl0-gate"
        ; ... while the DPL 3 gate works from ring 3
        TRY     .gp21
        mov     ebx, .gp21r3
        mov     edx, 2
        jmp     go_ring3
.gp21r3: int    VEC_RET0
.gp21a: nop
.gp21:  EXPECT  VEC_RET0, -1, .gp21a, "int-dpl3-gate"
        CHECK   [exc_cs], SEL_CODE32_R3, "int-dpl3-gate-cs"
        CHECK   [exc_ss], SEL_DATA32_R3, "int-dpl3-gate-ss"
        CHECK   [exc_esp], STACK3_TOP, "int-dpl3-gate-esp"
        MSG     "exceptions: #GP ok", 10

        ; ------------------------------------------------ #AC
        POST    0x1B
        mov     eax, cr0
        or      eax, 0x40000                    ; AM
        mov     cr0, eax
%ifdef HW_ONLY
        ; Left out by default: SDM vol.3 6.15 "Interrupt 17 - Alignment Check
        ; Exception (#AC)" requires #AC(0) for a misaligned access at CPL 3 with
        ; CR0.AM=1 and EFLAGS.AC=1; QEMU 7.2 TCG never raises #AC (EXCP11_ALGN is
        ; unused).  Assemble with -DHW_ONLY to include it.
        TRY     .ac1
        mov     ebx, .ac1r3
        mov     edx, 0x40002                    ; AC
        jmp     go_ring3
.ac1r3: mov     eax, [SCRATCH+4]                ; aligned: fine
.acf1:  mov     eax, [SCRATCH+1]
        int     VEC_RET0
.ac1:   EXPECT  17, 0, .acf1, "ac-cpl3"
%endif
        ; AC=1 at CPL 3 but CR0.AM=0: no check
        mov     eax, cr0
        and     eax, ~0x40000
        mov     cr0, eax
        TRY     .ac0
        mov     ebx, .ac0r3
        mov     edx, 0x40002
        jmp     go_ring3
.ac0r3: mov     eax, [SCRATCH+1]
.ac0a:  int     VEC_RET0
.ac0:   EXPECT  VEC_RET0, -1, .ac0a+2, "ac-am0-no-check"
        mov     eax, cr0
        or      eax, 0x40000
        mov     cr0, eax
        ; AC=1 at CPL 0: no check
        pushfd
        or      dword [esp], 0x40000
        popfd
        TRY     .ac2
        mov     eax, [SCRATCH+1]
        mov     dword [catch_eip], 0
        jmp     .ac3
.ac2:   FAILMSG "ac-cpl0-trapped"
.ac3:   pushfd
        and     dword [esp], ~0x40000
        popfd
        mov     eax, cr0
        and     eax, ~0x40000
        mov     cr0, eax
        MSG     "exceptions: #AC ok", 10

        ; ------------------------------------------------ #PF
        POST    0x1C
        call    setup_paging
        mov     dword [PT_BASE+0x30*4], 0x30000|6       ; not present
        mov     dword [PT_BASE+0x31*4], 0x31000|3       ; supervisor
        mov     dword [PT_BASE+0x32*4], 0x32000|5       ; user read-only
        mov     eax, cr0
        or      eax, 0x80000000
        and     eax, ~0x10000                           ; WP=0
        mov     cr0, eax
        TRY     .pf1
.pff1:  mov     eax, [0x30004]
        NOEXC   "pf-read-np"
.pf1:   EXPECT  14, 0, .pff1, "pf-read-np"
        CHECK   [exc_cr2], 0x30004, "pf-read-np-cr2"
        TRY     .pf2
.pff2:  mov     dword [0x30FFC], 1
        NOEXC   "pf-write-np"
.pf2:   EXPECT  14, 2, .pff2, "pf-write-np"
        CHECK   [exc_cr2], 0x30FFC, "pf-write-np-cr2"
        TRY     .pf3
.pff3:  mov     eax, [0x1000008]                        ; PDE 4 not present
        NOEXC   "pf-pde-np"
.pf3:   EXPECT  14, 0, .pff3, "pf-pde-np"
        CHECK   [exc_cr2], 0x1000008, "pf-pde-np-cr2"
        TRY     .pf4
        mov     eax, 0x30000
.pff4:  jmp     eax                                     ; fetch from a not-present page
        NOEXC   "pf-fetch-np"
.pf4:   EXPECT  14, 0, 0x30000, "pf-fetch-np"
        CHECK   [exc_cr2], 0x30000, "pf-fetch-np-cr2"
        ; supervisor writes to a read-only page: allowed with WP=0
        mov     dword [0x32010], 0x1234
        CHECK   [0x32010], 0x1234, "pf-wp0-write"
        mov     eax, cr0
        or      eax, 0x10000                            ; WP=1
        mov     cr0, eax
        TRY     .pf5
.pff5:  mov     dword [0x32010], 0x5678
        NOEXC   "pf-wp1-write"
.pf5:   EXPECT  14, 3, .pff5, "pf-wp1-write"
        CHECK   [exc_cr2], 0x32010, "pf-wp1-write-cr2"
        ; user mode
        TRY     .pf6
        mov     ebx, .pf6r3
        mov     edx, 2
        jmp     go_ring3
.pf6r3: mov     eax, [0x32010]                          ; user read of a U/RO page: ok
.pff6:  mov     eax, [0x31020]                          ; supervisor page
        int     VEC_RET0
.pf6:   EXPECT  14, 5, .pff6, "pf-user-read-sup"
        CHECK   [exc_cr2], 0x31020, "pf-user-read-sup-cr2"
        CHECK   [exc_cs], SEL_CODE32_R3, "pf-user-read-sup-cs"
        TRY     .pf7
        mov     ebx, .pff7
        mov     edx, 2
        jmp     go_ring3
.pff7:  mov     dword [0x32020], 1                      ; user write of a RO page
        int     VEC_RET0
.pf7:   EXPECT  14, 7, .pff7, "pf-user-write-ro"
        CHECK   [exc_cr2], 0x32020, "pf-user-write-ro-cr2"
        TRY     .pf8
        mov     ebx, .pff8
        mov     edx, 2
        jmp     go_ring3
.pff8:  mov     dword [0x30020], 1                      ; user write, not present
        int     VEC_RET0
.pf8:   EXPECT  14, 6, .pff8, "pf-user-write-np"
        mov     eax, cr0
        and     eax, ~0x80010000
        mov     cr0, eax
        MSG     "exceptions: #PF ok", 10

        POST    0xFF
        PASS_HALT

; ring-1 handler for VEC_R1GATE (never reached when ss1 is bad)
ring1_handler:
        iretd

section .rodata32
align 4
bnd32:          dd 10, 20
fpu_cw_zm:      dw 0x037B                       ; all masked except ZM
idtr_small:     dw 0x40*8-1
                dd IDT_BASE
gdtr_dummy:     dw 0
                dd 0
