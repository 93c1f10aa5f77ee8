; BIOS unit test boot sector (test/boot/bios.test.ts): calls BIOS services with good and bad
; arguments and records AX and FLAGS after each call at 0000:0500 (4 bytes per call), the
; E820 map at 0000:0800 (24 bytes per entry, count at 0000:07FE), then halts.
; Build: nasm -f bin -o biostest.bin biostest.asm
%include "start.inc"
        sti
        mov di, 0x500

%macro REC 0
        pushf
        mov [di], ax
        pop word [di+2]
        add di, 4
%endmacro

        ; 0: INT 13h read sector 0 (CL=0): sector not found 04h
        mov ax, 0x0201
        mov cx, 0x0000
        mov dx, 0x0000
        mov bx, 0x1000
        int 0x13
        REC
        ; 1: AH=01 returns the last status (04h)
        mov ah, 0x01
        mov dl, 0
        int 0x13
        REC
        ; 2: cylinder 80 on an 80-cylinder disk: 04h
        mov ax, 0x0201
        mov cx, 0x5001
        mov dx, 0x0000
        int 0x13
        REC
        ; 3: head 2: 04h
        mov ax, 0x0201
        mov cx, 0x0001
        mov dx, 0x0200
        int 0x13
        REC
        ; 4: sector 19 on an 18-sector track: 04h
        mov ax, 0x0201
        mov cx, 0x0013
        mov dx, 0x0000
        int 0x13
        REC
        ; 5: 2 sectors to 1000:FF00 cross a 64 KiB boundary: 09h
        push es
        mov ax, 0x1000
        mov es, ax
        mov bx, 0xff00
        mov ax, 0x0202
        mov cx, 0x0001
        mov dx, 0x0000
        int 0x13
        pop es
        REC
        ; 6: good read: 3 sectors from C0 H0 S1 to 0000:1000 -> AH=0 AL=3
        mov bx, 0x1000
        mov ax, 0x0203
        mov cx, 0x0001
        mov dx, 0x0000
        int 0x13
        REC
        ; 7: write (drive inserted write-protected): 03h
        mov bx, 0x1000
        mov ax, 0x0301
        mov cx, 0x0001
        mov dx, 0x0000
        int 0x13
        REC
        ; 8: hard disk 80h: 01h (none)
        mov ax, 0x0201
        mov cx, 0x0001
        mov dx, 0x0080
        int 0x13
        REC
        ; 9: unknown function 30h: 01h
        mov ax, 0x3000
        mov dx, 0
        int 0x13
        REC
        ; 10: parameters: AX=0, CF=0; BX, CX, DX, DI, ES at 0x700 (the call changes ES:DI)
        push es
        push di
        mov ah, 0x08
        mov dl, 0
        int 0x13
        pushf
        mov [0x700], bx
        mov [0x702], cx
        mov [0x704], dx
        mov [0x706], di
        mov [0x708], es
        mov [0x70a], ax
        pop word [0x70c]
        pop di
        pop es
        mov ax, [0x70a]
        push word [0x70c]
        popf
        REC
        ; 11: drive type: AH=02 (change line)
        mov ah, 0x15
        mov dl, 0
        int 0x13
        REC
        ; 12: read from drive B: (empty): 80h
        mov bx, 0x1000
        mov ax, 0x0201
        mov cx, 0x0001
        mov dx, 0x0001
        int 0x13
        REC

        ; INT 16h: store 16 keys with AH=05h (the buffer holds 15), read them back
        mov si, 0
.store:
        mov ah, 0x05
        mov cx, si
        add cx, 0x1e61          ; scan 1Eh, 'a' + i
        int 0x16
        mov [0x740 + si], al    ; 0 stored, 1 full
        inc si
        cmp si, 16
        jb .store
        ; 13: peek (01h): ZF=0, AX = first key
        mov ah, 0x01
        int 0x16
        REC
        ; 14: read (00h): first key again, removed
        mov ah, 0x00
        int 0x16
        REC
        ; 15: read (10h): second key
        mov ah, 0x10
        int 0x16
        REC
        ; drain the rest
        mov si, 13
.drain:
        mov ah, 0x00
        int 0x16
        dec si
        jnz .drain
        ; 16: peek on an empty buffer: ZF=1
        mov ah, 0x01
        int 0x16
        REC
        ; 17: shift flags
        mov ah, 0x02
        int 0x16
        REC

        ; E820 map
        mov word [0x7fe], 0
        xor ebx, ebx
        mov di, 0x800
.e820:
        mov eax, 0xe820
        mov edx, 0x534d4150
        mov ecx, 24
        int 0x15
        jc .e820done
        cmp eax, 0x534d4150
        jne .e820done
        inc word [0x7fe]
        add di, 24
        test ebx, ebx
        jnz .e820
.e820done:
        ; INT 12h and INT 15h/88h, E801h at 0x720
        int 0x12
        mov [0x720], ax
        mov ah, 0x88
        int 0x15
        mov [0x722], ax
        mov ax, 0xe801
        int 0x15
        mov [0x724], ax
        mov [0x726], bx
        mov al, '!'             ; done: the test waits for this on the debug port
        out 0xe9, al
        cli
.stop:  hlt
        jmp .stop
        times 510 - ($ - $$) db 0
        dw 0xaa55
