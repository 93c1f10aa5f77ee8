#!/bin/sh
# Assemble every ROM in tools/roms/ into test/roms/<name>.bin (64 KiB flat images).
set -e
cd "$(dirname "$0")"
out=../../test/roms
mkdir -p "$out"
for src in *.asm; do
    name=${src%.asm}
    nasm -f bin -w+all -I ./ -o "$out/$name.bin" "$src"
    size=$(wc -c < "$out/$name.bin")
    if [ "$size" -ne 65536 ] && [ "$size" -ne 131072 ]; then
        echo "build.sh: $name.bin is $size bytes (expected 64 or 128 KiB)" >&2
        exit 1
    fi
    echo "built $out/$name.bin"
done
