; Mode 13h through INT 10h, the DAC programmed by SET_DAC, then pixel (x, y) = (x ^ 2y) & 255
; written byte by byte at A000:y*320+x (chain 4). Expected image: test/devices/vga_programs.test.ts.
%include "boot.inc"
main:
        mov ax, 0x0013
        int 0x10
        SET_DAC
        push 0xa000
        pop es
        xor di, di
        xor dx, dx              ; y
.y:     xor cx, cx              ; x
.x:     mov ax, dx
        shl ax, 1
        xor ax, cx
        stosb
        inc cx
        cmp cx, 320
        jb .x
        inc dx
        cmp dx, 200
        jb .y
        DONE
