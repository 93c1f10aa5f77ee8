// Shifts and rotates (group 2) and the double shifts SHLD/SHRD.
// Flags (SDM vol.2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR): OF is defined only for 1-bit shifts,
// AF is undefined for shifts; with a masked count of 0 no flag changes.
import { op } from "./defs.mjs";

const GRP2 = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
const rows = [];
GRP2.forEach((name, i) => {
  const rot = i < 4;
  const fl = rot ? (i >= 2 ? "w:oc u:o r:c" : "w:oc u:o") : "w:oszapc u:oa";
  rows.push(op(`c0/${i}`, `${name} Eb,Ib`, `shift_E(S, ${i}, IMM & 0xff)`, fl));
  rows.push(op(`c1/${i}`, `${name} Ev,Ib`, `shift_E(S, ${i}, IMM & 0xff)`, fl));
  rows.push(op(`d0/${i}`, `${name} Eb,1`, `shift_E(S, ${i}, 1)`, fl.replace(" u:oa", " u:a").replace(" u:o", "")));
  rows.push(op(`d1/${i}`, `${name} Ev,1`, `shift_E(S, ${i}, 1)`, fl.replace(" u:oa", " u:a").replace(" u:o", "")));
  rows.push(op(`d2/${i}`, `${name} Eb,CL`, `shift_E(S, ${i}, reg8(1))`, fl));
  rows.push(op(`d3/${i}`, `${name} Ev,CL`, `shift_E(S, ${i}, reg8(1))`, fl));
});

export default [
  ...rows,
  op("0f a4", "shld Ev,Gv,Ib", "shld_E(S, IMM & 0xff)", "w:oszapc u:oac"),
  op("0f a5", "shld Ev,Gv,CL", "shld_E(S, reg8(1))", "w:oszapc u:oac"),
  op("0f ac", "shrd Ev,Gv,Ib", "shrd_E(S, IMM & 0xff)", "w:oszapc u:oac"),
  op("0f ad", "shrd Ev,Gv,CL", "shrd_E(S, reg8(1))", "w:oszapc u:oac"),
];
