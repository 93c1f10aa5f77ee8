; tab86 built-in BIOS ROM (64 KiB at F000:0000). The services are written in AssemblyScript
; inside the core (bios/*.ts); this ROM holds what must be real x86 code or data at the fixed
; addresses of the IBM PC/AT BIOS: the reset vector, the interrupt entry points and the tables.
;
; A stub reaches the core with the BIOS-call instruction, 0F 3F ib (an opcode Intel leaves
; undefined). The core performs service ib only when the instruction is fetched from the ROM
; image (checked through the TLB, so it works in virtual-8086 mode under a paging memory
; manager); anywhere else 0F 3F is #UD as on a real CPU. Unlike an OUT to a private port, it is
; not subject to the TSS I/O permission bitmap or IOPL in V86 mode.
;
; Protocol: the core reads and writes the caller's registers; a service returns its result
; flags (CF, ZF) in the FLAGS image the INT pushed, at SS:SP+4. If the service must wait for an
; interrupt (key press, timer), it sets the live CF: the stub then executes STI/HLT and calls
; the service again.
;
; Build: sh bios/rom/build.sh (nasm) -> bios/rom/bios.bin
        cpu 386
        bits 16
        org 0

%macro BIOSCALL 1
        db 0x0f, 0x3f, %1
%endmacro

%macro AT 1
%if ($ - $$) > %1
%error "ROM layout overflow before %1"
%endif
        times %1 - ($ - $$) db 0
%endmacro

; ---------------------------------------------------------------- entry points (free area)
        times 0x100 db 0

; A service stub: call the core, retry after an interrupt while it asks to wait.
%macro SERVICE 2
global %1
%1:
        BIOSCALL %2
        jc %%wait
        iret
%%wait:
        sti
        hlt
        jmp %1
%endmacro

; Every vector the POST does not set points here (entry table in bios/post.ts: keep the
; offsets there in step with the labels; build.sh prints them).
dummy_iret:                     ; 0x0100
        iret

; default handlers for IRQ 0-15 (hardware vectors 08-0F, 70-77): the core acknowledges the PIC
; (and ignores spurious IRQ 7/15). 8 bytes each, starting at 0x0108.
        AT 0x108
%assign i 0
%rep 16
        BIOSCALL 0x80 + i
        iret
        times 4 db 0x90
%assign i i+1
%endrep
; 0x0188
        AT 0x188
SERVICE int10, 0x10             ; 0x188
        AT 0x198
SERVICE int11, 0x11             ; 0x198
        AT 0x1A8
SERVICE int12, 0x12             ; 0x1A8
        AT 0x1B8
SERVICE int13, 0x13             ; 0x1B8
        AT 0x1C8
SERVICE int14, 0x14             ; 0x1C8
        AT 0x1D8
SERVICE int15, 0x15             ; 0x1D8
        AT 0x1E8
SERVICE int16, 0x16             ; 0x1E8
        AT 0x1F8
SERVICE int17, 0x17             ; 0x1F8
        AT 0x208
SERVICE int1a, 0x1a             ; 0x208

        AT 0x218
int08:                          ; 0x218 IRQ 0: timer tick
        BIOSCALL 0x08           ; ticks, midnight, diskette motor timeout
        int 0x1c
        push ax
        mov al, 0x20
        out 0x20, al
        pop ax
        iret

        AT 0x228
int09:                          ; 0x228 IRQ 1: keyboard
        push ax
        in al, 0x60
        mov ah, 0x4f            ; keyboard intercept: a hook may change or consume the key
        stc
        int 0x15
        jnc .done
        BIOSCALL 0x09           ; translate AL into the BDA buffer
.done:
        mov al, 0x20
        out 0x20, al
        pop ax
        iret

        AT 0x248
int18:                          ; 0x248 no bootable device
        BIOSCALL 0x18
.stop:
        cli
        hlt
        jmp .stop

        AT 0x258
int19:                          ; 0x258 bootstrap loader
        BIOSCALL 0x19           ; loads and starts a boot sector, CD image or kernel (bios/post.ts)
        jmp int18               ; reached only when nothing could be booted

        AT 0x278
int70:                          ; 0x278 IRQ 8: RTC (periodic interrupt for INT 15h/86h)
        BIOSCALL 0x70
        iret

        AT 0x288
int1c_dummy:                    ; 0x288 user timer tick (chained from IRQ 0)
        iret

        AT 0x300
dpt_tables:                     ; INT 13h/08h ES:DI: one diskette parameter table per drive type
        db 0xdf, 0x02, 0x25, 0x02,  9, 0x2a, 0xff, 0x50, 0xf6, 0x0f, 0x08, 0,0,0,0,0 ; 1: 360K
        db 0xdf, 0x02, 0x25, 0x02, 15, 0x1b, 0xff, 0x54, 0xf6, 0x0f, 0x08, 0,0,0,0,0 ; 2: 1.2M
        db 0xdf, 0x02, 0x25, 0x02,  9, 0x2a, 0xff, 0x50, 0xf6, 0x0f, 0x08, 0,0,0,0,0 ; 3: 720K
        db 0xaf, 0x02, 0x25, 0x02, 18, 0x1b, 0xff, 0x6c, 0xf6, 0x0f, 0x08, 0,0,0,0,0 ; 4: 1.44M
        db 0xaf, 0x02, 0x25, 0x02, 36, 0x1b, 0xff, 0x50, 0xf6, 0x0f, 0x08, 0,0,0,0,0 ; 5: 2.88M

; Fonts (code page 437, from GNU Unifont under the SIL OFL 1.1: docs/fonts.md), for
; INT 10h/1130h and INT 1Fh. The 8x16 font is what the VGA text modes use.
        AT 0x1000
font8x16:                       ; 1130h BH=6
        incbin "../../devices/fonts/cp437-8x16.bin"
        AT 0x2000
font8x8_all:                    ; 8x8, 256 characters; +0x400 is INT 1Fh (characters 80-FF)
        incbin "../../devices/fonts/cp437-8x8.bin"
        AT 0x2800
font_alt_none:                  ; 1130h BH=5/7: the 9-dot replacement tables (none: just the end mark)
        db 0
        AT 0x2810
video_static:                   ; INT 10h/1Bh static functionality table (IBM VGA BIOS)
        db 0xff, 0xe0, 0x0f     ; modes supported: 0-7, 0Dh-0Fh, 10h-13h
        db 0, 0, 0, 0
        db 0x07                 ; scan lines in text modes: 200, 350, 400
        db 8                    ; character blocks in text modes
        db 2                    ; blocks active at a time
        db 0xff                 ; all modes on all displays, grey summing, font loading, default
                                ; palette loading, cursor emulation, EGA palette, DAC, colour paging
        db 0x0e                 ; save/restore state, blink/intensity, display combination code
        db 0, 0
        db 0x00                 ; save pointer functions
        db 0

        AT 0x3000
font8x14:                       ; 1130h BH=2, 1101h/1111h/1122h: 8x14 (350-line modes)
        incbin "../../devices/fonts/cp437-8x14.bin"

; ---------------------------------------------------------------- VBE protected-mode interface
; INT 10h AX=4F0Ah returns F000:vbe_pm and CX = 100h (bios/vbe.ts). VBE 2.0 protected-mode
; table: offsets of 32-bit, position-independent code for functions 5 (set window), 7 (set
; display start) and 9 (set palette), and the I/O ports the code uses. A protected-mode driver
; copies it and calls it near; it only does port I/O to the Bochs VBE registers and the DAC.
        AT 0x3E00
vbe_pm:
        dw vbe_pm_window - vbe_pm
        dw vbe_pm_start - vbe_pm
        dw vbe_pm_palette - vbe_pm
        dw vbe_pm_ports - vbe_pm
vbe_pm_ports:
        dw 0x1ce, 0x1cf, 0x3c8, 0x3c9, 0x3da, 0xffff, 0xffff
        bits 32
; function 5: BX = 0 (window A), DX = bank in 64 KiB units
vbe_pm_window:
        test bx, bx
        jnz .fail
        push edx
        mov ax, 5                       ; DISPI BANK
        mov dx, 0x1ce
        out dx, ax
        mov eax, [esp]
        mov dx, 0x1cf
        out dx, ax
        pop edx
        mov ax, 0x004f
        ret
.fail:  mov ax, 0x014f
        ret
; function 7: BL = 00h (or 80h: wait for vertical retrace), DX:CX = start address / 4; the
; Bochs registers want pixel X/Y offsets, so it is divided by the line length
vbe_pm_start:
        test bl, 0x7f
        jnz vbe_pm_window.fail
        push ebx
        push ecx
        push edx
        push esi
        push edi
        shl edx, 16
        movzx ecx, cx
        or ecx, edx
        shl ecx, 2                      ; start address in bytes
        test bl, 0x80
        jz .nowait
        mov dx, 0x3da
.wait:  in al, dx
        test al, 8
        jz .wait
.nowait:
        mov dx, 0x1ce
        mov ax, 6                       ; VIRT_WIDTH
        out dx, ax
        mov dx, 0x1cf
        in ax, dx
        movzx esi, ax
        mov dx, 0x1ce
        mov ax, 3                       ; BPP
        out dx, ax
        mov dx, 0x1cf
        in ax, dx
        movzx edi, ax
        add edi, 7
        shr edi, 3                      ; bytes per pixel
        imul esi, edi                   ; bytes per line
        test esi, esi
        jz .bad
        mov eax, ecx
        xor edx, edx
        div esi                         ; EAX = line, EDX = byte in the line
        mov ecx, eax
        mov eax, edx
        xor edx, edx
        div edi                         ; EAX = pixel
        mov ebx, eax
        mov dx, 0x1ce
        mov ax, 8                       ; X_OFFSET
        out dx, ax
        mov dx, 0x1cf
        mov eax, ebx
        out dx, ax
        mov dx, 0x1ce
        mov ax, 9                       ; Y_OFFSET
        out dx, ax
        mov dx, 0x1cf
        mov eax, ecx
        out dx, ax
        mov ax, 0x004f
        jmp .done
.bad:   mov ax, 0x014f
.done:  pop edi
        pop esi
        pop edx
        pop ecx
        pop ebx
        ret
; function 9: BL = 00h/80h, CX entries from DX, ES:EDI table of (blue, green, red, 0)
vbe_pm_palette:
        push ecx
        push edx
        push edi
        movzx ecx, cx
        mov al, dl
        mov dx, 0x3c8
        out dx, al
        inc dx
        jecxz .done
.next:  mov al, [es:edi + 2]
        out dx, al
        mov al, [es:edi + 1]
        out dx, al
        mov al, [es:edi]
        out dx, al
        add edi, 4
        loop .next
.done:  pop edi
        pop edx
        pop ecx
        mov ax, 0x004f
        ret
        bits 16
%if ($ - vbe_pm) > 0x100
%error "the VBE protected-mode code is longer than the 100h bytes 4F0Ah reports"
%endif

; ---------------------------------------------------------------- fixed addresses (PC/AT)
        AT 0xE05B
post:
        cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, 0x7c00
        BIOSCALL 0x00           ; POST: devices, IVT, BDA, CMOS, video
        sti
        int 0x19
        jmp post

        AT 0xE2C3
nmi:    iret

        AT 0xE6F5
config_table:                   ; INT 15h C0h
        dw 8                    ; bytes that follow
        db 0xfc                 ; model: AT
        db 0x00                 ; submodel
        db 0x01                 ; BIOS revision
        db 0x70                 ; feature 1: second 8259, RTC, INT 15h/4Fh called by IRQ 1
        db 0x40                 ; feature 2: INT 16h/09h (keyboard functionality) supported
        db 0x00, 0x00, 0x00

        AT 0xE729
baud_table:                     ; divisors for INT 14h/00h: 110 150 300 600 1200 2400 4800 9600
        dw 1047, 768, 384, 192, 96, 48, 24, 12

        AT 0xEFC7
diskette_params:                ; INT 1Eh: 1.44 MB drive (IBM AT technical reference)
        db 0xaf                 ; step rate 3 ms, head unload 240 ms
        db 0x02                 ; head load 4 ms, DMA mode
        db 0x25                 ; motor off delay in ticks
        db 0x02                 ; 512-byte sectors
        db 18                   ; sectors per track
        db 0x1b                 ; gap length
        db 0xff                 ; data length
        db 0x6c                 ; format gap length
        db 0xf6                 ; format fill byte
        db 0x0f                 ; head settle time in ms
        db 0x08                 ; motor start time in 1/8 s

        AT 0xF0A4
video_params:                   ; INT 1Dh (unused by this BIOS; zeroes)
        times 0x58 db 0

        AT 0xFA6E
font8x8:                        ; INT 43h, INT 10h/1130h BH=3: 8x8 characters 00-7F
        incbin "../../devices/fonts/cp437-8x8.bin", 0, 1024

        AT 0xFF53
iret_fixed:
        iret

        AT 0xFFF0
reset:
        jmp 0xf000:post
        AT 0xFFF5
        db "11/23/26"
        AT 0xFFFE
        db 0xfc                 ; model byte: AT
        db 0x00
