// Control transfer: jumps, calls, returns, loops, software interrupts, bound, hlt.
import { op } from "./defs.mjs";

const CC = ["o", "no", "b", "nb", "z", "nz", "be", "nbe", "s", "ns", "p", "np", "l", "nl", "le", "nle"];
const rows = [];
CC.forEach((cc, i) => {
  rows.push(op((0x70 + i).toString(16), `j${cc} Jb`, `jcc(${i}, <u32><i32><i8>IMM)`, "r:oszpc"));
  rows.push(op(`0f ${(0x80 + i).toString(16)}`, `j${cc} Jz`, `jcc(${i}, O32 ? IMM : <u32><i32><i16>IMM)`, "r:oszpc"));
});

export default [
  ...rows,
  op("eb", "jmp Jb", "jmp_rel(<u32><i32><i8>IMM)"),
  op("e9", "jmp Jz", "jmp_rel(O32 ? IMM : <u32><i32><i16>IMM)"),
  op("e8", "call Jz", "call_rel(S, O32 ? IMM : <u32><i32><i16>IMM)"),
  op("ff/2", "call Ev", "call_E(S)"),
  op("ff/4", "jmp Ev", "jmp_E(S)"),
  op("ff/3", "call Mp", "call_far_M(O32 ? 32 : 16)"),
  op("ff/5", "jmp Mp", "jmp_far_M(O32 ? 32 : 16)"),
  op("9a", "call Ap", "call_far_A(O32 ? 32 : 16)"),
  op("ea", "jmp Ap", "jmp_far_A(O32 ? 32 : 16)"),
  op("c3", "ret", "ret_near(S, 0)", "", { size: "v" }),
  op("c2", "ret Iw", "ret_near(O32 ? 32 : 16, IMM)"),
  op("cb", "retf", "ret_far(S, 0)", "", { size: "v" }),
  op("ca", "retf Iw", "ret_far(O32 ? 32 : 16, IMM)"),
  op("e0", "loopne Jb", "loop(1, <u32><i32><i8>IMM)"),
  op("e1", "loope Jb", "loop(2, <u32><i32><i8>IMM)"),
  op("e2", "loop Jb", "loop(0, <u32><i32><i8>IMM)"),
  op("e3", "jcxz Jb", "jcxz(<u32><i32><i8>IMM)"),
  op("cc", "int3", "int_n(3, 1)"),
  op("cd", "int Ib", "int_n(IMM & 0xff, 0)"),
  op("ce", "into", "into()", "r:o"),
  op("f1", "int1", "int_n(1, 2)"),
  op("cf", "iret", "iret(S)", "w:oszapcdit", { size: "v" }),
  op("62", "bound Gv,Ma", "bound_GM(S)"),
  op("f4", "hlt", "hlt()"),
];
