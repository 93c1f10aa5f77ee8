; paging.asm - 4 KiB pages, 4 MiB pages (CR4.PSE), global pages (CR4.PGE),
; PAE (3-level, 2 MiB and 4 KiB pages), accessed/dirty bits, CR0.WP, U/S and
; R/W combined from PDE and PTE, and invlpg / mov cr3 making a new PTE take
; effect.  TLB staleness is never tested: without invalidation real hardware
; may or may not use the old translation.
%include "common.inc"

%define PTE(lin) dword [PT_BASE + ((lin) >> 12) * 4]
%define PDE(lin) dword [PD_BASE + ((lin) >> 22) * 4]

MARK_A          equ 0x440000            ; physical pages holding markers
MARK_B          equ 0x441000
MARK_C          equ 0x442000
MARK_4M         equ 0x7FF000
L1              equ 0x450000            ; linear test pages (4 KiB, under PDE 1)
L2              equ 0x451000
L3              equ 0x452000
BIG             equ 0x1000000           ; PDE 4: 4 MiB page
PDPT            equ 0x18000
PAE_PD          equ 0x19000
PAE_PT          equ 0x1A000

%macro FLUSH 0
        mov     eax, cr3
        mov     cr3, eax
%endmacro

TEXT16
bits 16
reset_entry:
        POST    0x01
        INIT16
        MSG     "paging: start", 10
        ENTER_PM32 pm_entry

TEXT32
bits 32
pm_entry:
        mov     ebp, pm_main
        jmp     init32

set_markers:
        mov     dword [MARK_A], 0xAAAA0440
        mov     dword [MARK_B], 0xBBBB0441
        mov     dword [MARK_C], 0xCCCC0442
        mov     dword [MARK_4M], 0x4444D7FF
        ret

pm_main:
        POST    0x10
        mov     eax, 1
        cpuid
        CHECKM  edx, 0x2048, 0x2048, "cpuid-pse-pae-pge"
        call    set_markers
        call    setup_paging
        mov     eax, cr0
        or      eax, 0x80010000                 ; PG, WP
        mov     cr0, eax

        ; ------------------------------------------------ invlpg / mov cr3
        POST    0x11
        mov     PTE(L1), MARK_A|7
        invlpg  [L1]
        CHECK   [L1], 0xAAAA0440, "4k-map-a"
        mov     PTE(L1), MARK_B|7
        invlpg  [L1]
        CHECK   [L1], 0xBBBB0441, "4k-invlpg"
        mov     PTE(L1), MARK_C|7
        FLUSH
        CHECK   [L1], 0xCCCC0442, "4k-mov-cr3"
        mov     dword [L1+4], 0x5151
        CHECK   [MARK_C+4], 0x5151, "4k-write-through"
        ; the same physical page at two linear addresses
        mov     PTE(L2), MARK_C|7
        invlpg  [L2]
        mov     dword [L2+8], 0x7777
        CHECK   [L1+8], 0x7777, "4k-alias"
        MSG     "paging: 4k pages, invlpg, cr3 ok", 10

        ; ------------------------------------------------ accessed / dirty
        POST    0x12
        mov     PTE(L1), MARK_A|7               ; A=D=0
        and     PDE(L1), ~0x60
        FLUSH
        CHECKM  PTE(L1), 0x60, 0, "ad-initial"
        mov     eax, [L1]
        CHECKM  PTE(L1), 0x60, 0x20, "ad-read-sets-a-pte"
        CHECKM  PDE(L1), 0x20, 0x20, "ad-read-sets-a-pde"
        mov     dword [L1], 0xAAAA0440
        CHECKM  PTE(L1), 0x60, 0x60, "ad-write-sets-d-pte"
        CHECKM  PDE(L1), 0x40, 0, "ad-no-d-in-pde"
        ; write first: A and D together
        mov     PTE(L2), MARK_B|7
        FLUSH
        mov     dword [L2+12], 1
        CHECKM  PTE(L2), 0x60, 0x60, "ad-write-sets-a-d"
        ; an untouched page stays clean
        mov     PTE(L3), MARK_C|7
        FLUSH
        CHECKM  PTE(L3), 0x60, 0, "ad-untouched"
        MSG     "paging: accessed/dirty ok", 10

        ; ------------------------------------------------ CR0.WP, U/S, R/W
        POST    0x13
        mov     PTE(L2), MARK_B|5               ; user, read-only
        FLUSH
        mov     eax, cr0
        and     eax, ~0x10000                   ; WP=0
        mov     cr0, eax
        TRY     .w1
        mov     dword [L2+16], 0x1616
        mov     dword [catch_eip], 0
        jmp     .w2
