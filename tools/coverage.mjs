// Which instruction-table entries (core-as/cpu/table/*.mjs) have hardware vectors
// (test/fixtures/vectors/*.json, the x87 ones included), and why the others have none.
//
//   node tools/coverage.mjs          # summary and the unvectored entries with their reasons
//   node tools/coverage.mjs --all    # also list the vectored entries with form/case counts
//
// An entry is one op(...) row of the table, keyed "<code> <mnemonic operands>" as written
// there ("0f a4 shld Ev,Gv,Ib", "40+r inc Zv"); a +r entry counts as vectored when any of its
// eight opcodes is. Every entry without vectors must be named in EXPLAINED below, and an
// entry named there must not have vectors (test/coverage.test.ts checks both), so a new table
// row cannot silently go untested and an explanation cannot go stale.
import { loadTable } from "./table.mjs";
import { loadVectorFiles, hexBytes, indexRows, decodeRow } from "./vectors/rows.mjs";
import { pathToFileURL } from "node:url";

// ---- why an entry has no vectors. The vector generator (tools/vectors/gen.c) runs each
// instruction natively in a 32-bit user-mode process and records registers, EFLAGS and a
// memory buffer: it cannot run privileged instructions, does not use ESP or the stack as an
// operand, and records no control transfer (see test/fixtures/vectors/README.md "Not
// covered"). Where a test ROM (tools/roms/*.asm, test/roms.test.ts) exercises an entry, the
// reason names it.

const WHY = {
  stack: "stack instruction: ESP and the stack are never vector operands; covered by the test ROMs (smoke: push/pop/pusha/popa/pushf; modes: push sizes, 16/32-bit stacks; exceptions/gates/tasks: enter, leave, popf)",
  stackSeg: "pushes or pops a segment register: stack instruction, and a segment load in protected mode; covered by the test ROMs (modes, v86: segment loads)",
  jump: "control transfer: a vector records no branch target; covered by the test ROMs (every ROM branches; smoke: loop, call/ret; gates, tasks: far transfers)",
  jumpUntested: "control transfer: a vector records no branch target; the system ROM checks every condition of Jcc rel32 against seven flag images, LOOPE/LOOPNE, JCXZ/JECXZ and LOOP with a 16-bit counter",
  interrupt: "software interrupt or return from one: needs an IVT/IDT and a stack; covered by the test ROMs (smoke: int/iret; exceptions: int3, into, int1, bound; v86: IOPL checks)",
  hlt: "halts the CPU: nothing for a register vector to record; every test ROM ends in it, and the exceptions ROM checks that it is privileged at CPL 3",
  io: "port I/O: the generator runs in user mode with no ports; covered by the test ROMs (exceptions, tasks, v86: IOPL and the I/O permission bitmap; smoke: out)",
  ioString: "string port I/O: the generator runs in user mode with no ports; shares the REP and addressing code that the movs/stos/lods vectors check; ins is in the test ROMs (exceptions, tasks, v86), rep outsb in the system ROM",
  system: "system instruction: privileged or depends on descriptor tables and control registers, which a user-mode generator cannot set up; covered by the test ROMs",
  systemUntested: "system instruction: privileged or depends on descriptor tables, MSRs or the time stamp counter; no vectors possible in user mode; the system ROM checks it (sldt, sidt, lmsw, lar/lsl/verr/verw, invd/wbinvd, MSRs, TSC, rdpmc at CPL 0 and 3 (hw variant), sysenter/sysexit)",
  segLoad: "loads a segment register: a user-mode generator cannot create descriptors; covered by the test ROMs (modes, exceptions: mov to DS/SS/FS, #GP and #NP cases)",
  farPtr: "loads a far pointer into a segment register: needs descriptors in protected mode; the system ROM checks les/lds/lfs/lgs/lss with 32- and 16-bit offsets and the register-operand #UD",
  ud: "always #UD: the exceptions ROM checks ud2 and ud0; ud1 shares the same handler",
  fwait: "waits for the FPU: nothing for a vector to record (a pending exception is delivered, never recorded); #NM with TS+MP and #MF/IRQ 13 are checked by the exceptions and x87 test ROMs",
  mov: "data movement without flags: the generator does not emit it; the test ROMs use mov throughout (not every form is checked on its own)",
  nop: "no operation (hint NOPs decode a ModRM operand and ignore it): nothing to record; the decoder-length test checks their encodings",
  bios: "tab86's BIOS call: a service only from the ROM image, #UD elsewhere; the BIOS unit and boot tests (test/boot/) run it",
  alias: "undocumented alias of a vectored encoding with the same handler (f6/1 = f6/0, f7/1 = f7/0): no vectors of its own",
};

