// The x87 FPU: escape opcodes D8-DF and FWAIT (SDM vol.2 appendix A.5, the x87 opcode map).
// Memory forms are `/n` rows with a memory-only operand; register forms (mod = 3) name their
// whole ModRM byte: "d9 e8" (fld1), "d8 c0+i" (eight rows, ST(i) = ModRM.rm). Encodings no row
// names are reserved: fpu_ud() raises #NM when CR0.EM/TS say so (an escape), else #UD.
// Operand notation: ST = ST(0), STi = ST(i); memory sizes d 32, q 64, w 16, t 80 bits, M the
// environment/state image. Handlers: core-as/cpu/ops/x87.ts.
// The undocumented aliases a P6 executes are included (fcom2 fcomp3 fcomp5 fxch4 fxch7 fstp1
// fstp8 fstp9 ffreep; feni fdisi fsetpm are no-ops since the 387).
import { op } from "./defs.mjs";

const X = { invalid: "fpu_ud()" };
const x = (code, text, call) => op(code, text, call, "", X);

// the arithmetic group shared by D8 (m32real), DA (m32int), DC (m64real), DE (m16int)
const ARITH = ["add", "mul", "com", "comp", "sub", "subr", "div", "divr"];
function memArith(code, prefix, operand, kind) {
  return ARITH.map((n, r) => x(`${code}/${r}`, `${prefix}${n} ${operand}`, `fpu_arith_m(${kind})`));
}

// conditions of FCMOVcc as Jcc condition numbers
const FCMOV = [["b", 2], ["e", 4], ["be", 6], ["u", 10]];
const FCMOVN = [["nb", 3], ["ne", 5], ["nbe", 7], ["nu", 11]];

export default [
  // ---- D8: arithmetic with m32real; ST0 = ST0 op ST(i)
  ...memArith("d8", "f", "Md", 0),
  x("d8 c0+i", "fadd ST,STi", "fpu_arith_st0()"),
  x("d8 c8+i", "fmul ST,STi", "fpu_arith_st0()"),
  x("d8 d0+i", "fcom STi", "fpu_fcom_st(false, 0)"),
  x("d8 d8+i", "fcomp STi", "fpu_fcom_st(false, 1)"),
  x("d8 e0+i", "fsub ST,STi", "fpu_arith_st0()"),
  x("d8 e8+i", "fsubr ST,STi", "fpu_arith_st0()"),
  x("d8 f0+i", "fdiv ST,STi", "fpu_arith_st0()"),
  x("d8 f8+i", "fdivr ST,STi", "fpu_arith_st0()"),

  // ---- D9: loads/stores of m32real, environment, control word, constants, functions
  x("d9/0", "fld Md", "fpu_fld_real(32)"),
  x("d9/2", "fst Md", "fpu_fst_real(32, false)"),
  x("d9/3", "fstp Md", "fpu_fst_real(32, true)"),
  x("d9/4", "fldenv M", "fpu_fldenv()"),
  x("d9/5", "fldcw Mw", "fpu_fldcw()"),
  x("d9/6", "fnstenv M", "fpu_fnstenv()"),
  x("d9/7", "fnstcw Mw", "fpu_fnstcw()"),
  x("d9 c0+i", "fld STi", "fpu_fld_st()"),
  x("d9 c8+i", "fxch STi", "fpu_fxch()"),
  x("d9 d0", "fnop", "fpu_fnop()"),
  x("d9 d8+i", "fstp1 STi", "fpu_fst_st(true)"),
  x("d9 e0", "fchs", "fpu_fchs(false)"),
  x("d9 e1", "fabs", "fpu_fchs(true)"),
  x("d9 e4", "ftst", "fpu_ftst()"),
  x("d9 e5", "fxam", "fpu_fxam()"),
  x("d9 e8", "fld1", "fpu_fldconst(0)"),
  x("d9 e9", "fldl2t", "fpu_fldconst(1)"),
  x("d9 ea", "fldl2e", "fpu_fldconst(2)"),
  x("d9 eb", "fldpi", "fpu_fldconst(3)"),
  x("d9 ec", "fldlg2", "fpu_fldconst(4)"),
  x("d9 ed", "fldln2", "fpu_fldconst(5)"),
  x("d9 ee", "fldz", "fpu_fldconst(6)"),
  x("d9 f0", "f2xm1", "fpu_trans()"),
  x("d9 f1", "fyl2x", "fpu_trans()"),
  x("d9 f2", "fptan", "fpu_trans()"),
  x("d9 f3", "fpatan", "fpu_trans()"),
  x("d9 f4", "fxtract", "fpu_fxtract()"),
  x("d9 f5", "fprem1", "fpu_fprem(true)"),
  x("d9 f6", "fdecstp", "fpu_fincstp(-1)"),
  x("d9 f7", "fincstp", "fpu_fincstp(1)"),
  x("d9 f8", "fprem", "fpu_fprem(false)"),
  x("d9 f9", "fyl2xp1", "fpu_trans()"),
  x("d9 fa", "fsqrt", "fpu_fsqrt()"),
  x("d9 fb", "fsincos", "fpu_trans()"),
  x("d9 fc", "frndint", "fpu_frndint()"),
  x("d9 fd", "fscale", "fpu_fscale()"),
  x("d9 fe", "fsin", "fpu_trans()"),
  x("d9 ff", "fcos", "fpu_trans()"),

  // ---- DA: arithmetic with m32int; FCMOVcc; FUCOMPP
  ...memArith("da", "fi", "Md", 1),
  ...FCMOV.map(([cc, n], i) => x(`da ${(0xc0 + i * 8).toString(16)}+i`, `fcmov${cc} ST,STi`, `fpu_fcmov(${n})`)),
  x("da e9", "fucompp", "fpu_fcom_st(true, 2)"),

  // ---- DB: m32int and m80real loads/stores; FCMOVNcc; control; FUCOMI/FCOMI
  x("db/0", "fild Md", "fpu_fild(32)"),
  x("db/2", "fist Md", "fpu_fist(32, false)"),
  x("db/3", "fistp Md", "fpu_fist(32, true)"),
  x("db/5", "fld Mt", "fpu_fld_m80()"),
  x("db/7", "fstp Mt", "fpu_fstp_m80()"),
  ...FCMOVN.map(([cc, n], i) => x(`db ${(0xc0 + i * 8).toString(16)}+i`, `fcmov${cc} ST,STi`, `fpu_fcmov(${n})`)),
  x("db e0", "fneni", "fpu_fnop287()"),
  x("db e1", "fndisi", "fpu_fnop287()"),
  x("db e2", "fnclex", "fpu_fnclex()"),
  x("db e3", "fninit", "fpu_fninit()"),
  x("db e4", "fnsetpm", "fpu_fnop287()"),
  x("db e8+i", "fucomi ST,STi", "fpu_fcomi(true, false)"),
  x("db f0+i", "fcomi ST,STi", "fpu_fcomi(false, false)"),

  // ---- DC: arithmetic with m64real; ST(i) = ST(i) op ST0 (sub/subr and div/divr swapped)
  ...memArith("dc", "f", "Mq", 2),
  x("dc c0+i", "fadd STi,ST", "fpu_arith_sti(false)"),
  x("dc c8+i", "fmul STi,ST", "fpu_arith_sti(false)"),
  x("dc d0+i", "fcom2 STi", "fpu_fcom_st(false, 0)"),
  x("dc d8+i", "fcomp3 STi", "fpu_fcom_st(false, 1)"),
  x("dc e0+i", "fsubr STi,ST", "fpu_arith_sti(false)"),
  x("dc e8+i", "fsub STi,ST", "fpu_arith_sti(false)"),
  x("dc f0+i", "fdivr STi,ST", "fpu_arith_sti(false)"),
  x("dc f8+i", "fdiv STi,ST", "fpu_arith_sti(false)"),

  // ---- DD: m64real loads/stores, FRSTOR/FNSAVE, FNSTSW m16; FFREE, FST/FSTP ST(i), FUCOM
  x("dd/0", "fld Mq", "fpu_fld_real(64)"),
  x("dd/2", "fst Mq", "fpu_fst_real(64, false)"),
  x("dd/3", "fstp Mq", "fpu_fst_real(64, true)"),
  x("dd/4", "frstor M", "fpu_frstor()"),
  x("dd/6", "fnsave M", "fpu_fnsave()"),
  x("dd/7", "fnstsw Mw", "fpu_fnstsw()"),
  x("dd c0+i", "ffree STi", "fpu_ffree(false)"),
  x("dd c8+i", "fxch4 STi", "fpu_fxch()"),
  x("dd d0+i", "fst STi", "fpu_fst_st(false)"),
  x("dd d8+i", "fstp STi", "fpu_fst_st(true)"),
  x("dd e0+i", "fucom STi", "fpu_fcom_st(true, 0)"),
  x("dd e8+i", "fucomp STi", "fpu_fcom_st(true, 1)"),

  // ---- DE: arithmetic with m16int; ... and pop
  ...memArith("de", "fi", "Mw", 3),
  x("de c0+i", "faddp STi,ST", "fpu_arith_sti(true)"),
  x("de c8+i", "fmulp STi,ST", "fpu_arith_sti(true)"),
  x("de d0+i", "fcomp5 STi", "fpu_fcom_st(false, 1)"),
  x("de d9", "fcompp", "fpu_fcom_st(false, 2)"),
  x("de e0+i", "fsubrp STi,ST", "fpu_arith_sti(true)"),
  x("de e8+i", "fsubp STi,ST", "fpu_arith_sti(true)"),
  x("de f0+i", "fdivrp STi,ST", "fpu_arith_sti(true)"),
  x("de f8+i", "fdivp STi,ST", "fpu_arith_sti(true)"),

  // ---- DF: m16int/m64int/BCD loads and stores; FNSTSW AX; FUCOMIP/FCOMIP
  x("df/0", "fild Mw", "fpu_fild(16)"),
  x("df/2", "fist Mw", "fpu_fist(16, false)"),
  x("df/3", "fistp Mw", "fpu_fist(16, true)"),
  x("df/4", "fbld Mt", "fpu_fbld()"),
  x("df/5", "fild Mq", "fpu_fild(64)"),
  x("df/6", "fbstp Mt", "fpu_fbstp()"),
  x("df/7", "fistp Mq", "fpu_fist(64, true)"),
  x("df c0+i", "ffreep STi", "fpu_ffree(true)"),
  x("df c8+i", "fxch7 STi", "fpu_fxch()"),
  x("df d0+i", "fstp8 STi", "fpu_fst_st(true)"),
  x("df d8+i", "fstp9 STi", "fpu_fst_st(true)"),
  x("df e0", "fnstsw AX", "fpu_fnstsw_ax()"),
  x("df e8+i", "fucomip ST,STi", "fpu_fcomi(true, true)"),
  x("df f0+i", "fcomip ST,STi", "fpu_fcomi(false, true)"),

  op("9b", "fwait", "fpu_wait()"),
];
