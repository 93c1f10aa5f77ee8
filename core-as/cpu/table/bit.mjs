// Bit test and scan. BT* with a register offset and a memory operand address a bit string
// (the offset is signed and may reach outside the operand; SDM vol.2 BT).
import { op } from "./defs.mjs";

const BT = ["bt", "bts", "btr", "btc"];
const REG_OP = ["0f a3", "0f ab", "0f b3", "0f bb"];
const rows = [];
BT.forEach((name, i) => {
  const lock = i !== 0;
  rows.push(op(REG_OP[i], `${name} Ev,Gv`, `bt_EG(S, ${i})`, "w:c u:oszap", { lock }));
  rows.push(op(`0f ba/${i + 4}`, `${name} Ev,Ib`, `bt_EI(S, ${i})`, "w:c u:oszap", { lock }));
});

export default [
  ...rows,
  op("0f bc", "bsf Gv,Ev", "bsf_GE(S)", "w:z u:osapc"),
  op("0f bd", "bsr Gv,Ev", "bsr_GE(S)", "w:z u:osapc"),
];
