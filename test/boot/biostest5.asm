; BIOS unit test for the keyboard's typematic rate and LEDs (INT 16h) and the serial port's
; time-out (INT 14h): records AX and FLAGS after each call at 0000:0500 (4 bytes per call) and
; the BIOS tick count around the time-out at 0000:0600; then "!" on port E9h and halts.
; Build: nasm -f bin -o biostest5.bin biostest5.asm
%include "start.inc"
        sti
        mov di, 0x500

%macro REC 0
        pushf
        mov [di], ax
        pop word [di+2]
        add di, 4
%endmacro

        ; 0: typematic: delay 1 (500 ms), rate 0Ch (10 per second)
        mov ax, 0x0305
        mov bx, 0x010c
        int 0x16
        REC
        ; 1: a program sets Caps Lock in 40:17; the next INT 16h turns the LED on
        or byte [0x417], 0x40
        mov ah, 0x02
        int 0x16
        REC
        ; 2: INT 14h receive on COM1 with a byte waiting (the test queued "Z")
        mov ax, 0x00e3                  ; 9600 baud, 8N1
        xor dx, dx
        int 0x14
        mov ah, 0x02
        xor dx, dx
        int 0x14
        REC
        ; 3: receive again with nothing coming: time-out after 40:7C seconds
        mov eax, [0x46c]
        mov [0x600], eax
        mov ah, 0x02
        xor dx, dx
        int 0x14
        REC
        mov eax, [0x46c]
        mov [0x604], eax
        mov al, '!'
        out 0xe9, al
.halt:  hlt
        jmp .halt
        times 510 - ($ - $$) db 0
        dw 0xaa55
