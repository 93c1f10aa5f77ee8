// Stack instructions. The stack size (SP or ESP) comes from SS.B; the operand size from the
// instruction (SDM vol.3 §6.2, vol.2 PUSH/POP).
import { op } from "./defs.mjs";

export default [
  op("50+r", "push Zv", "push_Z(S)"),
  op("58+r", "pop Zv", "pop_Z(S)"),
  op("68", "push Iz", "push_I(S, IMM)"),
  op("6a", "push Ib", "push_I(O32 ? 32 : 16, <u32><i32><i8>IMM)"), // pushes the operand size, not a byte
  op("ff/6", "push Ev", "push_E(S)"),
  op("8f/0", "pop Ev", "pop_E(S)"),
  op("06", "push ES", "push_S(S, 0)", "", { size: "v" }),
  op("0e", "push CS", "push_S(S, 1)", "", { size: "v" }),
  op("16", "push SS", "push_S(S, 2)", "", { size: "v" }),
  op("1e", "push DS", "push_S(S, 3)", "", { size: "v" }),
  op("0f a0", "push FS", "push_S(S, 4)", "", { size: "v" }),
  op("0f a8", "push GS", "push_S(S, 5)", "", { size: "v" }),
  op("07", "pop ES", "pop_S(S, 0)", "", { size: "v" }),
  op("17", "pop SS", "pop_S(S, 2)", "", { size: "v" }),
  op("1f", "pop DS", "pop_S(S, 3)", "", { size: "v" }),
  op("0f a1", "pop FS", "pop_S(S, 4)", "", { size: "v" }),
  op("0f a9", "pop GS", "pop_S(S, 5)", "", { size: "v" }),
  op("60", "pusha", "pusha(S)", "", { size: "v" }),
  op("61", "popa", "popa(S)", "", { size: "v" }),
  op("9c", "pushf", "pushf(S)", "r:oszapcdit", { size: "v" }),
  op("9d", "popf", "popf(S)", "w:oszapcdit", { size: "v" }),
  op("c8", "enter Iw,Ib", "enter(O32 ? 32 : 16)"),
  op("c9", "leave", "leave(S)", "", { size: "v" }),
];
