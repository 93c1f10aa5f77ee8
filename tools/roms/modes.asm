; modes.asm - walk through the CPU modes and check each stage:
;   reset state -> real mode (+A20 gate, ROM aliases) -> 16-bit protected mode
;   -> 32-bit protected mode -> paging on -> virtual-8086 mode (iret VM=1)
;   -> back to ring 0 through `int` from V86 -> paging off -> real mode again
;   (unreal mode: a 4 GiB FS limit loaded in protected mode keeps working).
%include "common.inc"

SEL_BASE2       equ SEL_FREE+0x00   ; 16-bit data, base 0x20000, limit 0xFFFF
VEC_V86RET      equ 0x31            ; DPL3 gate used by the V86 code
RESET_SAVE      equ 0x5800          ; register snapshot taken at reset
V86_SP          equ 0x6800
V86_DATA_SEG    equ 0x2000          ; V86 code writes here (linear 0x20000)

TEXT16
bits 16
reset_entry:
        ; snapshot of the reset state (DS=0 base 0 at reset)
        mov     [RESET_SAVE+0], eax
        mov     [RESET_SAVE+4], ebx
        mov     [RESET_SAVE+8], ecx
        mov     [RESET_SAVE+12], edx
        mov     [RESET_SAVE+16], esi
        mov     [RESET_SAVE+20], edi
        mov     [RESET_SAVE+24], ebp
        mov     [RESET_SAVE+28], esp
        mov     eax, cr0
        mov     [RESET_SAVE+32], eax
        mov     sp, RM_STACK_TOP                ; SS is 0 at reset
        pushfd
        pop     dword [RESET_SAVE+36]
        mov     ax, cs
        mov     [RESET_SAVE+40], ax
        mov     ax, ds
        mov     [RESET_SAVE+42], ax
        mov     ax, ss
        mov     [RESET_SAVE+44], ax
        POST    0x01
        INIT16
        MSG     "modes: start", 10

        ; ------------------------------------------------ reset state
        POST    0x02
        CHECK   [RESET_SAVE+0], 0, "reset-eax"
        CHECK   [RESET_SAVE+4], 0, "reset-ebx"
        CHECK   [RESET_SAVE+8], 0, "reset-ecx"
        CHECK   [RESET_SAVE+16], 0, "reset-esi"
        CHECK   [RESET_SAVE+20], 0, "reset-edi"
        CHECK   [RESET_SAVE+24], 0, "reset-ebp"
        CHECK   [RESET_SAVE+28], 0, "reset-esp"
        CHECK   [RESET_SAVE+32], 0x60000010, "reset-cr0"
        CHECK   [RESET_SAVE+36], 0x00000002, "reset-eflags"
        CHECKM  [RESET_SAVE+40], 0xFFFF, 0xF000, "reset-cs-after-jmp"
        CHECKM  [RESET_SAVE+42], 0xFFFFFFFF, 0, "reset-ds-ss"
        mov     eax, 1
        cpuid
        CHECK   [RESET_SAVE+12], eax, "reset-edx-signature"
        MSG     "modes: reset state ok", 10

        ; ------------------------------------------------ real mode
        POST    0x03
        ; segment arithmetic: 0x1234:0x0010 == linear 0x12350
        mov     ax, 0x1234
        mov     es, ax
        mov     dword [es:0x0010], 0xA5A5F00D
        mov     ax, 0x1000
        mov     fs, ax
        CHECK   [fs:0x2350], 0xA5A5F00D, "rm-seg-linear"
        ; the ROM is read-only and visible at F000:xxxx
        mov     ax, 0xF000
        mov     es, ax
        mov     eax, [es:rom_const]
        CHECK   eax, 0x13579BDF, "rm-rom-read"
        mov     dword [es:rom_const], 0
        CHECK   [es:rom_const], 0x13579BDF, "rm-rom-readonly"
        ; A20 gate (port 0x92 bit 1)
        in      al, 0x92
        and     eax, 2
        CHECK   eax, 2, "a20-port92-on"
        mov     ax, 0xFFFF
        mov     es, ax
        mov     byte [0x600], 0x11
        mov     byte [es:0x610], 0x22           ; linear 0x100600
        CHECKM  [0x600], 0xFF, 0x11, "a20-on-no-wrap"
        in      al, 0x92
        and     al, ~0x03
        out     0x92, al
        in      al, 0x92
        and     eax, 2
        CHECK   eax, 0, "a20-port92-off"
        mov     byte [es:0x610], 0x33           ; wraps to 0x000600
        CHECKM  [0x600], 0xFF, 0x33, "a20-off-wrap"
        mov     byte [0x600], 0x44
        CHECKM  [es:0x610], 0xFF, 0x44, "a20-off-wrap-read"
        in      al, 0x92
        or      al, 2
        and     al, ~1
        out     0x92, al
        CHECKM  [es:0x610], 0xFF, 0x22, "a20-on-again"
        CHECKM  [0x600], 0xFF, 0x44, "a20-on-again-low"
        MSG     "modes: real mode + a20 ok", 10

        ; ------------------------------------------------ 16-bit protected mode
        POST    0x04
        cli
        o32 lgdt [cs:gdtr_init]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     SEL_CODE16:pm16
