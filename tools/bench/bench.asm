; bench.asm - CPU-bound guest workloads for `npm run bench`, in 32-bit protected mode with
; paging on (identity-mapped 4 KiB pages), assembled once per workload:
;   nasm -DWORKLOAD=1  integer loop with memory traffic (a 64 KiB table, read-modify-write)
;   nasm -DWORKLOAD=2  sieve of Eratosthenes over 1 Mi flags, repeated
;   nasm -DWORKLOAD=3  string and call heavy: rep movsd/stosd, near calls, push/pop
;   nasm -DWORKLOAD=4  x87 floating point: a Mandelbrot set in double precision
;   nasm -DWORKLOAD=5  VGA mode 13h: the registers programmed through the ports (there is no
;                      BIOS), then FRAMES full 320x200 frames drawn with dword stores at A0000
; Each prints "RESULT <hex checksum>" then "DONE" on port 0xE9 and halts. The host checks the
; checksum against its own computation of the same work, so a fast but wrong CPU cannot pass.
%include "common.inc"

TEXT16
bits 16
reset_entry:
        call    init16
        ENTER_PM32 pm_entry

TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

pm_main:
        call    setup_paging
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .paged
.paged:
%if WORKLOAD == 1
; x = 1; for i in 0 .. 2^24-1: t[i & 0x3fff] += x ^ i; x = x*1103515245 + 12345 (mod 2^32)
; checksum = sum of t[] (u32)
TABLE   equ 0x200000
        mov     edi, TABLE
        mov     ecx, 0x4000
        xor     eax, eax
        rep stosd
        mov     ebx, 1                  ; x
        xor     ecx, ecx                ; i
.loop:  mov     edx, ecx
        and     edx, 0x3fff
        mov     eax, ebx
        xor     eax, ecx
        add     [TABLE + edx*4], eax
        imul    ebx, ebx, 1103515245
        add     ebx, 12345
        inc     ecx
        cmp     ecx, 0x1000000
        jne     .loop
        xor     eax, eax
        mov     esi, TABLE
        mov     ecx, 0x4000
.sum:   add     eax, [esi]
        add     esi, 4
        dec     ecx
        jnz     .sum
%elif WORKLOAD == 2
; 12 rounds of: flags[0..N) = 1; for p = 2; p*p < N: if flags[p]: for m = p*p; m < N; m += p:
; flags[m] = 0. checksum = number of primes below N (bytes still 1 from 2 up) summed per round
N       equ 0x100000
FLAGS   equ 0x200000
        xor     ebp, ebp                ; checksum
        mov     esi, 12
.round: mov     edi, FLAGS
        mov     ecx, N/4
        mov     eax, 0x01010101
        rep stosd
        mov     ebx, 2
.outer: mov     eax, ebx
        imul    eax, ebx
        cmp     eax, N
        jae     .count
        cmp     byte [FLAGS + ebx], 0
        je      .next
.inner: mov     byte [FLAGS + eax], 0
        add     eax, ebx
        cmp     eax, N
        jb      .inner
.next:  inc     ebx
        jmp     .outer
.count: mov     ecx, 2
.cnt:   movzx   eax, byte [FLAGS + ecx]
        add     ebp, eax
        inc     ecx
        cmp     ecx, N
        jb      .cnt
        dec     esi
        jnz     .round
        mov     eax, ebp
%elif WORKLOAD == 3
; 2000 rounds of: fill 16 KiB with a pattern (rep stosd), copy it (rep movsd), then
; a checksum over 256 dwords computed through a call per element.
SRC     equ 0x200000
DST     equ 0x300000
        xor     ebp, ebp
        mov     ebx, 2000
.round: mov     edi, SRC
        mov     ecx, 4096
        mov     eax, ebx
        rep stosd
        mov     esi, SRC
        mov     edi, DST
        mov     ecx, 4096
        rep movsd
        mov     esi, DST
        mov     ecx, 256
.el:    push    ecx
        call    mix
        pop     ecx
        add     esi, 4
        dec     ecx
        jnz     .el
        dec     ebx
        jnz     .round
        mov     eax, ebp
        jmp     done3
; ebp = rol(ebp, 5) ^ [esi] + ecx
mix:    mov     eax, [esi]
        rol     ebp, 5
        xor     ebp, eax
        add     ebp, ecx
        ret
