// The block compiler: decodes from a hot entry with the interpreter's own decode() (so the one
// instruction table drives both), and emits a WebAssembly module with one function
//
//   f(budget: i32) -> i32      instructions executed
//
// Each guest instruction becomes either inline Wasm (the simple, common register forms and the
// branches that end the block) or a call of the helper jit_insn (jit/jit.ts), which runs the
// instruction through the interpreter: decode, dispatch, fault delivery. So every instruction
// works from the start and behaves exactly as interpreted; inline code only covers forms that
// cannot fault. A block is straight-line code inside one page (and inside the fetch window, so
// decoding never touches the TLB): a conditional branch leaves it when taken and continues it
// when not; it ends at any other branch. A branch back to the entry becomes a Wasm loop with a
// budget check at the back-edge.
//
// Locals: 0 budget (param), 1 done (instructions completed in earlier loop iterations),
// 2 a, 3 b, 4 r (operands and result of the last flag-setting inline instruction, which a
// following Jcc reads: the cmp/test + jcc fusion), 5 scratch, 6 effective/linear address,
// 7 host address, 8 TLB entry, 9 (i64) a product. The emitters are in emit.ts (register forms,
// flags, branches) and emit_mem.ts (memory operands, stack, call/ret).
//
// Inline memory operands (32-bit addressing) take the interpreter's fast path in Wasm: the
// segment check against SEG_MIN/SEG_MAX/SEG_OK, the TLB entry against the current mask, no
// page crossing; anything else (a miss, MMIO, a code page, a fault) runs the whole instruction
// through the helper instead. Nothing is written before every check has passed, so the helper
// starts from the state the instruction started with, and faults are exact.
import { EIP, SEG_MAX, MODE, MODE_STACK32, JIT_PENDING_LEN, JIT_BYTES, JIT_EXIT_BRANCH, JIT_LAST_EXIT } from "../state";
import { decode, OP, REG, O32, LOCK, IMM } from "../cpu/decode";
import { FW_START, FW_LEN, FW_HOST, set_fetch_window } from "../cpu/fetch_window";
import { FAULTED, clear_fault } from "../cpu/fault";
import { S_CS } from "../cpu/regs";
import {
  POS, OVERFLOW, wasm_reset, b, uleb, placeholder, patch, name, i32c, lget, ltee, store_const,
  LOOP, BLOCK, BR_TABLE, IF, END, CALL, T_I64, I32_EQ, I32_ADD, VOID, T_I32,
} from "./wasm";
import { E_INSNS, E_MAXEIP } from "./cache";
import {
  BLK_RET, BLK_START, F_INSN, K_NONE, L_DONE, L_IDX, L_T, MAX_BLOCKS, MAX_INSNS, block_index, cond,
  depth, dispatch_on, exit_to, fall_into, flush_flags, goto_dest, inline_simple, last_kind, max_eip,
  nblocks, pend_op, region_max, ret_done, set_region, transition,
} from "./emit";
import { inline_callret, inline_stack } from "./emit_mem";

function header(): void {
  // magic, version
  b(0); b(0x61); b(0x73); b(0x6d); b(1); b(0); b(0); b(0);
  // type section: t0 (i32)->i32, t1 (i32 i32)->i32, t2 ()->i32
  b(1); let at = placeholder();
  b(3);
  b(0x60); b(1); b(T_I32); b(1); b(T_I32);
  b(0x60); b(2); b(T_I32); b(T_I32); b(1); b(T_I32);
  b(0x60); b(0); b(1); b(T_I32);
  patch(at);
  // imports: c.m memory, c.s jit_insn, c.c jit_cond, c.f jit_cf
  b(2); at = placeholder();
  b(4);
  name(0x63, 0); name(0x6d, 0); b(2); b(0); b(0);
  name(0x63, 0); name(0x73, 0); b(0); b(1);
  name(0x63, 0); name(0x63, 0); b(0); b(0);
  name(0x63, 0); name(0x66, 0); b(0); b(2);
  patch(at);
  // function section: one function of type t1, f(budget, block)
  b(3); b(2); b(1); b(1);
  // export "f" = function 3
  b(7); b(5); b(1); name(0x66, 0); b(0); b(3);
}

function rel_target(next: u32, rel: u32): u32 {
  const t = next + rel;
  return O32 ? t : t & 0xffff;
}

// Limits of a region: instructions in one block, in all blocks (the module must fit JIT_BUF)
const MAX_REGION_INSNS: u32 = 256;

// The fetch window of the region: the EIPs of the entry's page inside the CS limit.
let win_lo: u32 = 0;
let win_len: u32 = 0;
export let region_host_lo: u32 = 0; // host address of EIP win_lo

// decodable without leaving the window (the decoder may read up to 15 bytes)
@inline function in_window(t: u32): bool { return t >= win_lo && (t - win_lo) + 16 <= win_len; }

