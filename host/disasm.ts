// Disassembly for the instruction trace (--trace-cpu, Machine.dump): iced-x86 (a WebAssembly
// build, so it works in Node and browsers) when it is installed. It is a development
// dependency: an installed tab86 without it shows the trace as bytes only.
import type { Disassembler } from "./machine.js";

let loaded: Promise<Disassembler | null> | undefined;

/** A disassembler in NASM syntax, or null when iced-x86 is not available. */
export function loadDisassembler(): Promise<Disassembler | null> {
  loaded ??= (async () => {
    try {
      const name = "iced-x86"; // a variable, so bundlers and tsc leave the optional import alone
      const iced = (await import(name)) as typeof import("iced-x86");
      const formatter = new iced.Formatter(iced.FormatterSyntax.Nasm);
      return (bytes: Uint8Array, bits: number, eip: number): string => {
        const decoder = new iced.Decoder(bits, bytes, iced.DecoderOptions.None);
        decoder.ip = BigInt(eip);
        const insn = decoder.decode();
        const text = insn.isInvalid ? "(invalid)" : formatter.format(insn);
        insn.free();
        decoder.free();
        return text;
      };
    } catch {
      return null;
    }
  })();
  return loaded;
}
