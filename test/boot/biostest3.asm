; The BIOS call instruction (0F 3F ib) outside the ROM is #UD (bios.test.ts): this boot sector
; executes it from RAM; the #UD handler reports "U" on port E9h, then "!".
        bits 16
        org 0x7c00
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        mov word [6 * 4], ud_handler
        mov word [6 * 4 + 2], 0
        mov ax, 0x1234
        db 0x0f, 0x3f, 0x11     ; would be INT 11h's service (AX = equipment) if run from the ROM
        mov al, 'X'             ; not reached
        out 0xe9, al
        jmp done
ud_handler:
        mov al, 'U'
        out 0xe9, al
done:
        mov al, '!'
        out 0xe9, al
        cli
.stop:  hlt
        jmp .stop
        times 510 - ($ - $$) db 0
        dw 0xaa55
