#!/bin/sh
# Assemble the boot sectors of the BIOS and disk tests (test/boot/*.asm) into the .bin files
# committed beside them (npm run roms). Needs nasm (Debian's nasm package).
set -e
cd "$(dirname "$0")"
for src in *.asm; do
    nasm -f bin -o "${src%.asm}.bin" "$src"
done