.w1:    FAILMSG "wp0-write-faulted"
.w2:    CHECK   [MARK_B+16], 0x1616, "wp0-write"
        mov     eax, cr0
        or      eax, 0x10000                    ; WP=1
        mov     cr0, eax
        TRY     .w3
.wf3:   mov     dword [L2+16], 0x1717
        NOEXC   "wp1-write"
.w3:    EXPECT  14, 3, .wf3, "wp1-write"
        CHECK   [exc_cr2], L2+16, "wp1-write-cr2"
        CHECK   [MARK_B+16], 0x1616, "wp1-no-write"
        ; supervisor-only, read-only page: WP=1 faults a ring-0 write too
        mov     PTE(L3), MARK_C|1
        FLUSH
        TRY     .w4
.wf4:   mov     dword [L3], 0
        NOEXC   "wp1-write-sup-ro"
.w4:    EXPECT  14, 3, .wf4, "wp1-write-sup-ro"
        ; user: read of a user RO page ok, write faults
        TRY     .w5
        mov     ebx, .r3_5
        mov     edx, 2
        jmp     go_ring3
.r3_5:  mov     eax, [L2+16]
.wf5:   mov     dword [L2+16], eax
        int     VEC_RET0
.w5:    EXPECT  14, 7, .wf5, "user-write-ro"
        CHECK   [exc_cr2], L2+16, "user-write-ro-cr2"
        ; PDE R/W=0 makes a writable PTE read-only
        mov     PTE(L1), MARK_A|7
        and     PDE(L1), ~2
        FLUSH
        TRY     .w6
        mov     ebx, .r3_6
        mov     edx, 2
        jmp     go_ring3
.r3_6:  mov     eax, [L1]
.wf6:   mov     [L1], eax
        int     VEC_RET0
.w6:    EXPECT  14, 7, .wf6, "pde-ro-user-write"
        TRY     .w7
.wf7:   mov     dword [L1], 0xAAAA0440
        NOEXC   "pde-ro-sup-write-wp1"
.w7:    EXPECT  14, 3, .wf7, "pde-ro-sup-write-wp1"
        or      PDE(L1), 2
        ; PDE U/S=0 makes a user PTE supervisor-only
        and     PDE(L1), ~4
        FLUSH
        mov     eax, [L1]                       ; supervisor: fine
        TRY     .w8
        mov     ebx, .wf8
        mov     edx, 2
        jmp     go_ring3
.wf8:   mov     eax, [L1]
        int     VEC_RET0
.w8:    EXPECT  14, 5, .wf8, "pde-sup-user-read"
        CHECK   [exc_cr2], L1, "pde-sup-user-read-cr2"
        or      PDE(L1), 4
        FLUSH
        MSG     "paging: wp, u/s, r/w ok", 10

        ; ------------------------------------------------ 4 MiB pages
        POST    0x14
        call    set_markers
        mov     eax, cr4
        or      eax, 0x10                       ; PSE
        mov     cr4, eax
        mov     PDE(BIG), 0x400000 | 0x87       ; P W U PS, A=D=0
        FLUSH
        CHECK   [BIG + 0x40000], 0xAAAA0440, "4m-read-a"
        CHECK   [BIG + 0x3FF000], 0x4444D7FF, "4m-read-top"
        CHECKM  PDE(BIG), 0x60, 0x20, "4m-a-set"
        mov     dword [BIG + 0x41004], 0x4141
        CHECK   [MARK_B+4], 0x4141, "4m-write"
        CHECKM  PDE(BIG), 0x60, 0x60, "4m-d-set"
        ; a read-only user 4 MiB page
        mov     PDE(BIG), 0x400000 | 0x85
        FLUSH
        TRY     .b1
        mov     ebx, .r3_b1
        mov     edx, 2
        jmp     go_ring3
.r3_b1: mov     eax, [BIG + 0x41004]
.bf1:   mov     [BIG + 0x42000], eax
        int     VEC_RET0