function add_block(t: u32, after_call: bool): void {
  if (!in_window(t)) return;
  const i = block_index(t);
  if (i >= 0) { if (after_call) unchecked(BLK_RET[i] = true); return; }
  if (nblocks >= MAX_BLOCKS) return;
  unchecked(BLK_START[nblocks] = t);
  unchecked(BLK_RET[nblocks] = after_call);
  set_region(nblocks + 1, region_max);
}

// Whether the decoded call/ret runs inline (emit_mem.ts inline_callret)
@inline function inline_call_form(): bool {
  return O32 && !LOCK && (load<u32>(MODE) & MODE_STACK32) != 0;
}

// Pass 1: the blocks of the region. From the entry, follow the branches whose targets are in
// the window (conditional branches both ways, jumps, calls and the instruction after a call,
// where the return lands), as long as the region stays small. Returns false when the entry
// itself cannot be decoded.
function discover(eip: u32, single: bool): void {
  unchecked(BLK_START[0] = eip);
  unchecked(BLK_RET[0] = false);
  set_region(1, 0);
  let total: u32 = 0;
  for (let i = 0; i < nblocks; i++) {
    let cur = unchecked(BLK_START[i]);
    let n: u32 = 0;
    const limit: u32 = single ? 1 : MAX_INSNS;
    while (n < limit && in_window(cur)) {
      if (!decode(cur) || FAULTED) { clear_fault(); break; }
      const next = load<u32>(EIP);
      n++;
      const op = OP;
      if (single) break;
      if (is_rel_branch(op)) {
        add_block(rel_target(next, rel_of(op)), false);
        if (op == 0xeb || op == 0xe9) break;
        cur = next;
        continue;
      }
      if (op == 0xe8 && inline_call_form()) {
        add_block(rel_target(next, IMM), false);
        add_block(next, true);
        break;
      }
      if (is_block_end(op)) {
        if (op == 0xe8 || op == 0x9a || (op == 0xff && (REG == 2 || REG == 3))) add_block(next, true);
        break;
      }
      cur = next;
    }
    if (n > region_max) set_region(nblocks, n);
    total += n;
    if (total >= MAX_REGION_INSNS) { set_region(i + 1, region_max); break; }
  }
}

@inline function is_rel_branch(op: i32): bool {
  return ((op >= 0x70 && op <= 0x7f) || (op >= 0x180 && op <= 0x18f) || op == 0xeb || op == 0xe9) && !LOCK;
}
@inline function rel_of(op: i32): u32 {
  return (op <= 0x7f || op == 0xeb) ? <u32><i32><i8>IMM : (O32 ? IMM : <u32><i32><i16>IMM);
}

// Compile the region entered at (eip, host). Returns the module size in JIT_BUF, 0 if nothing
// was compiled. `single` limits it to one instruction (Machine.step with the JIT forced).
export function compile_block(e: u32, eip: u32, host: u32, lin: u32, single: bool, forced: bool): u32 {
  // decode through a fetch window over this page, clipped to the CS limit: decode() then reads
  // straight from the page and never touches the TLB or raises a fault
  const save_start = FW_START, save_len = FW_LEN, save_host = FW_HOST;
  const save_eip = load<u32>(EIP);
  const off = lin & 0xfff;
  win_lo = eip >= off ? eip - off : 0;
  region_host_lo = host - (eip - win_lo);
  const hi: u64 = min<u64>(<u64>eip + <u64>(0x1000 - off), <u64>load<u32>(SEG_MAX + (S_CS << 2)) + 1);
  win_len = <u32>(hi - <u64>win_lo);
  set_fetch_window(win_lo, win_len, region_host_lo);

  discover(eip, single);
  let size = emit_region(e, single, forced);
  if (size == 0 && OVERFLOW && nblocks > 1) {
    set_region(1, region_max); // too big for JIT_BUF: the entry block alone
    size = emit_region(e, single, forced);
  }
  set_fetch_window(save_start, save_len, save_host);
  store<u32>(EIP, save_eip);
  return size;
}

