; Second BIOS unit test boot sector (test/boot/bios.test.ts): INT 1Ah (PCI BIOS, ticks, RTC),
; INT 10h (cursor, mode, font info, display combination), INT 11h, INT 15h C0h. Results at
; 0000:0500 as words in call order; "!" on port E9h when done.
%include "start.inc"
        sti
        mov di, 0x500
%macro W 1
        mov [di], %1
        add di, 2
%endmacro
        ; PCI BIOS present: AX, BX, CL, EDX
        mov ax, 0xb101
        xor edi, edi
        mov di, 0x500
        push di
        int 0x1a
        pop di
        pushf
        W ax                    ; 0x500
        W bx                    ; 0x502
        W cx                    ; 0x504
        mov [di], edx           ; 0x506
        add di, 4
        pop ax
        W ax                    ; 0x50a flags
        ; find the i440FX (8086:1237): BX = bus/devfn
        mov ax, 0xb102
        mov cx, 0x1237
        mov dx, 0x8086
        xor si, si
        int 0x1a
        W ax                    ; 0x50c
        W bx                    ; 0x50e
        ; read its vendor/device dword at register 0
        mov ax, 0xb10a
        push di
        xor di, di
        int 0x1a
        pop di
        mov [di], ecx           ; 0x510
        add di, 4
        ; a device that does not exist: 86h
        mov ax, 0xb102
        mov cx, 0x5678
        mov dx, 0x1234
        xor si, si
        int 0x1a
        W ax                    ; 0x514
        ; INT 10h: cursor to row 5 col 7, read back; mode; display combination
        mov ah, 0x02
        xor bh, bh
        mov dx, 0x0507
        int 0x10
        mov ah, 0x03
        xor bh, bh
        int 0x10
        W dx                    ; 0x516
        W cx                    ; 0x518
        mov ah, 0x0f
        int 0x10
        W ax                    ; 0x51a
        mov ax, 0x1a00
        int 0x10
        W ax                    ; 0x51c
        W bx                    ; 0x51e
        ; font info 8x16: ES:BP, CX
        push es
        push bp
        mov ax, 0x1130
        mov bh, 6
        int 0x10
        mov [di], bp            ; 0x520
        mov [di+2], es          ; 0x522
        mov [di+4], cx          ; 0x524
        mov [di+6], dx          ; 0x526
        add di, 8
        pop bp
        pop es
        ; teletype "Hi" at the cursor (row 5, col 7) of page 0
        xor bh, bh
        mov ax, 0x0e48
        int 0x10
        mov ax, 0x0e69
        int 0x10
        ; INT 11h, INT 15h C0h
        int 0x11
        W ax                    ; 0x528
        push es
        mov ah, 0xc0
        int 0x15
        mov ax, [es:bx+2]
        pop es
        W ax                    ; 0x52a model, submodel
        ; INT 1Ah/00h ticks advance across INT 15h/86h wait of 0.2 s
        mov ah, 0
        int 0x1a
        W dx                    ; 0x52c
        mov ah, 0x86
        mov cx, 0x0003
        mov dx, 0x0d40          ; 200000 us
        int 0x15
        pushf
        mov ah, 0
        int 0x1a
        W dx                    ; 0x52e
        pop ax
        W ax                    ; 0x530 flags after 86h
        ; RTC time (deterministic start 2000-01-01 00:00:00) and date
        mov ah, 0x04
        int 0x1a
        W cx                    ; 0x532 century/year
        W dx                    ; 0x534 month/day
        mov al, '!'
        out 0xe9, al
        cli
.stop:  hlt
        jmp .stop
        times 510 - ($ - $$) db 0
        dw 0xaa55