.b1:    EXPECT  14, 7, .bf1, "4m-user-write-ro"
        CHECK   [exc_cr2], BIG + 0x42000, "4m-user-write-ro-cr2"
        mov     PDE(BIG), 0
        FLUSH
        MSG     "paging: 4m pages ok", 10

        ; ------------------------------------------------ global pages
        POST    0x15
        call    set_markers
        mov     eax, cr4
        or      eax, 0x80                       ; PGE
        mov     cr4, eax
        mov     eax, cr4
        CHECKM  eax, 0x90, 0x90, "cr4-pse-pge"
        mov     PTE(L3), MARK_A | 0x107         ; global
        invlpg  [L3]
        CHECK   [L3], 0xAAAA0440, "global-map"
        ; (not checked: that the global entry survives a CR3 load - a TLB may
        ; drop any entry at any time, so this would be a staleness test)
        mov     PTE(L3), MARK_B | 0x107
        invlpg  [L3]
        CHECK   [L3], 0xBBBB0441, "global-invlpg"
        ; toggling CR4.PGE flushes global entries too
        mov     PTE(L3), MARK_C | 0x107
        mov     eax, cr4
        and     eax, ~0x80
        mov     cr4, eax
        or      eax, 0x80
        mov     cr4, eax
        CHECK   [L3], 0xCCCC0442, "global-pge-toggle"
        MSG     "paging: global pages ok", 10

        ; ------------------------------------------------ PAE
        POST    0x16
        mov     eax, cr0
        and     eax, ~0x80000000
        mov     cr0, eax
        call    set_markers
        mov     edi, PDPT
        mov     ecx, 0x3000/4
        xor     eax, eax
        rep stosd
        mov     dword [PDPT+0], PAE_PD | 1      ; PDPTE0 (bits 1,2 reserved)
        ; PD: 0..16 MiB identity with 2 MiB pages
        xor     ecx, ecx
.pd:    mov     eax, ecx
        shl     eax, 21
        or      eax, 0xE7                       ; P W U A D PS
        mov     [PAE_PD + ecx*8], eax
        inc     ecx
        cmp     ecx, 8
        jb      .pd
        mov     dword [PAE_PD + 8*8], PAE_PT | 7        ; 16..18 MiB: 4 KiB pages
        mov     dword [PAE_PD + 9*8], 0x400000 | 0x87   ; 18..20 MiB: 2 MiB page, A=D=0
        mov     dword [PAE_PT + 0*8], MARK_A | 7
        mov     dword [PAE_PT + 1*8], MARK_B | 7
        mov     dword [PAE_PT + 2*8], MARK_C | 6        ; not present
        mov     eax, cr4
        or      eax, 0x20                       ; PAE
        mov     cr4, eax
        mov     eax, PDPT
        mov     cr3, eax
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        jmp     .pae
.pae:   CHECK   [0x1000000], 0xAAAA0440, "pae-4k-a"
        CHECK   [0x1001000], 0xBBBB0441, "pae-4k-b"
        CHECKM  [PAE_PT + 0*8], 0x60, 0x20, "pae-4k-a-bit"
        mov     dword [0x1000010], 0x1010
        CHECKM  [PAE_PT + 0*8], 0x60, 0x60, "pae-4k-d-bit"
        CHECK   [MARK_A+0x10], 0x1010, "pae-4k-write"
        CHECK   [PAE_PT + 0*8 + 4], 0, "pae-pte-high"
        CHECK   [0x1200000 + 0x41000], 0xBBBB0441, "pae-2m-read"
        CHECKM  [PAE_PD + 9*8], 0x60, 0x20, "pae-2m-a-bit"
        mov     dword [0x1200000 + 0x42008], 0x2008
        CHECKM  [PAE_PD + 9*8], 0x60, 0x60, "pae-2m-d-bit"
        CHECK   [MARK_C+8], 0x2008, "pae-2m-write"
        CHECKM  [PAE_PD + 8*8], 0x40, 0, "pae-no-d-in-pde"
        ; remap under PAE + invlpg
        mov     dword [PAE_PT + 1*8], MARK_C | 7
        invlpg  [0x1001000]
        CHECK   [0x1001000], 0xCCCC0442, "pae-invlpg"
        TRY     .p1
.pf1:   mov     eax, [0x1002000]
        NOEXC   "pae-pte-np"
.p1:    EXPECT  14, 0, .pf1, "pae-pte-np"
        CHECK   [exc_cr2], 0x1002000, "pae-pte-np-cr2"
        TRY     .p2
.pf2:   mov     dword [0x40000000], 0           ; PDPTE1 not present
        NOEXC   "pae-pdpte-np"
.p2:    EXPECT  14, 2, .pf2, "pae-pdpte-np"
        CHECK   [exc_cr2], 0x40000000, "pae-pdpte-np-cr2"
        ; user write to a read-only 2 MiB page
        mov     dword [PAE_PD + 9*8], 0x400000 | 0x85
        FLUSH
        TRY     .p3
        mov     ebx, .r3_p3
        mov     edx, 2
        jmp     go_ring3
.r3_p3: mov     eax, [0x1200000]
.pf3:   mov     [0x1200000], eax
        int     VEC_RET0
.p3:    EXPECT  14, 7, .pf3, "pae-user-write-ro"
        mov     eax, cr0
        and     eax, ~0x80000000
        mov     cr0, eax
        mov     eax, cr4
        and     eax, ~0x20
        mov     cr4, eax
        MSG     "paging: pae ok", 10

        POST    0xFF
        PASS_HALT