pm16:
        mov     ax, SEL_DATA16
        mov     ss, ax
        mov     ds, ax
        mov     esp, 0x12340000 + RM_STACK_TOP
        POST    0x05
        mov     ax, cs
        CHECKM  eax, 0xFFFF, SEL_CODE16, "pm16-cs"
        smsw    ax
        CHECKM  eax, 0x1, 0x1, "pm16-msw-pe"
        ; 16-bit stack segment (B=0): push uses SP, ESP bits 31..16 kept
        push    word 0x5A5A
        mov     eax, esp
        pop     bx
        CHECK   eax, 0x12340000 + RM_STACK_TOP - 2, "pm16-push-sp"
        mov     esp, RM_STACK_TOP
        ; push imm8 in a 16-bit code segment pushes 2 bytes
        mov     ebx, esp
        push    byte -1
        mov     eax, esp
        pop     cx
        sub     ebx, eax
        CHECK   ebx, 2, "pm16-push-imm-size"
        ; selectors index the GDT: base 0x20000 segment
        call    make_base2
        mov     ax, SEL_BASE2
        mov     es, ax
        mov     dword [es:0x0040], 0xC0DE1234
        mov     ax, SEL_DATA32
        mov     fs, ax
        CHECK   [fs:dword 0x20040], 0xC0DE1234, "pm16-seg-base"
        ; 4 GiB data segment reached with a 32-bit address in 16-bit code
        mov     dword [fs:dword 0x00300000], 0x89ABCDEF
        CHECK   [fs:dword 0x00300000], 0x89ABCDEF, "pm16-flat-4g"
        ; the ROM is also visible at the top of the 4 GiB space
        mov     eax, [fs:dword 0xFFFFFFF0]
        CHECK   [fs:dword 0x000FFFF0], eax, "pm16-rom-top-alias"
        mov     eax, [fs:dword 0xFFFF0000 + rom_const]
        CHECK   eax, 0x13579BDF, "pm16-rom-top-const"
        ; near call in 16-bit code pushes a 16-bit IP
        mov     ebx, esp
        call    .sub
.ret16: jmp     .done16
.sub:   mov     eax, esp
        sub     ebx, eax
        movzx   eax, word [esp]
        CHECK   ebx, 2, "pm16-call-push-size"
        CHECK   eax, .ret16, "pm16-call-ip"
        ret
.done16:
        MSG     "modes: 16-bit protected mode ok", 10

        ; ------------------------------------------------ 32-bit protected mode
        POST    0x06
        jmp     dword SEL_CODE32:pm32_entry

; make_base2: build the base-0x20000 16-bit data descriptor (16-bit PM code)
make_base2:
        push    eax
        mov     ax, SEL_DATA32
        mov     fs, ax
        mov     dword [fs:dword GDT_BASE+SEL_BASE2], 0x0000FFFF
        mov     dword [fs:dword GDT_BASE+SEL_BASE2+4], 0x00009302
        pop     eax
        ret

; ------------------------------------------------ V86 code (runs at F000:xxxx)
v86_code:
        mov     ax, cs
        mov     bx, V86_DATA_SEG
        mov     ds, bx
        mov     [0x00], ax                      ; CS as seen in V86
        mov     word [0x10], 0xBEEF             ; linear 0x20010
        mov     ax, [cs:v86_const]
        mov     [0x12], ax
        smsw    ax
        mov     [0x14], ax
        pushfd
        pop     eax
        mov     [0x18], eax                     ; VM/RF are not copied by pushfd
        mov     ax, ss
        mov     [0x1C], ax
        mov     [0x1E], sp
        ; real-mode-like segment load, then a linear-address round trip
        mov     ax, 0x2002
        mov     es, ax
        mov     dword [es:0x0000], 0xFEEDFACE   ; linear 0x20020
        mov     ax, 0x1234
        mov     es, ax
        mov     ax, 0x5678
        mov     fs, ax
        mov     ax, 0x9ABC
        mov     gs, ax
        int     VEC_V86RET
v86_after_int:
        jmp     $

section .rodata16
rom_const:      dd 0x13579BDF
v86_const:      dw 0x7E57

