#!/bin/sh
# Assemble the VGA test programs (boot sectors with their code after them, see boot.inc) into
# test/vga/*.bin, which are committed: the tests need no nasm.
set -e
cd "$(dirname "$0")"
for p in mode13 mode12 modex vbe32 font palette; do
    nasm -f bin -w+all -o $p.bin $p.asm
done
echo "built test/vga/mode13.bin mode12.bin modex.bin vbe32.bin font.bin palette.bin"
