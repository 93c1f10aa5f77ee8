// Scripting a machine, expect-style (docs/scripting.md): a Session runs the machine only while
// it waits for something (a pattern, some virtual time), so a script or a test is a sequence of
// expect / type / wait calls with no polling of its own. The command's --expect/--type pairs
// and --script FILE become Steps run by runSteps(). Shared by Node and browsers: files (a
// script's screenshots) are the caller's hooks.
import { Machine, ConfigError } from "./machine.js";
import { Runner, RunnerOptions, RunResult, RunEnd, MatchSource, ALL_SOURCES } from "./run.js";
import { parseKeys, parseSerialKeys } from "./keys.js";

/** Where typed text goes: the PS/2 keyboard, COM1, or (auto) where the last match was seen:
 * COM1 after a match in the serial output, the keyboard otherwise. */
export type TypeTarget = "keyboard" | "serial" | "auto";

export type Step =
  | { kind: "expect"; re: RegExp; timeoutS?: number; from?: MatchSource[]; where: string }
  | { kind: "type"; text: string; where: string }
  | { kind: "key"; name: string; where: string }
  | { kind: "wait"; seconds: number; where: string }
  | { kind: "screenshot"; file: string; where: string }
  | { kind: "save-state"; file: string; where: string }
  | { kind: "exit"; status: number; where: string };

/** A step as the user wrote it, for messages. */
export function describeStep(s: Step): string {
  switch (s.kind) {
    case "expect": return `expect ${s.re.source}${s.timeoutS !== undefined ? ` timeout ${s.timeoutS}` : ""}${s.from ? ` from ${s.from.join(",")}` : ""}`;
    case "type": return `type ${s.text}`;
    case "key": return `key ${s.name}`;
    case "wait": return `wait ${s.seconds}`;
    case "screenshot": case "save-state": return `${s.kind} ${s.file}`;
    case "exit": return `exit ${s.status}`;
  }
}

/** A regular expression as --expect and `expect` take it: JavaScript syntax, ^ and $ at line
 * breaks. Throws ConfigError naming `what`. */
export function patternOf(source: string, what: string): RegExp {
  try { return new RegExp(source, "m"); } catch (e) { throw new ConfigError(`${what}: not a valid regular expression (${(e as Error).message})`); }
}

/** TEXT as `type` takes it: the rest of the line, or a JSON string ("ls -l\n") for escapes and
 * leading or trailing spaces. Checked against the key notation now, so a bad name is an error
 * before the machine starts. */
function textOf(raw: string, what: string): string {
  let text = raw;
  if (raw.startsWith('"')) {
    try { text = JSON.parse(raw); } catch { throw new ConfigError(`${what}: a quoted TEXT must be a JSON string`); }
  }
  try { parseKeys(text); } catch (e) {
    // characters the keyboard has no key for can still go to a serial line
    try { parseSerialKeys(text); } catch { throw new ConfigError(`${what}: ${(e as Error).message.replace(/^--send: /, "")}`); }
  }
  return text;
}

const NUMBER = /^\d+(\.\d+)?$/;

/** "serial,screen" as a list of match sources. */
export function parseSources(text: string, what: string): MatchSource[] {
  const list = text.split(",");
  for (const s of list) if (!(ALL_SOURCES as readonly string[]).includes(s)) throw new ConfigError(`${what}: from ${text}: expected serial, debug and/or screen, joined by commas`);
  return list as MatchSource[];
}

/** Parse a script: one step a line, blank lines and lines starting with # ignored.
 *   expect REGEX [timeout S] [from serial,debug,screen] | type TEXT | key NAME | wait S | screenshot FILE |
 *   save-state FILE | exit [STATUS] */