; ================================================================ 32-bit
TEXT32
bits 32
pm32_entry:
        mov     ebp, pm32_main
        jmp     init32

pm32_main:
        POST    0x07
        mov     ax, cs
        CHECKM  eax, 0xFFFF, SEL_CODE32, "pm32-cs"
        ; push imm8 in a 32-bit code segment pushes 4 bytes
        mov     ebx, esp
        push    byte -1
        mov     eax, esp
        pop     ecx
        sub     ebx, eax
        CHECK   ebx, 4, "pm32-push-imm-size"
        CHECK   ecx, 0xFFFFFFFF, "pm32-push-imm-value"
        call    .sub
.ret32: jmp     .done
.sub:   CHECK   [esp+4], .ret32, "pm32-call-eip"
        ret
.done:  ; data written in 16-bit PM is still there
        CHECK   [0x20040], 0xC0DE1234, "pm32-memory"
        ; segment base arithmetic with a 32-bit offset
        mov     ax, SEL_BASE2
        mov     es, ax
        CHECK   [es:0x0040], 0xC0DE1234, "pm32-seg-base"
        mov     ax, SEL_DATA32
        mov     es, ax
        str     ax
        CHECKM  eax, 0xFFFF, SEL_TSS0, "pm32-str"
        sgdt    [tmp]
        CHECKM  [tmp], 0xFFFF, GDT_LIMIT, "pm32-sgdt-limit"
        CHECK   [tmp+2], GDT_BASE, "pm32-sgdt-base"
        MSG     "modes: 32-bit protected mode ok", 10

        ; ------------------------------------------------ paging
        POST    0x08
        call    setup_paging
        ; linear 0x800000 -> physical 0x20000, linear 0xC00000 -> physical 0x21000
        mov     dword [PT_BASE+(0x800000>>12)*4], 0x20000|7
        mov     dword [PT_BASE+(0xC00000>>12)*4], 0x21000|7
        mov     byte [0x21000], 0xB8                    ; mov eax, 0x600DC0DE
        mov     dword [0x21001], 0x600DC0DE
        mov     byte [0x21005], 0xC3                    ; ret
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pg                                     ; (serialising jump)
.pg:    mov     eax, cr0
        CHECKM  eax, 0x80000001, 0x80000001, "pg-cr0"
        mov     eax, cr3
        CHECK   eax, PD_BASE, "pg-cr3"
        CHECK   [0x800040], 0xC0DE1234, "pg-remap-read"
        mov     dword [0x800044], 0x11223344
        CHECK   [0x20044], 0x11223344, "pg-remap-write"
        xor     eax, eax
        call    0xC00000
        CHECK   eax, 0x600DC0DE, "pg-remap-fetch"
        CHECK   [0x20040], 0xC0DE1234, "pg-identity"
        MSG     "modes: paging ok", 10

        ; ------------------------------------------------ virtual-8086 mode
        POST    0x09
        mov     eax, VEC_V86RET
        mov     ebx, v86ret_handler
        mov     ecx, SEL_CODE32
        mov     edx, 0xEE                               ; DPL3 interrupt gate
        call    set_gate
        mov     edi, V86_DATA_SEG*16
        mov     ecx, 0x40/4
        xor     eax, eax
        rep stosd
        TRY     .back
        push    dword 0x0777                            ; GS
        push    dword 0x0666                            ; FS
        push    dword 0x0555                            ; DS
        push    dword 0x0444                            ; ES
        push    dword 0                                 ; SS
        push    dword V86_SP                            ; ESP
        push    dword 0x00023002                        ; EFLAGS: VM, IOPL=3
        push    dword 0xF000                            ; CS
        push    dword v86_code                          ; EIP
        iretd
