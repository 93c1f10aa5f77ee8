; A hard-disk boot sector that reads the rest of its disk through INT 13h (for
; test/boot/httpdisk.test.ts, where the disk comes over HTTP). It asks AH=48h for the size,
; reads every sector after itself with AH=42h, 64 sectors (32 KiB) at a time, into 1000:0000
; and folds every byte into a checksum (sum = rol(sum, 1) + byte, 32 bits, in disk order).
; On port E9h it then writes "S" and the sum in 8 hex digits, or at the first failed read "E",
; AH in 2 hex digits, "@" and the LBA in 8 hex digits; then "!" and it halts with interrupts
; off. Build: nasm -f bin -o readdisk.bin readdisk.asm
%include "start.inc"
        sti
        mov [drive], dl
        mov ah, 0x48                    ; EDD drive parameters: sectors at +16 (qword)
        mov si, params
        mov word [si], 0x1a
        int 0x13
        jc fail
        mov eax, [params + 16]
        mov [total], eax
        xor ebx, ebx                    ; the checksum
next:   mov eax, [total]
        sub eax, [dap.lba]
        jbe done
        cmp eax, 64
        jbe .count
        mov eax, 64
.count: mov [dap.count], ax
        mov si, dap
        mov dl, [drive]
        mov ah, 0x42
        int 0x13
        jc fail
        push ds
        mov cx, [dap.count]
        shl cx, 9                       ; bytes: at most 64 * 512 = 32768
        mov ax, 0x1000
        mov ds, ax
        xor si, si
        xor eax, eax
.sum:   lodsb
        rol ebx, 1
        add ebx, eax
        loop .sum
        pop ds
        movzx eax, word [dap.count]
        add [dap.lba], eax
        jmp next

done:   mov al, 'S'
        out 0xe9, al
        mov eax, ebx
        mov cx, 8
        call hex
        jmp stop

fail:   mov bl, ah
        mov al, 'E'
        out 0xe9, al
        mov al, bl
        shl eax, 24
        mov cx, 2
        call hex
        mov al, '@'
        out 0xe9, al
        mov eax, [dap.lba]
        mov cx, 8
        call hex
stop:   mov al, '!'
        out 0xe9, al
        cli
.halt:  hlt
        jmp .halt

; the top CX hex digits of EAX to port E9h
hex:    rol eax, 4
        push eax
        and al, 0x0f
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'A' - '9' - 1
.out:   out 0xe9, al
        pop eax
        loop hex
        ret

dap:    db 0x10, 0
.count: dw 0
        dw 0, 0x1000                    ; buffer 1000:0000
.lba:   dd 1, 0
drive:  db 0
total:  dd 0
params: times 0x1a db 0
        times 510 - ($ - $$) db 0
        dw 0xaa55
