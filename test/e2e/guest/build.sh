#!/bin/sh
# Assemble the DOS programs the browser tests run in a guest (test/e2e/guest/*.asm) into the
# .com files committed beside them. Needs nasm (Debian's nasm package).
set -e
cd "$(dirname "$0")"
for src in *.asm; do
    nasm -f bin -o "${src%.asm}.com" "$src"
done
