// Byte queues between the host and devices (serial in/out, keyboard, mouse), in linear memory
// at the QUEUE_* addresses of state.ts. Layout of a queue of `size` bytes at q:
//   q+0 u32 head (written by the producer, free running)
//   q+4 u32 tail (written by the consumer, free running)
//   q+8 .. q+size  data (size-8 bytes, used as a ring)
// One side only ever writes head, the other only tail, so the host and the core can share a
// queue without locks. A full queue drops new bytes (and says so by returning false).
export function queue_put(q: u32, size: u32, b: u32): bool {
  const head = load<u32>(q);
  const tail = load<u32>(q + 4);
  const cap = size - 8;
  if (head - tail >= cap) return false;
  store<u8>(q + 8 + (head % cap), b);
  store<u32>(q, head + 1);
  return true;
}

@inline export function queue_empty(q: u32): bool {
  return load<u32>(q) == load<u32>(q + 4);
}

@inline export function queue_count(q: u32): u32 {
  return load<u32>(q) - load<u32>(q + 4);
}

// The byte `at` places after the next one, without taking anything; -1 past the end.
export function queue_peek(q: u32, size: u32, at: u32): i32 {
  const tail = load<u32>(q + 4);
  if (at >= load<u32>(q) - tail) return -1;
  return <i32>load<u8>(q + 8 + ((tail + at) % (size - 8)));
}

// Next byte, or -1 when empty.
export function queue_get(q: u32, size: u32): i32 {
  const head = load<u32>(q);
  const tail = load<u32>(q + 4);
  if (head == tail) return -1;
  const b = <i32>load<u8>(q + 8 + (tail % (size - 8)));
  store<u32>(q + 4, tail + 1);
  return b;
}
