; smoke.asm - tiny real-mode sanity ROM (used by the command-line tests).
; mov/add/flags, loop, call/ret, push/pop, string ops, int through the IVT.
%include "common.inc"

TEXT16
bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "smoke: start", 10

        ; ---- mov / add / flags
        POST    0x02
        mov     ax, 0x1234
        mov     bx, 0x4321
        add     ax, bx
        CHECK   eax, 0x5555, "add16"
        mov     eax, 0xFFFFFFFF
        add     eax, 1
        pushfd
        pop     edx
        CHECK   eax, 0, "add32-result"
        CHECKM  edx, 0x8D5, 0x55, "add32-flags"      ; CF ZF AF PF set, SF OF clear
        mov     al, 0x7F
        add     al, 1
        pushfd
        pop     edx
        CHECKM  edx, 0x8D5, 0x890, "add8-flags"      ; OF SF AF set
        mov     ecx, 0x12345678
        mov     edx, ecx
        xchg    dl, dh
        CHECK   edx, 0x12347856, "xchg8"
        MSG     "smoke: arith ok", 10

        ; ---- loop
        POST    0x03
        xor     eax, eax
        mov     cx, 10
.lp:    add     ax, cx
        loop    .lp
        CHECK   eax, 55, "loop-sum"
        CHECK   ecx, 0x12340000, "loop-cx"          ; only CX counted down
        MSG     "smoke: loop ok", 10

        ; ---- call / ret / push / pop
        POST    0x04
        mov     bp, sp
        push    word 0x1111
        push    dword 0x22223333
        call    sub_double
        CHECK   eax, 0x44446666, "call-ret"
        pop     ebx
        pop     cx
        CHECK   ebx, 0x22223333, "pop32"
        CHECKM  ecx, 0xFFFF, 0x1111, "pop16"
        movzx   eax, sp
        movzx   ebx, bp
        CHECK   eax, ebx, "sp-balanced"
        mov     eax, 0x12346666
        pusha
        mov     ax, 0xAAAA
        mov     di, 0xBBBB
        popa
        CHECKM  eax, 0xFFFF, 0x6666, "popa-ax"
        MSG     "smoke: call/push ok", 10

        ; ---- string ops: copy 32 bytes of ROM to RAM and compare
        POST    0x05
        push    ds
        push    cs
        pop     ds
        mov     si, smoke_data
        mov     di, 0x3000
        mov     cx, 32
        rep movsb
        pop     ds
        CHECK   edi, 0x3020, "movsb-di"
        mov     si, smoke_data
        mov     di, 0x3000
        mov     cx, 32
        cs repe cmpsb
        pushf
        pop     dx
        CHECKM  ecx, 0xFFFF, 0, "cmpsb-count"
        CHECKM  edx, 0x40, 0x40, "cmpsb-zf"
        mov     di, 0x3000
        mov     ax, 0x5AA5
        mov     cx, 4
        std
        add     di, 6
        rep stosw
        cld
        CHECK   dword [0x3000], 0x5AA55AA5, "stosw-std-lo"
        CHECK   dword [0x3004], 0x5AA55AA5, "stosw-std-hi"
        CHECK   dword [0x3008], 0x0B0A0908, "stosw-untouched"
        MSG     "smoke: string ok", 10

        ; ---- int through an IVT handler
        POST    0x06
        mov     word [0x40*4], int40_handler
        mov     word [0x40*4+2], 0xF000
        mov     al, 0xFF                            ; mask both PICs before IF=1
        out     0x21, al
        out     0xA1, al
        mov     ax, 0x0100
        sti
        mov     cx, 0x77
        int     0x40
.after: pushf
        pop     dx
        cli
        CHECK   eax, 0xCAFE0100, "int-ax"
        CHECK   [tmp], 0x0200, "int-pushed-flags"
        CHECK   [tmp+12], 0, "int-handler-if-tf"
        CHECK   [tmp+4], .after, "int-pushed-ip"
        CHECK   [tmp+8], 0xF000, "int-pushed-cs"
        CHECKM  edx, 0x200, 0x200, "iret-restored-if"
        MSG     "smoke: int ok", 10

        POST    0xFF
        PASS_HALT

sub_double:
        mov     eax, [esp+2]
        add     eax, eax
        ret

int40_handler:
        push    bp
        mov     bp, sp
        movzx   ebx, word [bp+6]                    ; pushed FLAGS
        and     bx, 0x300
        mov     [tmp], ebx                          ; expect IF=1, TF=0
        pushf
        pop     bx
        and     ebx, 0x300
        mov     [tmp+12], ebx                       ; handler runs with IF=TF=0
        movzx   ebx, word [bp+2]
        mov     [tmp+4], ebx
        movzx   ebx, word [bp+4]
        mov     [tmp+8], ebx
        shl     eax, 16
        mov     ax, 0xCAFE
        rol     eax, 16
        pop     bp
        iret

section .rodata16
smoke_data:
%assign i 0
%rep 32
        db      i
%assign i i+1
%endrep
