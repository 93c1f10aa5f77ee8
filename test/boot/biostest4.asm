; BIOS unit test for INT 13h on a hard disk (80h) and a CD-ROM drive (E0h): the first three
; sectors of the test disk (test/boot/bios-disk.test.ts); the master boot record loads the
; other two with a plain CHS read and runs them. Each call's AX BX CX DX FLAGS go to
; 0000:0500 (10 bytes per call); data lands at 0000:2000 and up; then it halts with "!" on
; port E9h.
; Build: nasm -f bin -o biostest4.bin biostest4.asm
%include "start.inc"
        mov [drive], dl
        mov ax, 0x0202                  ; 2 sectors from cylinder 0, head 0, sector 2
        mov cx, 0x0002
        mov dh, 0
        mov bx, 0x7e00
        int 0x13
        jc .halt
        jmp tests
.halt:  hlt
        jmp .halt

drive:  db 0
        times 510 - ($ - $$) db 0
        dw 0xaa55

tests:
        mov di, 0x500

%macro REC 0
        pushf
        mov [di], ax
        mov [di+2], bx
        mov [di+4], cx
        mov [di+6], dx
        pop word [di+8]
        add di, 10
%endmacro
%macro CALL13 0
        push di
        int 0x13
        pop di
        REC
%endmacro

        ; 0: AH=08 parameters of 80h
        mov ah, 0x08
        mov dl, 0x80
        CALL13
        ; 1: AH=15 type and CHS-addressable size
        mov ah, 0x15
        mov dl, 0x80
        CALL13
        ; 2: AH=41 extensions present
        mov ah, 0x41
        mov bx, 0x55aa
        mov dl, 0x80
        CALL13
        ; 3: AH=48 drive parameters into 0000:1000 (buffer size 42h)
        mov word [0x1000], 0x42
        mov ah, 0x48
        mov dl, 0x80
        mov si, 0x1000
        CALL13
        ; 4: AH=42 read LBA 5, 2 sectors to 0000:2000
        mov si, dap
        mov word [dap + 2], 2
        mov word [dap + 4], 0x2000
        mov dword [dap + 8], 5
        mov ah, 0x42
        mov dl, 0x80
        CALL13
        ; 5: AH=43 write 1 sector from 0000:2000 to LBA 100
        mov si, dap
        mov word [dap + 2], 1
        mov dword [dap + 8], 100
        mov ax, 0x4300
        mov dl, 0x80
        CALL13
        ; 6: AH=42 read LBA 100 back to 0000:3000
        mov si, dap
        mov word [dap + 2], 1
        mov word [dap + 4], 0x3000
        mov ah, 0x42
        mov dl, 0x80
        CALL13
        ; 7: AH=42 past the end (LBA 20480 of 20480 sectors): 04h, count zeroed
        mov si, dap
        mov word [dap + 2], 1
        mov dword [dap + 8], 20480
        mov ah, 0x42
        mov dl, 0x80
        CALL13
        mov ax, [dap + 2]
        mov [0x0fe0], ax
        ; 8: AH=02 CHS read: cylinder 1, head 2, sector 3 -> 0000:4000
        mov ax, 0x0201
        mov cx, 0x0103
        mov dx, 0x0280
        mov bx, 0x4000
        CALL13
        ; 9: an undefined function: 01h
        mov ah, 0x99
        mov dl, 0x80
        CALL13
        ; 10: AH=01 the last status (01h)
        mov ah, 0x01
        mov dl, 0x80
        CALL13
        ; 11: AH=42 on the CD: LBA 3, one 2048-byte sector to 0000:5000
        mov si, dap
        mov word [dap + 2], 1
        mov word [dap + 4], 0x5000
        mov dword [dap + 8], 3
        mov ah, 0x42
        mov dl, 0xe0
        CALL13
        ; 12: AH=48 on the CD into 0000:1100 (buffer size 1Ah)
        mov word [0x1100], 0x1a
        mov ah, 0x48
        mov dl, 0xe0
        mov si, 0x1100
        CALL13
        ; 13: AH=41 on the CD
        mov ah, 0x41
        mov bx, 0x55aa
        mov dl, 0xe0
        CALL13
        ; 14: AH=43 on the CD: write protected 03h
        mov si, dap
        mov ax, 0x4300
        mov dl, 0xe0
        CALL13
        ; 15: lock (45h AL=0), 16: eject while locked (46h: B1h), 17: unlock, 18: eject (ok)
        mov ax, 0x4500
        mov dl, 0xe0
        CALL13
        mov ah, 0x46
        mov dl, 0xe0
        CALL13
        mov ax, 0x4501
        mov dl, 0xe0
        CALL13
        mov ah, 0x46
        mov dl, 0xe0
        CALL13
        ; 19: AH=08 of a second hard disk that does not exist: 01h
        mov ah, 0x08
        mov dl, 0x81
        CALL13
        ; the number of hard disks in the BDA and the boot drive
        mov al, [0x475]
        mov [0x0fe2], al
        mov al, [drive]
        mov [0x0fe3], al
        mov al, '!'
        out 0xe9, al
.stop:  hlt
        jmp .stop

        align 4
dap:    db 0x10, 0
        dw 0                            ; count
        dw 0, 0                         ; buffer offset, segment
        dq 0                            ; LBA
        times 3 * 512 - ($ - $$) db 0