const CC = ["o", "no", "b", "nb", "z", "nz", "be", "nbe", "s", "ns", "p", "np", "l", "nl", "le", "nle"];

const LIST = [
  [WHY.alias, "f6/1 test Eb,Ib", "f7/1 test Ev,Iz"],
  [WHY.mov,
    "88 mov Eb,Gb", "89 mov Ev,Gv", "8a mov Gb,Eb", "8b mov Gv,Ev",
    "a0 mov AL,Ob", "a1 mov eAX,Ov", "a2 mov Ob,AL", "a3 mov Ov,eAX",
    "b0+r mov Zb,Ib", "b8+r mov Zv,Iz", "c6/0 mov Eb,Ib", "c7/0 mov Ev,Iz"],
  [WHY.nop, "90 nop", ...[0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f].map((o) => `0f ${o.toString(16)} nop Ev`)],
  [WHY.jump,
    ...CC.map((cc, i) => `${(0x70 + i).toString(16)} j${cc} Jb`),
    "eb jmp Jb", "e9 jmp Jz", "e8 call Jz", "ff/2 call Ev", "ff/4 jmp Ev", "ff/3 call Mp", "ff/5 jmp Mp",
    "9a call Ap", "ea jmp Ap", "c3 ret", "c2 ret Iw", "cb retf", "ca retf Iw", "e2 loop Jb"],
  [WHY.jumpUntested,
    ...CC.map((cc, i) => `0f ${(0x80 + i).toString(16)} j${cc} Jz`),
    "e0 loopne Jb", "e1 loope Jb", "e3 jcxz Jb"],
  [WHY.interrupt, "cc int3", "cd int Ib", "ce into", "f1 int1", "cf iret", "62 bound Gv,Ma"],
  [WHY.hlt, "f4 hlt"],
  [WHY.stack,
    "50+r push Zv", "58+r pop Zv", "68 push Iz", "6a push Ib", "ff/6 push Ev", "8f/0 pop Ev",
    "60 pusha", "61 popa", "9c pushf", "9d popf", "c8 enter Iw,Ib", "c9 leave"],
  [WHY.stackSeg,
    "06 push ES", "0e push CS", "16 push SS", "1e push DS", "0f a0 push FS", "0f a8 push GS",
    "07 pop ES", "17 pop SS", "1f pop DS", "0f a1 pop FS", "0f a9 pop GS"],
  [WHY.io,
    "e4 in AL,Ib", "e5 in eAX,Ib", "ec in AL,DX", "ed in eAX,DX",
    "e6 out Ib,AL", "e7 out Ib,eAX", "ee out DX,AL", "ef out DX,eAX"],
  [WHY.ioString, "6c ins Yb,DX", "6d ins Yz,DX", "6e outs DX,Xb", "6f outs DX,Xz"],
  [WHY.segLoad, "8c mov Ev,Sw", "8e mov Sw,Ew"],
  [WHY.farPtr, "c4 les Gv,Mp", "c5 lds Gv,Mp", "0f b2 lss Gv,Mp", "0f b4 lfs Gv,Mp", "0f b5 lgs Gv,Mp"],
  [WHY.system,
    "fa cli", "fb sti", "0f 00/1 str Ew", "0f 00/2 lldt Ew", "0f 00/3 ltr Ew",
    "0f 01/0 sgdt Ms", "0f 01/2 lgdt Ms", "0f 01/3 lidt Ms", "0f 01/4 smsw Ew", "0f 01/7 invlpg M",
    "63 arpl Ew,Gw", "0f 06 clts", "0f 20 mov Rd,Cd", "0f 21 mov Rd,Dd", "0f 22 mov Cd,Rd", "0f 23 mov Dd,Rd",
    "0f a2 cpuid"],
  [WHY.systemUntested,
    "0f 00/0 sldt Ew", "0f 00/4 verr Ew", "0f 00/5 verw Ew", "0f 01/1 sidt Ms", "0f 01/6 lmsw Ew",
    "0f 02 lar Gv,Ew", "0f 03 lsl Gv,Ew", "0f 08 invd", "0f 09 wbinvd",
    "0f 30 wrmsr", "0f 31 rdtsc", "0f 32 rdmsr", "0f 33 rdpmc", "0f 34 sysenter", "0f 35 sysexit"],
  [WHY.ud, "0f 0b ud2", "0f b9 ud1 Gv,Ev", "0f ff ud0 Gv,Ev"],
  [WHY.bios, "0f 3f bioscall Ib"],
  [WHY.fwait, "9b fwait"],
];

