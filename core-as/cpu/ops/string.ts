// String instructions MOVS CMPS STOS LODS SCAS INS OUTS with REP/REPE/REPNE (SDM vol.2 REP,
// vol.1 §7.3.9).
//
// The address size picks SI/DI/CX (16-bit, wrapping at 64 KiB, the upper halves untouched)
// or ESI/EDI/ECX. The source DS:(E)SI honours a segment override; ES:(E)DI never does. DF
// chooses the direction. REP on MOVS/STOS/LODS/INS/OUTS repeats while the count is nonzero
// (F2 and F3 mean the same there); CMPS/SCAS also stop on ZF=0 (REPE, F3) or ZF=1 (REPNE, F2).
//
// A repeated instruction runs in chunks of at most CHUNK iterations per call: after a chunk
// that leaves a nonzero count EIP is set back to the instruction, so the run loop can take
// interrupts in between (the registers say how far it got, as on a real CPU). A fault in an
// iteration keeps the registers of the completed ones; the step loop rewinds EIP, so the
// instruction restarts where it stopped.
import { A32, SEG, REP } from "../decode";
import { reg16, reg32, set_reg16, set_reg32, reg, set_reg, R_EAX, R_ECX, R_EDX, R_ESI, R_EDI, S_ES } from "../regs";
import { read, write, probe_write, lin_addr } from "../memory";
import { FAULTED } from "../fault";
import { alu, ALU_CMP } from "./alu";
import { F_DF } from "../flags";
import { EIP, INSN_EIP, EFLAGS, SEG_MIN, SEG_MAX, SEG_OK } from "../../state";
import { io_permitted } from "../iopl";
import { port_read, port_write } from "./io";
import { tlb_entry, TLB_RMASK, TLB_WMASK, TLB_VALID } from "../tlb";

export const CHUNK: u32 = 4096;

@inline function amask(): u32 { return A32 ? 0xffffffff : 0xffff; }
@inline function index(r: i32): u32 { return A32 ? reg32(r) : reg16(r); }
@inline function set_index(r: i32, v: u32): void {
  if (A32) set_reg32(r, v); else set_reg16(r, v & 0xffff);
}
@inline function count(): u32 { return A32 ? reg32(R_ECX) : reg16(R_ECX); }
@inline function set_count(v: u32): void {
  if (A32) set_reg32(R_ECX, v); else set_reg16(R_ECX, v & 0xffff);
}
// per-iteration change of the index registers
@inline function delta(size: i32): u32 {
  return (load<u32>(EFLAGS) & F_DF) != 0 ? <u32>(-(size >> 3)) : <u32>(size >> 3);
}
// the instruction runs again for the rest of the count
@inline function again(): void { store<u32>(EIP, load<u32>(INSN_EIP)); }

// Whether n bytes at off pass the segment checks (without raising anything).
@inline function seg_range_ok(s: i32, off: u32, n: u32, acc: u32): bool {
  const min = load<u32>(SEG_MIN + (s << 2));
  const max = load<u32>(SEG_MAX + (s << 2));
  return (load<u32>(SEG_OK + (s << 2)) & acc) == acc && off >= min && off <= max && max - off >= n - 1;
}

// ---------------------------------------------------------------- MOVS

// Fast path for a forward REP MOVS: copy up to n whole elements, as many as lie in one page of
// both source and destination, within both segments, with no address wrap. Returns the number
// of elements copied (0 when the general loop has to do the next one).
@inline function movs_fast(size: i32, si: u32, di: u32, n: u32): u32 {
  const es: u32 = <u32>(size >> 3);
  const ls = lin_addr(SEG, si);
  const ld = lin_addr(S_ES, di);
  let room: u32 = 0x1000 - (ls & 0xfff);
  const rd: u32 = 0x1000 - (ld & 0xfff);
  if (rd < room) room = rd;
  let k: u32 = room / es;
  if (k > n) k = n;
  if (k < 2) return 0;
  const bytes: u32 = k * es;
  const am = amask();
  if (si > am - (bytes - 1) || di > am - (bytes - 1)) return 0;
  if (!seg_range_ok(SEG, si, bytes, 5) || !seg_range_ok(S_ES, di, bytes, 6)) return 0;
  const e1 = tlb_entry(ls);
  const e2 = tlb_entry(ld);
  if ((e1 & TLB_RMASK) != TLB_VALID || (e2 & TLB_WMASK) != TLB_VALID) return 0;
  const hs: usize = (e1 & 0xfffff000) ^ ls;
  const hd: usize = (e2 & 0xfffff000) ^ ld;
  // a destination just above the source repeats a pattern element by element: not memmove
  if (hd > hs && hd - hs < bytes) return 0;
  memory.copy(hd, hs, bytes);
  return k;
}

