#!/bin/sh
# Assemble the multiboot test kernel(s) in tools/roms/kernel/ into test/roms/ (committed: the
# tests need no nasm). Part of `npm run roms`.
set -e
cd "$(dirname "$0")"
nasm -f bin -o ../../../test/roms/exitkernel.bin exitkernel.asm
echo "built test/roms/exitkernel.bin"
