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
import { EIP, SEG_MAX, JIT_PENDING_LEN, JIT_BYTES, JIT_EXIT_BRANCH, JIT_LAST_EXIT } from "../state";
import { decode, OP, REG, O32, LOCK, IMM } from "../cpu/decode";
import { FW_START, FW_LEN, FW_HOST, set_fetch_window } from "../cpu/fetch_window";
import { FAULTED, clear_fault } from "../cpu/fault";
import { S_CS } from "../cpu/regs";
import {
  POS, OVERFLOW, wasm_reset, b, uleb, placeholder, patch, name, i32c, lget, lset, ltee, load_abs,
  store_const, LOOP, IF, END, BR, CALL, T_I64, I32_EQ, I32_LE_S, I32_ADD, I32_AND, VOID, T_I32,
} from "./wasm";
import { E_INSNS, E_BYTES, E_MAXEIP } from "./cache";
import {
  F_INSN, K_NONE, L_BUDGET, L_DONE, L_T, MAX_INSNS, cond, depth, entry_eip, exit_to, flush_flags,
  goto_dest, inline_simple, last_kind, max_eip, pend_op, ret_done,
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
  // function section: one function of type t0
  b(3); b(2); b(1); b(0);
  // export "f" = function 3
  b(7); b(5); b(1); name(0x66, 0); b(0); b(3);
}

function rel_target(next: u32, rel: u32): u32 {
  const t = next + rel;
  return O32 ? t : t & 0xffff;
}

// Compile the block at (eip, host). Returns the module size in JIT_BUF, 0 if nothing was
// compiled. `single` limits the block to one instruction (Machine.step with the JIT forced).
export function compile_block(e: u32, eip: u32, host: u32, lin: u32, single: bool, forced: bool): u32 {
  wasm_reset();
  header();
  // code section with one body
  b(10); const sec = placeholder();
  b(1); const body = placeholder();
  b(2); b(8); b(T_I32); b(1); b(T_I64); // locals 1..8: i32, 9: i64
  b(LOOP); b(VOID);
  depth = 0;
  entry_eip = eip;
  last_kind = K_NONE;
  pend_op = -1;

  // decode through a fetch window over this page from the entry, clipped to the CS limit:
  // decode() then reads straight from the page and never touches the TLB or raises a fault
  const save_start = FW_START, save_len = FW_LEN, save_host = FW_HOST;
  const save_eip = load<u32>(EIP);
  let wlen: u32 = 0x1000 - (lin & 0xfff);
  const room = load<u32>(SEG_MAX + (S_CS << 2)) - eip;
  if (room < wlen - 1) wlen = room + 1;
  set_fetch_window(eip, wlen, host);

  let n: u32 = 0;
  let helpers: u32 = 0; // instructions left to jit_insn
  let cur = eip;
  let ended = false;
  max_eip = eip;
  const limit: u32 = single ? 1 : MAX_INSNS;
  while (n < limit) {
    if ((cur - eip) + 16 > wlen) break; // the decoder might need bytes beyond the window
    if (!decode(cur) || FAULTED) { clear_fault(); break; }
    const next = load<u32>(EIP);
    const last_byte = next - 1;
    if (last_byte > max_eip) max_eip = last_byte;
    const k = n;
    n++;
    const op = OP;
    // block-ending relative branches, inline
    if (((op >= 0x70 && op <= 0x7f) || (op >= 0x180 && op <= 0x18f) || op == 0xeb || op == 0xe9) && !LOCK) {
      const rel: u32 = (op <= 0x7f || op == 0xeb) ? <u32><i32><i8>IMM : (O32 ? IMM : <u32><i32><i16>IMM);
      const target = rel_target(next, rel);
      if (target > max_eip) max_eip = target;
      if (op == 0xeb || op == 0xe9) { flush_flags(); goto_dest(target, n); ended = true; break; }
      // a conditional branch leaves the block when taken and goes on with the next
      // instruction in it when not (longer blocks, fewer entries through the run loop)
      cond(op & 15);
      flush_flags(); // (the condition is on the stack; the stores leave it there)
      b(IF); b(VOID); depth++;
      goto_dest(target, n);
      b(END); depth--;
      cur = next;
      continue;
    }
    if ((op == 0xe8 || op == 0xc3) && inline_callret(k, cur, next, n)) { ended = true; break; }
    const code = host + (cur - eip);
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
      load_abs(EIP); i32c(<i32>eip); b(I32_EQ);
      lget(L_DONE); i32c(<i32>(2 * n)); b(I32_ADD); lget(L_BUDGET); b(I32_LE_S); b(I32_AND);
      b(IF); b(VOID); depth++;
      lget(L_DONE); i32c(<i32>n); b(I32_ADD); lset(L_DONE);
      b(BR); uleb(depth);
      b(END); depth--;
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
  b(END); // loop
  b(0x00); // unreachable: every path returns
  b(END); // function
  patch(body);
  patch(sec);

  set_fetch_window(save_start, save_len, save_host);
  store<u32>(EIP, save_eip);
  if (n == 0 || OVERFLOW) return 0;
  // A block that is mostly helper calls runs no faster than the interpreter (each helper
  // decodes and dispatches as the interpreter does) but costs a compile and an entry: leave
  // it interpreted unless everything is to be compiled.
  if (!forced && helpers * 4 > n * 3) return 0;
  store<u32>(e + E_INSNS, n);
  store<u32>(e + E_BYTES, cur - eip);
  store<u32>(e + E_MAXEIP, max_eip);
  store<u32>(JIT_PENDING_LEN, POS);
  store<u64>(JIT_BYTES, load<u64>(JIT_BYTES) + <u64>POS);
  return POS;
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
