; MOUSE.COM: reads the PS/2 mouse straight from the 8042 (no driver) and prints what arrived,
; for the browser test of the page's mouse handling (test/e2e/input.e2e.ts). It enables the
; auxiliary port and the mouse's data reporting (8042 commands A8h and D4h; mouse command F4h,
; IBM PS/2 Technical Reference), prints READY, then adds up the movement of the 3-byte packets
; until one has the left button down, and prints the sums and that packet's buttons:
;   MOUSE DX=+30 DY=-20 BUTTONS=1
; (PS/2 counts: Y grows upwards). IRQ 12 is turned off in the command byte so the BIOS's
; handler leaves the bytes to this program. Assemble: nasm -f bin -o mouse.com mouse.asm
        org 100h

start:  cli                         ; the command byte's reply must not reach the IRQ 1 handler
        call wait_write
        mov al, 0ADh                ; keyboard interface off: no key byte (the Enter that
        out 64h, al                 ; started this program being released) can come between
.drain: in al, 64h                  ; the command and its reply
        test al, 01h
        jz .empty
        in al, 60h
        jmp .drain
.empty: call wait_write
        mov al, 20h                 ; read the command byte
        out 64h, al
        call wait_read
        in al, 60h
        and al, 0DDh                ; bit 1: no IRQ 12; bit 5: the mouse's clock on
        mov bl, al
        call wait_write
        mov al, 60h                 ; write the command byte
        out 64h, al
        call wait_write
        mov al, bl
        out 60h, al
        call wait_write
        mov al, 0A8h                ; enable the auxiliary port
        out 64h, al
        call wait_write
        mov al, 0AEh                ; keyboard interface on again
        out 64h, al
        sti
        call wait_write
        mov al, 0D4h                ; the next byte goes to the mouse
        out 64h, al
        call wait_write
        mov al, 0F4h                ; enable data reporting
        out 60h, al
        call read_aux               ; its acknowledge, FAh
        cmp al, 0FAh
        jne no_ack
        mov dx, ready
        mov ah, 9
        int 21h
        xor si, si                  ; sum of X
        xor di, di                  ; sum of Y
packet: call read_aux
        test al, 08h                ; bit 3 is always set in a packet's first byte
        jz packet
        mov bh, al
        call read_aux               ; X, its sign (the ninth bit) in bit 4 of the first byte
        test bh, 10h
        jz .xpos
        mov ah, 0FFh
        jmp .xadd
.xpos:  mov ah, 0
.xadd:  add si, ax
        call read_aux
        test bh, 20h                ; Y's sign in bit 5
        jz .ypos
        mov ah, 0FFh
        jmp .yadd
.ypos:  mov ah, 0
.yadd:  add di, ax
        test bh, 01h                ; left button down: done
        jz packet
        mov dx, result
        mov ah, 9
        int 21h
        mov ax, si
        call print_signed
        mov dx, dy_text
        mov ah, 9
        int 21h
        mov ax, di
        call print_signed
        mov dx, btn_text
        mov ah, 9
        int 21h
        mov dl, bh
        and dl, 07h
        add dl, '0'
        mov ah, 2
        int 21h
        mov dx, crlf
        mov ah, 9
        int 21h
        mov ax, 4C00h
        int 21h

no_ack: mov dx, noack
        mov ah, 9
        int 21h
        mov ax, 4C01h
        int 21h

; wait until the controller takes a byte (status bit 1 clear)
wait_write:
        in al, 64h
        test al, 02h
        jnz wait_write
        ret

; wait for an output byte (status bit 0)
wait_read:
        in al, 64h
        test al, 01h
        jz wait_read
        ret

; the next byte from the mouse (status bits 0 and 5); a keyboard byte is left to IRQ 1
read_aux:
        in al, 64h
        test al, 01h
        jz read_aux
        test al, 20h
        jz read_aux
        in al, 60h
        ret

; AX as a signed decimal with its sign (BX is kept: BH holds the buttons)
print_signed:
        push bx
        mov dl, '+'
        test ax, ax
        jns .pos
        neg ax
        mov dl, '-'
.pos:   push ax
        mov ah, 2
        int 21h
        pop ax
        xor cx, cx
        mov bx, 10
.div:   xor dx, dx
        div bx
        push dx
        inc cx
        test ax, ax
        jnz .div
.out:   pop dx
        add dl, '0'
        mov ah, 2
        int 21h
        loop .out
        pop bx
        ret

ready   db 'READY', 13, 10, '$'
result  db 'MOUSE DX=$'
dy_text db ' DY=$'
btn_text db ' BUTTONS=$'
crlf    db 13, 10, '$'
noack   db 'NO ACK FROM THE MOUSE', 13, 10, '$'
