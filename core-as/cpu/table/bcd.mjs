// Decimal adjust (SDM vol.2 DAA DAS AAA AAS AAM AAD).
import { op } from "./defs.mjs";

export default [
  op("27", "daa", "daa()", "w:szapc u:o r:ac"),
  op("2f", "das", "das()", "w:szapc u:o r:ac"),
  op("37", "aaa", "aaa()", "w:ac u:oszp r:a"),
  op("3f", "aas", "aas()", "w:ac u:oszp r:a"),
  op("d4", "aam Ib", "aam(IMM & 0xff)", "w:szp u:oac"),
  op("d5", "aad Ib", "aad(IMM & 0xff)", "w:szp u:oac"),
];
