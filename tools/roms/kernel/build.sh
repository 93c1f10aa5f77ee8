#!/bin/sh
# Assemble the multiboot test kernel(s) in tools/roms/kernel/ into test/roms/kernel/ (committed: the
# tests need no nasm). Part of `npm run roms`.
set -e
cd "$(dirname "$0")"
nasm -f bin -o ../../../test/roms/kernel/exitkernel.bin exitkernel.asm
echo "built test/roms/kernel/exitkernel.bin"
