; A multiboot (version 1) test kernel: an ELF32 executable laid out by hand (nasm -f bin), so
; no linker is needed. The loader (tab86 --kernel, host/kernel.ts + bios/kernel.ts) must start
; it in 32-bit protected mode with EAX = 2BADB002h and EBX = the multiboot information
; (Multiboot Specification 0.6.96 §3.2, §3.3). It prints what it was given to port 0xE9, one
; "name value" line each, and halts; test/boot/kernel.test.ts checks the lines.
; Build: sh tools/kernels/build.sh -> test/kernels/mbinfo.elf
        bits 32
        org 0x100000

; ---- ELF header (System V ABI, i386 supplement)
ehdr:
        db 0x7f, "ELF", 1, 1, 1, 0      ; 32-bit, little endian, version 1, System V
        times 8 db 0
        dw 2                            ; e_type: executable
        dw 3                            ; e_machine: i386
        dd 1                            ; e_version
        dd start                        ; e_entry
        dd phdr - ehdr                  ; e_phoff
        dd 0                            ; e_shoff: no sections
        dd 0                            ; e_flags
        dw 52                           ; e_ehsize
        dw 32                           ; e_phentsize
        dw 1                            ; e_phnum
        dw 40, 0, 0                     ; e_shentsize, e_shnum, e_shstrndx
phdr:   dd 1                            ; PT_LOAD
        dd 0                            ; p_offset: the whole file ...
        dd ehdr, ehdr                   ; ... at 1 MiB (virtual = physical)
        dd file_end - ehdr              ; p_filesz
        dd bss_end - ehdr               ; p_memsz: the stack is zero-filled bss
        dd 7                            ; RWX
        dd 0x1000

; ---- the multiboot header: in the first 8 KiB, 4-byte aligned
        align 4
MB_FLAGS equ 0x00000003                 ; page-aligned modules, memory information
        dd 0x1badb002, MB_FLAGS, -(0x1badb002 + MB_FLAGS)

start:
        mov esp, stack_top
        mov esi, eax
        mov eax, s_magic
        mov edx, esi
        call field
        cmp esi, 0x2badb002
        jne .halt
        ; the segment registers and CR0 as the loader left them (§3.2)
        mov eax, s_cr0
        mov edx, cr0
        call field
        mov eax, s_eflags
        pushfd
        pop edx
        call field
        mov eax, s_cs
        xor edx, edx
        mov dx, cs
        call field
        mov eax, s_flags
        mov edx, [ebx]
        call field
        mov eax, s_lower
        mov edx, [ebx + 4]
        call field
        mov eax, s_upper
        mov edx, [ebx + 8]
        call field
        mov eax, s_cmdline
        call label
        mov eax, [ebx + 16]
        call puts
        call newline
        mov eax, s_loader
        call label
        mov eax, [ebx + 64]
        call puts
        call newline
        ; modules: start, end, the string, and the first 32 bytes of the contents as text
        mov eax, s_mods
        mov edx, [ebx + 20]
        call field
        mov ecx, [ebx + 20]
        mov edi, [ebx + 24]
.mod:   test ecx, ecx
        jz .mods_done
        mov eax, s_mod_start
        mov edx, [edi]
        call field
        mov eax, s_mod_end
        mov edx, [edi + 4]
        call field
        mov eax, s_mod_string
        call label
        mov eax, [edi + 8]
        call puts
        call newline
        mov eax, s_mod_text
        call label
        mov esi, [edi]
        mov edx, [edi + 4]
        sub edx, esi
        cmp edx, 32
        jbe .short
        mov edx, 32
.short: mov al, [esi]
        out 0xe9, al
        inc esi
        dec edx
        jnz .short
        call newline
        add edi, 16
        dec ecx
        jmp .mod
.mods_done:
        ; the memory map: entries of (size, base, length, type)
        mov eax, s_mmap_len
        mov edx, [ebx + 44]
        call field
        mov edi, [ebx + 48]
        mov ecx, [ebx + 44]
        add ecx, edi
.map:   cmp edi, ecx
        jae .map_done
        mov eax, s_map
        call label
        mov edx, [edi + 4]
        call hex
        mov al, ' '
        out 0xe9, al
        mov edx, [edi + 12]
        call hex
        mov al, ' '
        out 0xe9, al
        mov edx, [edi + 20]
        call hex
        call newline
        add edi, [edi]
        add edi, 4
        jmp .map
.map_done:
        mov eax, s_done
        call puts
        call newline
.halt:  cli
        hlt
        jmp .halt

; print "name value\n": name at EAX, value EDX in hex
field:  call label
        call hex
        jmp newline
; print the string at EAX and a space
label:  call puts
        push eax
        mov al, ' '
        out 0xe9, al
        pop eax
        ret
; print the zero-terminated string at EAX
puts:   push eax
        push esi
        mov esi, eax
.next:  lodsb
        test al, al
        jz .end
        out 0xe9, al
        jmp .next
.end:   pop esi
        pop eax
        ret
newline:
        push eax
        mov al, 10
        out 0xe9, al
        pop eax
        ret
; print EDX as 8 hex digits
hex:    push eax
        push ecx
        mov ecx, 8
.digit: rol edx, 4
        mov al, dl
        and al, 15
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '9' - 1
.out:   out 0xe9, al
        loop .digit
        pop ecx
        pop eax
        ret

s_magic:      db "magic", 0
s_cr0:        db "cr0", 0
s_eflags:     db "eflags", 0
s_cs:         db "cs", 0
s_flags:      db "flags", 0
s_lower:      db "mem_lower", 0
s_upper:      db "mem_upper", 0
s_cmdline:    db "cmdline", 0
s_loader:     db "loader", 0
s_mods:       db "mods", 0
s_mod_start:  db "mod_start", 0
s_mod_end:    db "mod_end", 0
s_mod_string: db "mod_string", 0
s_mod_text:   db "mod_text", 0
s_mmap_len:   db "mmap_length", 0
s_map:        db "map", 0
s_done:       db "done", 0
file_end:

        align 16
bss:    times 4096 db 0
stack_top:
bss_end:
