// Multiply and divide. MUL/IMUL leave SF ZF AF PF undefined; DIV/IDIV leave all six undefined.
import { op } from "./defs.mjs";

export default [
  op("f6/4", "mul Eb", "mul_E(S)", "w:oc u:szap"),
  op("f7/4", "mul Ev", "mul_E(S)", "w:oc u:szap"),
  op("f6/5", "imul Eb", "imul_E(S)", "w:oc u:szap"),
  op("f7/5", "imul Ev", "imul_E(S)", "w:oc u:szap"),
  op("f6/6", "div Eb", "div_E(S)", "u:oszapc"),
  op("f7/6", "div Ev", "div_E(S)", "u:oszapc"),
  op("f6/7", "idiv Eb", "idiv_E(S)", "u:oszapc"),
  op("f7/7", "idiv Ev", "idiv_E(S)", "u:oszapc"),
  op("0f af", "imul Gv,Ev", "imul_GE(S)", "w:oc u:szap"),
  op("69", "imul Gv,Ev,Iz", "imul_GEI(S, IMM)", "w:oc u:szap"),
  op("6b", "imul Gv,Ev,Ib", "imul_GEI(S, <u32><i32><i8>IMM)", "w:oc u:szap"),
];
