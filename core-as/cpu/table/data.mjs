// Data movement, conversions, exchange, conditional moves and sets, flag instructions.
import { op } from "./defs.mjs";

const CC = ["o", "no", "b", "nb", "z", "nz", "be", "nbe", "s", "ns", "p", "np", "l", "nl", "le", "nle"];
const ccRows = [];
CC.forEach((cc, i) => {
  const h = i.toString(16);
  ccRows.push(op(`0f 4${h}`, `cmov${cc} Gv,Ev`, `cmov_GE(S, ${i})`, "r:oszpc"));
  ccRows.push(op(`0f 9${h}`, `set${cc} Eb`, `setcc_E(${i})`, "r:oszpc"));
});

export default [
  op("88", "mov Eb,Gb", "mov_EG(S)"),
  op("89", "mov Ev,Gv", "mov_EG(S)"),
  op("8a", "mov Gb,Eb", "mov_GE(S)"),
  op("8b", "mov Gv,Ev", "mov_GE(S)"),
  op("a0", "mov AL,Ob", "mov_AO(S)"),
  op("a1", "mov eAX,Ov", "mov_AO(S)"),
  op("a2", "mov Ob,AL", "mov_OA(S)"),
  op("a3", "mov Ov,eAX", "mov_OA(S)"),
  op("b0+r", "mov Zb,Ib", "mov_ZI(8)"),
  op("b8+r", "mov Zv,Iz", "mov_ZI(S)"),
  op("c6/0", "mov Eb,Ib", "mov_EI(S)"),
  op("c7/0", "mov Ev,Iz", "mov_EI(S)"),
  op("8d", "lea Gv,M", "lea_GM(S)"),
  op("0f b6", "movzx Gv,Eb", "movzx_GE(S, 8)"),
  op("0f b7", "movzx Gv,Ew", "movzx_GE(S, 16)"),
  op("0f be", "movsx Gv,Eb", "movsx_GE(S, 8)"),
  op("0f bf", "movsx Gv,Ew", "movsx_GE(S, 16)"),
  op("86", "xchg Eb,Gb", "xchg_EG(S)", "", { lock: true }),
  op("87", "xchg Ev,Gv", "xchg_EG(S)", "", { lock: true }),
  op("90", "nop", "nop()"),
  op("91+r7", "xchg Zv,eAX", "xchg_ZA(S)"),
  op("0f c0", "xadd Eb,Gb", "xadd_EG(S)", "w:oszapc", { lock: true }),
  op("0f c1", "xadd Ev,Gv", "xadd_EG(S)", "w:oszapc", { lock: true }),
  op("0f b0", "cmpxchg Eb,Gb", "cmpxchg_EG(S)", "w:oszapc", { lock: true }),
  op("0f b1", "cmpxchg Ev,Gv", "cmpxchg_EG(S)", "w:oszapc", { lock: true }),
  op("0f c7/1", "cmpxchg8b Mq", "cmpxchg8b_M()", "w:z", { lock: true }),
  op("0f c8+r", "bswap Zd", "bswap_Z()"),
  op("98", "cbw", "cbw(S)", "", { size: "v" }),
  op("99", "cwd", "cwd(S)", "", { size: "v" }),
  op("d6", "salc", "salc()", "r:c"),
  op("d7", "xlat", "xlat()"),
  op("9e", "sahf", "sahf()", "w:szapc"),
  op("9f", "lahf", "lahf()", "r:szapc"),
  op("f5", "cmc", "cmc()", "w:c r:c"),
  op("f8", "clc", "clc()", "w:c"),
  op("f9", "stc", "stc()", "w:c"),
  op("fc", "cld", "cld()", "w:d"),
  op("fd", "std", "std()", "w:d"),
  // hint NOPs (SDM vol.2 NOP: 0F 1F /0; 0F 18..1F are reserved-NOP on a P6 without SSE)
  op("0f 18", "nop Ev", "nop_E()"),
  op("0f 19", "nop Ev", "nop_E()"),
  op("0f 1a", "nop Ev", "nop_E()"),
  op("0f 1b", "nop Ev", "nop_E()"),
  op("0f 1c", "nop Ev", "nop_E()"),
  op("0f 1d", "nop Ev", "nop_E()"),
  op("0f 1e", "nop Ev", "nop_E()"),
  op("0f 1f", "nop Ev", "nop_E()"),
  ...ccRows,
];
