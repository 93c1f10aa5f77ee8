// Port I/O. In protected mode these are IOPL-sensitive and, when CPL > IOPL or in V86 mode,
// checked against the TSS I/O permission bitmap (SDM vol.1 §19.5).
import { op } from "./defs.mjs";

export default [
  op("e4", "in AL,Ib", "in_(S, IMM & 0xff)"),
  op("e5", "in eAX,Ib", "in_(O32 ? 32 : 16, IMM & 0xff)"),
  op("ec", "in AL,DX", "in_(S, reg16(2))"),
  op("ed", "in eAX,DX", "in_(S, reg16(2))"),
  op("e6", "out Ib,AL", "out_(8, IMM & 0xff)"),
  op("e7", "out Ib,eAX", "out_(O32 ? 32 : 16, IMM & 0xff)"),
  op("ee", "out DX,AL", "out_(8, reg16(2))"),
  op("ef", "out DX,eAX", "out_(O32 ? 32 : 16, reg16(2))"),
];
