#!/bin/sh
# Build the instruction-vector generator (32-bit, runs natively on an x86 host)
# and regenerate test/fixtures/vectors/*.json.  The output only depends on the
# CPU it runs on (its brand string is recorded in each file).
# Needs gcc with 32-bit support (Debian: apt-get install gcc-multilib).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/test/fixtures/vectors"
bin="${TMPDIR:-/tmp}/tab86-vecgen.$$"
trap 'rm -f "$bin"' EXIT
gcc -m32 -O2 -Wall -Wextra -fno-pie -no-pie -o "$bin" "$here/gen.c" "$here/tramp.S"
mkdir -p "$out"
timeout 600 "$bin" "$out"
