/*
 * Instruction-vector generator for tab86.
 *
 * Runs integer x86 instructions natively (32-bit code, gcc -m32) over edge
 * case and pseudo-random inputs and writes, per instruction form, the
 * registers, EFLAGS and a 64-byte data buffer before and after.  The output
 * format is described in test/fixtures/vectors/README.md.
 *
 * Usage: gen OUTDIR
 *
 * Each snippet is the instruction bytes followed by RET, copied into an
 * executable page and called by run_snippet (tramp.S), which loads
 * eax ecx edx ebx ebp esi edi and EFLAGS from g_in[] and stores them back
 * into g_out[].  #DE (SIGFPE) and #UD (SIGILL) are caught with
 * sigsetjmp/siglongjmp and recorded as "x":0 / "x":6.
 *
 * Everything random comes from a splitmix64 generator seeded from the group
 * name, so the output is the same on every run on the same CPU.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <signal.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <cpuid.h>

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };
enum { AL, CL, DL, BL, AH, CH, DH, BH };

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define DF 0x400u
#define OF 0x800u
#define ARITH (CF | PF | AF | ZF | SF | OF)
#define EFL_BASE 0x202u /* reserved bit 1 and IF, as user code always has them */

#define BUFSZ 64

/* shared with tramp.S */
uint32_t g_in[8], g_out[8];
void *g_code;
uint32_t g_saved_esp;
void run_snippet(void);

static const char *R32N[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *R16N[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
static const char *R8N[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
static const int SZ[3] = {8, 16, 32};

/* fixture register order: eax ecx edx ebx ebp esi edi (eflags) */
static int FI(int n) { return n < 4 ? n : n - 1; }
static const char *RNAME(int n, int s) { return s == 8 ? R8N[n] : s == 16 ? R16N[n] : R32N[n]; }

/* ------------------------------------------------------------------ RNG */
static uint64_t rs;
static void seed(const char *s)
{
	rs = 0x243F6A8885A308D3ull;
	while (*s)
		rs = rs * 1099511628211ull + (unsigned char)*s++;
}
static uint32_t rnd(void)
{
	uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}
static uint32_t rndn(uint32_t n) { return rnd() % n; }

/* ------------------------------------------------------------ execution */
static uint8_t *codepage, *bufp, *sentinel;
#define SENT 256
static sigjmp_buf jb;
static volatile sig_atomic_t armed;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (!armed) {
		fprintf(stderr, "gen: unexpected signal %d outside a snippet\n", sig);
		_exit(2);
	}
	armed = 0;
	siglongjmp(jb, sig);
}

static void setup(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGFPE, &sa, 0);
	sigaction(SIGILL, &sa, 0);
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGBUS, &sa, 0);
	codepage = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *d = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (codepage == MAP_FAILED || d == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	/* the buffer ends at a guard page; the bytes before it are a sentinel */
	mprotect(d + 2 * 4096, 4096, PROT_NONE);
	bufp = d + 2 * 4096 - BUFSZ;
	sentinel = bufp - SENT;
	g_code = codepage;
}

/* ---------------------------------------------------------- the form */
static uint8_t code[32];
static int clen;
static struct {
	int nrel, rel[2], off; /* buffer-relative registers and the default offset */
	int a16;               /* 0: addressing has no 16-bit equivalent */
} F;

static void cb(uint32_t b) { code[clen++] = (uint8_t)b; }
static void cw(uint32_t v) { cb(v); cb(v >> 8); }
static void cd(uint32_t v) { cw(v); cw(v >> 16); }
static void cimm(int s, uint32_t v) { s == 8 ? cb(v) : s == 16 ? cw(v) : cd(v); }
static void pfx(int s) { if (s == 16) cb(0x66); }
#define MODRM(md, r, m) (((md) << 6) | ((r) << 3) | (m))

static void fs(void)
{
	clen = 0;
	memset(&F, 0, sizeof F);
	F.a16 = 1;
}

/* memory operand [base] or [base+disp8]; bases with a 16-bit equivalent only */
typedef struct { int base, disp; } mref_t;
static const mref_t MR[] = {{EBX, 0}, {ESI, 8}, {EDI, 0}, {EBP, 4}, {EBX, -4},
			    {ESI, 0}, {EDI, 16}, {EBP, -8}, {EBX, 12}, {EDI, -16}};
static int mri;
static mref_t nextm(void) { return MR[mri++ % (int)(sizeof MR / sizeof MR[0])]; }
/* a memory reference whose base is not ebx (for cmpxchg8b) */
static mref_t nextm_nobx(void)
{
	mref_t m;
	do m = nextm(); while (m.base == EBX);
	return m;
}
static char mtxt[64];
static const char *mname(mref_t m)
{
	if (m.disp == 0)
		snprintf(mtxt, sizeof mtxt, "[%s]", R32N[m.base]);
	else
		snprintf(mtxt, sizeof mtxt, "[%s%c%d]", R32N[m.base], m.disp < 0 ? '-' : '+', abs(m.disp));
	return mtxt;
}
/* emit a ModRM for memory operand m whose effective address is buffer+T */
static void emem(int reg, mref_t m, int T)
{
	if (m.disp == 0 && m.base != EBP)
		cb(MODRM(0, reg, m.base));
	else {
		cb(MODRM(1, reg, m.base));
		cb((uint32_t)m.disp & 0xFF);
	}
	F.nrel = 1;
	F.rel[0] = m.base;
	F.off = T - m.disp;
}

/* ------------------------------------------------------------ output */
static FILE *fo;
static const char *outdir;
static char cpu_name[64];
static uint32_t cpu_sig;
static int g_forms, g_cases, form_cases, t_forms, t_cases;
static long t_bytes;
static char gname[32];
static uint32_t st[8];
static uint8_t bin[BUFSZ];

static void hex(const uint8_t *p, int n)
{
	static const char H[] = "0123456789abcdef";
	for (int i = 0; i < n; i++) {
		fputc(H[p[i] >> 4], fo);
		fputc(H[p[i] & 15], fo);
	}
}

static void gbegin(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.json", outdir, name);
	fo = fopen(path, "w");
	if (!fo) {
		perror(path);
		exit(1);
	}
	snprintf(gname, sizeof gname, "%s", name);
	seed(name);
	mri = 0;
	g_forms = g_cases = 0;
	fprintf(fo, "{\"generator\":\"tools/vectors/gen.c\",\"cpu\":\"%s\",\"cpuid1\":\"%08x\",\"forms\":[\n", cpu_name, cpu_sig);
}

static void gend(void)
{
	fprintf(fo, "\n]}\n");
	long sz = ftell(fo);
	fclose(fo);
	printf("%-8s %5d forms %7d cases %9ld bytes\n", gname, g_forms, g_cases, sz);
	t_forms += g_forms;
	t_cases += g_cases;
	t_bytes += sz;
}

static void fb(const char *fmt, ...)
{
	char name[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	memcpy(codepage, code, clen);
	codepage[clen] = 0xC3; /* ret */
	fprintf(fo, "%s{\"name\":\"%s\",\"bytes\":\"", g_forms ? ",\n" : "", name);
	hex(code, clen);
	fprintf(fo, "\",\"mem\":");
	if (F.nrel) {
		fprintf(fo, "{\"reg\":\"%s\",\"offset\":%d,\"regs\":[", R32N[F.rel[0]], F.off);
		for (int i = 0; i < F.nrel; i++)
			fprintf(fo, "%s\"%s\"", i ? "," : "", R32N[F.rel[i]]);
		fprintf(fo, "]}");
	} else
		fprintf(fo, "null");
	if (!F.a16)
		fprintf(fo, ",\"a16\":false");
	fprintf(fo, ",\"cases\":[\n");
	g_forms++;
	form_cases = 0;
}

static void fe(void)
{
	fprintf(fo, "]}");
	if (form_cases == 0) {
		fprintf(stderr, "gen: form without cases\n");
		exit(1);
	}
}

/* background: random registers and buffer, relative registers at F.off */
static void cinit(void)
{
	for (int i = 0; i < 7; i++)
		st[i] = rnd();
	for (int i = 0; i < BUFSZ; i++)
		bin[i] = (uint8_t)rnd();
	for (int i = 0; i < F.nrel; i++)
		st[FI(F.rel[i])] = (uint32_t)F.off;
	st[7] = EFL_BASE;
}
static void setfl(uint32_t f) { st[7] = EFL_BASE | f; }

static void crun(void)
{
	memcpy(g_in, st, sizeof g_in);
	for (int i = 0; i < F.nrel; i++)
		g_in[FI(F.rel[i])] = st[FI(F.rel[i])] + (uint32_t)(uintptr_t)bufp;
	memcpy(bufp, bin, BUFSZ);
	memset(sentinel, 0xA5, SENT);
	int sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		armed = 1;
		run_snippet();
		armed = 0;
	}
	for (int i = 0; i < SENT; i++)
		if (sentinel[i] != 0xA5) {
			fprintf(stderr, "gen: write below the buffer (form %d of %s)\n", g_forms, gname);
			exit(1);
		}
	if (sig == SIGSEGV || sig == SIGBUS) {
		fprintf(stderr, "gen: memory fault in form %d of %s\n", g_forms, gname);
		exit(1);
	}
	fprintf(fo, "%s{\"i\":[", form_cases ? ",\n" : "");
	for (int i = 0; i < 8; i++)
		fprintf(fo, "%s%u", i ? "," : "", st[i]);
	fprintf(fo, "]");
	if (sig) {
		fprintf(fo, ",\"x\":%d", sig == SIGFPE ? 0 : 6);
	} else {
		for (int i = 0; i < F.nrel; i++)
			g_out[FI(F.rel[i])] -= (uint32_t)(uintptr_t)bufp;
		fprintf(fo, ",\"o\":[");
		for (int i = 0; i < 8; i++)
			fprintf(fo, "%s%u", i ? "," : "", g_out[i]);
		fprintf(fo, "]");
	}
	if (F.nrel) {
		fprintf(fo, ",\"mi\":\"");
		hex(bin, BUFSZ);
		fprintf(fo, "\"");
		if (!sig) {
			fprintf(fo, ",\"mo\":\"");
			hex(bufp, BUFSZ);
			fprintf(fo, "\"");
		}
	}
	fprintf(fo, "}");
	form_cases++;
	g_cases++;
}

/* ------------------------------------------------------- operand slots */
enum { LREG = 1, LMEM = 2 };
typedef struct { int kind, n, size; } loc_t;
static loc_t R(int n, int s) { loc_t l = {LREG, n, s}; return l; }
static loc_t M(int off, int s) { loc_t l = {LMEM, off, s}; return l; }

static uint32_t MSK(int s) { return s == 32 ? 0xFFFFFFFFu : ((1u << s) - 1); }

static void put(loc_t l, uint32_t v)
{
	if (l.kind == LREG) {
		int n = l.n;
		if (l.size == 32)
			st[FI(n)] = v;
		else if (l.size == 16)
			st[FI(n)] = (st[FI(n)] & 0xFFFF0000u) | (v & 0xFFFF);
		else if (n < 4)
			st[FI(n)] = (st[FI(n)] & ~0xFFu) | (v & 0xFF);
		else
			st[FI(n - 4)] = (st[FI(n - 4)] & ~0xFF00u) | ((v & 0xFF) << 8);
	} else {
		for (int i = 0; i < l.size / 8; i++)
			bin[l.n + i] = (uint8_t)(v >> (8 * i));
	}
}
/* edge values, most important first */
static const uint32_t FE8[16] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x81, 0x7E,
				 0x0F, 0x10, 0x02, 0x09, 0x99, 0x9A, 0x55, 0xAA};
static const uint32_t FE16[16] = {0, 1, 0x7FFF, 0x8000, 0xFFFF, 0xFFFE, 0x8001, 0x7FFE,
				  0xFF, 0x100, 0x80, 0x7F, 0x0F, 0x10, 0x5555, 0xAAAA};
static const uint32_t FE32[16] = {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE,
				  0x80000001, 0x7FFFFFFE, 0xFFFF, 0x10000, 0xFF, 0x80,
				  0x0F, 0x10, 0x55555555, 0xAAAAAAAA};
static const uint32_t *FE(int s) { return s == 8 ? FE8 : s == 16 ? FE16 : FE32; }
/* crossing sets: 6 for register forms, the first 4 for memory forms */
static const uint32_t XE8[6] = {0x00, 0x7F, 0x80, 0xFF, 0x01, 0x0F};
static const uint32_t XE16[6] = {0x0000, 0x7FFF, 0x8000, 0xFFFF, 0x0001, 0x00FF};
static const uint32_t XE32[6] = {0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1, 0xFFFF};
static const uint32_t *XE(int s) { return s == 8 ? XE8 : s == 16 ? XE16 : XE32; }

static uint32_t rval(int s)
{
	uint32_t m = MSK(s), r = rnd();
	switch (rnd() % 8) {
	case 0: case 1: case 2: return r & m;
	case 3: return FE(s)[rndn(16)];
	case 4: return rndn(33);
	case 5: return (FE(s)[rndn(16)] + rndn(9) - 4) & m;
	case 6: return (r | (1u << (s - 1))) & m;
	default: return (r >> rndn(s)) & m;
	}
}
/* a random value of size s that is not among the n values in a[] */
static uint32_t rval_not(int s, const uint32_t *a, int n)
{
	for (;;) {
		uint32_t v = rval(s);
		int i;
		for (i = 0; i < n && a[i] != v; i++)
			;
		if (i == n)
			return v;
	}
}
static uint32_t rflags(void) { return rnd() & ARITH; }
static uint32_t kflags(int k) { return k % 4 == 0 ? 0 : k % 4 == 1 ? ARITH : rflags(); }

/* two operands: cross product of edge values (both CF values if carry),
 * then nrand random pairs */
static void c2(loc_t a, loc_t b, int s, int nx, int carry, int nrand)
{
	const uint32_t *xs = XE(s);
	int k = 0;
	for (int i = 0; i < nx; i++)
		for (int j = 0; j < nx; j++)
			for (int c = 0; c < (carry ? 2 : 1); c++) {
				cinit();
				put(a, xs[i]);
				put(b, xs[j]);
				uint32_t f = kflags(k++);
				if (carry)
					f = (f & ~CF) | (c ? CF : 0);
				setfl(f);
				crun();
			}
	for (int r = 0; r < nrand; r++) {
		cinit();
		put(a, rval(s));
		put(b, rval(s));
		setfl(rflags());
		crun();
	}
}

/* one operand: the first nedge edge values (both CF values if carry),
 * then nrand random values */
static void c1(loc_t a, int s, int carry, int nedge, int nrand)
{
	int k = 0;
	for (int i = 0; i < nedge; i++)
		for (int c = 0; c < (carry ? 2 : 1); c++) {
			cinit();
			put(a, FE(s)[i]);
			uint32_t f = kflags(k++);
			if (carry)
				f = (f & ~CF) | (c ? CF : 0);
			setfl(f);
			crun();
		}
	for (int r = 0; r < nrand; r++) {
		cinit();
		put(a, rval(s));
		setfl(rflags());
		crun();
	}
}

static const char *RMN(int s) { return s == 8 ? "r/m8" : s == 16 ? "r/m16" : "r/m32"; }
static const char *RN(int s) { return s == 8 ? "r8" : s == 16 ? "r16" : "r32"; }
static const char *IMN(int s) { return s == 8 ? "imm8" : s == 16 ? "imm16" : "imm32"; }
static const char *ACN(int s) { return s == 8 ? "AL" : s == 16 ? "AX" : "EAX"; }

/* ================================================================ ALU */
static const char *ALU[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

static void g_alu(void)
{
	gbegin("alu");
	for (int op = 0; op < 8; op++)
		for (int si = 0; si < 3; si++) {
			int s = SZ[si], w = s != 8, carry = op == 2 || op == 3;
			const char *on = ALU[op];
			mref_t m;
			uint32_t imms[6], i8s[6];
			imms[0] = 0; imms[1] = 1; imms[2] = MSK(s) >> 1; imms[3] = (MSK(s) >> 1) + 1;
			imms[4] = MSK(s); imms[5] = rval_not(s, imms, 5);
			i8s[0] = 0; i8s[1] = 1; i8s[2] = 0x7F; i8s[3] = 0x80; i8s[4] = 0xFF; i8s[5] = rval_not(8, i8s, 5);

			fs(); pfx(s); cb(op * 8 + w); cb(MODRM(3, EBX, EAX));
			fb("%s %s, %s (reg %s, %s)", on, RMN(s), RN(s), RNAME(EAX, s), RNAME(EBX, s));
			c2(R(EAX, s), R(EBX, s), s, 6, carry, 24); fe();
			if (s == 8) {
				fs(); cb(op * 8); cb(MODRM(3, DH, CH));
				fb("%s r/m8, r8 (reg ch, dh)", on);
				c2(R(CH, 8), R(DH, 8), 8, 6, carry, 16); fe();
			}
			fs(); pfx(s); cb(op * 8 + w); cb(MODRM(3, ECX, ECX));
			fb("%s %s, %s (reg %s, %s: same register)", on, RMN(s), RN(s), RNAME(ECX, s), RNAME(ECX, s));
			c1(R(ECX, s), s, carry, 8, 16); fe();

			m = nextm(); fs(); pfx(s); cb(op * 8 + w); emem(ECX, m, 16);
			fb("%s %s, %s (mem %s, %s)", on, RMN(s), RN(s), mname(m), RNAME(ECX, s));
			c2(M(16, s), R(ECX, s), s, 4, carry, 16); fe();

			fs(); pfx(s); cb(op * 8 + 2 + w); cb(MODRM(3, EDX, ESI));
			fb("%s %s, %s (reg %s, %s)", on, RN(s), RMN(s), RNAME(EDX, s), RNAME(ESI, s));
			c2(R(EDX, s), R(ESI, s), s, 6, carry, 24); fe();

			m = nextm(); fs(); pfx(s); cb(op * 8 + 2 + w); emem(EDX, m, 16);
			fb("%s %s, %s (mem %s, %s)", on, RN(s), RMN(s), RNAME(EDX, s), mname(m));
			c2(R(EDX, s), M(16, s), s, 4, carry, 16); fe();

			for (int i = 0; i < 6; i++) {
				fs(); pfx(s); cb(0x80 + w); cb(MODRM(3, op, EDI)); cimm(s, imms[i]);
				fb("%s %s, %s (reg %s) imm=0x%x", on, RMN(s), IMN(s), RNAME(EDI, s), imms[i]);
				c1(R(EDI, s), s, carry, 8, 16); fe();
			}
			for (int i = 1; i < 6; i += 2) {
				m = nextm(); fs(); pfx(s); cb(0x80 + w); emem(op, m, 16); cimm(s, imms[i]);
				fb("%s %s, %s (mem %s) imm=0x%x", on, RMN(s), IMN(s), mname(m), imms[i]);
				c1(M(16, s), s, carry, 8, 16); fe();
			}
			for (int i = 0; i < 6; i++) {
				fs(); pfx(s); cb(s == 8 ? 0x82 : 0x83); cb(MODRM(3, op, EBP)); cb(i8s[i]);
				if (s == 8)
					fb("%s r/m8, imm8 (82 alias, reg ch) imm=0x%x", on, i8s[i]);
				else
					fb("%s %s, imm8 (83, reg %s) imm=0x%x", on, RMN(s), RNAME(EBP, s), i8s[i]);
				c1(R(EBP, s), s, carry, 8, 16); fe();
			}
			for (int i = 2; i < 5; i += 1) {
				if (i == 2 && s != 8) continue;
				m = nextm(); fs(); pfx(s); cb(s == 8 ? 0x82 : 0x83); emem(op, m, 16); cb(i8s[i]);
				if (s == 8)
					fb("%s r/m8, imm8 (82 alias, mem %s) imm=0x%x", on, mname(m), i8s[i]);
				else
					fb("%s %s, imm8 (83, mem %s) imm=0x%x", on, RMN(s), mname(m), i8s[i]);
				c1(M(16, s), s, carry, 8, 16); fe();
			}
			for (int i = 1; i < 5; i++) {
				fs(); pfx(s); cb(op * 8 + 4 + w); cimm(s, imms[i]);
				fb("%s %s, %s imm=0x%x", on, ACN(s), IMN(s), imms[i]);
				c1(R(EAX, s), s, carry, 8, 16); fe();
			}
		}

	/* test */
	for (int si = 0; si < 3; si++) {
		int s = SZ[si], w = s != 8;
		mref_t m;
		uint32_t imms[4] = {1, (MSK(s) >> 1) + 1, MSK(s), 0};
		imms[3] = rval_not(s, imms, 3);
		fs(); pfx(s); cb(0x84 + w); cb(MODRM(3, EBX, EAX));
		fb("test %s, %s (reg %s, %s)", RMN(s), RN(s), RNAME(EAX, s), RNAME(EBX, s));
		c2(R(EAX, s), R(EBX, s), s, 6, 0, 24); fe();
		if (s == 8) {
			fs(); cb(0x84); cb(MODRM(3, DH, CH));
			fb("test r/m8, r8 (reg ch, dh)");
			c2(R(CH, 8), R(DH, 8), 8, 6, 0, 16); fe();
		}
		m = nextm(); fs(); pfx(s); cb(0x84 + w); emem(ECX, m, 16);
		fb("test %s, %s (mem %s, %s)", RMN(s), RN(s), mname(m), RNAME(ECX, s));
		c2(M(16, s), R(ECX, s), s, 4, 0, 16); fe();
		for (int i = 0; i < 4; i++) {
			fs(); pfx(s); cb(0xA8 + w); cimm(s, imms[i]);
			fb("test %s, %s imm=0x%x", ACN(s), IMN(s), imms[i]);
			c1(R(EAX, s), s, 0, 8, 16); fe();
			fs(); pfx(s); cb(0xF6 + w); cb(MODRM(3, 0, EDI)); cimm(s, imms[i]);
			fb("test %s, %s (reg %s) imm=0x%x", RMN(s), IMN(s), RNAME(EDI, s), imms[i]);
			c1(R(EDI, s), s, 0, 8, 16); fe();
		}
		for (int i = 1; i < 3; i++) {
			m = nextm(); fs(); pfx(s); cb(0xF6 + w); emem(0, m, 16); cimm(s, imms[i]);
			fb("test %s, %s (mem %s) imm=0x%x", RMN(s), IMN(s), mname(m), imms[i]);
			c1(M(16, s), s, 0, 8, 16); fe();
		}
	}

	/* inc dec neg not */
	for (int si = 0; si < 3; si++) {
		int s = SZ[si], w = s != 8;
		mref_t m;
		static const char *un[4] = {"inc", "dec", "not", "neg"};
		static const int ug[4] = {0, 1, 2, 3}; /* /r of FE/FF resp. F6/F7 */
		for (int u = 0; u < 4; u++) {
			int opc = (u < 2 ? 0xFE : 0xF6) + w;
			int rm = u < 2 ? ESI : EBX;
			fs(); pfx(s); cb(opc); cb(MODRM(3, ug[u], rm));
			fb("%s %s (reg %s)", un[u], RMN(s), RNAME(rm, s));
			c1(R(rm, s), s, 1, 16, 16); fe();
			if (s == 8) {
				fs(); cb(opc); cb(MODRM(3, ug[u], AH));
				fb("%s r/m8 (reg ah)", un[u]);
				c1(R(AH, 8), 8, 0, 16, 8); fe();
			}
			m = nextm(); fs(); pfx(s); cb(opc); emem(ug[u], m, 16);
			fb("%s %s (mem %s)", un[u], RMN(s), mname(m));
			c1(M(16, s), s, 1, 8, 16); fe();
		}
		if (s != 8) {
			int regs[2] = {EBX, EDI};
			for (int u = 0; u < 2; u++)
				for (int r = 0; r < 2; r++) {
					fs(); pfx(s); cb(0x40 + u * 8 + regs[r]);
					fb("%s %s (%x+r, %s)", un[u], RN(s), 0x40 + u * 8, RNAME(regs[r], s));
					c1(R(regs[r], s), s, 1, 16, 8); fe();
				}
		}
	}
	gend();
}

/* ============================================================= shifts */
static const char *SHN[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
static int CNT[64], ncnt;
static void init_counts(void)
{
	static const int extra[] = {47, 63, 64, 65, 127, 128, 200, 255};
	ncnt = 0;
	for (int i = 0; i <= 33; i++)
		CNT[ncnt++] = i;
	for (unsigned i = 0; i < sizeof extra / sizeof extra[0]; i++)
		CNT[ncnt++] = extra[i];
}

static void setcl(int c) { st[FI(ECX)] = (st[FI(ECX)] & ~0xFFu) | (uint32_t)(c & 0xFF); }

/* shift by CL: per count 'per' cases with CF alternating; then nrand random counts */
static void cases_cl(loc_t a, int s, int per, int nrand)
{
	int k = 0;
	for (int i = 0; i < ncnt; i++)
		for (int j = 0; j < per; j++) {
			cinit();
			put(a, (j % 2 == 0) ? FE(s)[(k++) % 16] : rval(s));
			setcl(CNT[i]);
			setfl((rflags() & ~CF) | (((i + j) & 1) ? CF : 0));
			crun();
		}
	for (int r = 0; r < nrand; r++) {
		cinit();
		put(a, rval(s));
		setcl(rnd() & 0xFF);
		setfl(rflags());
		crun();
	}
}

static void g_shift(void)
{
	gbegin("shift");
	init_counts();
	for (int op = 0; op < 8; op++)
		for (int si = 0; si < 3; si++) {
			int s = SZ[si], w = s != 8;
			const char *on = SHN[op];
			mref_t m;
			int alias = op == 6;
			int r1 = s == 8 ? AH : EAX;
			/* by 1 */
			fs(); pfx(s); cb(0xD0 + w); cb(MODRM(3, op, r1));
			fb("%s %s, 1 (reg %s)%s", on, RMN(s), RNAME(r1, s), alias ? " /6 alias" : "");
			c1(R(r1, s), s, 1, 16, 8); fe();
			if (!alias) {
				m = nextm(); fs(); pfx(s); cb(0xD0 + w); emem(op, m, 16);
				fb("%s %s, 1 (mem %s)", on, RMN(s), mname(m));
				c1(M(16, s), s, 1, 8, 16); fe();
			}
			/* by CL */
			fs(); pfx(s); cb(0xD2 + w); cb(MODRM(3, op, ESI));
			fb("%s %s, cl (reg %s)%s", on, RMN(s), RNAME(ESI, s), alias ? " /6 alias" : "");
			cases_cl(R(ESI, s), s, alias ? 1 : 4, 16); fe();
			if (!alias) {
				m = nextm(); fs(); pfx(s); cb(0xD2 + w); emem(op, m, 16);
				fb("%s %s, cl (mem %s)", on, RMN(s), mname(m));
				cases_cl(M(16, s), s, 1, 12); fe();
			}
			/* by imm8 */
			int ic[12] = {0, 1, 2, s - 1, s, s + 1, 31, 32, 33, 0x41, 0xFF, 0};
			for (int again = 1; again;) {
				ic[11] = 3 + (int)rndn(27);
				again = 0;
				for (int i = 0; i < 11; i++)
					again |= ic[i] == ic[11];
			}
			int done[256] = {0};
			for (int i = 0; i < 12; i++) {
				int c = ic[i];
				if (done[c] || (alias && i != 1 && i != 3 && i != 7))
					continue;
				done[c] = 1;
				fs(); pfx(s); cb(0xC0 + w); cb(MODRM(3, op, EBX)); cb(c);
				fb("%s %s, imm8 (reg %s) imm=0x%x%s", on, RMN(s), RNAME(EBX, s), c, alias ? " /6 alias" : "");
				c1(R(EBX, s), s, 1, 6, 12); fe();
			}
			if (!alias) {
				int mc[4] = {0, 1, s + 1, 0xFF};
				for (int i = 0; i < 4; i++) {
					m = nextm(); fs(); pfx(s); cb(0xC0 + w); emem(op, m, 16); cb(mc[i]);
					fb("%s %s, imm8 (mem %s) imm=0x%x", on, RMN(s), mname(m), mc[i]);
					c1(M(16, s), s, 1, 6, 12); fe();
				}
			}
		}

	/* shld / shrd */
	for (int d = 0; d < 2; d++)
		for (int si = 1; si < 3; si++) {
			int s = SZ[si];
			const char *on = d ? "shrd" : "shld";
			int ob = d ? 0xAC : 0xA4;
			mref_t m;
			/* CL, register */
			fs(); pfx(s); cb(0x0F); cb(ob + 1); cb(MODRM(3, EBX, EAX));
			fb("%s %s, %s, cl (reg %s, %s)", on, RMN(s), RN(s), RNAME(EAX, s), RNAME(EBX, s));
			{
				int k = 0;
				for (int i = 0; i < ncnt; i++)
					for (int j = 0; j < 5; j++) {
						cinit();
						put(R(EAX, s), j == 0 ? FE(s)[(k++) % 16] : rval(s));
						put(R(EBX, s), j == 1 ? FE(s)[(k++) % 16] : rval(s));
						setcl(CNT[i]);
						setfl((rflags() & ~CF) | (((i + j) & 1) ? CF : 0));
						crun();
					}
				for (int r = 0; r < 16; r++) {
					cinit();
					put(R(EAX, s), rval(s));
					put(R(EBX, s), rval(s));
					setcl(rnd() & 0xFF);
					setfl(rflags());
					crun();
				}
			}
			fe();
			/* CL, memory */
			m = nextm(); fs(); pfx(s); cb(0x0F); cb(ob + 1); emem(EDX, m, 16);
			fb("%s %s, %s, cl (mem %s, %s)", on, RMN(s), RN(s), mname(m), RNAME(EDX, s));
			for (int i = 0; i < ncnt; i++) {
				cinit();
				put(M(16, s), rval(s));
				put(R(EDX, s), rval(s));
				setcl(CNT[i]);
				setfl((rflags() & ~CF) | ((i & 1) ? CF : 0));
				crun();
			}
			fe();
			/* imm8 */
			int ic[15] = {0, 1, 2, 7, 8, 15, 16, 17, 24, 31, 32, 33, 63, 255, 0};
			for (int again = 1; again;) {
				ic[14] = 3 + (int)rndn(28);
				again = 0;
				for (int i = 0; i < 14; i++)
					again |= ic[i] == ic[14];
			}
			for (int i = 0; i < 15; i++) {
				fs(); pfx(s); cb(0x0F); cb(ob); cb(MODRM(3, EBX, EAX)); cb(ic[i]);
				fb("%s %s, %s, imm8 (reg %s, %s) imm=0x%x", on, RMN(s), RN(s), RNAME(EAX, s), RNAME(EBX, s), ic[i]);
				for (int j = 0; j < 24; j++) {
					cinit();
					put(R(EAX, s), j < 4 ? FE(s)[j] : rval(s));
					put(R(EBX, s), (j >= 4 && j < 8) ? FE(s)[j] : rval(s));
					setfl((rflags() & ~CF) | ((j & 1) ? CF : 0));
					crun();
				}
				fe();
			}
			int mc[4] = {1, 15, 17, 31};
			for (int i = 0; i < 4; i++) {
				m = nextm(); fs(); pfx(s); cb(0x0F); cb(ob); emem(EDX, m, 16); cb(mc[i]);
				fb("%s %s, %s, imm8 (mem %s, %s) imm=0x%x", on, RMN(s), RN(s), mname(m), RNAME(EDX, s), mc[i]);
				for (int j = 0; j < 24; j++) {
					cinit();
					put(M(16, s), rval(s));
					put(R(EDX, s), rval(s));
					setfl((rflags() & ~CF) | ((j & 1) ? CF : 0));
					crun();
				}
				fe();
			}
		}
	gend();
}

/* ============================================================ mul/div */
static void put_dividend(int s, uint64_t n)
{
	if (s == 8)
		put(R(EAX, 16), (uint32_t)n);
	else if (s == 16) {
		put(R(EAX, 16), (uint32_t)n);
		put(R(EDX, 16), (uint32_t)(n >> 16));
	} else {
		put(R(EAX, 32), (uint32_t)n);
		put(R(EDX, 32), (uint32_t)(n >> 32));
	}
}

static int64_t sx(uint32_t v, int s) { return s == 32 ? (int64_t)(int32_t)v : (int64_t)(int32_t)(v << (32 - s)) >> (32 - s); }

/* divisor in 'dv'; sgn: idiv.  scale: 1 for register forms, smaller for memory */
static void div_cases(loc_t dv, int s, int sgn, int nvalid, int novf, int nrand)
{
	uint64_t M = 1ull << s;
	int64_t H = 1ll << (s - 1);
	/* divide by zero */
	for (int i = 0; i < 3; i++) {
		cinit();
		put_dividend(s, i == 0 ? 0 : i == 1 ? 1 : ((uint64_t)rnd() << 32 | rnd()));
		put(dv, 0);
		setfl(rflags());
		crun();
	}
	/* valid quotients */
	for (int i = 0; i < nvalid; i++) {
		cinit();
		uint64_t n;
		uint32_t d;
		if (!sgn) {
			uint64_t q, r;
			int kind = i % 4;
			d = kind == 0 ? 1 + rndn(16) : kind == 1 ? (rval(s) | 1) : (uint32_t)(rnd() & MSK(s));
			if (d == 0) d = 1;
			q = kind == 3 ? (M - 1 - rndn(4)) : (uint64_t)(rnd() & MSK(s)) >> rndn(s);
			r = (i % 5 == 0) ? 0 : (i % 5 == 1) ? d - 1 : rnd() % d;
			n = q * d + r;
		} else {
			int64_t q, dd, r;
			int kind = i % 5;
			do dd = sx(kind == 0 ? rndn(33) - 16 : rval(s), s); while (dd == 0);
			q = kind == 3 ? H - 1 - rndn(3) : kind == 4 ? -H + rndn(3) : sx(rnd() & MSK(s), s) >> rndn(s);
			int64_t ad = dd < 0 ? -dd : dd;
			r = (int64_t)(((uint64_t)rnd() << 32 | rnd()) % (uint64_t)ad);
			if (i % 7 == 0) r = 0;
			if (i % 7 == 1) r = ad - 1;
			int64_t p = q * dd;
			if (p < 0 || (p == 0 && (rnd() & 1)))
				r = -r;
			n = (uint64_t)(p + r);
			d = (uint32_t)dd;
		}
		put_dividend(s, n);
		put(dv, d & MSK(s));
		setfl(rflags());
		crun();
	}
	/* quotient just or far out of range */
	for (int i = 0; i < novf; i++) {
		cinit();
		uint64_t n;
		uint32_t d;
		if (!sgn) {
			do d = rval(s); while (d == 0);
			uint64_t hi = d + (uint64_t)(rnd() & MSK(s)) % (M - d);
			if (i % 3 == 0) hi = d;
			n = (hi << s) | (rnd() & MSK(s));
		} else {
			int64_t dd, q, r;
			do dd = sx(rval(s), s); while (dd == 0 || dd == -H);
			switch (i % 4) {
			case 0: q = H; break;
			case 1: q = -H - 1; break;
			case 2: q = H + rndn((uint32_t)H - 1); break;
			default: q = -H - 1 - rndn((uint32_t)H - 1); break;
			}
			int64_t ad = dd < 0 ? -dd : dd;
			r = rnd() % (uint64_t)ad;
			if (q * dd < 0) r = -r;
			n = (uint64_t)(q * dd + r);
			d = (uint32_t)dd;
		}
		put_dividend(s, n);
		put(dv, d & MSK(s));
		setfl(rflags());
		crun();
	}
	/* hand-picked edges */
	if (sgn) {
		uint64_t ns[6] = {(uint64_t)-H, (uint64_t)H, (uint64_t)(-H * H), (uint64_t)(H * (H - 1)), (uint64_t)(-H * (H - 1)), (uint64_t)(H * H - 1)};
		uint32_t ds[5] = {1, (uint32_t)-1, (uint32_t)H, (uint32_t)(H - 1), (uint32_t)(-H + 1)};
		for (int a = 0; a < 6; a++)
			for (int b = 0; b < 5; b++) {
				cinit();
				put_dividend(s, ns[a]);
				put(dv, ds[b] & MSK(s));
				setfl(rflags());
				crun();
			}
	} else {
		uint64_t ns[5] = {0, 1, M - 1, M, M * M - 1};
		uint32_t ds[4] = {1, 2, (uint32_t)(M - 1), (uint32_t)(M / 2)};
		for (int a = 0; a < 5; a++)
			for (int b = 0; b < 4; b++) {
				cinit();
				put_dividend(s, ns[a]);
				put(dv, ds[b] & MSK(s));
				setfl(rflags());
				crun();
			}
	}
	/* fully random dividend and divisor */
	for (int i = 0; i < nrand; i++) {
		cinit();
		put_dividend(s, (uint64_t)rnd() << 32 | rnd());
		put(dv, rval(s));
		setfl(rflags());
		crun();
	}
}

static void g_muldiv(void)
{
	gbegin("muldiv");
	static const char *mn[4] = {"mul", "imul", "div", "idiv"};
	for (int op = 0; op < 4; op++)
		for (int si = 0; si < 3; si++) {
			int s = SZ[si], w = s != 8;
			mref_t m;
			fs(); pfx(s); cb(0xF6 + w); cb(MODRM(3, 4 + op, EBX));
			fb("%s %s (reg %s)", mn[op], RMN(s), RNAME(EBX, s));
			if (op < 2)
				c2(R(EAX, s), R(EBX, s), s, 6, 0, 48);
			else
				div_cases(R(EBX, s), s, op == 3, 150, 50, 24);
			fe();
			if (s == 8 && op < 2) {
				fs(); cb(0xF6); cb(MODRM(3, 4 + op, AH));
				fb("%s r/m8 (reg ah)", mn[op]);
				c1(R(EAX, 16), 16, 0, 16, 24);
				fe();
			}
			m = nextm(); fs(); pfx(s); cb(0xF6 + w); emem(4 + op, m, 16);
			fb("%s %s (mem %s)", mn[op], RMN(s), mname(m));
			if (op < 2)
				c2(R(EAX, s), M(16, s), s, 4, 0, 16);
			else
				div_cases(M(16, s), s, op == 3, 30, 12, 6);
			fe();
		}
	for (int si = 1; si < 3; si++) {
		int s = SZ[si];
		mref_t m;
		fs(); pfx(s); cb(0x0F); cb(0xAF); cb(MODRM(3, EDX, ESI));
		fb("imul %s, %s (reg %s, %s)", RN(s), RMN(s), RNAME(EDX, s), RNAME(ESI, s));
		c2(R(EDX, s), R(ESI, s), s, 6, 0, 48); fe();
		fs(); pfx(s); cb(0x0F); cb(0xAF); cb(MODRM(3, EDX, EDX));
		fb("imul %s, %s (reg %s, %s: same register)", RN(s), RMN(s), RNAME(EDX, s), RNAME(EDX, s));
		c1(R(EDX, s), s, 0, 16, 16); fe();
		m = nextm(); fs(); pfx(s); cb(0x0F); cb(0xAF); emem(EDX, m, 16);
		fb("imul %s, %s (mem %s, %s)", RN(s), RMN(s), RNAME(EDX, s), mname(m));
		c2(R(EDX, s), M(16, s), s, 4, 0, 16); fe();
		uint32_t i8[7] = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x10 + rndn(0x60)};
		for (int i = 0; i < 7; i++) {
			fs(); pfx(s); cb(0x6B); cb(MODRM(3, EDX, ECX)); cb(i8[i]);
			fb("imul %s, %s, imm8 (reg %s, %s) imm=0x%x", RN(s), RMN(s), RNAME(EDX, s), RNAME(ECX, s), i8[i]);
			c1(R(ECX, s), s, 0, 16, 16); fe();
		}
		uint32_t iz[7] = {0, 1, 3, MSK(s) >> 1, (MSK(s) >> 1) + 1, MSK(s), 0};
		iz[6] = rval_not(s, iz, 6);
		for (int i = 0; i < 7; i++) {
			fs(); pfx(s); cb(0x69); cb(MODRM(3, EDX, ECX)); cimm(s, iz[i]);
			fb("imul %s, %s, %s (reg %s, %s) imm=0x%x", RN(s), RMN(s), IMN(s), RNAME(EDX, s), RNAME(ECX, s), iz[i]);
			c1(R(ECX, s), s, 0, 16, 16); fe();
		}
		fs(); pfx(s); cb(0x6B); cb(MODRM(3, EAX, EAX)); cb(0xF9);
		fb("imul %s, %s, imm8 (reg %s, %s: same register) imm=0xf9", RN(s), RMN(s), RNAME(EAX, s), RNAME(EAX, s));
		c1(R(EAX, s), s, 0, 16, 8); fe();
		for (int i = 4; i < 6; i++) {
			m = nextm(); fs(); pfx(s); cb(0x6B); emem(EDX, m, 16); cb(i8[i]);
			fb("imul %s, %s, imm8 (mem %s, %s) imm=0x%x", RN(s), RMN(s), RNAME(EDX, s), mname(m), i8[i]);
			c1(M(16, s), s, 0, 8, 16); fe();
			m = nextm(); fs(); pfx(s); cb(0x69); emem(EDX, m, 16); cimm(s, iz[i]);
			fb("imul %s, %s, %s (mem %s, %s) imm=0x%x", RN(s), RMN(s), IMN(s), RNAME(EDX, s), mname(m), iz[i]);
			c1(M(16, s), s, 0, 8, 16); fe();
		}
	}
	gend();
}

/* ================================================================ BCD */
static void g_bcd(void)
{
	gbegin("bcd");
	static const char *bn[4] = {"daa", "das", "aaa", "aas"};
	static const uint8_t bo[4] = {0x27, 0x2F, 0x37, 0x3F};
	static const uint32_t ahs[5] = {0x00, 0xFF, 0x7F, 0x09, 0x80};
	for (int op = 0; op < 4; op++) {
		fs(); cb(bo[op]);
		fb("%s", bn[op]);
		for (int al = 0; al < 256; al++)
			for (int fl = 0; fl < 4; fl++) {
				cinit();
				put(R(AL, 8), al);
				if (op >= 2 && (al + fl) % 3 == 0)
					put(R(AH, 8), ahs[(al / 3 + fl) % 5]);
				setfl((rflags() & ~(AF | CF)) | ((fl & 1) ? AF : 0) | ((fl & 2) ? CF : 0));
				crun();
			}
		fe();
	}
	/* aam */
	static const uint32_t bases[9] = {10, 0, 1, 2, 7, 8, 16, 0x80, 0xFF};
	for (int b = 0; b < 9; b++) {
		fs(); cb(0xD4); cb(bases[b]);
		fb("aam imm8=0x%x", bases[b]);
		int n = b == 0 ? 256 : b == 1 ? 16 : 40;
		for (int i = 0; i < n; i++) {
			cinit();
			put(R(AL, 8), b == 0 ? (uint32_t)i : i < 16 ? FE8[i] : rnd() & 0xFF);
			setfl(kflags(i));
			crun();
		}
		fe();
	}
	/* aad */
	static const uint32_t abases[7] = {10, 0, 1, 2, 7, 16, 0xFF};
	static const uint32_t ahe[10] = {0, 1, 2, 9, 0x0A, 0x19, 0x7F, 0x80, 0xFF, 0x99};
	for (int b = 0; b < 7; b++) {
		fs(); cb(0xD5); cb(abases[b]);
		fb("aad imm8=0x%x", abases[b]);
		if (b == 0) {
			int k = 0;
			for (int h = 0; h < 10; h++)
				for (int l = 0; l < 16; l++) {
					cinit();
					put(R(AL, 8), FE8[l]);
					put(R(AH, 8), ahe[h]);
					setfl(kflags(k++));
					crun();
				}
			for (int i = 0; i < 140; i++) {
				cinit();
				put(R(EAX, 16), rnd());
				setfl(rflags());
				crun();
			}
		} else {
			for (int i = 0; i < 40; i++) {
				cinit();
				if (i < 16) {
					put(R(AL, 8), FE8[i]);
					put(R(AH, 8), ahe[i % 10]);
				}
				setfl(kflags(i));
				crun();
			}
		}
		fe();
	}
	gend();
}

/* ================================================================ bit */
static void g_bit(void)
{
	gbegin("bit");
	static const char *bn[4] = {"bt", "bts", "btr", "btc"};
	for (int op = 0; op < 4; op++)
		for (int si = 1; si < 3; si++) {
			int s = SZ[si];
			mref_t m;
			int rr = 0xA3 + op * 8;
			/* register, register offset (taken modulo the operand size) */
			fs(); pfx(s); cb(0x0F); cb(rr); cb(MODRM(3, ECX, ESI));
			fb("%s %s, %s (reg %s, %s)", bn[op], RMN(s), RN(s), RNAME(ESI, s), RNAME(ECX, s));
			for (int i = 0; i < s + 24; i++) {
				cinit();
				uint32_t off;
				if (i < s) off = i;
				else switch (i - s) {
				case 0: off = s; break;
				case 1: off = s + 1; break;
				case 2: off = 2 * s - 1; break;
				case 3: off = 255; break;
				case 4: off = 0x80000000u; break;
				case 5: off = 0xFFFFFFFFu; break;
				case 6: off = 0xFFFF; break;
				case 7: off = 0x8000; break;
				default: off = rnd(); break;
				}
				put(R(ESI, s), (i & 3) == 0 ? FE(s)[(i / 4) % 16] : rval(s));
				put(R(ECX, s), off);
				setfl(kflags(i));
				crun();
			}
			fe();
			/* register, imm8 */
			uint32_t ims[8] = {0, 1, 15, 16, 31, 33, 0xFF, 0};
			ims[7] = rval_not(8, ims, 7);
			for (int i = 0; i < 8; i++) {
				fs(); pfx(s); cb(0x0F); cb(0xBA); cb(MODRM(3, 4 + op, EDI)); cb(ims[i]);
				fb("%s %s, imm8 (reg %s) imm=0x%x", bn[op], RMN(s), RNAME(EDI, s), ims[i]);
				c1(R(EDI, s), s, 0, 8, 16); fe();
			}
			/* memory, register offset: bit string addressing */
			m = nextm(); fs(); pfx(s); cb(0x0F); cb(rr); emem(ECX, m, 32);
			fb("%s %s, %s (mem %s, %s)", bn[op], RMN(s), RN(s), mname(m), RNAME(ECX, s));
			{
				int lo = -256, hi = s == 32 ? 255 : 223;
				static const int fixed[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 100, 127, 128, 200,
							    -1, -2, -8, -9, -15, -16, -17, -31, -32, -33, -64, -65, -128, -200, -255, -256};
				int nf = sizeof fixed / sizeof fixed[0];
				for (int i = 0; i < nf + 40; i++) {
					cinit();
					int off = i < nf ? fixed[i] : lo + (int)rndn(hi - lo + 1);
					if (off > hi) off = hi;
					put(R(ECX, s), (uint32_t)off);
					setfl(kflags(i));
					crun();
				}
			}
			fe();
			/* memory, imm8 */
			uint32_t mims[5] = {0, 7, 15, 33, 0xFF};
			for (int i = 0; i < 5; i++) {
				m = nextm(); fs(); pfx(s); cb(0x0F); cb(0xBA); emem(4 + op, m, 16); cb(mims[i]);
				fb("%s %s, imm8 (mem %s) imm=0x%x", bn[op], RMN(s), mname(m), mims[i]);
				c1(M(16, s), s, 0, 8, 16); fe();
			}
		}
	/* bsf / bsr */
	for (int op = 0; op < 2; op++)
		for (int si = 1; si < 3; si++) {
			int s = SZ[si];
			const char *on = op ? "bsr" : "bsf";
			mref_t m;
			for (int mem = 0; mem < 2; mem++) {
				loc_t src;
				fs(); pfx(s); cb(0x0F); cb(0xBC + op);
				if (mem) {
					m = nextm(); emem(EDX, m, 16); src = M(16, s);
					fb("%s %s, %s (mem %s, %s)", on, RN(s), RMN(s), RNAME(EDX, s), mname(m));
				} else {
					cb(MODRM(3, EDX, ESI)); src = R(ESI, s);
					fb("%s %s, %s (reg %s, %s)", on, RN(s), RMN(s), RNAME(EDX, s), RNAME(ESI, s));
				}
				int n = mem ? 40 : s + 48;
				for (int i = 0; i < n; i++) {
					cinit();
					uint32_t v;
					if (i < 6) v = 0;
					else if (i < 6 + 16) v = FE(s)[i - 6];
					else if (!mem && i < 22 + s) v = 1u << (i - 22);
					else v = rval(s);
					put(src, v);
					setfl(kflags(i));
					crun();
				}
				fe();
			}
		}
	gend();
}

/* ============================================================ strings */
static void str_elem_put(int addr, int sz, uint32_t v)
{
	for (int i = 0; i < sz; i++)
		bin[addr + i] = (uint8_t)(v >> (8 * i));
}
static uint32_t str_elem_get(int addr, int sz)
{
	uint32_t v = 0;
	for (int i = 0; i < sz; i++)
		v |= (uint32_t)bin[addr + i] << (8 * i);
	return v;
}

static void g_string(void)
{
	gbegin("string");
	static const char *sn[5] = {"movs", "cmps", "stos", "lods", "scas"};
	static const uint8_t so[5] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
	static const int counts[7] = {0, 1, 2, 3, 4, 7, 8};
	for (int op = 0; op < 5; op++)
		for (int zi = 0; zi < 3; zi++)
			for (int p = 0; p < 3; p++) {
				int sz = 1 << zi;
				int pre = p == 0 ? 0 : p == 1 ? 0xF3 : 0xF2;
				int cmp = op == 1 || op == 4;
				const char *pn = p == 0 ? "" : p == 1 ? (cmp ? "repe " : "rep ") : (cmp ? "repne " : "repne(F2) ");
				fs();
				if (sz == 2) cb(0x66);
				if (pre) cb(pre);
				cb(so[op] + (sz > 1));
				F.nrel = 2; F.rel[0] = ESI; F.rel[1] = EDI; F.off = 0;
				fb("%s%s%c", pn, sn[op], sz == 1 ? 'b' : sz == 2 ? 'w' : 'd');
				int nc = pre ? 7 : 1, nv = pre ? 3 : 12;
				for (int df = 0; df < 2; df++)
					for (int ci = 0; ci < nc; ci++)
						for (int v = 0; v < nv; v++) {
							cinit();
							int cnt = pre ? counts[ci] : 1;
							int span = cnt * sz;
							int a, b;
							if (op == 0 && v == 2) {
								/* overlapping movs, destination one element or one byte ahead in the direction of travel */
								int dd = (rnd() & 1) ? sz : 1;
								if (!df) { a = rndn(BUFSZ - span - dd + 1); b = a + dd; }
								else { a = dd + rndn(BUFSZ - span - dd + 1); b = a - dd; }
							} else if (v == 0) {
								a = 0; b = 32;
							} else {
								a = rndn(32 - span + 1); b = 32 + rndn(32 - span + 1);
							}
							if (v == 1 && (rnd() & 1)) { int t = a; a = b; b = t; }
							int es = df && cnt ? a + (cnt - 1) * sz : a;
							int ed = df && cnt ? b + (cnt - 1) * sz : b;
							st[FI(ESI)] = es;
							st[FI(EDI)] = ed;
							st[FI(ECX)] = pre ? (uint32_t)cnt : rnd();
							int n = cnt;
							int k = (int)rndn(n + 1); /* index where a rep ends early */
							uint32_t msk = MSK(8 * sz);
#define ELS(i) (df ? es - (i) * sz : es + (i) * sz)
#define ELD(i) (df ? ed - (i) * sz : ed + (i) * sz)
							if (op == 1) { /* cmps */
								for (int i = 0; i < n; i++) {
									uint32_t x = str_elem_get(ELS(i), sz);
									uint32_t y = x;
									if (p == 1 && i == k) y = x ^ ((rnd() | 1) & msk);
									if (p == 2 && i != k) y = x ^ ((rnd() | 1) & msk);
									if (p == 0 && (v & 1)) y = x ^ ((rnd() | 1) & msk);
									str_elem_put(ELD(i), sz, y);
								}
							}
							if (op == 4) { /* scas */
								uint32_t av = st[FI(EAX)] & msk;
								if (v % 3 == 2) { av = FE(8 * sz)[rndn(8)]; put(R(EAX, 8 * sz), av); }
								for (int i = 0; i < n; i++) {
									uint32_t y = av;
									if (p == 1 && i == k) y = av ^ ((rnd() | 1) & msk);
									if (p == 2 && i < k) y = av ^ ((rnd() | 1) & msk);
									if (p == 2 && i > k) y = rnd() & msk;
									if (p == 0 && (v & 1)) y = av ^ ((rnd() | 1) & msk);
									str_elem_put(ELD(i), sz, y);
								}
							}
#undef ELS
#undef ELD
							setfl(rflags() | (df ? DF : 0));
							crun();
						}
				fe();
			}
	gend();
}

/* =============================================================== misc */
static void flag_combos(void (*cfg)(void), int nrand)
{
	for (int m = 0; m < 32 + nrand; m++) {
		cinit();
		if (cfg) cfg();
		uint32_t f;
		if (m < 32)
			f = ((m & 1) ? CF : 0) | ((m & 2) ? PF : 0) | ((m & 4) ? ZF : 0) | ((m & 8) ? SF : 0) |
			    ((m & 16) ? OF : 0) | ((rnd() & 1) ? AF : 0);
		else
			f = rflags();
		setfl(f);
		crun();
	}
}

static int salc_ok;
static void probe_salc(void)
{
	fs(); cb(0xD6);
	memcpy(codepage, code, clen);
	codepage[clen] = 0xC3;
	memset(g_in, 0, sizeof g_in);
	g_in[7] = EFL_BASE | CF;
	int sig = sigsetjmp(jb, 1);
	if (sig == 0) {
		armed = 1;
		run_snippet();
		armed = 0;
		salc_ok = (g_out[0] & 0xFF) == 0xFF;
	} else
		salc_ok = 0;
}

static const char *CCN[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

static void g_misc(void)
{
	gbegin("misc");
	mref_t m;
	/* conversions */
	{
		static const char *cn[4] = {"cbw", "cwde", "cwd", "cdq"};
		static const int cs[4] = {8, 16, 16, 32}, c66[4] = {1, 0, 1, 0}, co[4] = {0x98, 0x98, 0x99, 0x99};
		for (int i = 0; i < 4; i++) {
			fs(); if (c66[i]) cb(0x66); cb(co[i]);
			fb("%s", cn[i]);
			c1(R(EAX, cs[i]), cs[i], 0, 16, 16); fe();
		}
	}
	/* movzx / movsx */
	for (int sgn = 0; sgn < 2; sgn++) {
		const char *on = sgn ? "movsx" : "movzx";
		int ob = sgn ? 0xBE : 0xB6;
		/* dst size, src size, src reg */
		static const int vs[5][3] = {{32, 8, CL}, {32, 8, BH}, {16, 8, BH}, {32, 16, ESI}, {16, 16, ESI}};
		for (int v = 0; v < 5; v++) {
			int ds = vs[v][0], ss = vs[v][1], sr = vs[v][2];
			fs(); pfx(ds); cb(0x0F); cb(ob + (ss == 16)); cb(MODRM(3, EDX, sr));
			fb("%s %s, %s (reg %s, %s)", on, RN(ds), RMN(ss), RNAME(EDX, ds), RNAME(sr, ss));
			c1(R(sr, ss), ss, 0, 16, 16); fe();
			if (v == 1 || v == 4) continue;
			m = nextm(); fs(); pfx(ds); cb(0x0F); cb(ob + (ss == 16)); emem(EDX, m, 16);
			fb("%s %s, %s (mem %s, %s)", on, RN(ds), RMN(ss), RNAME(EDX, ds), mname(m));
			c1(M(16, ss), ss, 0, 16, 8); fe();
		}
	}
	/* bswap */
	for (int r = 0; r < 8; r++) {
		if (r == ESP) continue;
		fs(); cb(0x0F); cb(0xC8 + r);
		fb("bswap r32 (%s)", R32N[r]);
		c1(R(r, 32), 32, 0, 16, 12); fe();
	}
	for (int r = 0; r < 8; r += 3) {
		fs(); cb(0x66); cb(0x0F); cb(0xC8 + r);
		fb("bswap r16 (%s; result undefined in the manuals)", R16N[r]);
		c1(R(r, 32), 32, 0, 16, 12); fe();
	}
	/* xchg */
	for (int si = 0; si < 3; si++) {
		int s = SZ[si], w = s != 8;
		fs(); pfx(s); cb(0x86 + w); cb(MODRM(3, EBX, EAX));
		fb("xchg %s, %s (reg %s, %s)", RMN(s), RN(s), RNAME(EAX, s), RNAME(EBX, s));
		c2(R(EAX, s), R(EBX, s), s, 4, 0, 8); fe();
		if (s == 8) {
			fs(); cb(0x86); cb(MODRM(3, BH, AH));
			fb("xchg r/m8, r8 (reg ah, bh)");
			c2(R(AH, 8), R(BH, 8), 8, 4, 0, 8); fe();
			fs(); cb(0x86); cb(MODRM(3, CH, CL));
			fb("xchg r/m8, r8 (reg cl, ch)");
			c2(R(CL, 8), R(CH, 8), 8, 4, 0, 8); fe();
		} else {
			int rr[2] = {ECX, EDI};
			for (int i = 0; i < 2; i++) {
				fs(); pfx(s); cb(0x90 + rr[i]);
				fb("xchg %s, %s (90+r, %s)", ACN(s), RN(s), RNAME(rr[i], s));
				c2(R(EAX, s), R(rr[i], s), s, 4, 0, 8); fe();
			}
		}
		m = nextm(); fs(); pfx(s); cb(0x86 + w); emem(ECX, m, 16);
		fb("xchg %s, %s (mem %s, %s)", RMN(s), RN(s), mname(m), RNAME(ECX, s));
		c2(M(16, s), R(ECX, s), s, 4, 0, 8); fe();
	}
	/* xadd */
	for (int si = 0; si < 3; si++) {
		int s = SZ[si], w = s != 8;
		fs(); pfx(s); cb(0x0F); cb(0xC0 + w); cb(MODRM(3, EBX, EAX));
		fb("xadd %s, %s (reg %s, %s)", RMN(s), RN(s), RNAME(EAX, s), RNAME(EBX, s));
		c2(R(EAX, s), R(EBX, s), s, 6, 0, 16); fe();
		fs(); pfx(s); cb(0x0F); cb(0xC0 + w); cb(MODRM(3, EDX, EDX));
		fb("xadd %s, %s (reg %s, %s: same register)", RMN(s), RN(s), RNAME(EDX, s), RNAME(EDX, s));
		c1(R(EDX, s), s, 0, 8, 16); fe();
		m = nextm(); fs(); pfx(s); cb(0x0F); cb(0xC0 + w); emem(ECX, m, 16);
		fb("xadd %s, %s (mem %s, %s)", RMN(s), RN(s), mname(m), RNAME(ECX, s));
		c2(M(16, s), R(ECX, s), s, 4, 0, 16); fe();
	}
	/* cmpxchg */
	for (int si = 0; si < 3; si++) {
		int s = SZ[si], w = s != 8;
		for (int v = 0; v < 3; v++) {
			loc_t dst;
			int src = ECX;
			fs(); pfx(s); cb(0x0F); cb(0xB0 + w);
			if (v == 0) {
				cb(MODRM(3, ECX, EBX)); dst = R(EBX, s);
				fb("cmpxchg %s, %s (reg %s, %s)", RMN(s), RN(s), RNAME(EBX, s), RNAME(ECX, s));
			} else if (v == 1) {
				cb(MODRM(3, ECX, EAX)); dst = R(EAX, s);
				fb("cmpxchg %s, %s (reg %s, %s: destination is the accumulator)", RMN(s), RN(s), RNAME(EAX, s), RNAME(ECX, s));
			} else {
				m = nextm(); emem(ECX, m, 16); dst = M(16, s);
				fb("cmpxchg %s, %s (mem %s, %s)", RMN(s), RN(s), mname(m), RNAME(ECX, s));
			}
			int n = v == 1 ? 24 : 48;
			for (int i = 0; i < n; i++) {
				cinit();
				uint32_t d = i < 16 ? FE(s)[i] : rval(s);
				put(dst, d);
				put(R(src, s), rval(s));
				if (v != 1)
					put(R(EAX, s), (i & 1) ? d : (i % 4 == 0 ? FE(s)[(i / 4) % 16] : rval(s)));
				setfl(kflags(i));
				crun();
			}
			fe();
		}
	}
	/* cmpxchg8b */
	for (int v = 0; v < 3; v++) {
		m = nextm_nobx(); fs(); cb(0x0F); cb(0xC7); emem(1, m, 16);
		fb("cmpxchg8b m64 (mem %s)", mname(m));
		for (int i = 0; i < 40; i++) {
			cinit();
			uint32_t lo = i < 8 ? FE32[i] : rnd(), hi = i < 8 ? FE32[7 - i] : rnd();
			put(M(16, 32), lo);
			put(M(20, 32), hi);
			switch (i % 4) {
			case 0: case 1: st[FI(EAX)] = lo; st[FI(EDX)] = hi; break;
			case 2: st[FI(EAX)] = lo; break;
			default: st[FI(EDX)] = hi; break;
			}
			setfl(kflags(i));
			crun();
		}
		fe();
	}
	/* setcc */
	for (int cc = 0; cc < 16; cc++) {
		int rm = cc < 8 ? AL : BH;
		fs(); cb(0x0F); cb(0x90 + cc); cb(MODRM(3, 0, rm));
		fb("set%s r/m8 (reg %s)", CCN[cc], R8N[rm]);
		flag_combos(0, 8); fe();
		m = nextm(); fs(); cb(0x0F); cb(0x90 + cc); emem(0, m, 16);
		fb("set%s r/m8 (mem %s)", CCN[cc], mname(m));
		flag_combos(0, 0); fe();
	}
	/* cmovcc */
	for (int cc = 0; cc < 16; cc++)
		for (int si = 1; si < 3; si++) {
			int s = SZ[si];
			fs(); pfx(s); cb(0x0F); cb(0x40 + cc); cb(MODRM(3, EDX, ESI));
			fb("cmov%s %s, %s (reg %s, %s)", CCN[cc], RN(s), RMN(s), RNAME(EDX, s), RNAME(ESI, s));
			flag_combos(0, 8); fe();
			m = nextm(); fs(); pfx(s); cb(0x0F); cb(0x40 + cc); emem(EDX, m, 16);
			fb("cmov%s %s, %s (mem %s, %s)", CCN[cc], RN(s), RMN(s), RNAME(EDX, s), mname(m));
			flag_combos(0, 0); fe();
		}
	/* lahf / sahf */
	fs(); cb(0x9E); fb("sahf");
	for (int i = 0; i < 256; i++) {
		cinit();
		put(R(AH, 8), i);
		setfl(rflags());
		crun();
	}
	fe();
	fs(); cb(0x9F); fb("lahf");
	for (int i = 0; i < 64 + 8; i++) {
		cinit();
		uint32_t f = 0;
		if (i < 64) {
			static const uint32_t fb6[6] = {CF, PF, AF, ZF, SF, OF};
			for (int j = 0; j < 6; j++)
				if (i & (1 << j)) f |= fb6[j];
		} else
			f = rflags();
		setfl(f);
		crun();
	}
	fe();
	/* flag instructions */
	{
		static const char *fn[5] = {"cmc", "clc", "stc", "cld", "std"};
		static const uint8_t fo_[5] = {0xF5, 0xF8, 0xF9, 0xFC, 0xFD};
		for (int i = 0; i < 5; i++) {
			fs(); cb(fo_[i]); fb("%s", fn[i]);
			for (int k = 0; k < 24; k++) {
				cinit();
				uint32_t f = kflags(k);
				f = (f & ~CF) | ((k & 1) ? CF : 0);
				if (i >= 3 && (k & 2)) f |= DF;
				setfl(f);
				crun();
			}
			fe();
		}
	}
	/* salc */
	probe_salc();
	if (salc_ok) {
		fs(); cb(0xD6); fb("salc (undocumented D6)");
		for (int k = 0; k < 24; k++) {
			cinit();
			setfl((kflags(k) & ~CF) | ((k & 1) ? CF : 0));
			crun();
		}
		fe();
	} else
		fprintf(stderr, "gen: salc (D6) faults or misbehaves natively; skipped\n");
	/* xlat */
	for (int v = 0; v < 2; v++) {
		fs(); cb(0xD7);
		F.nrel = 1; F.rel[0] = EBX; F.off = v ? 16 : 0;
		fb("xlat (ebx=buffer+%d)", F.off);
		for (int i = 0; i < 32; i++) {
			cinit();
			put(R(AL, 8), i < 4 ? (uint32_t)(BUFSZ - 1 - F.off - i) : rndn(BUFSZ - F.off));
			if (i == 4) put(R(AL, 8), 0);
			setfl(rflags());
			crun();
		}
		fe();
	}
	/* lea */
	{
		struct { const char *name; int a16; int n; uint8_t b[8]; } L[] = {
			{"lea r32, m (edx, [ebx])", 1, 2, {0x8D, 0x13}},
			{"lea r32, m (edx, [ebx+0x7f])", 1, 3, {0x8D, 0x53, 0x7F}},
			{"lea r32, m (edx, [esi-0x80])", 1, 3, {0x8D, 0x56, 0x80}},
			{"lea r32, m (edx, [ebp+8])", 1, 3, {0x8D, 0x55, 0x08}},
			{"lea r32, m (edx, [edi])", 1, 2, {0x8D, 0x17}},
			{"lea r32, m (edx, [edx-1]: destination is the base)", 1, 3, {0x8D, 0x52, 0xFF}},
			{"lea r32, m (edx, [eax])", 0, 2, {0x8D, 0x10}},
			{"lea r32, m (edx, [edi+0x12345678])", 0, 6, {0x8D, 0x97, 0x78, 0x56, 0x34, 0x12}},
			{"lea r32, m (edx, [0x89abcdef])", 0, 6, {0x8D, 0x15, 0xEF, 0xCD, 0xAB, 0x89}},
			{"lea r32, m (edx, [eax+ecx])", 0, 3, {0x8D, 0x14, 0x08}},
			{"lea r32, m (edx, [ebx+esi*2+0x10])", 0, 4, {0x8D, 0x54, 0x73, 0x10}},
			{"lea r32, m (edx, [ecx*4+0x1000])", 0, 7, {0x8D, 0x14, 0x8D, 0x00, 0x10, 0x00, 0x00}},
			{"lea r32, m (edx, [eax+eax*8-1])", 0, 4, {0x8D, 0x54, 0xC0, 0xFF}},
			{"lea r32, m (edx, [ebp+edi+0])", 0, 4, {0x8D, 0x54, 0x3D, 0x00}},
			{"lea r32, m (edx, [esi+ebp*8+0x80000000])", 0, 7, {0x8D, 0x94, 0xEE, 0x00, 0x00, 0x00, 0x80}},
			{"lea r16, m (dx, [ebx+0x7f])", 1, 4, {0x66, 0x8D, 0x53, 0x7F}},
			{"lea r16, m (dx, [ebx+esi*2+0x10])", 0, 5, {0x66, 0x8D, 0x54, 0x73, 0x10}},
			{"lea r32, m16 (edx, 67: [bx+si+0x10])", 1, 4, {0x67, 0x8D, 0x50, 0x10}},
			{"lea r32, m16 (edx, 67: [bp+di-1])", 1, 4, {0x67, 0x8D, 0x53, 0xFF}},
			{"lea r32, m16 (edx, 67: [0x1234])", 1, 5, {0x67, 0x8D, 0x16, 0x34, 0x12}},
			{"lea r32, m16 (edx, 67: [bx+0xfedc])", 1, 5, {0x67, 0x8D, 0x97, 0xDC, 0xFE}},
			{"lea r16, m16 (dx, 66 67: [si+di])", 1, 4, {0x66, 0x67, 0x8D, 0x10}},
		};
		for (unsigned i = 0; i < sizeof L / sizeof L[0]; i++) {
			fs();
			for (int j = 0; j < L[i].n; j++) cb(L[i].b[j]);
			F.a16 = L[i].a16;
			fb("%s", L[i].name);
			for (int k = 0; k < 24; k++) {
				cinit();
				if (k < 4) {
					static const uint32_t e[4] = {0, 0xFFFFFFFF, 0x7FFFFFFF, 0xFFFF};
					for (int r = 0; r < 7; r++) st[r] = e[(k + r) % 4];
				}
				setfl(rflags());
				crun();
			}
			fe();
		}
	}
	gend();
}

static void get_cpu_name(void)
{
	unsigned int r[12];
	if (__get_cpuid(1, &r[0], &r[1], &r[2], &r[3]))
		cpu_sig = r[0];
	if (__get_cpuid(0x80000000, &r[0], &r[1], &r[2], &r[3]) && r[0] >= 0x80000004) {
		for (int i = 0; i < 3; i++)
			__get_cpuid(0x80000002 + i, &r[i * 4], &r[i * 4 + 1], &r[i * 4 + 2], &r[i * 4 + 3]);
		memcpy(cpu_name, r, 48);
		cpu_name[48] = 0;
	} else
		strcpy(cpu_name, "unknown");
	/* trim, and keep it JSON-safe */
	char *p = cpu_name;
	while (*p == ' ') p++;
	memmove(cpu_name, p, strlen(p) + 1);
	for (int i = (int)strlen(cpu_name) - 1; i >= 0 && cpu_name[i] == ' '; i--)
		cpu_name[i] = 0;
	for (p = cpu_name; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 32) *p = '?';
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 1;
	}
	outdir = argv[1];
	setup();
	get_cpu_name();
	/* sanity: an empty snippet must give back exactly what went in */
	clen = 0;
	memcpy(codepage, "\xC3", 1);
	for (uint32_t f = 0; f <= ARITH; f++) {
		if (f & ~ARITH) continue;
		for (int i = 0; i < 7; i++) g_in[i] = 0x11111111u * (i + 1);
		g_in[7] = EFL_BASE | f;
		run_snippet();
		if (memcmp(g_in, g_out, sizeof g_in)) {
			fprintf(stderr, "gen: trampoline does not round-trip (eflags in %08x out %08x)\n", g_in[7], g_out[7]);
			return 1;
		}
	}
	printf("cpu: %s (cpuid 1: eax=%08x)\n", cpu_name, cpu_sig);
	g_alu();
	g_shift();
	g_muldiv();
	g_bcd();
	g_bit();
	g_string();
	g_misc();
	printf("total    %5d forms %7d cases %9ld bytes\n", t_forms, t_cases, t_bytes);
	return 0;
}
