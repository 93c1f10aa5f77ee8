/* Trampoline for the instruction-vector generator (32-bit x86, AT&T syntax).
 * run_snippet(): saves the C callee-saved registers, loads EFLAGS and the
 * seven general registers other than ESP from g_in[] (order: eax ecx edx ebx
 * ebp esi edi eflags), calls the snippet at g_code (instruction bytes
 * followed by RET), then stores the registers and EFLAGS into g_out[]. */
	.text
	.globl	run_snippet
	.type	run_snippet, @function
run_snippet:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, g_saved_esp
	pushl	g_in+28
	popfl
	movl	g_in+0, %eax
	movl	g_in+4, %ecx
	movl	g_in+8, %edx
	movl	g_in+12, %ebx
	movl	g_in+16, %ebp
	movl	g_in+20, %esi
	movl	g_in+24, %edi
	call	*g_code
	pushfl
	movl	%eax, g_out+0
	movl	%ecx, g_out+4
	movl	%edx, g_out+8
	movl	%ebx, g_out+12
	movl	%ebp, g_out+16
	movl	%esi, g_out+20
	movl	%edi, g_out+24
	popl	g_out+28
	cld
	movl	g_saved_esp, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	run_snippet, .-run_snippet
	.section .note.GNU-stack,"",@progbits
