#!/bin/sh
# Optional second opinion: run the ROMs on Bochs (apt-get install bochs bochsbios
# vgabios).  Bochs models checks that QEMU/TCG leaves out (segment limits, #AC,
# the EXT bit, ICEBP), so it can also run the -DHW_ONLY variants:
#   tools/roms/bochs-check.sh [-v] [--hw] [name | path/to/rom.bin ...]
# --hw assembles each named ROM with -DHW_ONLY into a temporary file first.
cd "$(dirname "$0")/../.." || exit 2
BOCHS=${BOCHS:-bochs}
CPU=${BOCHS_CPU:-p2_klamath}
TMO=${TMO:-20}
verbose=0; hw=0
while [ $# -gt 0 ]; do
    case "$1" in
        -v) verbose=1; shift ;;
        --hw) hw=1; shift ;;
        *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    set -- $(ls test/roms/*.bin | sed 's,.*/,,; s,\.bin$,,')
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
for name in "$@"; do
    rom=$PWD/test/roms/$name.bin
    case "$name" in *.bin) rom=$(cd "$(dirname "$name")" && pwd)/$(basename "$name"); name=$(basename "$name" .bin) ;; esac
    if [ "$hw" = 1 ]; then
        rom=$work/$name-hw.bin
        nasm -f bin -DHW_ONLY -I tools/roms/ -o "$rom" "tools/roms/$name.asm" || { rc=1; continue; }
    fi
    out=$work/$name.txt
    cat > "$work/bochsrc" <<RC
megs: 32
romimage: file=$rom, address=0xffff0000
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
cpu: model=$CPU
log: $work/bochs.log
plugin_ctrl: speaker=0, sb16=0, es1370=0, serial=0, parallel=0, e1000=0, ne2k=0
RC
    # the Debian build stops in its debugger first: "c" continues
    echo c > "$work/cmd"
    : > "$work/raw.txt"
    timeout "$TMO" "$BOCHS" -q -f "$work/bochsrc" < "$work/cmd" > "$work/raw.txt" 2>/dev/null &
    pid=$!                      # timeout's pid: it passes a TERM on to Bochs
    while kill -0 "$pid" 2>/dev/null; do
        if grep -qE '^(PASS|FAIL.*)$' "$work/raw.txt" 2>/dev/null; then
            kill "$pid" 2>/dev/null
            break
        fi
        sleep 0.1
    done
    wait "$pid" 2>/dev/null
    # keep only the ROM's lines (drop the debugger banner)
    sed -n '/^<bochs:1> c$/,$p' "$work/raw.txt" | sed '1d' | grep -v '^(0)\|^Next at\|^bx_dbg\|^<bochs' > "$out"
    last=$(grep -E '^(PASS|FAIL.*)$' "$out" | tail -n 1)
    if [ "$verbose" = 1 ]; then sed 's/^/    /' "$out"; fi
    if [ "$last" = "PASS" ]; then
        echo "PASS  $name"
    else
        [ -n "$last" ] || last="(no PASS/FAIL line)"
        echo "FAIL  $name: $last"
        rc=1
    fi
done
exit $rc
