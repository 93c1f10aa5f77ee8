#!/bin/sh
# Assemble the built-in BIOS ROM: bios/rom/bios.asm -> bios/rom/bios.bin (64 KiB, committed).
set -e
cd "$(dirname "$0")"
nasm -f bin -w+all -o bios.bin bios.asm
size=$(wc -c < bios.bin)
if [ "$size" -ne 65536 ]; then echo "build.sh: bios.bin is $size bytes (expected 65536)" >&2; exit 1; fi
