#!/bin/sh
# Assemble every ROM in tools/roms/ into test/roms/<name>.bin (flat 64 KiB images).
# Also assembles the -DHW_ONLY variants (checks QEMU/TCG cannot run) to make sure
# they still build; those are not installed.
set -e
cd "$(dirname "$0")"
out=../../test/roms
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for src in *.asm; do
    name=${src%.asm}
    nasm -f bin -w+all -I ./ --before "[map sections $tmp/$name.map]" -o "$out/$name.bin" "$src"
    size=$(wc -c < "$out/$name.bin")
    if [ "$size" -ne 65536 ] && [ "$size" -ne 131072 ]; then
        echo "build.sh: $name.bin is $size bytes (expected 64 or 128 KiB)" >&2
        exit 1
    fi
    # every section's load address must match its file offset (+0xF0000 for the
    # 32-bit ones): a mismatch means an alignment inside a section went wrong
    awk -v n="$name" '
        function hex(x,   i, r) { r = 0; x = toupper(x)
            for (i = 1; i <= length(x); i++) r = r * 16 + index("0123456789ABCDEF", substr(x, i, 1)) - 1
            return r }
        /^-- Sections \(summary\)/ { on = 1; next }
        on && /^--/ { on = 0 }
        on && NF == 6 && $6 ~ /^\./ {
            v = hex($1); s = hex($2); d = v - s
            if (d != 0 && d != 983040) { printf "build.sh: %s: section %s vstart %s != start %s\n", n, $6, $1, $2; bad = 1 }
        }
        END { exit bad }' "$tmp/$name.map"
    if grep -q 'HW_ONLY' "$src"; then
        # the checks QEMU gets wrong (verified on Bochs by bochs-check.sh --hw): tab86 runs them
        mkdir -p "$out/hw"
        nasm -f bin -DHW_ONLY -I ./ -o "$out/hw/$name.bin" "$src"
    fi
    echo "built $out/$name.bin"
done