@inline export function movs(size: i32): void {
  const d = delta(size);
  const am = amask();
  let si = index(R_ESI);
  let di = index(R_EDI);
  if (REP == 0) {
    const v = read(size, SEG, si);
    if (FAULTED) return;
    write(size, S_ES, di, v);
    if (FAULTED) return;
    set_index(R_ESI, si + d);
    set_index(R_EDI, di + d);
    return;
  }
  let n = count();
  if (n == 0) return;
  let done: u32 = 0;
  const forward = (d >> 31) == 0;
  for (;;) {
    if (forward) {
      const k = movs_fast(size, si, di, min<u32>(n, CHUNK - done));
      if (k != 0) {
        const b = k * <u32>(size >> 3);
        si = (si + b) & am;
        di = (di + b) & am;
        n -= k;
        done += k;
        if (n == 0) break;
        if (done >= CHUNK) { again(); break; }
        continue;
      }
    }
    const v = read(size, SEG, si);
    if (FAULTED) break;
    write(size, S_ES, di, v);
    if (FAULTED) break;
    si = (si + d) & am;
    di = (di + d) & am;
    n--;
    done++;
    if (n == 0) break;
    if (done >= CHUNK) { again(); break; }
  }
  set_index(R_ESI, si);
  set_index(R_EDI, di);
  set_count(n);
}

// ---------------------------------------------------------------- STOS

@inline function stos_fast(size: i32, di: u32, n: u32, v: u32): u32 {
  const es: u32 = <u32>(size >> 3);
  const ld = lin_addr(S_ES, di);
  let k: u32 = (<u32>0x1000 - (ld & 0xfff)) / es;
  if (k > n) k = n;
  if (k < 2) return 0;
  const bytes: u32 = k * es;
  if (di > amask() - (bytes - 1)) return 0;
  if (!seg_range_ok(S_ES, di, bytes, 6)) return 0;
  const e = tlb_entry(ld);
  if ((e & TLB_WMASK) != TLB_VALID) return 0;
  const h: usize = (e & 0xfffff000) ^ ld;
  if (size == 8) memory.fill(h, <u8>v, bytes);
  else if (size == 16) {
    if ((v & 0xff) == (v >> 8)) memory.fill(h, <u8>v, bytes);
    else for (let i: u32 = 0; i < bytes; i += 2) store<u16>(h + i, v);
  } else {
    if (v == (v & 0xff) * 0x01010101) memory.fill(h, <u8>v, bytes);
    else for (let i: u32 = 0; i < bytes; i += 4) store<u32>(h + i, v);
  }
  return k;
}

@inline export function stos(size: i32): void {
  const d = delta(size);
  const am = amask();
  const v = reg(size, R_EAX);
  let di = index(R_EDI);
  if (REP == 0) {
    write(size, S_ES, di, v);
    if (FAULTED) return;
    set_index(R_EDI, di + d);
    return;
  }
  let n = count();
  if (n == 0) return;
  let done: u32 = 0;
  const forward = (d >> 31) == 0;
  for (;;) {
    if (forward) {
      const k = stos_fast(size, di, min<u32>(n, CHUNK - done), v);
      if (k != 0) {
        di = (di + k * <u32>(size >> 3)) & am;
        n -= k;
        done += k;
        if (n == 0) break;
        if (done >= CHUNK) { again(); break; }
        continue;
      }
    }
    write(size, S_ES, di, v);
    if (FAULTED) break;
    di = (di + d) & am;
    n--;
    done++;
    if (n == 0) break;
    if (done >= CHUNK) { again(); break; }
  }
  set_index(R_EDI, di);
  set_count(n);
}

// ---------------------------------------------------------------- LODS

