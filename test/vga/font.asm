; INT 10h font functions in mode 3: 1130h BH=2 (the 8x14 font) recorded at 0000:7000
; (ES, BP, CX, DL), then 1112h (ROM 8x8 with recalculation: 80x50), a line written with
; teletype on row 49, 1130h BH=0 recorded at 0000:7010 (CX = 8, DL = 49), and the BDA rows.
%include "boot.inc"
main:
        mov ax, 0x0003
        int 0x10
        mov ax, 0x1130
        mov bh, 2
        push es
        int 0x10
        mov [0x7000], es
        mov [0x7002], bp
        mov [0x7004], cx
        mov [0x7006], dl
        pop es
        mov ax, 0x1112
        xor bl, bl
        int 0x10
        mov ah, 0x02            ; cursor to row 49, column 0
        xor bh, bh
        mov dx, 0x3100
        int 0x10
        mov si, msg
.c:     lodsb
        test al, al
        jz .done
        mov ah, 0x0e
        xor bh, bh
        int 0x10
        jmp .c
.done:  mov ax, 0x1130
        xor bh, bh
        push es
        int 0x10
        pop es
        mov [0x7010], cx
        mov [0x7012], dl
        DONE
msg:    db "row 49 of 50", 0