export function parseScript(text: string, name: string): Step[] {
  const steps: Step[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s+/, "");
    const where = `${name}:${i + 1}`;
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+)(?: (.*))?$/.exec(line)!;
    const word = m[1], rest = m[2] ?? "";
    const need = (what: string) => { if (rest.trim() === "") throw new ConfigError(`${where}: ${word} needs ${what}`); };
    switch (word) {
      case "expect": {
        need("a pattern");
        // options at the end, in either order: timeout S, from serial,screen,debug
        let source = rest;
        let timeoutS: number | undefined;
        let from: MatchSource[] | undefined;
        for (let t; (t = /^(.*?)\s+(timeout|from)\s+(\S+)\s*$/.exec(source)); ) {
          if (t[2] === "timeout") {
            if (timeoutS !== undefined || !NUMBER.test(t[3]) || !(Number(t[3]) > 0)) throw new ConfigError(`${where}: timeout ${t[3]}: expected a positive number of seconds`);
            timeoutS = Number(t[3]);
          } else {
            if (from !== undefined) break;
            from = parseSources(t[3], where);
          }
          source = t[1];
        }
        steps.push({ kind: "expect", re: patternOf(source, `${where}: expect ${source}`), timeoutS, from, where });
        break;
      }
      case "type": need("TEXT"); steps.push({ kind: "type", text: textOf(rest, where), where }); break;
      case "key": {
        need("a key name");
        const name = rest.trim().replace(/^\{(.*)\}$/, "$1");
        textOf(`{${name}}`, where);
        steps.push({ kind: "key", name, where });
        break;
      }
      case "wait":
        if (!NUMBER.test(rest.trim())) throw new ConfigError(`${where}: wait ${rest}: expected a number of seconds`);
        steps.push({ kind: "wait", seconds: Number(rest.trim()), where });
        break;
      case "screenshot": case "save-state":
        need("a file name");
        steps.push({ kind: word, file: rest.trim(), where });
        break;
      case "exit": {
        const v = rest.trim() || "0";
        if (!/^\d+$/.test(v) || Number(v) > 255) throw new ConfigError(`${where}: exit ${v}: expected a status from 0 to 255`);
        steps.push({ kind: "exit", status: Number(v), where });
        break;
      }
      default:
        throw new ConfigError(`${where}: unknown step "${word}" (expect, type, key, wait, screenshot, save-state, exit)`);
    }
  }
  return steps;
}

/** An expect that did not match: why the run ended instead (timeout, the guest halted,
 * exited, faulted), with the screen at that moment. */
export class ExpectError extends Error {
  readonly pattern: RegExp;
  readonly result: RunResult;
  readonly end: RunEnd;
  readonly screen: string;
  constructor(pattern: RegExp, result: RunResult, screen: string, timeoutS?: number) {
    super(`"${pattern.source}" did not appear: ${endText(result, timeoutS)}`);
    this.pattern = pattern;
    this.result = result;
    this.end = result.end;
    this.screen = screen;
  }
}

function endText(r: RunResult, timeoutS?: number): string {
  switch (r.end) {
    case "timeout": return `timed out after ${timeoutS ?? r.seconds.toFixed(1)} s`;
    case "halted": return "the guest halted with interrupts off";
    case "guest-exit": return `the guest wrote ${r.exitValue} to the exit port`;
    case "triple-fault": return "triple fault";
    case "fatal": return `emulator error${r.error ? ` (${r.error})` : ""}`;
    case "stopped": return "the machine was stopped";
    default: return r.end;
  }
}

export interface SessionOptions extends RunnerOptions {
  /** where type() sends text (default auto) */
  typeTo?: TypeTarget;
  /** an expect's time limit when it names none, in seconds (default 60) */
  expectTimeout?: number;
}

/** A machine driven step by step: it runs only inside expect() and wait(). */
export class Session {
  readonly machine: Machine;
  readonly runner: Runner;
  typeTo: TypeTarget;
  expectTimeout: number;
  private stopper = new AbortController();

  constructor(machine: Machine, options: SessionOptions = {}) {
    this.machine = machine;
    const outer = options.signal;
    if (outer) outer.addEventListener("abort", () => this.stopper.abort(), { once: true });
    this.runner = new Runner(machine, { ...options, signal: this.stopper.signal });
    this.typeTo = options.typeTo ?? "auto";
    this.expectTimeout = options.expectTimeout ?? 60;
  }

