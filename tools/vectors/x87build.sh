#!/bin/sh
# Build the x87 instruction-vector generator (32-bit, runs natively on an x86 host) and
# regenerate test/fixtures/vectors/x87*.json (or only the groups named: x87arith x87cmp
# x87data x87ctrl x87math x87trans). The output depends only on the CPU it runs on (its brand
# string is recorded in each file). Needs gcc with 32-bit support (Debian: gcc-multilib).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/test/fixtures/vectors"
bin="${TMPDIR:-/tmp}/tab86-x87gen.$$"
trap 'rm -f "$bin"' EXIT
gcc -m32 -O2 -Wall -Wextra -fno-pie -no-pie -o "$bin" "$here/x87gen.c" "$here/tramp.S"
mkdir -p "$out"
timeout 600 "$bin" "$out" "$@"
