// String instructions with REP/REPE/REPNE (SDM vol.2 REP). Address size picks SI/DI and CX or
// ESI/EDI and ECX; the source segment may be overridden, ES:DI never.
import { op } from "./defs.mjs";

export default [
  op("a4", "movs Yb,Xb", "movs(S)", "r:d"),
  op("a5", "movs Yv,Xv", "movs(S)", "r:d"),
  op("a6", "cmps Xb,Yb", "cmps(S)", "w:oszapc r:d"),
  op("a7", "cmps Xv,Yv", "cmps(S)", "w:oszapc r:d"),
  op("aa", "stos Yb,AL", "stos(S)", "r:d"),
  op("ab", "stos Yv,eAX", "stos(S)", "r:d"),
  op("ac", "lods AL,Xb", "lods(S)", "r:d"),
  op("ad", "lods eAX,Xv", "lods(S)", "r:d"),
  op("ae", "scas AL,Yb", "scas(S)", "w:oszapc r:d"),
  op("af", "scas eAX,Yv", "scas(S)", "w:oszapc r:d"),
  op("6c", "ins Yb,DX", "ins(S)", "r:d"),
  op("6d", "ins Yz,DX", "ins(S)", "r:d"),
  op("6e", "outs DX,Xb", "outs(S)", "r:d"),
  op("6f", "outs DX,Xz", "outs(S)", "r:d"),
];