  /** Run until `pattern` appears in the serial output, the debug port output (each counted
   * from the end of the previous match in it) or on the text screen, and return the matched
   * text. Rejects with ExpectError if the time limit passes or the machine stops first. */
  async expect(pattern: RegExp | string, opts: { timeout?: number; from?: MatchSource | MatchSource[] } = {}): Promise<string> {
    let re = typeof pattern === "string" ? patternOf(pattern, "expect") : pattern;
    // exec() of a global or sticky pattern starts at lastIndex: matching here is stateless
    if (re.global || re.sticky) re = new RegExp(re.source, re.flags.replace(/[gy]/g, ""));
    const timeoutS = opts.timeout ?? this.expectTimeout;
    const from = opts.from === undefined ? ALL_SOURCES : Array.isArray(opts.from) ? opts.from : [opts.from];
    const r = await this.runner.run({ until: re, untilIn: from, timeoutMs: timeoutS * 1000, checkFirst: true });
    if (r.end !== "matched") throw new ExpectError(re, r, this.screenText(), timeoutS);
    return r.match!.text;
  }

  /** Type TEXT (host/keys.ts notation: {Enter}, {Ctrl-C}, {F1}...) into the keyboard or COM1.
   * Keys are read by the guest as the machine runs (in the next expect or wait). */
  type(text: string, to: TypeTarget = this.typeTo): void {
    const target = to === "auto" ? (this.runner.lastMatch === "serial" ? "serial" : "keyboard") : to;
    if (target === "serial") this.runner.serialInput.push(...parseSerialKeys(text));
    else this.runner.keys.push(...parseKeys(text));
  }

  /** Press one named key ("Enter", "Ctrl-C", "F10"). */
  key(name: string, to: TypeTarget = this.typeTo): void { this.type(`{${name}}`, to); }

  /** Run for `seconds` of virtual time (wall time unless the machine is deterministic). Resolves
   * with how the run ended: "elapsed", or what stopped the machine before. */
  async wait(seconds: number): Promise<RunResult> {
    return this.runner.run({ forNs: seconds * 1e9 });
  }

  /** The text screen now (host/machine.ts screenText: CRTC start address and geometry honoured). */
  screenText(): string { return this.machine.screenText(); }

  /** The value the guest wrote to the exit port, if it did. */
  get exitValue(): number | undefined { return this.runner.exitValue; }

  /** End any expect or wait in progress ("stopped"); later ones end at once. */
  stop(): void { this.stopper.abort(); }
}

/** How a list of steps ended. */
export type StepsOutcome =
  | { end: "done" }
  | { end: "exit"; status: number; step: Step }
  | { end: "failed"; step: Step; index: number; error: ExpectError }
  | { end: "stopped"; step: Step; index: number; result: RunResult };

export interface StepHooks {
  screenshot(file: string, step: Step): void;
  saveState(file: string, step: Step): void | Promise<void>;
  /** the default time limit of an expect step, in seconds */
  expectTimeout?: number;
}

/** Run steps in order. A step that cannot complete ends the list: an expect that times out
 * ("failed"), or a machine that stopped (halt, exit port, fault) during a wait ("stopped"). */
export async function runSteps(session: Session, steps: Step[], hooks: StepHooks): Promise<StepsOutcome> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    switch (step.kind) {
      case "expect":
        try {
          await session.expect(step.re, { timeout: step.timeoutS ?? hooks.expectTimeout, from: step.from });
        } catch (e) {
          if (e instanceof ExpectError) return { end: "failed", step, index: i, error: e };
          throw e;
        }
        break;
      case "type": session.type(step.text); break;
      case "key": session.key(step.name); break;
      case "wait": {
        const r = await session.wait(step.seconds);
        // a guest that halts for good during the last step has simply finished
        if (r.end === "halted" && i === steps.length - 1) break;
        if (r.end !== "elapsed") return { end: "stopped", step, index: i, result: r };
        break;
      }
      case "screenshot": hooks.screenshot(step.file, step); break;
      case "save-state": await hooks.saveState(step.file, step); break;
      case "exit": return { end: "exit", status: step.status, step };
    }
  }
  return { end: "done" };
}