/** entry key -> reason it has no vectors */
export const EXPLAINED = new Map();
for (const [why, ...keys] of LIST) {
  for (const k of keys) {
    if (EXPLAINED.has(k)) throw new Error(`coverage.mjs: ${k} is explained twice`);
    EXPLAINED.set(k, why);
  }
}

export const entryKey = (r) => `${r.code} ${r.text}`;

/**
 * Coverage of the table by the vectors:
 * { entries: [{ key, file, forms, cases, reason }], unexplained: keys without vectors or a
 *   reason, stale: keys with a reason that do have vectors, unknown: reasons for keys that
 *   are not in the table }
 */
export async function coverage() {
  const rows = await loadTable();
  const index = indexRows(rows);
  const stats = new Map(); // entry key -> { forms, cases }
  // the integer vectors and the x87 ones (test/fixtures/vectors/x87*.json): both name the
  // instruction bytes of each form
  for (const f of [...loadVectorFiles(), ...loadVectorFiles(undefined, true)]) {
    for (const form of f.data.forms) {
      const { row } = decodeRow(index, hexBytes(form.bytes));
      if (!row) throw new Error(`${f.group}: form "${form.name}" (${form.bytes}) matches no table row`);
      const k = entryKey(row);
      const s = stats.get(k) ?? { forms: 0, cases: 0 };
      s.forms++;
      s.cases += form.cases.length;
      stats.set(k, s);
    }
  }
  const entries = [];
  const seen = new Set();
  for (const r of rows) {
    const key = entryKey(r);
    if (seen.has(key)) continue;
    seen.add(key);
    const s = stats.get(key);
    entries.push({ key, file: r.file, forms: s?.forms ?? 0, cases: s?.cases ?? 0, reason: EXPLAINED.get(key) });
  }
  return {
    entries,
    unexplained: entries.filter((e) => e.forms === 0 && !e.reason).map((e) => e.key),
    stale: entries.filter((e) => e.forms > 0 && e.reason).map((e) => e.key),
    unknown: [...EXPLAINED.keys()].filter((k) => !seen.has(k)),
  };
}

async function main() {
  const all = process.argv.includes("--all");
  const c = await coverage();
  const byFile = new Map();
  for (const e of c.entries) {
    if (!byFile.has(e.file)) byFile.set(e.file, []);
    byFile.get(e.file).push(e);
  }
  const vectored = c.entries.filter((e) => e.forms > 0);
  console.log(`${c.entries.length} table entries: ${vectored.length} with vectors (${vectored.reduce((n, e) => n + e.cases, 0)} cases), ${c.entries.length - vectored.length} without`);
  for (const [file, list] of byFile) {
    const v = list.filter((e) => e.forms > 0);
    console.log(`\n${file}: ${v.length}/${list.length} entries with vectors`);
    if (all) for (const e of v) console.log(`  + ${e.key.padEnd(28)} ${e.forms} forms, ${e.cases} cases`);
    // group the unvectored entries by reason
    const byWhy = new Map();
    for (const e of list.filter((e) => e.forms === 0)) {
      const why = e.reason ?? "UNEXPLAINED: add a reason to tools/coverage.mjs";
      if (!byWhy.has(why)) byWhy.set(why, []);
      byWhy.get(why).push(e.key);
    }
    for (const [why, keys] of byWhy) console.log(`  - ${keys.join(", ")}\n      ${why}`);
  }
  let bad = false;
  for (const [what, list] of [["without vectors and without a reason", c.unexplained], ["explained but vectored (stale reason)", c.stale], ["explained but not in the table", c.unknown]]) {
    if (list.length) { bad = true; console.log(`\n${what}: ${list.join(", ")}`); }
  }
  process.exit(bad ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
