// Row constructor for the instruction table (see README.md here).
export function op(code, text, call, flags = "", options = {}) {
  const sp = text.indexOf(" ");
  const name = sp < 0 ? text : text.slice(0, sp);
  const operands = sp < 0 ? [] : text.slice(sp + 1).split(",").map((s) => s.trim());
  return { code, name, operands, call, flags, ...options };
}