done3:
%elif WORKLOAD == 4
; x87 Mandelbrot: a W x H grid over [-2, 1] x [-1.5, 1.5], at most MAXIT iterations of
; z = z^2 + c per point, in double precision (precision control 53 bits, round to nearest: the
; same results as IEEE doubles, so the host's JavaScript can check them). 8 flops per
; iteration: x*x, y*y, x*x + y*y, x*x - y*y, + cx, x*y, 2xy, + cy.
; checksum = over the points in order: sum = sum * 31 + iterations (mod 2^32)
W       equ 192
H       equ 192
MAXIT   equ 256
VARS4   equ 0x200000
        fninit
        fldcw   [cw_pc53]
        xor     ebp, ebp                ; checksum
        xor     esi, esi                ; py
.row:   mov     [VARS4], esi
        fild    dword [VARS4]
        fmul    qword [step_y]
        fadd    qword [y0]
        fstp    qword [VARS4+16]        ; cy
        xor     edi, edi                ; px
.col:   mov     [VARS4], edi
        fild    dword [VARS4]
        fmul    qword [step_x]
        fadd    qword [x0]
        fstp    qword [VARS4+8]         ; cx
        xor     ecx, ecx                ; iterations
        fldz                            ; x
        fldz                            ; y, x
.it:    fld     st1                     ; x, y, x
        fmul    st0, st0                ; x2, y, x
        fld     st1                     ; y, x2, y, x
        fmul    st0, st0                ; y2, x2, y, x
        fld     st1                     ; x2, y2, x2, y, x
        fadd    st0, st1                ; x2+y2, y2, x2, y, x
        fcomp   qword [four]            ; y2, x2, y, x
        fnstsw  ax
        sahf
        ja      .esc                    ; > 4 (C0 = C3 = 0)
        fsubp   st1, st0                ; x2-y2, y, x
        fadd    qword [VARS4+8]         ; xn, y, x
        fxch    st2                     ; x, y, xn
        fmulp   st1, st0                ; x*y, xn
        fadd    st0, st0                ; 2xy, xn
        fadd    qword [VARS4+16]        ; yn, xn
        inc     ecx
        cmp     ecx, MAXIT
        jb      .it
        fldz                            ; (the escape path's stack depth)
        fldz
.esc:   fstp    st0
        fstp    st0
        fstp    st0
        fstp    st0
        imul    ebp, ebp, 31
        add     ebp, ecx
        inc     edi
        cmp     edi, W
        jb      .col
        inc     esi
        cmp     esi, H
        jb      .row
        mov     eax, ebp
        jmp     done4
align 8
x0:     dq -2.0
y0:     dq -1.5
step_x: dq 0.015625                     ; 3 / 192
step_y: dq 0.015625
four:   dq 4.0
cw_pc53: dw 0x027F
done4:
%elif WORKLOAD == 5
; Mode 13h from the IBM register table, a grey ramp in the DAC, then for f in 0 .. FRAMES-1:
; the dword at A0000 + y*320 + 4q (q = 0..79) = b * 01010101h with b = (q + y + f) & 255.
; checksum = sum of the bytes of the last frame read back through A0000 (read mode 0, chain 4)
FRAMES  equ 100
        mov     dx, 0x3c2
        mov     al, 0x63
        out     dx, al
        mov     esi, vga13_seq
        mov     dx, 0x3c4
        xor     ecx, ecx
.seq:   mov     al, cl
        mov     ah, [esi + ecx]
        out     dx, ax
        inc     ecx
        cmp     ecx, 5
        jb      .seq
        mov     dx, 0x3d4
        mov     ax, 0x0e11                      ; CR11: unprotect CR00-CR07
        out     dx, ax
        mov     esi, vga13_crtc
        xor     ecx, ecx
.crtc:  mov     al, cl
        mov     ah, [esi + ecx]
        out     dx, ax
        inc     ecx
        cmp     ecx, 25
        jb      .crtc
        mov     esi, vga13_gc
        mov     dx, 0x3ce
        xor     ecx, ecx
.gc:    mov     al, cl
        mov     ah, [esi + ecx]
        out     dx, ax
        inc     ecx
        cmp     ecx, 9
        jb      .gc
        mov     dx, 0x3da
        in      al, dx                          ; attribute flip-flop to index
        mov     dx, 0x3c0
        xor     ecx, ecx
.attr:  mov     al, cl
        out     dx, al
        mov     al, [vga13_attr + ecx]
        out     dx, al
        inc     ecx
        cmp     ecx, 21
        jb      .attr
        mov     al, 0x20                        ; palette address source: display on
        out     dx, al
        mov     dx, 0x3c8
        xor     al, al
        out     dx, al
        inc     dx
        xor     ecx, ecx
.dac:   mov     al, cl
        shr     al, 2
        out     dx, al
        out     dx, al
        out     dx, al
        inc     ecx
        cmp     ecx, 256
        jb      .dac
        xor     ebp, ebp                        ; f
.frame: mov     edi, 0xa0000
        xor     esi, esi                        ; y
.line:  xor     ebx, ebx                        ; q
.quad:  lea     eax, [ebx + esi]
        add     eax, ebp
        and     eax, 255
        imul    eax, eax, 0x01010101
        stosd
        inc     ebx
        cmp     ebx, 80
        jb      .quad
        inc     esi
        cmp     esi, 200
        jb      .line
        inc     ebp
        cmp     ebp, FRAMES
        jb      .frame
        mov     esi, 0xa0000
        xor     eax, eax
        xor     ebx, ebx
        mov     ecx, 64000
.sum:   mov     bl, [esi]
        add     eax, ebx
        inc     esi
        loop    .sum
        jmp     done5
vga13_seq:  db 0x03, 0x01, 0x0f, 0x00, 0x0e
vga13_crtc: db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
            db 0x9c, 0x8e, 0x8f, 0x28, 0x40, 0x96, 0xb9, 0xa3, 0xff
vga13_gc:   db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
vga13_attr: db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
            db 0x41, 0x00, 0x0f, 0x00, 0x00
done5:
%else
%error "WORKLOAD must be 1 to 5"
%endif
        mov     edx, eax
        MSG     "RESULT "
        mov     eax, edx
        call    hex32
        MSG     10, "DONE", 10
        cli
.h:     hlt
        jmp     .h
