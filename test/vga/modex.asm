; Mode X: mode 13h through INT 10h, then unchained (SR4 = 06h), byte mode (CR14 = 0, CR17 =
; E3h) and 480-line timing with double scanning (CR09 = 41h): 320x240, four planes, 80 bytes
; per line. Page 0 (offset 0) is filled with 37h; page 1 (offset 4B00h) gets pixel (x, y) =
; (3x + y) & 255 in plane x & 3 at 4B00h + y * 80 + x / 4; then the start address (CR0C/CR0D)
; shows page 1. DAC by SET_DAC.
%include "boot.inc"
main:
        mov ax, 0x0013
        int 0x10
        SET_DAC
        mov dx, 0x3c4
        mov ax, 0x0604          ; SR4: chain 4 off, odd/even off
        out dx, ax
        mov dx, 0x3c2
        mov al, 0xe3            ; 480-line sync polarity, 25 MHz
        out dx, al
        mov dx, 0x3d4
        mov ax, 0x2c11          ; CR11: unprotect CR00-CR07
        out dx, ax
        mov si, crtc_x
        mov cx, crtc_x_n
.cr:    lodsw
        out dx, ax
        loop .cr
        ; page 0: every plane 37h
        push 0xa000
        pop es
        mov dx, 0x3c4
        mov ax, 0x0f02
        out dx, ax
        xor di, di
        mov al, 0x37
        mov cx, 0x4b00
        rep stosb
        ; page 1: plane by plane
        xor bp, bp              ; plane p
.p:     mov dx, 0x3c4
        mov cx, bp
        mov ah, 1
        shl ah, cl
        mov al, 2
        out dx, ax              ; SR2 = 1 << p
        mov di, 0x4b00
        xor si, si              ; y
.y:     xor bx, bx              ; x / 4
.x:     mov ax, bx
        shl ax, 2
        add ax, bp              ; x
        mov cx, ax
        shl ax, 1
        add ax, cx              ; 3x
        add ax, si              ; + y
        stosb
        inc bx
        cmp bx, 80
        jb .x
        inc si
        cmp si, 240
        jb .y
        inc bp
        cmp bp, 4
        jb .p
        ; show page 1
        mov dx, 0x3d4
        mov ax, 0x4b0c
        out dx, ax
        mov ax, 0x000d
        out dx, ax
        DONE

crtc_x: dw 0x0d06, 0x3e07, 0x4109, 0xea10, 0xdf12, 0x0014, 0xe715, 0x0616, 0xe317, 0xac11
crtc_x_n equ ($ - crtc_x) / 2