@inline export function lods(size: i32): void {
  const d = delta(size);
  const am = amask();
  let si = index(R_ESI);
  if (REP == 0) {
    const v = read(size, SEG, si);
    if (FAULTED) return;
    set_reg(size, R_EAX, v);
    set_index(R_ESI, si + d);
    return;
  }
  let n = count();
  if (n == 0) return;
  let done: u32 = 0;
  for (;;) {
    const v = read(size, SEG, si);
    if (FAULTED) break;
    set_reg(size, R_EAX, v);
    si = (si + d) & am;
    n--;
    done++;
    if (n == 0) break;
    if (done >= CHUNK) { again(); break; }
  }
  set_index(R_ESI, si);
  set_count(n);
}

// ---------------------------------------------------------------- CMPS, SCAS

// REPE stops when the operands differ, REPNE when they are equal.
@inline function rep_stop(a: u32, b: u32): bool {
  return REP == 0xf3 ? a != b : a == b;
}

@inline export function cmps(size: i32): void {
  const d = delta(size);
  const am = amask();
  let si = index(R_ESI);
  let di = index(R_EDI);
  if (REP == 0) {
    const a = read(size, SEG, si);
    if (FAULTED) return;
    const b = read(size, S_ES, di);
    if (FAULTED) return;
    alu(size, ALU_CMP, a, b);
    set_index(R_ESI, si + d);
    set_index(R_EDI, di + d);
    return;
  }
  let n = count();
  if (n == 0) return;
  let done: u32 = 0;
  for (;;) {
    const a = read(size, SEG, si);
    if (FAULTED) break;
    const b = read(size, S_ES, di);
    if (FAULTED) break;
    alu(size, ALU_CMP, a, b);
    si = (si + d) & am;
    di = (di + d) & am;
    n--;
    done++;
    if (n == 0 || rep_stop(a, b)) break;
    if (done >= CHUNK) { again(); break; }
  }
  set_index(R_ESI, si);
  set_index(R_EDI, di);
  set_count(n);
}

@inline export function scas(size: i32): void {
  const d = delta(size);
  const am = amask();
  const a = reg(size, R_EAX);
  let di = index(R_EDI);
  if (REP == 0) {
    const b = read(size, S_ES, di);
    if (FAULTED) return;
    alu(size, ALU_CMP, a, b);
    set_index(R_EDI, di + d);
    return;
  }
  let n = count();
  if (n == 0) return;
  let done: u32 = 0;
  for (;;) {
    const b = read(size, S_ES, di);
    if (FAULTED) break;
    alu(size, ALU_CMP, a, b);
    di = (di + d) & am;
    n--;
    done++;
    if (n == 0 || rep_stop(a, b)) break;
    if (done >= CHUNK) { again(); break; }
  }
  set_index(R_EDI, di);
  set_count(n);
}

// ---------------------------------------------------------------- INS, OUTS

// INS: the destination is checked for writing before the port is read, so a fault does not
// consume input (the instruction restarts and reads the port again).
@inline function ins_one(size: i32, port: u32, di: u32): bool {
  if (!io_permitted(port, size >> 3)) return false;
  if (!probe_write(size, S_ES, di)) return false;
  write(size, S_ES, di, port_read(size, port));
  return !FAULTED;
}

@inline function outs_one(size: i32, port: u32, si: u32): bool {
  if (!io_permitted(port, size >> 3)) return false;
  const v = read(size, SEG, si);
  if (FAULTED) return false;
  port_write(size, port, v);
  return true;
}

// INS and OUTS share the loop: one index register (EDI for INS, ESI for OUTS), one port (DX).
@inline function io_string(size: i32, out: bool): void {
  const d = delta(size);
  const am = amask();
  const port = reg16(R_EDX);
  const r = out ? R_ESI : R_EDI;
  let p = index(r);
  if (REP == 0) {
    if (!(out ? outs_one(size, port, p) : ins_one(size, port, p))) return;
    set_index(r, p + d);
    return;
  }
  let n = count();
  if (n == 0) return;
  let done: u32 = 0;
  for (;;) {
    if (!(out ? outs_one(size, port, p) : ins_one(size, port, p))) break;
    p = (p + d) & am;
    n--;
    done++;
    if (n == 0) break;
    if (done >= CHUNK) { again(); break; }
  }
  set_index(r, p);
  set_count(n);
}

@inline export function ins(size: i32): void { io_string(size, false); }
@inline export function outs(size: i32): void { io_string(size, true); }
