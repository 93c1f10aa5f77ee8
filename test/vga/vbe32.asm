; VBE: 4F00h (controller information into 0000:8000, "VBE2" given), 4F01h for mode 142h
; (640x480x32) into 0000:8200, 4F02h with the linear framebuffer bit (4142h), 4F07h display
; start at line 240, 4F07h BL=1 read back, 4F0Ah (protected-mode interface). The AX values
; returned are kept at 0000:7000.. (DX of the read back at 700Ah, ES:DI and CX of 4F0Ah at
; 700Ch). Then, in 32-bit protected mode: the display start goes to line 480 (the second page)
; through the protected-mode interface's function 7, and through the LFB at the mode's
; PhysBasePtr page 0 is filled with 00FF00FFh, page 1 gets pixel (x, y) =
; (x & 255) << 16 | (y & 255) << 8 | ((x ^ y) & 255), i.e. red x, green y, blue x ^ y.
%include "boot.inc"
main:
        mov dword [0x8000], 'VBE2'
        mov ax, 0x4f00
        mov di, 0x8000
        int 0x10
        mov [0x7000], ax
        mov ax, 0x4f01
        mov cx, 0x142
        mov di, 0x8200
        int 0x10
        mov [0x7002], ax
        mov ax, 0x4f02
        mov bx, 0x4142
        int 0x10
        mov [0x7004], ax
        mov ax, 0x4f07
        xor bx, bx
        xor cx, cx
        mov dx, 240
        int 0x10
        mov [0x7006], ax
        mov ax, 0x4f07
        mov bx, 1
        int 0x10
        mov [0x7008], ax
        mov [0x700a], dx
        push es
        mov ax, 0x4f0a
        xor bx, bx
        int 0x10
        mov [0x700c], di
        mov [0x700e], es
        mov [0x7010], cx
        mov [0x7012], ax
        pop es
        cli
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm32

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7c00
        ; the protected-mode interface: function 7 with DX:CX = (480 * 2560) / 4
        movzx esi, word [0x700e]
        shl esi, 4
        movzx eax, word [0x700c]
        add esi, eax                    ; the table
        movzx eax, word [esi + 2]
        add esi, eax                    ; function 7
        xor ebx, ebx
        mov ecx, (480 * 2560 / 4) & 0xffff
        mov edx, (480 * 2560 / 4) >> 16
        call esi
        mov edi, [0x8200 + 0x28]        ; PhysBasePtr
        mov eax, 0x00ff00ff
        mov ecx, 640 * 480
        rep stosd
        xor edx, edx                    ; y
.y:     xor ecx, ecx                    ; x
.x:     mov eax, ecx
        and eax, 255
        shl eax, 16
        mov ebx, edx
        and ebx, 255
        shl ebx, 8
        or eax, ebx
        mov ebx, ecx
        xor ebx, edx
        and ebx, 255
        or eax, ebx
        stosd
        inc ecx
        cmp ecx, 640
        jb .x
        inc edx
        cmp edx, 480
        jb .y
        DONE

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 08: code, flat 4 GiB
        dq 0x00cf92000000ffff           ; 10: data, flat 4 GiB
gdt_desc:
        dw gdt_desc - gdt - 1
        dd gdt
