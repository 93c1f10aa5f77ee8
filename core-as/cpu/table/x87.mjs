// The x87 escape opcodes D8..DF and FWAIT. Until the FPU exists (its own issue) the machine is
// a P6 without an FPU: CPUID reports FPU=0, CR0.EM/TS raise #NM (SDM vol.3 §2.5) so an OS can
// emulate, and otherwise an escape does nothing, like a 386 with no coprocessor fitted (the
// standard detection sequence fninit/fnstsw then reads back its own sentinel).
import { op } from "./defs.mjs";

const rows = [];
for (let i = 0; i < 8; i++) rows.push(op((0xd8 + i).toString(16), `esc${i} Ev`, "fpu_esc()"));
export default [...rows, op("9b", "fwait", "fpu_wait()")];