.back:  POST    0x0A
        CHECK   [exc_vec], VEC_V86RET, "v86-int-vector"
        CHECK   [exc_cs], 0xF000, "v86-int-cs"
        CHECK   [exc_eip], v86_after_int, "v86-int-eip"
        CHECKM  [exc_efl], 0x23000, 0x23000, "v86-int-eflags-vm-iopl"
        CHECK   [exc_ss], 0, "v86-int-ss"
        CHECK   [exc_esp], V86_SP, "v86-int-sp"
        CHECK   [exc_es], 0x1234, "v86-int-es"
        CHECK   [exc_ds], V86_DATA_SEG, "v86-int-ds"
        CHECK   [exc_fs], 0x5678, "v86-int-fs"
        CHECK   [exc_gs], 0x9ABC, "v86-int-gs"
        CHECK   [tmp+64], 0, "v86-handler-ds-es-null"
        CHECK   [tmp+68], 0, "v86-handler-fs-gs-null"
        CHECKM  [tmp+72], 0xFFFF, ISTACK_TOP-4*9, "v86-handler-esp0"
        ; what the V86 code recorded
        CHECKM  [0x20000], 0xFFFF, 0xF000, "v86-cs"
        CHECKM  [0x20010], 0xFFFF, 0xBEEF, "v86-seg-write"
        CHECKM  [0x20012], 0xFFFF, 0x7E57, "v86-cs-read"
        CHECKM  [0x20014], 0x0001, 0x0001, "v86-smsw-pe"
        CHECKM  [0x20018], 0x33000, 0x03000, "v86-pushfd-image"
        CHECK   [0x2001C], V86_SP << 16, "v86-ss-sp"
        CHECK   [0x20020], 0xFEEDFACE, "v86-seg-load"
        CHECKM  [0x20000], 0xFFFF, 0xF000, "v86-cs"
        MSG     "modes: virtual-8086 ok", 10

        ; ------------------------------------------------ paging off
        POST    0x0B
        mov     eax, cr0
        and     eax, ~0x80000000
        mov     cr0, eax
        jmp     .npg
.npg:   mov     eax, cr0
        CHECKM  eax, 0x80000001, 0x00000001, "nopg-cr0"
        CHECK   [0x20040], 0xC0DE1234, "nopg-read"
        mov     dword [0x800000], 0x5555AAAA            ; physical 8 MiB again
        CHECK   [0x20000+0x40], 0xC0DE1234, "nopg-no-alias"
        CHECK   [0x800000], 0x5555AAAA, "nopg-8m"
        MSG     "modes: paging off ok", 10

        ; ------------------------------------------------ back to real mode
        POST    0x0C
        mov     dword [0x00200000], 0x0BADCAFE          ; read later through unreal FS
        cli
        jmp     SEL_CODE16:pm16_back

; V86 int handler: record the data segment registers as the CPU left them
v86ret_handler:
        mov     [ss:tmp+64], ds
        mov     [ss:tmp+66], es
        mov     [ss:tmp+68], fs
        mov     [ss:tmp+70], gs
        mov     [ss:tmp+72], esp
        jmp     [cs:stub_table + VEC_V86RET*4]      ; DS is null here

TEXT16
bits 16
pm16_back:
        mov     ax, SEL_DATA16
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     gs, ax
        mov     ax, SEL_DATA32                          ; FS keeps a 4 GiB limit
        mov     fs, ax
        mov     esp, RM_STACK_TOP
        mov     eax, cr0
        and     eax, ~1
        mov     cr0, eax
        jmp     0xF000:rm_back
rm_back:
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     gs, ax
        mov     sp, RM_STACK_TOP
        o32 lidt [cs:idtr_rm]
        POST    0x0D
        mov     eax, cr0
        CHECKM  eax, 0x80000001, 0, "rm2-cr0"
        mov     ax, cs
        CHECKM  eax, 0xFFFF, 0xF000, "rm2-cs"
        mov     ax, fs
        CHECKM  eax, 0xFFFF, SEL_DATA32, "rm2-fs-selector"
        ; unreal mode: FS still has base 0 and a 4 GiB limit
        CHECK   [fs:dword 0x00200000], 0x0BADCAFE, "rm2-unreal-read"
%ifdef HW_ONLY
        ; Left out by default: DS was reloaded with a 64 KiB limit before PE was
        ; cleared, so an offset above 0xFFFF faults (#GP, vector 13 through the
        ; IVT) while FS (4 GiB) does not - SDM vol.3 20.1.1 "Address Translation
        ; in Real-Address Mode" / 5.3 "Limit Checking".  QEMU 7.2 TCG performs
        ; no segment-limit checks.
        TRY     .lim
.limf:  mov     eax, [dword 0x10000]
        NOEXC   "rm2-ds-64k-limit"
.lim:   EXPECT  13, -1, .limf, "rm2-ds-64k-limit"
%endif
        ; real-mode segment loads use selector*16 again
        mov     ax, 0x2000
        mov     es, ax
        CHECKM  [es:0x10], 0xFFFF, 0xBEEF, "rm2-seg"
        mov     ax, 0x2000
        mov     fs, ax
        CHECKM  [fs:0x10], 0xFFFF, 0xBEEF, "rm2-fs-reload-base"
        ; the IVT works again
        mov     word [0x40*4], rm_int40
        mov     word [0x40*4+2], 0xF000
        xor     eax, eax
        int     0x40
        CHECK   eax, 0x4040, "rm2-ivt"
        MSG     "modes: real mode again ok", 10
        POST    0xFF
        PASS_HALT

rm_int40:
        mov     eax, 0x4040
        iret

section .rodata16
idtr_rm:        dw 0x3FF
                dd 0
