#!/bin/sh
# Assemble the benchmark guests (one 64 KiB ROM per workload) into tools/bench/roms/.
# The binaries are committed, so `npm run bench` needs no nasm.
set -e
cd "$(dirname "$0")"
mkdir -p roms
for w in 1 2 3 4 5; do
    nasm -f bin -w+all -I ../roms/ -DWORKLOAD=$w -o roms/bench$w.bin bench.asm
done
echo "built tools/bench/roms/bench1..5.bin"
