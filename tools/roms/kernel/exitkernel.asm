; A small multiboot kernel for the exit port and the instruction trace (test/script.test.ts).
; Loaded with --kernel exitkernel.elf (any multiboot loader: tab86, QEMU -kernel, GRUB). The
; command line (--append) chooses what it does:
;   port=HEX   the exit port (default f4, QEMU's usual isa-debug-exit iobase=0xf4)
;   value=HEX  the value to write there (default 0)
;   size=N     1, 2 or 4: out with AL, AX or EAX (default 1)
;   triple     instead: load an empty IDT and execute UD2, a triple fault (#UD, then #GP
;              for the missing gate, then #DF likewise)
; It reports on the debug console (port 0xE9) what it is about to do. If the write does not
; end the run (no exit port there), it says so and halts.
;
; The file is a flat binary with the multiboot header's address fields (flag 16, the
; "a.out kludge", multiboot 0.6.96 §3.1.3), so nasm -f bin makes it with no linker; the ELF
; file type is not needed. Build: sh build.sh (writes test/roms/kernel/exitkernel.bin).

bits 32
org 0x100000

MB_MAGIC equ 0x1badb002
MB_FLAGS equ 0x00010000                 ; bit 16: the address fields below are valid

header:
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)
    dd header                           ; header_addr
    dd header                           ; load_addr: the file starts with the header
    dd 0                                ; load_end_addr: the whole file
    dd bss_end                          ; bss_end_addr
    dd start                            ; entry_addr

start:
    mov esp, stack_top
    mov esi, msg_hello
    call puts
    ; the command line, when the loader passed one (info flags bit 2, the string at +16)
    mov edi, empty
    test dword [ebx], 4
    jz .parse
    mov edi, [ebx + 16]
.parse:
    mov esi, key_triple
    call find
    jnc triple
    mov esi, key_port
    call find
    jc .noport
    call hex
    mov [port], eax
.noport:
    mov esi, key_value
    call find
    jc .novalue
    call hex
    mov [value], eax
.novalue:
    mov esi, key_size
    call find
    jc .nosize
    call hex
    mov [size], eax
.nosize:
    mov esi, msg_exit
    call puts
    mov eax, [value]
    call puthex
    mov esi, msg_to
    call puts
    mov eax, [port]
    call puthex
    mov al, 10
    out 0xe9, al
    mov edx, [port]
    mov eax, [value]
    cmp dword [size], 2
    je .out16
    cmp dword [size], 4
    je .out32
    out dx, al
    jmp .after
.out16:
    out dx, ax
    jmp .after
.out32:
    out dx, eax
.after:
    mov esi, msg_alive
    call puts
    cli
.halt:
    hlt
    jmp .halt

triple:
    mov esi, msg_triple
    call puts
    lidt [null_idt]
fault_here:
    ud2
    jmp triple

; find: is the string at ESI (zero-terminated) in the command line at EDI? CF clear and EDI
; after it if so; CF set if not. Keeps EDI otherwise.
find:
    push ebx
    mov ebx, edi
.try:
    cmp byte [ebx], 0
    je .no
    push esi
    mov edx, ebx
.cmp:
    mov al, [esi]
    test al, al
    jz .yes
    cmp al, [edx]
    jne .next
    inc esi
    inc edx
    jmp .cmp
.next:
    pop esi
    inc ebx
    jmp .try
.yes:
    pop esi
    mov edi, edx
    pop ebx
    clc
    ret
.no:
    pop ebx
    stc
    ret

; hex: the hexadecimal number at EDI (an optional 0x first) in EAX
hex:
    xor eax, eax
    cmp word [edi], '0x'
    jne .digit
    add edi, 2
.digit:
    movzx edx, byte [edi]
    sub dl, '0'
    cmp dl, 9
    jbe .add
    or dl, 0x20                         ; letters in either case
    sub dl, 'a' - '0' - 10
    cmp dl, 10
    jb .done
    cmp dl, 15
    ja .done
.add:
    shl eax, 4
    or eax, edx
    inc edi
    jmp .digit
.done:
    ret

; puts: the zero-terminated string at ESI to the debug console
puts:
    lodsb
    test al, al
    jz .end
    out 0xe9, al
    jmp puts
.end:
    ret

; puthex: EAX as 0x and eight hex digits on the debug console
puthex:
    mov ecx, eax
    mov al, '0'
    out 0xe9, al
    mov al, 'x'
    out 0xe9, al
    mov edx, 8
.digit:
    rol ecx, 4
    mov al, cl
    and al, 15
    add al, '0'
    cmp al, '9'
    jbe .put
    add al, 'a' - '0' - 10
.put:
    out 0xe9, al
    dec edx
    jnz .digit
    ret

null_idt:
    dw 0
    dd 0

port:  dd 0xf4
value: dd 0
size:  dd 1

msg_hello:  db "exitkernel: multiboot kernel running", 10, 0
msg_exit:   db "exitkernel: writing ", 0
msg_to:     db " to port ", 0
msg_alive:  db "exitkernel: still running (no exit port there)", 10, 0
msg_triple: db "exitkernel: empty IDT, then ud2 (a triple fault)", 10, 0
key_triple: db "triple", 0
key_port:   db "port=", 0
key_value:  db "value=", 0
key_size:   db "size=", 0
empty:      db 0

section .bss
alignb 16
    resb 4096
stack_top:
bss_end:
