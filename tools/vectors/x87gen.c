/*
 * x87 instruction-vector generator for tab86 (the FPU's counterpart of gen.c).
 *
 * Runs x87 instructions natively (32-bit code, gcc -m32) over edge-case and pseudo-random
 * operands in every rounding mode and precision setting, and writes the whole FPU state
 * before and after each one.  The output format is described in
 * test/fixtures/vectors/README.md ("x87 files").
 *
 * Usage: x87gen OUTDIR
 *
 * Each snippet is
 *     frstor [fin]        the input state: control, status and tag words, the eight registers
 *     <instruction>       its memory operand, if any, is [edi] = a 128-byte buffer
 *     fnsave [fout]       the output state (FNSAVE never waits, so a pending unmasked
 *     ret                 exception is recorded, never delivered)
 * called by run_snippet (tramp.S), which also loads/stores the general registers and EFLAGS
 * (fstsw ax, fcomi and fcmov use them).
 *
 * Everything random comes from a splitmix64 generator seeded from the group name, so the
 * output is the same on every run on the same CPU.
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

#define EFL_BASE 0x202u
#define ARITH 0x8D5u
#define BUFSZ 128

/* shared with tramp.S: eax ecx edx ebx ebp esi edi eflags */
uint32_t g_in[8], g_out[8];
void *g_code;
uint32_t g_saved_esp;
void run_snippet(void);

/* ------------------------------------------------------------------ RNG */
static uint64_t rs;
static void seed(const char *s)
{
	rs = 0x243F6A8885A308D3ull;
	while (*s)
		rs = rs * 1099511628211ull + (unsigned char)*s++;
}
static uint64_t rnd64(void)
{
	uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
static uint32_t rnd(void) { return (uint32_t)(rnd64() >> 32); }
static uint32_t rndn(uint32_t n) { return rnd() % n; }

/* ------------------------------------------------------------- values */
typedef struct { uint64_t m; uint16_t e; } f80; /* e: sign << 15 | biased exponent */
static f80 mk(uint16_t e, uint64_t m) { f80 v = {m, e}; return v; }
static f80 neg(f80 v) { v.e ^= 0x8000; return v; }
#define J 0x8000000000000000ull

/* edge values: zeros, denormals, pseudo-denormal, normal limits, infinities, NaNs, the
 * unsupported encodings (unnormal, pseudo-infinity, pseudo-NaN), and a few ordinary ones */
static const f80 EDGE[] = {
	{0, 0}, {0, 0x8000},                                   /* +0 -0 */
	{J, 0x3FFF}, {0xC000000000000000ull, 0xBFFF},          /* +1 -1.5 */
	{J, 0x7FFF}, {J, 0xFFFF},                              /* +inf -inf */
	{0xC000000000001234ull, 0x7FFF},                       /* +QNaN */
	{0xC000000000000000ull, 0xFFFF},                       /* -QNaN: the indefinite */
	{0x8000000000005678ull, 0x7FFF},                       /* +SNaN */
	{0xB000000000000000ull, 0xFFFF},                       /* -SNaN */
	{1, 0}, {0x7FFFFFFFFFFFFFFFull, 0x8000},               /* +min denormal, -max denormal */
	{0x0000123456789ABCull, 0},                            /* +denormal */
	{0x8000000000000001ull, 0},                            /* +pseudo-denormal */
	{J, 1}, {0xFFFFFFFFFFFFFFFFull, 0xFFFE},               /* +min normal, -max normal */
	{J, 0x4000}, {0xC000000000000000ull, 0x4000},          /* 2 3 */
	{0xCCCCCCCCCCCCCCCDull, 0xBFFB},                       /* -0.1 */
	{0x8000000000000001ull, 0x3FFF},                       /* 1 + ulp */
	{J, 0x7FFE}, {0xC000000000000000ull, 0x0001},          /* 2^16383, 1.5 * 2^-16382 */
	{J, 0x403E},                                           /* 2^63 */
	{0x4000000000000000ull, 0x3FFF},                       /* unnormal */
	{0, 0x7FFF}, {0x4000000000000001ull, 0xFFFF},          /* pseudo-infinity, pseudo-NaN */
};
#define NEDGE ((int)(sizeof EDGE / sizeof EDGE[0]))
#define NEDGE_SUPPORTED (NEDGE - 3)

/* a significand with bit 63 set and low bits that stress rounding at 24, 53 and 64 bits */
static uint64_t rsig(void)
{
	uint64_t m = rnd64() | J;
	switch (rndn(10)) {
	case 0: m &= ~0x7FFull; m |= (uint64_t)(0x3FF + rndn(3)); break; /* 53-bit halfway +-1 */
	case 1: m &= ~0xFFFFFFFFFFull; m |= 0x7FFFFFFFFFull + rndn(3); break; /* 24-bit halfway */
	case 2: m &= ~0x7FFull; break;                                      /* exact in double */
	case 3: m &= ~0xFFFFFFFFFFull; break;                               /* exact in single */
	case 4: m = J | (rnd64() >> (1 + rndn(63))); break;                 /* few bits */
	case 5: m |= 0x7FFFFFFFFFFFFFFFull >> rndn(64); break;              /* runs of ones */
	default: break;
	}
	return m;
}
static f80 rnormal(int lo, int hi) { return mk((uint16_t)(lo + rndn(hi - lo + 1)) | (rnd() & 0x8000), rsig()); }
static f80 rdenormal(void) { return mk(rnd() & 0x8000, (rnd64() >> (1 + rndn(63))) | (rndn(4) == 0)); }

/* general random value: mostly ordinary magnitudes, some extreme, some denormal or special */
static f80 rf80(void)
{
	uint32_t k = rndn(100);
	if (k < 55) return rnormal(0x3FFF - 64, 0x3FFF + 64);
	if (k < 70) return rnormal(1, 0x7FFE);
	if (k < 77) return rnormal(1, 80);
	if (k < 84) return rnormal(0x7FFE - 80, 0x7FFE);
	if (k < 91) return rdenormal();
	return EDGE[rndn(NEDGE_SUPPORTED)];
}
/* a value whose exponent is near a's (for addition: cancellation, sticky bits) */
static f80 rnear(f80 a)
{
	int e = (a.e & 0x7FFF);
	if (e == 0 || e == 0x7FFF || rndn(8) == 0) return rf80();
	int d = rndn(4) ? (int)rndn(9) - 4 : (int)rndn(141) - 70;
	e += d;
	if (e < 1) e = 1;
	if (e > 0x7FFE) e = 0x7FFE;
	f80 b = mk((uint16_t)e | (rnd() & 0x8000), rsig());
	if (rndn(4) == 0) b.m = a.m ^ (rnd64() >> (1 + rndn(63))) ^ (rndn(2) ? 0 : 1); /* close significands */
	return b;
}
/* for multiplication/division: exponents whose sum/difference lands near the limits */
static f80 rprod(f80 a, int div)
{
	int e = (a.e & 0x7FFF);
	if (e == 0 || e == 0x7FFF || rndn(3) == 0) return rf80();
	int target = rndn(2) ? 0x7FFE + (int)rndn(5) - 2 : (int)rndn(80) - 66;
	int eb = div ? e - target + 0x3FFF : target - e + 0x3FFF;
	if (eb < 1 || eb > 0x7FFE) return rf80();
	return mk((uint16_t)eb | (rnd() & 0x8000), rsig());
}

/* single and double bit patterns */
static const uint32_t E32[] = {0, 0x80000000, 0x3F800000, 0xBFC00000, 0x7F800000, 0xFF800000,
			       0x7FC00000, 0xFFC00123, 0x7F800001, 0xFFA00000, 0x00000001, 0x807FFFFF,
			       0x00400000, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x3DCCCCCD, 0x4B000000};
static const uint64_t E64[] = {0, 0x8000000000000000ull, 0x3FF0000000000000ull, 0xBFF8000000000000ull,
			       0x7FF0000000000000ull, 0xFFF0000000000000ull, 0x7FF8000000000000ull,
			       0xFFF8000000000123ull, 0x7FF0000000000001ull, 0xFFF4000000000000ull,
			       1, 0x800FFFFFFFFFFFFFull, 0x0008000000000000ull, 0x0010000000000000ull,
			       0x7FEFFFFFFFFFFFFFull, 0xFFEFFFFFFFFFFFFFull, 0x3FB999999999999Aull,
			       0x4330000000000000ull};
#define NE32 ((int)(sizeof E32 / sizeof E32[0]))
#define NE64 ((int)(sizeof E64 / sizeof E64[0]))
static uint32_t r32f(void)
{
	uint32_t k = rndn(10);
	if (k < 2) return E32[rndn(NE32)];
	if (k < 3) return (rnd() & 0x807FFFFF) >> rndn(8);                  /* denormal */
	if (k < 6) return (rnd() & 0x807FFFFF) | ((uint32_t)(127 - 30 + rndn(61)) << 23);
	return rnd() & 0xFFFFFFFF;
}
static uint64_t r64f(void)
{
	uint32_t k = rndn(10);
	if (k < 2) return E64[rndn(NE64)];
	if (k < 3) return (rnd64() & 0x800FFFFFFFFFFFFFull) >> rndn(12);
	if (k < 6) return (rnd64() & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(1023 - 60 + rndn(121)) << 52);
	return rnd64();
}
static uint64_t rint_(int bits)
{
	uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
	switch (rndn(6)) {
	case 0: { static const int64_t e[] = {0, 1, -1, 2, -2, 10, 100}; return (uint64_t)e[rndn(7)] & m; }
	case 1: return ((1ull << (bits - 1)) + rndn(5) - 2) & m; /* around the most negative value */
	case 2: return (rnd64() >> rndn(bits)) & m;
	case 3: return (uint64_t)(-(int64_t)(rnd64() >> (64 - bits + rndn(bits)))) & m;
	default: return rnd64() & m;
	}
}

/* integer-valued and half-integer values near a given power of two (conversions, frndint) */
static f80 rintish(int maxexp)
{
	int e = rndn(maxexp + 3);
	uint64_t m = rnd64() | J;
	int frac = 63 - e; /* bits below the binary point */
	if (frac > 0 && frac < 64 && rndn(2)) {
		uint64_t lowmask = (1ull << frac) - 1;
		switch (rndn(4)) {
		case 0: m &= ~lowmask; break;                           /* an integer */
		case 1: m = (m & ~lowmask) | (1ull << (frac - 1)); break; /* exactly .5 */
		case 2: m = (m & ~lowmask) | ((1ull << (frac - 1)) - 1); break;
		default: m = (m & ~lowmask) | ((1ull << (frac - 1)) + 1); break;
		}
	}
	if (rndn(6) == 0) e = -1 - (int)rndn(70); /* below one */
	return mk((uint16_t)(0x3FFF + e) | (rnd() & 0x8000), m);
}

/* ------------------------------------------------------------ execution */
static uint8_t *codepage, *bufp;
static sigjmp_buf jb;
static volatile sig_atomic_t armed;
static uint8_t fin[108] __attribute__((aligned(16)));
static uint8_t fout[108] __attribute__((aligned(16)));
static uint32_t insn_addr;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (!armed) {
		fprintf(stderr, "x87gen: unexpected signal %d outside a snippet\n", sig);
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
	uint8_t *d = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (codepage == MAP_FAILED || d == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	mprotect(d + 4096, 4096, PROT_NONE); /* guard page right after the buffer */
	bufp = d + 4096 - BUFSZ;
}

/* --------------------------------------------------------------- the form */
enum { USE_AX = 1, USE_FL = 2, NOMEM16 = 4 };
static uint8_t code[16];
static int clen, msize, fuse;

/* ------------------------------------------------------------ the case */
static struct {
	uint16_t cw, sw;
	f80 st[8];
	int full[8];
	uint8_t mem[BUFSZ];
	uint32_t eax, efl;
} I;

static int tag_of(f80 v)
{
	int e = v.e & 0x7FFF;
	if (e == 0) return v.m == 0 ? 1 : 2;
	if (e == 0x7FFF || !(v.m & J)) return 2;
	return 0;
}

/* ------------------------------------------------------------ output */
static FILE *fo;
static const char *outdir;
static char cpu_name[64];
static uint32_t cpu_sig;
static int g_forms, g_cases, form_cases, t_forms, t_cases;
static long t_bytes;
static char gname[32];

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
	g_forms = g_cases = 0;
	fprintf(fo, "{\"generator\":\"tools/vectors/x87gen.c\",\"format\":\"x87\",\"cpu\":\"%s\",\"cpuid1\":\"%08x\",\"forms\":[\n", cpu_name, cpu_sig);
}

static void gend(void)
{
	fprintf(fo, "\n]}\n");
	long sz = ftell(fo);
	fclose(fo);
	printf("%-9s %4d forms %7d cases %9ld bytes\n", gname, g_forms, g_cases, sz);
	t_forms += g_forms;
	t_cases += g_cases;
	t_bytes += sz;
}

/* Begin a form: the instruction bytes (va list), its name, the memory operand size (0: none)
 * and the USE_* flags. A memory form's ModRM addresses [edi]. */
static void form(const char *name, int ms, int flags, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	clen = 0;
	for (int i = 0; i < n; i++) code[clen++] = (uint8_t)va_arg(ap, int);
	va_end(ap);
	msize = ms;
	fuse = flags;
	/* frstor [fin]; insn; fnsave [fout]; ret */
	uint8_t *p = codepage;
	*p++ = 0xDD; *p++ = 0x25;
	uint32_t a = (uint32_t)(uintptr_t)fin;
	memcpy(p, &a, 4); p += 4;
	insn_addr = (uint32_t)(uintptr_t)p;
	memcpy(p, code, clen); p += clen;
	*p++ = 0xDD; *p++ = 0x35;
	a = (uint32_t)(uintptr_t)fout;
	memcpy(p, &a, 4); p += 4;
	*p++ = 0xC3;
	g_code = codepage;
	fprintf(fo, "%s{\"name\":\"%s\",\"bytes\":\"", g_forms ? ",\n" : "", name);
	hex(code, clen);
	fprintf(fo, "\",\"msize\":%d", ms);
	if (flags & NOMEM16) fprintf(fo, ",\"mode16\":false");
	fprintf(fo, ",\"cases\":[\n");
	g_forms++;
	form_cases = 0;
}
#define MEM(reg) (0x07 | ((reg) << 3)) /* ModRM for [edi] */

static void fend(void)
{
	fprintf(fo, "]}");
	if (form_cases == 0) {
		fprintf(stderr, "x87gen: form without cases\n");
		exit(1);
	}
}

/* the input pointer fields: markers, so a change is visible */
#define FIP_IN 0x11111110u
#define FDP_IN 0x22222220u

static void put_reg(uint8_t *p, f80 v)
{
	memcpy(p, &v.m, 8);
	memcpy(p + 8, &v.e, 2);
}
static f80 get_reg(const uint8_t *p)
{
	f80 v;
	memcpy(&v.m, p, 8);
	memcpy(&v.e, p + 8, 2);
	return v;
}

static void regs_json(const uint8_t *img)
{
	int last = -1;
	for (int i = 0; i < 8; i++) {
		f80 v = get_reg(img + 28 + 10 * i);
		if (v.m || v.e) last = i;
	}
	fprintf(fo, "\"st\":[");
	for (int i = 0; i <= last; i++) {
		f80 v = get_reg(img + 28 + 10 * i);
		if (v.m || v.e)
			fprintf(fo, "%s\"%04x%016llx\"", i ? "," : "", v.e, (unsigned long long)v.m);
		else
			fprintf(fo, "%s\"0\"", i ? "," : "");
	}
	fprintf(fo, "]");
}

/* ---- case set-up */
static int unmask_rate = 8; /* one case in unmask_rate leaves some exceptions unmasked */

static void cbeg(int rc, int pc)
{
	memset(&I, 0, sizeof I);
	uint16_t masks = 0x3F;
	if (unmask_rate && rndn(unmask_rate) == 0) masks = rnd() & 0x3F;
	if (rc < 0) rc = rndn(4);
	if (pc < 0) pc = (int[]){0, 2, 3}[rndn(3)];
	I.cw = 0x40 | masks | (pc << 8) | (rc << 10);
	/* TOP, random condition codes and sticky flags (only masked ones: nothing pending) */
	I.sw = (rndn(8) << 11) | (rnd() & 0x4700) | (rnd() & masks & 0x3F & -(rndn(3) == 0));
	for (int i = 0; i < BUFSZ; i++) I.mem[i] = rnd();
	I.eax = rnd();
	I.efl = EFL_BASE | (rnd() & ARITH);
}
static void setst(int i, f80 v) { I.st[i] = v; I.full[i] = 1; }

static void crun(void)
{
	/* the 32-bit protected-mode FSAVE image */
	memset(fin, 0, sizeof fin);
	int top = (I.sw >> 11) & 7;
	static uint16_t tw;
	tw = 0;
	for (int i = 0; i < 8; i++) {
		int phys = (top + i) & 7;
		tw |= (I.full[i] ? tag_of(I.st[i]) : 3) << (2 * phys);
		put_reg(fin + 28 + 10 * i, I.st[i]);
	}
	uint32_t w;
	w = I.cw; memcpy(fin + 0, &w, 4);
	w = I.sw; memcpy(fin + 4, &w, 4);
	w = tw; memcpy(fin + 8, &w, 4);
	w = FIP_IN; memcpy(fin + 12, &w, 4);
	w = 0x23; memcpy(fin + 16, &w, 4); /* FCS, FOP 0 */
	w = FDP_IN; memcpy(fin + 20, &w, 4);
	w = 0x2B; memcpy(fin + 24, &w, 4);
	for (int i = 0; i < 7; i++) g_in[i] = rnd();
	g_in[0] = I.eax;
	g_in[6] = (uint32_t)(uintptr_t)bufp; /* edi */
	g_in[7] = I.efl;
	/* Run until two runs in a row agree: a context switch between the snippet's instructions
	 * makes the kernel save and restore the FPU state, which (on CPUs that only save the last
	 * instruction/data pointers while an exception is pending) zeroes FIP, FDP and FOP. */
	static uint8_t prev[108], prevmem[BUFSZ];
	static uint32_t prevregs[8];
	for (volatile int attempt = 0;; attempt++) {
		memcpy(bufp, I.mem, BUFSZ);
		int sig = sigsetjmp(jb, 1);
		if (sig == 0) {
			armed = 1;
			run_snippet();
			armed = 0;
		} else {
			fprintf(stderr, "x87gen: signal %d in form %d of %s\n", sig, g_forms, gname);
			exit(1);
		}
		if (attempt > 0 && !memcmp(prev, fout, 108) && !memcmp(prevmem, bufp, BUFSZ) && !memcmp(prevregs, g_out, sizeof g_out))
			break;
		if (attempt > 20) {
			fprintf(stderr, "x87gen: no two runs agree in form %d of %s\n", g_forms, gname);
			exit(1);
		}
		memcpy(prev, fout, 108);
		memcpy(prevmem, bufp, BUFSZ);
		memcpy(prevregs, g_out, sizeof g_out);
	}
	for (int i = msize; i < BUFSZ; i++)
		if (bufp[i] != I.mem[i]) {
			fprintf(stderr, "x87gen: write beyond the operand in form %d of %s\n", g_forms, gname);
			exit(1);
		}
	if (g_out[6] != g_in[6]) {
		fprintf(stderr, "x87gen: edi changed\n");
		exit(1);
	}
	fprintf(fo, "%s{\"cw\":%u,\"sw\":%u,\"tw\":%u,", form_cases ? ",\n" : "", I.cw, I.sw, tw);
	regs_json(fin);
	if (msize) {
		fprintf(fo, ",\"m\":\"");
		hex(I.mem, msize);
		fprintf(fo, "\"");
	}
	if (fuse & USE_AX) fprintf(fo, ",\"ax\":%u", I.eax);
	if (fuse & USE_FL) fprintf(fo, ",\"fl\":%u", I.efl);
	uint32_t sw, tw2, fip, fop, fdp;
	memcpy(&sw, fout + 4, 4);
	memcpy(&tw2, fout + 8, 4);
	memcpy(&fip, fout + 12, 4);
	memcpy(&fop, fout + 16, 4);
	memcpy(&fdp, fout + 20, 4);
	fop = (fop >> 16) & 0x7FF;
	/* the control word after the instruction: fnsave stores it before reinitializing */
	fprintf(fo, ",\"o\":{\"cw\":%u,\"sw\":%u,\"tw\":%u,", fout[0] | fout[1] << 8, sw & 0xFFFF, tw2 & 0xFFFF);
	regs_json(fout);
	if (msize) {
		fprintf(fo, ",\"m\":\"");
		hex(bufp, msize);
		fprintf(fo, "\"");
	}
	if (fuse & USE_AX) fprintf(fo, ",\"ax\":%u", g_out[0]);
	if (fuse & USE_FL) fprintf(fo, ",\"fl\":%u", g_out[7]);
	/* the last-instruction pointers: "insn" / "mem" when they point at the instruction / the
	 * operand, else the raw value (the input markers when unchanged) */
	fprintf(fo, ",\"ip\":[");
	if (fip == insn_addr) fprintf(fo, "\"insn\""); else fprintf(fo, "%u", fip);
	fprintf(fo, ",%u,", fop);
	if (fdp == (uint32_t)(uintptr_t)bufp) fprintf(fo, "\"mem\""); else fprintf(fo, "%u", fdp);
	fprintf(fo, "]}}");
	form_cases++;
	g_cases++;
}

/* ================================================================ helpers for forms */
static void mem32(uint32_t v) { memcpy(I.mem, &v, 4); }
static void mem64(uint64_t v) { memcpy(I.mem, &v, 8); }
static void mem16(uint16_t v) { memcpy(I.mem, &v, 2); }
static void mem80(f80 v) { put_reg(I.mem, v); }
static const int PCS[3] = {0, 2, 3};

/* ST0 op ST(i) style: a = ST0, b = the other register; edges crossed, then random pairs in
 * each rounding mode and precision (nrand per mode); kind 0 add-like, 1 mul, 2 div */
static void bin_cases(int other, int nrand, int kind, int cross, int allmodes)
{
	if (cross) {
		for (int i = 0; i < NEDGE; i++)
			for (int j = 0; j < NEDGE; j++) {
				cbeg(-1, -1);
				setst(0, EDGE[i]);
				setst(other, EDGE[j]);
				if (other > 1 && rndn(2)) setst(1, rf80());
				crun();
			}
	}
	int modes = allmodes ? 12 : 1;
	for (int md = 0; md < modes; md++)
		for (int r = 0; r < nrand; r++) {
			cbeg(allmodes ? md & 3 : -1, allmodes ? PCS[md >> 2] : -1);
			f80 a = rf80();
			f80 b = kind == 0 ? rnear(a) : rprod(a, kind == 2);
			if (rndn(2)) { f80 t = a; a = b; b = t; }
			setst(0, a);
			setst(other, b);
			crun();
		}
	/* stack underflow: an empty operand */
	for (int r = 0; r < 8; r++) {
		cbeg(-1, -1);
		if (r & 1) setst(0, rf80());
		if (r & 2) setst(other, rf80());
		crun();
	}
}

/* ST0 op memory: value generator by type */
enum { M32F, M64F, M16I, M32I, M64I, M80F, M80B };
static void mem_value(int t)
{
	switch (t) {
	case M32F: mem32(r32f()); break;
	case M64F: mem64(r64f()); break;
	case M16I: mem16((uint16_t)rint_(16)); break;
	case M32I: mem32((uint32_t)rint_(32)); break;
	case M64I: mem64(rint_(64)); break;
	case M80F: mem80(rf80()); break;
	default: break;
	}
}
static void mem_edge(int t, int i)
{
	switch (t) {
	case M32F: mem32(E32[i % NE32]); break;
	case M64F: mem64(E64[i % NE64]); break;
	case M16I: { static const uint16_t e[] = {0, 1, 0xFFFF, 0x7FFF, 0x8000, 2}; mem16(e[i % 6]); break; }
	case M32I: { static const uint32_t e[] = {0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x01000001}; mem32(e[i % 6]); break; }
	case M64I: { static const uint64_t e[] = {0, 1, ~0ull, 0x7FFFFFFFFFFFFFFFull, J, 0x0020000000000001ull}; mem64(e[i % 6]); break; }
	case M80F: mem80(EDGE[i % NEDGE]); break;
	default: break;
	}
}
static int nedge_of(int t) { return t == M32F ? NE32 : t == M64F ? NE64 : t == M80F ? NEDGE : 6; }

static void mem_cases(int t, int nrand, int edges_st)
{
	int ne = nedge_of(t);
	for (int i = 0; i < ne; i++)
		for (int j = 0; j < edges_st; j++) {
			cbeg(-1, -1);
			setst(0, EDGE[(j * 7 + i) % NEDGE]);
			mem_edge(t, i);
			crun();
		}
	for (int r = 0; r < nrand; r++) {
		cbeg(-1, -1);
		setst(0, rf80());
		mem_value(t);
		crun();
	}
	cbeg(-1, -1); mem_value(t); crun(); /* empty ST0 */
}

/* ================================================================ arithmetic */
static const char *ARN[8] = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
static const int ARITH_OPS[6] = {0, 1, 4, 5, 6, 7};

static void g_arith(void)
{
	gbegin("x87arith");
	for (int k = 0; k < 6; k++) {
		int op = ARITH_OPS[k];
		int kind = op == 1 ? 1 : op >= 6 ? 2 : 0;
		char n[64];
		/* D8 /op mod 3: st0 = st0 op st(i) */
		snprintf(n, sizeof n, "%s st0, st1", ARN[op]);
		form(n, 0, 0, 2, 0xD8, 0xC0 | op << 3 | 1);
		bin_cases(1, 120, kind, 1, 1);
		fend();
		snprintf(n, sizeof n, "%s st0, st0", ARN[op]);
		form(n, 0, 0, 2, 0xD8, 0xC0 | op << 3 | 0);
		for (int r = 0; r < 40; r++) { cbeg(-1, -1); setst(0, rf80()); crun(); }
		fend();
		snprintf(n, sizeof n, "%s st0, st5", ARN[op]);
		form(n, 0, 0, 2, 0xD8, 0xC0 | op << 3 | 5);
		bin_cases(5, 40, kind, 0, 0);
		fend();
		/* DC mod 3: st(i) = st(i) op st0, where DC's /4../7 swap sub/subr and div/divr */
		static const char *DCN[8] = {"fadd", "fmul", "", "", "fsubr", "fsub", "fdivr", "fdiv"};
		snprintf(n, sizeof n, "%s st3, st0", DCN[op]);
		form(n, 0, 0, 2, 0xDC, 0xC0 | op << 3 | 3);
		bin_cases(3, 80, kind, 0, 0);
		fend();
		/* DE: ... and pop */
		snprintf(n, sizeof n, "%sp st1, st0", DCN[op]);
		form(n, 0, 0, 2, 0xDE, 0xC0 | op << 3 | 1);
		bin_cases(1, 80, kind, 0, 0);
		fend();
		snprintf(n, sizeof n, "%sp st6, st0", DCN[op]);
		form(n, 0, 0, 2, 0xDE, 0xC0 | op << 3 | 6);
		bin_cases(6, 20, kind, 0, 0);
		fend();
		/* memory operands */
		snprintf(n, sizeof n, "%s dword [edi] (m32fp)", ARN[op]);
		form(n, 4, 0, 2, 0xD8, MEM(op));
		mem_cases(M32F, 200, 3);
		fend();
		snprintf(n, sizeof n, "%s qword [edi] (m64fp)", ARN[op]);
		form(n, 8, 0, 2, 0xDC, MEM(op));
		mem_cases(M64F, 200, 3);
		fend();
		snprintf(n, sizeof n, "fi%s dword [edi] (m32int)", ARN[op] + 1);
		form(n, 4, 0, 2, 0xDA, MEM(op));
		mem_cases(M32I, 150, 3);
		fend();
		snprintf(n, sizeof n, "fi%s word [edi] (m16int)", ARN[op] + 1);
		form(n, 2, 0, 2, 0xDE, MEM(op));
		mem_cases(M16I, 150, 3);
		fend();
	}
	gend();
}

/* ================================================================ compares */
static void cmp_cases(int other, int n)
{
	for (int i = 0; i < NEDGE; i++)
		for (int j = 0; j < NEDGE; j += 1 + (n < 100)) {
			cbeg(-1, -1);
			setst(0, EDGE[i]);
			setst(other, EDGE[j]);
			crun();
		}
	for (int r = 0; r < n; r++) {
		cbeg(-1, -1);
		f80 a = rf80(), b = rndn(4) == 0 ? a : rnear(a);
		if (rndn(8) == 0) b = neg(a);
		setst(0, a);
		setst(other, b);
		crun();
	}
	for (int r = 0; r < 4; r++) {
		cbeg(-1, -1);
		if (r & 1) setst(0, rf80());
		if (r & 2) setst(other, rf80());
		crun();
	}
}

static void g_cmp(void)
{
	gbegin("x87cmp");
	form("fcom st1", 0, 0, 2, 0xD8, 0xD1); cmp_cases(1, 300); fend();
	form("fcomp st2", 0, 0, 2, 0xD8, 0xDA); cmp_cases(2, 100); fend();
	form("fcom2 st4 (DC D0+i alias)", 0, 0, 2, 0xDC, 0xD4); cmp_cases(4, 40); fend();
	form("fcomp3 st1 (DC D8+i alias)", 0, 0, 2, 0xDC, 0xD9); cmp_cases(1, 40); fend();
	form("fcomp5 st3 (DE D0+i alias)", 0, 0, 2, 0xDE, 0xD3); cmp_cases(3, 40); fend();
	form("fcompp", 0, 0, 2, 0xDE, 0xD9); cmp_cases(1, 100); fend();
	form("fucom st1", 0, 0, 2, 0xDD, 0xE1); cmp_cases(1, 200); fend();
	form("fucomp st7", 0, 0, 2, 0xDD, 0xEF); cmp_cases(7, 60); fend();
	form("fucompp", 0, 0, 2, 0xDA, 0xE9); cmp_cases(1, 100); fend();
	form("fcomi st0, st1", 0, USE_FL, 2, 0xDB, 0xF1); cmp_cases(1, 200); fend();
	form("fcomip st0, st3", 0, USE_FL, 2, 0xDF, 0xF3); cmp_cases(3, 80); fend();
	form("fucomi st0, st2", 0, USE_FL, 2, 0xDB, 0xEA); cmp_cases(2, 200); fend();
	form("fucomip st0, st1", 0, USE_FL, 2, 0xDF, 0xE9); cmp_cases(1, 80); fend();
	form("fcom dword [edi]", 4, 0, 2, 0xD8, MEM(2)); mem_cases(M32F, 150, 3); fend();
	form("fcomp dword [edi]", 4, 0, 2, 0xD8, MEM(3)); mem_cases(M32F, 60, 2); fend();
	form("fcom qword [edi]", 8, 0, 2, 0xDC, MEM(2)); mem_cases(M64F, 150, 3); fend();
	form("fcomp qword [edi]", 8, 0, 2, 0xDC, MEM(3)); mem_cases(M64F, 60, 2); fend();
	form("ficom dword [edi]", 4, 0, 2, 0xDA, MEM(2)); mem_cases(M32I, 100, 3); fend();
	form("ficomp dword [edi]", 4, 0, 2, 0xDA, MEM(3)); mem_cases(M32I, 60, 2); fend();
	form("ficom word [edi]", 2, 0, 2, 0xDE, MEM(2)); mem_cases(M16I, 100, 3); fend();
	form("ficomp word [edi]", 2, 0, 2, 0xDE, MEM(3)); mem_cases(M16I, 60, 2); fend();
	form("ftst", 0, 0, 2, 0xD9, 0xE4);
	for (int i = 0; i < NEDGE; i++) { cbeg(-1, -1); setst(0, EDGE[i]); crun(); }
	for (int r = 0; r < 100; r++) { cbeg(-1, -1); setst(0, rf80()); crun(); }
	cbeg(-1, -1); crun();
	fend();
	form("fxam", 0, 0, 2, 0xD9, 0xE5);
	for (int i = 0; i < NEDGE; i++) for (int e = 0; e < 2; e++) {
		cbeg(-1, -1); I.st[0] = EDGE[i]; I.full[0] = !e; crun();
	}
	for (int r = 0; r < 100; r++) { cbeg(-1, -1); setst(0, rf80()); crun(); }
	fend();
	/* fcmovcc: every condition with random CF ZF PF */
	static const char *CMN[8] = {"fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
	for (int c = 0; c < 8; c++) {
		char n[48];
		snprintf(n, sizeof n, "%s st0, st%d", CMN[c], 1 + c % 7);
		form(n, 0, USE_FL, 2, c < 4 ? 0xDA : 0xDB, 0xC0 | (c & 3) << 3 | (1 + c % 7));
		for (int r = 0; r < 48; r++) {
			cbeg(-1, -1);
			I.efl = EFL_BASE | (rnd() & ARITH);
			if (r < 8) I.efl = EFL_BASE | (r & 1 ? 1 : 0) | (r & 2 ? 0x40 : 0) | (r & 4 ? 4 : 0);
			if (r % 5 != 4) setst(0, rf80());
			if (r % 7 != 6) setst(1 + c % 7, rf80());
			crun();
		}
		fend();
	}
	gend();
}

/* ================================================================ loads, stores, moves */
static void st_cases(int n, int kind)
{
	/* kind: 0 general, 1 integer-ish (fist), 2 large integers (fbstp) */
	for (int i = 0; i < NEDGE; i++) { cbeg(-1, -1); setst(0, EDGE[i]); crun(); }
	for (int r = 0; r < n; r++) {
		cbeg(-1, -1);
		f80 v = kind == 0 ? rf80() : rintish(kind == 1 ? 66 : 62);
		if (kind == 0 && rndn(3) == 0) {
			/* near the single/double limits */
			static const int lim[] = {0x3FFF + 127, 0x3FFF - 126, 0x3FFF - 149, 0x3FFF + 1023, 0x3FFF - 1022, 0x3FFF - 1074};
			int e = lim[rndn(6)] + (int)rndn(5) - 2;
			v = mk((uint16_t)e | (rnd() & 0x8000), rsig());
		}
		if (kind == 2 && rndn(3) == 0) {
			/* around 10^18 */
			v = mk(0x403A | (rnd() & 0x8000), 0xDE0B6B3A76400000ull + (int64_t)(rndn(2049) - 1024) * (1 << rndn(8)));
		}
		setst(0, v);
		crun();
	}
	cbeg(-1, -1); crun(); /* empty */
}

static void g_data(void)
{
	gbegin("x87data");
	/* loads */
	form("fld dword [edi]", 4, 0, 2, 0xD9, MEM(0));
	for (int i = 0; i < NE32; i++) { cbeg(-1, -1); mem32(E32[i]); crun(); }
	for (int r = 0; r < 200; r++) { cbeg(-1, -1); mem32(r32f()); if (rndn(2)) setst(7, rf80()); crun(); }
	fend();
	form("fld qword [edi]", 8, 0, 2, 0xDD, MEM(0));
	for (int i = 0; i < NE64; i++) { cbeg(-1, -1); mem64(E64[i]); crun(); }
	for (int r = 0; r < 200; r++) { cbeg(-1, -1); mem64(r64f()); if (rndn(2)) setst(7, rf80()); crun(); }
	fend();
	form("fld tword [edi]", 10, 0, 2, 0xDB, MEM(5));
	for (int i = 0; i < NEDGE; i++) { cbeg(-1, -1); mem80(EDGE[i]); crun(); }
	for (int r = 0; r < 100; r++) { cbeg(-1, -1); mem80(rf80()); if (rndn(2)) setst(7, rf80()); crun(); }
	fend();
	form("fld st3", 0, 0, 2, 0xD9, 0xC3);
	for (int r = 0; r < 60; r++) {
		cbeg(-1, -1);
		if (r % 4) setst(3, r < NEDGE ? EDGE[r] : rf80());
		if (r % 5 == 0) setst(7, rf80());
		crun();
	}
	fend();
	form("fld st0", 0, 0, 2, 0xD9, 0xC0);
	for (int r = 0; r < 20; r++) { cbeg(-1, -1); if (r % 4) setst(0, EDGE[r]); crun(); }
	fend();
	form("fild word [edi]", 2, 0, 2, 0xDF, MEM(0));
	for (int r = 0; r < 60; r++) { cbeg(-1, -1); mem_value(M16I); if (r % 9 == 0) setst(7, rf80()); crun(); }
	fend();
	form("fild dword [edi]", 4, 0, 2, 0xDB, MEM(0));
	for (int r = 0; r < 80; r++) { cbeg(-1, -1); mem_value(M32I); if (r % 9 == 0) setst(7, rf80()); crun(); }
	fend();
	form("fild qword [edi]", 8, 0, 2, 0xDF, MEM(5));
	for (int r = 0; r < 100; r++) { cbeg(-1, -1); mem_value(M64I); if (r % 9 == 0) setst(7, rf80()); crun(); }
	fend();
	form("fbld tword [edi]", 10, 0, 2, 0xDF, MEM(4));
	for (int r = 0; r < 120; r++) {
		cbeg(-1, -1);
		int nd = rndn(19);
		for (int b = 0; b < 9; b++) {
			int lo = 2 * b < nd ? (int)rndn(10) : 0, hi = 2 * b + 1 < nd ? (int)rndn(10) : 0;
			I.mem[b] = (uint8_t)(lo | hi << 4);
		}
		I.mem[9] = rndn(2) ? 0x80 : 0;
		if (r % 11 == 0) setst(7, rf80());
		crun();
	}
	fend();
	/* stores to memory */
	form("fst dword [edi]", 4, 0, 2, 0xD9, MEM(2)); st_cases(400, 0); fend();
	form("fstp dword [edi]", 4, 0, 2, 0xD9, MEM(3)); st_cases(100, 0); fend();
	form("fst qword [edi]", 8, 0, 2, 0xDD, MEM(2)); st_cases(400, 0); fend();
	form("fstp qword [edi]", 8, 0, 2, 0xDD, MEM(3)); st_cases(100, 0); fend();
	form("fstp tword [edi]", 10, 0, 2, 0xDB, MEM(7)); st_cases(60, 0); fend();
	form("fist word [edi]", 2, 0, 2, 0xDF, MEM(2)); st_cases(300, 1); fend();
	form("fistp word [edi]", 2, 0, 2, 0xDF, MEM(3)); st_cases(100, 1); fend();
	form("fist dword [edi]", 4, 0, 2, 0xDB, MEM(2)); st_cases(300, 1); fend();
	form("fistp dword [edi]", 4, 0, 2, 0xDB, MEM(3)); st_cases(100, 1); fend();
	form("fistp qword [edi]", 8, 0, 2, 0xDF, MEM(7)); st_cases(400, 1); fend();
	form("fbstp tword [edi]", 10, 0, 2, 0xDF, MEM(6)); st_cases(400, 2); fend();
	/* register moves */
	static const struct { const char *n; int b0, b1, idx; } RM[] = {
		{"fst st4", 0xDD, 0xD4, 4}, {"fstp st2", 0xDD, 0xDA, 2}, {"fstp st0", 0xDD, 0xD8, 0},
		{"fxch st1", 0xD9, 0xC9, 1}, {"fxch st6", 0xD9, 0xCE, 6},
		{"fxch4 st2 (DD C8+i alias)", 0xDD, 0xCA, 2}, {"fxch7 st3 (DF C8+i alias)", 0xDF, 0xCB, 3},
		{"fstp1 st3 (D9 D8+i alias)", 0xD9, 0xDB, 3}, {"fstp8 st1 (DF D0+i alias)", 0xDF, 0xD1, 1},
		{"fstp9 st5 (DF D8+i alias)", 0xDF, 0xDD, 5},
		{"ffree st2", 0xDD, 0xC2, 2}, {"ffree st0", 0xDD, 0xC0, 0}, {"ffreep st1", 0xDF, 0xC1, 1},
	};
	for (unsigned k = 0; k < sizeof RM / sizeof RM[0]; k++) {
		form(RM[k].n, 0, 0, 2, RM[k].b0, RM[k].b1);
		/* (D9 D8+i with an empty ST0: a P6 treats it as FSTP, a stack underflow; AMD's
		 * "FSTPNCE" raises nothing. Not recorded.) */
		int fstp1 = RM[k].b0 == 0xD9 && (RM[k].b1 & 0xF8) == 0xD8;
		for (int r = 0; r < 40; r++) {
			cbeg(-1, -1);
			if (r % 4 != 1 || fstp1) setst(0, r < NEDGE ? EDGE[r] : rf80());
			if (r % 4 != 2) setst(RM[k].idx, rf80());
			if (r % 3 == 0) setst(1, rf80());
			if (r % 7 == 0) for (int i = 0; i < 8; i++) if (!I.full[i]) { I.st[i] = rf80(); }
			crun();
		}
		fend();
	}
	/* constants (rounded per RC) and one-operand operations without arithmetic */
	static const struct { const char *n; int b1; } K[] = {
		{"fld1", 0xE8}, {"fldl2t", 0xE9}, {"fldl2e", 0xEA}, {"fldpi", 0xEB}, {"fldlg2", 0xEC},
		{"fldln2", 0xED}, {"fldz", 0xEE},
	};
	for (unsigned k = 0; k < sizeof K / sizeof K[0]; k++) {
		form(K[k].n, 0, 0, 2, 0xD9, K[k].b1);
		for (int r = 0; r < 24; r++) {
			cbeg(r & 3, PCS[(r >> 2) % 3]);
			if (r >= 12) setst(7, rf80());
			if (r >= 16) setst(0, rf80());
			crun();
		}
		fend();
	}
	static const struct { const char *n; int b1; } U[] = {
		{"fchs", 0xE0}, {"fabs", 0xE1}, {"fnop", 0xD0}, {"fincstp", 0xF7}, {"fdecstp", 0xF6},
	};
	for (unsigned k = 0; k < sizeof U / sizeof U[0]; k++) {
		form(U[k].n, 0, 0, 2, 0xD9, U[k].b1);
		for (int r = 0; r < NEDGE + 8; r++) {
			cbeg(-1, -1);
			if (r < NEDGE) setst(0, EDGE[r]);
			if (r % 3 == 0) setst(7, rf80());
			if (r % 2 == 0) setst(1, rf80());
			crun();
		}
		fend();
	}
	gend();
}

/* ================================================================ control */
static void env_image(int size32)
{
	/* a random but well-formed environment/state image in the 32-bit PM format */
	uint8_t *p = I.mem;
	uint32_t cw = 0x40 | (rnd() & 0x0F3F), sw = rnd() & 0xFF7F, tw = rnd() & 0xFFFF;
	if (rndn(2)) sw &= ~0x80u;
	/* nothing pending unless deliberately: ES only with an unmasked flag */
	if ((sw & 0x3F & ~cw) == 0) sw &= ~0x8080u;
	else sw |= 0x8080;
	memcpy(p + 0, &cw, 4);
	memcpy(p + 4, &sw, 4);
	memcpy(p + 8, &tw, 4);
	uint32_t w = rnd();
	memcpy(p + 12, &w, 4);
	w = rnd() & 0x07FFFFFF;
	memcpy(p + 16, &w, 4);
	w = rnd();
	memcpy(p + 20, &w, 4);
	w = rnd() & 0xFFFF;
	memcpy(p + 24, &w, 4);
	if (size32 > 28)
		for (int i = 0; i < 8; i++) put_reg(p + 28 + 10 * i, rf80());
}

static void g_ctrl(void)
{
	gbegin("x87ctrl");
	unmask_rate = 0;
	form("fldcw word [edi]", 2, 0, 2, 0xD9, MEM(5));
	for (int r = 0; r < 60; r++) {
		cbeg(-1, -1);
		uint16_t v = rnd();
		if (r % 3) v |= 0x3F;
		mem16(v);
		setst(0, rf80());
		crun();
	}
	fend();
	form("fnstcw word [edi]", 2, 0, 2, 0xD9, MEM(7));
	for (int r = 0; r < 20; r++) { cbeg(-1, -1); I.cw = rnd() | 0x3F; crun(); }
	fend();
	form("fnstsw word [edi]", 2, 0, 2, 0xDD, MEM(7));
	for (int r = 0; r < 30; r++) { cbeg(-1, -1); I.sw = rnd() & 0x7F7F; I.cw |= 0x3F; setst(0, rf80()); crun(); }
	fend();
	form("fnstsw ax", 0, USE_AX, 2, 0xDF, 0xE0);
	for (int r = 0; r < 30; r++) { cbeg(-1, -1); I.sw = rnd() & 0x7F7F; I.cw |= 0x3F; crun(); }
	fend();
	form("fnclex", 0, 0, 2, 0xDB, 0xE2);
	for (int r = 0; r < 30; r++) {
		cbeg(-1, -1);
		I.sw = rnd() & 0x7F7F;
		I.cw = (I.cw & ~0x3F) | (rnd() & 0x3F);
		if (I.sw & 0x3F & ~I.cw) I.sw |= 0x8080; /* a pending exception: fnclex does not wait */
		setst(0, rf80());
		crun();
	}
	fend();
	form("fninit", 0, 0, 2, 0xDB, 0xE3);
	for (int r = 0; r < 20; r++) {
		cbeg(-1, -1);
		I.sw = rnd() & 0x7F7F;
		I.cw = (I.cw & ~0x3F) | (rnd() & 0x3F);
		if (I.sw & 0x3F & ~I.cw) I.sw |= 0x8080;
		setst(0, rf80());
		setst(3, rf80());
		crun();
	}
	fend();
	static const struct { const char *n; int b1; } L[] = {{"fneni (8087 only: nop)", 0xE0}, {"fndisi (8087 only: nop)", 0xE1}, {"fnsetpm (287 only: nop)", 0xE4}};
	for (int k = 0; k < 3; k++) {
		form(L[k].n, 0, 0, 2, 0xDB, L[k].b1);
		for (int r = 0; r < 10; r++) { cbeg(-1, -1); setst(0, rf80()); crun(); }
		fend();
	}
	form("fnstenv [edi] (32-bit)", 28, NOMEM16, 2, 0xD9, MEM(6));
	for (int r = 0; r < 40; r++) {
		cbeg(-1, -1);
		I.cw = (I.cw & ~0x3F) | (rnd() & 0x3F);
		I.sw = (I.sw & 0x3800) | (rnd() & 0x477F);
		if (I.sw & 0x3F & ~I.cw) I.sw |= 0x8080;
		for (int i = 0; i < 8; i++) if (rndn(2)) setst(i, rf80());
		crun();
	}
	fend();
	form("fldenv [edi] (32-bit)", 28, NOMEM16, 2, 0xD9, MEM(4));
	for (int r = 0; r < 60; r++) {
		cbeg(-1, -1);
		for (int i = 0; i < 8; i++) if (rndn(2)) setst(i, rf80());
		env_image(28);
		crun();
	}
	fend();
	form("fnsave [edi] (32-bit)", 108, NOMEM16, 2, 0xDD, MEM(6));
	for (int r = 0; r < 40; r++) {
		cbeg(-1, -1);
		I.cw = (I.cw & ~0x3F) | (rnd() & 0x3F);
		I.sw = (I.sw & 0x3800) | (rnd() & 0x477F);
		if (I.sw & 0x3F & ~I.cw) I.sw |= 0x8080;
		for (int i = 0; i < 8; i++) if (rndn(2)) setst(i, rf80());
		crun();
	}
	fend();
	form("frstor [edi] (32-bit)", 108, NOMEM16, 2, 0xDD, MEM(4));
	for (int r = 0; r < 60; r++) {
		cbeg(-1, -1);
		env_image(108);
		crun();
	}
	fend();
	unmask_rate = 8;
	gend();
}

/* ================================================================ other arithmetic */
static void one_cases(int n, int kind)
{
	for (int i = 0; i < NEDGE; i++) { cbeg(-1, -1); setst(0, EDGE[i]); crun(); }
	for (int r = 0; r < n; r++) {
		cbeg(kind == 0 ? r & 3 : -1, kind == 0 ? PCS[(r >> 2) % 3] : -1);
		setst(0, kind == 1 ? rintish(66) : rf80());
		if (kind == 0 && rndn(3) == 0) {
			/* exact squares, and squares +- 1 ulp */
			uint64_t s = (rnd64() >> 32) | 0x80000000u;
			f80 v = mk((uint16_t)(0x3FFF + (int)rndn(40) - 20) * 1, s * s);
			if (!(v.m & J)) { v.m <<= 1; }
			v.m += rndn(3) - 1;
			v.m |= J;
			setst(0, v);
		}
		if (rndn(10) == 0) setst(7, rf80());
		crun();
	}
	cbeg(-1, -1); crun();
}

static void g_math(void)
{
	gbegin("x87math");
	form("fsqrt", 0, 0, 2, 0xD9, 0xFA); one_cases(1200, 0); fend();
	form("frndint", 0, 0, 2, 0xD9, 0xFC); one_cases(600, 1); fend();
	form("fxtract", 0, 0, 2, 0xD9, 0xF4); one_cases(150, 2); fend();
	form("fscale", 0, 0, 2, 0xD9, 0xFD);
	for (int i = 0; i < NEDGE; i++)
		for (int j = 0; j < NEDGE; j += 2) { cbeg(-1, -1); setst(0, EDGE[i]); setst(1, EDGE[j]); crun(); }
	for (int r = 0; r < 800; r++) {
		cbeg(-1, -1);
		setst(0, rf80());
		f80 s;
		switch (rndn(5)) {
		case 0: s = rintish(6); break;
		case 1: s = rintish(16); break;
		case 2: { int64_t k = (int64_t)rndn(70) - 35 + (rndn(2) ? 16384 : -16384) * (int)rndn(3);
			double d = (double)k; uint64_t b; memcpy(&b, &d, 8);
			int e = (int)((b >> 52) & 0x7FF); s = k == 0 ? mk(0, 0) : mk((uint16_t)((e - 1023 + 0x3FFF) | (k < 0 ? 0x8000 : 0)), ((b << 11) | J)); break; }
		default: s = rf80(); break;
		}
		setst(1, s);
		crun();
	}
	for (int r = 0; r < 4; r++) { cbeg(-1, -1); if (r & 1) setst(0, rf80()); if (r & 2) setst(1, rf80()); crun(); }
	fend();
	static const struct { const char *n; int b1; } P[] = {{"fprem", 0xF8}, {"fprem1", 0xF5}};
	for (int k = 0; k < 2; k++) {
		form(P[k].n, 0, 0, 2, 0xD9, P[k].b1);
		for (int i = 0; i < NEDGE; i++)
			for (int j = 0; j < NEDGE; j += 2) { cbeg(-1, -1); setst(0, EDGE[i]); setst(1, EDGE[j]); crun(); }
		for (int r = 0; r < 900; r++) {
			cbeg(-1, -1);
			f80 a = rf80(), b;
			int ea = a.e & 0x7FFF;
			if (ea > 0 && ea < 0x7FFF && rndn(4)) {
				int d = rndn(3) == 0 ? (int)rndn(200) : (int)rndn(70);
				int eb = ea - d;
				if (rndn(8) == 0) eb = ea + (int)rndn(3);
				if (eb < 1) eb = 1;
				b = mk((uint16_t)eb | (rnd() & 0x8000), rsig());
				if (rndn(6) == 0) b.m = a.m; /* exact multiples */
			} else
				b = rf80();
			setst(0, a);
			setst(1, b);
			crun();
		}
		for (int r = 0; r < 4; r++) { cbeg(-1, -1); if (r & 1) setst(0, rf80()); if (r & 2) setst(1, rf80()); crun(); }
		fend();
	}
	gend();
}

/* ================================================================ transcendental */
static f80 rangle(void)
{
	switch (rndn(8)) {
	case 0: return rnormal(0x3FFF - 70, 0x3FFF - 10);
	case 1: case 2: case 3: return rnormal(0x3FFF - 8, 0x3FFF + 2);
	case 4: return rnormal(0x3FFF + 2, 0x3FFF + 20);
	case 5: return rnormal(0x3FFF + 20, 0x3FFF + 62);
	case 6: return rnormal(0x3FFF + 63, 0x3FFF + 80); /* out of range: C2 */
	default: return rf80();
	}
}

static void g_trans(void)
{
	gbegin("x87trans");
	static const struct { const char *n; int b1, k; } T[] = {
		{"fsin", 0xFE, 0}, {"fcos", 0xFF, 0}, {"fsincos", 0xFB, 0}, {"fptan", 0xF2, 0},
		{"f2xm1", 0xF0, 1}, {"fyl2x", 0xF1, 2}, {"fyl2xp1", 0xF9, 3}, {"fpatan", 0xF3, 4},
	};
	for (unsigned t = 0; t < sizeof T / sizeof T[0]; t++) {
		form(T[t].n, 0, 0, 2, 0xD9, T[t].b1);
		int two = T[t].k >= 2;
		for (int i = 0; i < NEDGE; i++)
			for (int j = 0; j < (two ? NEDGE : 1); j += 2) {
				/* fyl2xp1 of a finite x <= -1 (log of a non-positive number) is undefined in the
				 * manual and this CPU returns odd values: not recorded */
				if (T[t].b1 == 0xF9 && (EDGE[i].e & 0x8000) && (EDGE[i].e & 0x7FFF) >= 0x3FFF && (EDGE[i].e & 0x7FFF) < 0x7FFF)
					continue;
				cbeg(-1, -1);
				setst(0, EDGE[i]);
				if (two) setst(1, EDGE[j]);
				crun();
			}
		for (int r = 0; r < 500; r++) {
			cbeg(-1, -1);
			f80 x;
			switch (T[t].k) {
			case 0: x = rangle(); break;
			case 1: x = rndn(8) ? rnormal(0x3FFF - 70, 0x3FFE) : rf80(); break;
			case 2: x = rndn(6) ? mk(rnd() & 0x7FFF ? (uint16_t)(0x3FFF + (int)rndn(200) - 100) : 1, rsig()) : rf80(); break;
			case 3: x = rndn(8) ? rnormal(0x3FFF - 70, 0x3FFD) : rf80(); if (rndn(8) == 0) x = mk(0x3FFD, 0x95F619980C4336F7ull + rndn(5) - 2); break;
			default: x = rndn(6) ? rnormal(0x3FFF - 70, 0x3FFF + 70) : rf80(); break;
			}
			if (T[t].b1 == 0xF9 && (x.e & 0x8000) && (x.e & 0x7FFF) >= 0x3FFF && (x.e & 0x7FFF) < 0x7FFF)
				x.e ^= 0x8000;
			setst(0, x);
			if (two) setst(1, rndn(6) ? rnormal(0x3FFF - 70, 0x3FFF + 70) : rf80());
			if (rndn(12) == 0) setst(7, rf80());
			crun();
		}
		for (int r = 0; r < 4; r++) { cbeg(-1, -1); if (r & 1) setst(0, rf80()); if (r & 2) setst(1, rf80()); crun(); }
		fend();
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
	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTDIR [group...]\n", argv[0]);
		return 1;
	}
	outdir = argv[1];
	setup();
	get_cpu_name();
	printf("cpu: %s (cpuid 1: eax=%08x)\n", cpu_name, cpu_sig);
	static const struct { const char *n; void (*f)(void); } G[] = {
		{"x87arith", g_arith}, {"x87cmp", g_cmp}, {"x87data", g_data}, {"x87ctrl", g_ctrl},
		{"x87math", g_math}, {"x87trans", g_trans},
	};
	for (unsigned g = 0; g < sizeof G / sizeof G[0]; g++) {
		int want = argc == 2;
		for (int a = 2; a < argc; a++) if (!strcmp(argv[a], G[g].n)) want = 1;
		if (want) G[g].f();
	}
	printf("total     %4d forms %7d cases %9ld bytes\n", t_forms, t_cases, t_bytes);
	return 0;
}