// Pass 2: the module. f(budget, block) runs from region block `block`:
//
//   loop $top
//     block $b(m-1) ... block $b0
//       br_table $b0 .. $b(m-1) (local block)
//     end  code of block 0 ... end  code of block m-1
//   end
//
// A block's code ends by falling into the next one, by a transition (sets the block local and
// branches to $top) or by returning. A block also ends where another one starts.
function emit_region(e: u32, single: bool, forced: bool): u32 {
  wasm_reset();
  header();
  b(10); const sec = placeholder();
  b(1); const body = placeholder();
  b(2); b(8); b(T_I32); b(1); b(T_I64); // locals 2..9: i32, 10: i64
  b(LOOP); b(VOID);
  const m = nblocks;
  if (m > 1) {
    for (let i = 0; i < m; i++) { b(BLOCK); b(VOID); }
    lget(L_IDX);
    b(BR_TABLE); uleb(<u32>m);
    for (let i = 0; i < m; i++) uleb(<u32>i);
    uleb(<u32>(m - 1));
    b(END);
  }
  max_eip = unchecked(BLK_START[0]);
  let total: u32 = 0;
  let helpers: u32 = 0; // instructions left to jit_insn
  for (let i = 0; i < m; i++) {
    depth = <u32>(m - 1 - i);
    const r = emit_block(i, single);
    total += r & 0xffff;
    helpers += r >>> 16;
    if (i < m - 1) { b(END); }
  }
  b(END); // loop
  b(0x00); // unreachable: every path returns
  b(END); // function
  patch(body);
  patch(sec);
  if (total == 0 || OVERFLOW) return 0;
  // A region that is mostly helper calls runs no faster than the interpreter (each helper
  // decodes and dispatches as the interpreter does) but costs a compile and an entry: leave
  // it interpreted unless everything is to be compiled.
  if (!forced && helpers * 4 > total * 3) return 0;
  store<u32>(e + E_INSNS, region_max); // block 0
  store<u32>(e + E_MAXEIP, max_eip);
  store<u32>(JIT_PENDING_LEN, POS);
  store<u64>(JIT_BYTES, load<u64>(JIT_BYTES) + <u64>POS);
  return POS;
}

// Emit the code of region block i. Returns instructions | helper calls << 16.
function emit_block(i: i32, single: bool): u32 {
  const start = unchecked(BLK_START[i]);
  last_kind = K_NONE;
  pend_op = -1;
  let n: u32 = 0;
  let helpers: u32 = 0;
  let cur = start;
  let ended = false;
  const limit: u32 = single ? 1 : MAX_INSNS;
  while (n < limit) {
    if (!in_window(cur)) break;
    if (n > 0) {
      // another block starts here: go on there
      const j = block_index(cur);
      if (j >= 0) {
        flush_flags();
        if (j == i + 1) fall_into(j, n); else transition(j, n);
        return n | helpers << 16;
      }
    }
    if (!decode(cur) || FAULTED) { clear_fault(); break; }
    const next = load<u32>(EIP);
    const last_byte = next - 1;
    if (last_byte > max_eip) max_eip = last_byte;
    const k = n;
    n++;
    const op = OP;
    // block-ending relative branches, inline
    if (is_rel_branch(op)) {
      const target = rel_target(next, rel_of(op));
      if (target > max_eip) max_eip = target;
      if (op == 0xeb || op == 0xe9) { flush_flags(); goto_dest(target, n); ended = true; break; }
      // a conditional branch goes to its target when taken and on with the next instruction
      // when not
      cond(op & 15);
      flush_flags(); // (the condition is on the stack; the stores leave it there)
      b(IF); b(VOID); depth++;
      goto_dest(target, n);
      b(END); depth--;
      cur = next;
      continue;
    }
    if ((op == 0xe8 || op == 0xc3) && inline_callret(k, cur, next, n)) { ended = true; break; }
    const code = region_host_lo + (cur - win_lo);
    if (inline_simple(k, cur, code)) { cur = next; continue; }
    if (inline_stack(k, cur)) { last_kind = K_NONE; cur = next; continue; }
    last_kind = K_NONE;
    // through the interpreter
    helpers++;
    flush_flags();
    lget(L_DONE); i32c(<i32>k); b(I32_ADD); i32c(<i32>cur); b(CALL); uleb(F_INSN);
    if (is_block_end(op)) {
      // a transfer the helper executed: EIP in memory is where control went
      ltee(L_T); i32c(2); b(I32_EQ);
      b(IF); b(VOID); depth++; ret_done(n); b(END); depth--;
      lget(L_T);
      b(IF); b(VOID); depth++;
      dispatch_on(-1, n);
      store_const(JIT_LAST_EXIT, JIT_EXIT_BRANCH);
      ret_done(n);
      b(END); depth--;
      exit_to(next, n, JIT_EXIT_BRANCH);
      ended = true;
      break;
    }
    // any other instruction: leave if it branched, faulted or needs the run loop
    b(IF); b(VOID); depth++; ret_done(n); b(END); depth--;
    cur = next;
  }
  if (!ended) { flush_flags(); exit_to(cur, n, JIT_EXIT_BRANCH); }
  return n | helpers << 16;
}

// Instructions after which the block ends because they transfer control: near/far calls,
// returns, jumps, interrupts, loops, hlt. (Anything else that branches is caught by the
// helper's return value.)
function is_block_end(op: i32): bool {
  switch (op) {
    case 0xe8: case 0xc2: case 0xc3: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf:
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xea: case 0x9a: case 0xf4:
      return true;
    case 0xff: return REG >= 2 && REG <= 5;
    default: return false;
  }
}
