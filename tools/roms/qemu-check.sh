#!/bin/sh
# Run every built ROM (test/roms/*.bin, or the ROMs named on the command line)
# on QEMU/TCG and report whether its debug-port output ends in "PASS".
# Exit status is non-zero if any ROM does not pass.
#   usage: tools/roms/qemu-check.sh [-v] [name | path/to/rom.bin ...]
cd "$(dirname "$0")/../.." || exit 2
QEMU=${QEMU:-qemu-system-i386}
TMO=${TMO:-20}
verbose=0
if [ "$1" = "-v" ]; then verbose=1; shift; fi
if [ $# -eq 0 ]; then
    set -- $(ls test/roms/*.bin | sed 's,.*/,,; s,\.bin$,,')
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
for name in "$@"; do
    rom=test/roms/$name.bin
    case "$name" in *.bin) rom=$name; name=$(basename "$name" .bin) ;; esac
    out=$work/$name.txt
    : > "$out"
    # -no-reboot: a triple fault ends QEMU instead of looping through reset
    timeout "$TMO" "$QEMU" -accel tcg -bios "$rom" -m 32 -display none -nodefaults \
        -no-reboot -debugcon "file:$out" 2>"$work/$name.err" &
    pid=$!
    # poll until the ROM has printed its final line (PASS or FAIL ...) or QEMU exits
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        if grep -qE '^(PASS|FAIL.*)$' "$out" 2>/dev/null && [ "$(tail -c1 "$out" | od -An -c | tr -d ' ')" = '\n' ]; then
            kill "$pid" 2>/dev/null
            break
        fi
        i=$((i+1))
        sleep 0.05
    done
    wait "$pid" 2>/dev/null
    last=$(tail -n 1 "$out")
    if [ "$verbose" = 1 ]; then sed 's/^/    /' "$out"; fi
    if [ "$last" = "PASS" ]; then
        echo "PASS  $name"
    else
        [ -n "$last" ] || last="(no output / timeout / triple fault)"
        echo "FAIL  $name: $last"
        rc=1
    fi
done
exit $rc
