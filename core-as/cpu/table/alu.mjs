// Integer arithmetic and logic: ADD..CMP in every form, TEST, INC, DEC, NEG, NOT.
import { op } from "./defs.mjs";

const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const rows = [];
ALU.forEach((name, i) => {
  const base = (i * 8).toString(16).padStart(2, "0");
  const hex = (n) => (i * 8 + n).toString(16).padStart(2, "0");
  const fl = name === "adc" || name === "sbb" ? "w:oszapc r:c" : ["or", "and", "xor"].includes(name) ? "w:oszapc u:a" : "w:oszapc";
  const lock = name !== "cmp";
  rows.push(op(base, `${name} Eb,Gb`, `alu_EG(S, ${i})`, fl, { lock }));
  rows.push(op(hex(1), `${name} Ev,Gv`, `alu_EG(S, ${i})`, fl, { lock }));
  rows.push(op(hex(2), `${name} Gb,Eb`, `alu_GE(S, ${i})`, fl));
  rows.push(op(hex(3), `${name} Gv,Ev`, `alu_GE(S, ${i})`, fl));
  rows.push(op(hex(4), `${name} AL,Ib`, `alu_AI(S, ${i})`, fl));
  rows.push(op(hex(5), `${name} eAX,Iz`, `alu_AI(S, ${i})`, fl));
  rows.push(op(`80/${i}`, `${name} Eb,Ib`, `alu_EI(S, ${i})`, fl, { lock }));
  rows.push(op(`81/${i}`, `${name} Ev,Iz`, `alu_EI(S, ${i})`, fl, { lock }));
  rows.push(op(`82/${i}`, `${name} Eb,Ib`, `alu_EI(S, ${i})`, fl, { lock }));
  rows.push(op(`83/${i}`, `${name} Ev,Ib`, `alu_EIb(S, ${i})`, fl, { lock }));
});

export default [
  ...rows,
  op("84", "test Eb,Gb", "test_EG(S)", "w:oszapc u:a"),
  op("85", "test Ev,Gv", "test_EG(S)", "w:oszapc u:a"),
  op("a8", "test AL,Ib", "test_AI(S)", "w:oszapc u:a"),
  op("a9", "test eAX,Iz", "test_AI(S)", "w:oszapc u:a"),
  op("f6/0", "test Eb,Ib", "test_EI(S)", "w:oszapc u:a"),
  op("f6/1", "test Eb,Ib", "test_EI(S)", "w:oszapc u:a"),
  op("f7/0", "test Ev,Iz", "test_EI(S)", "w:oszapc u:a"),
  op("f7/1", "test Ev,Iz", "test_EI(S)", "w:oszapc u:a"),
  op("f6/2", "not Eb", "not_E(S)", "", { lock: true }),
  op("f7/2", "not Ev", "not_E(S)", "", { lock: true }),
  op("f6/3", "neg Eb", "neg_E(S)", "w:oszapc", { lock: true }),
  op("f7/3", "neg Ev", "neg_E(S)", "w:oszapc", { lock: true }),
  op("40+r", "inc Zv", "inc_Z(S)", "w:oszap"),
  op("48+r", "dec Zv", "dec_Z(S)", "w:oszap"),
  op("fe/0", "inc Eb", "incdec_E(S, false)", "w:oszap", { lock: true }),
  op("fe/1", "dec Eb", "incdec_E(S, true)", "w:oszap", { lock: true }),
  op("ff/0", "inc Ev", "incdec_E(S, false)", "w:oszap", { lock: true }),
  op("ff/1", "dec Ev", "incdec_E(S, true)", "w:oszap", { lock: true }),
];
