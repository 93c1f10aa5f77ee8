; El Torito diskette emulation test (test/boot/eltorito.test.ts): the boot sector of a 1.44 MB
; image that a CD carries with media type 2. It reads the emulated diskette's second sector
; through INT 13h (drive DL as booted), asks for the emulation status (4B01h, the 13h-byte
; specification packet at 0000:0600) and records AX and FLAGS at 0000:0500 (4 bytes per call)
; the boot drive at 0000:05F0 and the drive parameters (08h) at 0000:05E0; then "!" on port E9h and halts.
; Build: nasm -f bin -o biostest6.bin biostest6.asm
%include "start.inc"
        mov [0x5f0], dl
        mov di, 0x500
%macro REC 0
        pushf
        mov [di], ax
        pop word [di+2]
        add di, 4
%endmacro
        ; 0: CHS 0/0/2 of the emulated diskette to 0000:1000
        mov ax, 0x0201
        mov cx, 0x0002
        mov dh, 0
        mov dl, [0x5f0]
        mov bx, 0x1000
        push di
        int 0x13
        pop di
        REC
        ; 1: El Torito status: the specification packet to 0000:0600
        mov ax, 0x4b01
        mov dl, [0x5f0]
        mov si, 0x600
        push di
        int 0x13
        pop di
        REC
        ; 2: parameters of the emulated drive: BX CX DX to 0000:05E0
        mov ah, 0x08
        mov dl, [0x5f0]
        push di
        int 0x13
        pop di
        mov [0x5e0], bx
        mov [0x5e2], cx
        mov [0x5e4], dx
        REC
        mov al, '!'
        out 0xe9, al
.halt:  hlt
        jmp .halt
        times 510 - ($ - $$) db 0
        dw 0xaa55
