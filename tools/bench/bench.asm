; bench.asm - CPU-bound guest workloads for `npm run bench`, in 32-bit protected mode with
; paging on (identity-mapped 4 KiB pages), assembled once per workload:
;   nasm -DWORKLOAD=1  integer loop with memory traffic (a 64 KiB table, read-modify-write)
;   nasm -DWORKLOAD=2  sieve of Eratosthenes over 1 Mi flags, repeated
;   nasm -DWORKLOAD=3  string and call heavy: rep movsd/stosd, near calls, push/pop
;   nasm -DWORKLOAD=4  x87 floating point: a Mandelbrot set in double precision
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
%else
%error "WORKLOAD must be 1 to 4"
%endif
        mov     edx, eax
        MSG     "RESULT "
        mov     eax, edx
        call    hex32
        MSG     10, "DONE", 10
        cli
.h:     hlt
        jmp     .h
