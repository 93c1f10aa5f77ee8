; INT 10h palette/DAC functions and state save/restore, in mode 13h. Results at 0000:7000:
;   7000  DH, CH, CL of 1015h for entry 5 after 1010h set it to 1, 2, 3
;   7010  6 bytes of 1017h for entries 16-17 after 1012h set them from `table`
;   7020  BL of 1019h after 1018h BL=7Fh
;   7022  BX of 1C00h (CX=7: hardware, BIOS data, DAC), 7024 AL of 1C01h, 7026 AL of 1C02h
;   7028  AL of 1B00h; its 64-byte state at 0000:7100 (in mode 13h)
; The state is saved to 0000:8000 in mode 13h, mode 3 is set, and the state restored: the
; machine is in mode 13h again with its DAC.
%include "boot.inc"
main:
        mov ax, 0x0013
        int 0x10
        mov ax, 0x1010
        mov bx, 5
        mov dh, 1
        mov ch, 2
        mov cl, 3
        int 0x10
        xor cx, cx
        xor dx, dx
        mov ax, 0x1015
        mov bx, 5
        int 0x10
        mov [0x7000], dh
        mov [0x7001], ch
        mov [0x7002], cl
        mov ax, 0x1012
        mov bx, 16
        mov cx, 2
        mov dx, table
        int 0x10
        mov ax, 0x1017
        mov bx, 16
        mov cx, 2
        mov dx, 0x7010
        int 0x10
        mov ax, 0x1018
        mov bl, 0x7f
        int 0x10
        xor bx, bx
        mov ax, 0x1019
        int 0x10
        mov [0x7020], bl
        mov ax, 0x1018
        mov bl, 0xff
        int 0x10
        mov ax, 0x1b00
        xor bx, bx
        mov di, 0x7100
        int 0x10
        mov [0x7028], al
        mov ax, 0x1c00
        mov cx, 7
        int 0x10
        mov [0x7022], bx
        mov ax, 0x1c01
        mov cx, 7
        mov bx, 0x8000
        int 0x10
        mov [0x7024], al
        mov ax, 0x0003
        int 0x10
        mov ax, 0x1c02
        mov cx, 7
        mov bx, 0x8000
        int 0x10
        mov [0x7026], al
        DONE
table:  db 10, 20, 30, 40, 50, 60
