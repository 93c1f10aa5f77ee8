; Mode 12h through INT 10h; the attribute palette set to identity with INT 10h AX=1000h and
; the DAC by SET_DAC. Each byte (8 pixels) at A000:y*80+b is first written in write mode 2
; with colour A = (b ^ (y >> 3)) & 15 and bit mask FFh; then read (loading the latches) and
; written again with colour B = y & 15 and bit mask 55h, so the odd pixels get B and the even
; ones keep A from the latches.
%include "boot.inc"
main:
        mov ax, 0x0012
        int 0x10
        xor bx, bx
.pal:   mov ax, 0x1000          ; palette register BL = BH
        mov bh, bl
        int 0x10
        inc bl
        cmp bl, 16
        jb .pal
        SET_DAC
        push 0xa000
        pop es
        mov dx, 0x3ce
        mov ax, 0x0205          ; GR5: write mode 2
        out dx, ax
        xor di, di
        xor si, si              ; y
.y:     xor cx, cx              ; b
.b:     mov dx, 0x3ce
        mov ax, 0xff08          ; bit mask FFh
        out dx, ax
        mov ax, si
        shr ax, 3
        xor ax, cx
        and al, 15
        mov [es:di], al
        mov ax, 0x5508          ; bit mask 55h
        out dx, ax
        mov al, [es:di]         ; load the latches
        mov ax, si
        and al, 15
        mov [es:di], al
        inc di
        inc cx
        cmp cx, 80
        jb .b
        inc si
        cmp si, 480
        jb .y
        DONE
