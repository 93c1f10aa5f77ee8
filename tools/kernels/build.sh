#!/bin/sh
# Assemble the test kernels: tools/kernels/*.asm -> test/kernels/*.elf (committed; needs nasm).
set -e
cd "$(dirname "$0")"
for src in *.asm; do
    nasm -f bin -w+all -o "../../test/kernels/${src%.asm}.elf" "$src"
done
