#!/usr/bin/env python3
"""Show that every check in a ROM can fail.

For each CHECK / CHECKM / EXPECT line of tools/roms/<name>.asm this builds a
mutant whose expected value is wrong (value+1, a flipped bit of the mask, an
error code +8, an EIP +1, a vector +1), runs it, and reports every mutant that
still prints PASS (a check that is never reached or cannot fail).

  tools/roms/mutation-check.py [name ...]          QEMU, default build
  tools/roms/mutation-check.py --hw [name ...]     Bochs, -DHW_ONLY build, only
                                                   the lines inside HW_ONLY blocks
Checks whose expected value is a register are skipped.
"""
import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REGS = set('eax ebx ecx edx esi edi ebp esp ax bx cx dx si di bp sp'.split())


def split_args(s):
    out, depth, cur, quote = [], 0, '', None
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            continue
        if ch in '"\'':
            quote = ch
        elif ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        elif ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
            continue
        cur += ch
    out.append(cur.strip())
    return out


def number(x):
    try:
        return int(x, 0)
    except ValueError:
        return None


def mutants(line):
    m = re.match(r'^(\s*(?:[.\w]+:)?\s*)(CHECKM|CHECK|EXPECT)\s+(.*?)(\s*;.*)?$', line)
    if not m:
        return []
    pre, mac, args = m.group(1), m.group(2), split_args(m.group(3))
    res = []

    def mk(i, val):
        a = list(args)
        a[i] = val
        res.append(f'{pre}{mac} ' + ', '.join(a) + '\n')

    if mac == 'CHECK':
        if args[1].lower() not in REGS:
            mk(1, f'({args[1]})+1')
    elif mac == 'CHECKM':
        mask, exp = number(args[1]), number(args[2])
        if mask is not None and exp is not None and mask:
            mk(2, hex(exp ^ (mask & -mask)))
        else:
            mk(2, f'({args[2]})+1')
    else:
        mk(0, f'({args[0]})+1')
        if args[1] != '-1':
            mk(1, f'({args[1]})+8')
        if args[2] != '-1':
            mk(2, f'({args[2]})+1')
    return res


def run_qemu(rom, out):
    p = subprocess.Popen(['qemu-system-i386', '-accel', 'tcg', '-bios', rom, '-m', '32',
                          '-display', 'none', '-nodefaults', '-no-reboot',
                          '-debugcon', 'file:' + out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while time.time() - t0 < 10 and p.poll() is None:
        if os.path.exists(out) and re.search(r'^(PASS|FAIL.*)\n', open(out).read(), re.M):
            break
        time.sleep(0.03)
    p.kill()
    p.wait()
    return open(out).read() if os.path.exists(out) else ''


def run_bochs(rom, work):
    r = subprocess.run([os.path.join(HERE, 'bochs-check.sh'), '-v', rom],
                       capture_output=True, text=True)
    return r.stdout


def try_mutant(name, lines, i, newline, hw, tmpdir):
    work = tempfile.mkdtemp(dir=tmpdir)
    src = os.path.join(work, name + '.asm')
    mutated = list(lines)
    mutated[i] = newline
    open(src, 'w').write(''.join(mutated))
    rom = os.path.join(work, 'rom.bin')
    cmd = ['nasm', '-f', 'bin', '-I', HERE + '/', '-o', rom, src]
    if hw:
        cmd.insert(3, '-DHW_ONLY')
    b = subprocess.run(cmd, capture_output=True, text=True)
    if b.returncode:
        return 'BUILD-ERROR', (b.stderr.strip().splitlines() or [''])[0]
    txt = run_bochs(rom, work) if hw else run_qemu(rom, os.path.join(work, 'out.txt'))
    finals = [l.strip() for l in txt.splitlines() if re.match(r'^\s*(PASS|FAIL)', l)]
    last = finals[-1] if finals else '(no PASS/FAIL line)'
    return ('survived' if last.endswith('PASS') else 'killed'), last


def main():
    args = sys.argv[1:]
    hw = '--hw' in args
    names = [a for a in args if a != '--hw'] or sorted(
        f[:-4] for f in os.listdir(HERE) if f.endswith('.asm'))
    tmpdir = tempfile.mkdtemp()
    total_bad = 0
    try:
        for name in names:
            lines = open(os.path.join(HERE, name + '.asm')).readlines()
            jobs, in_hw = [], False
            for i, l in enumerate(lines):
                if l.startswith('%ifdef HW_ONLY'):
                    in_hw = True
                elif in_hw and l.startswith('%endif'):
                    in_hw = False
                elif in_hw == hw:
                    jobs += [(i, nl) for nl in mutants(l)]
            if not jobs:
                continue
            bad = 0
            with cf.ThreadPoolExecutor(1 if hw else 4) as ex:
                futs = [(i, nl, ex.submit(try_mutant, name, lines, i, nl, hw, tmpdir))
                        for i, nl in jobs]
                for i, nl, f in futs:
                    st, last = f.result()
                    if st != 'killed':
                        bad += 1
                        print(f'{name}.asm:{i + 1}: {st}: {nl.strip()} -> {last}')
            print(f'{name}: {len(jobs)} mutants, {len(jobs) - bad} killed, {bad} not killed')
            total_bad += bad
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    sys.exit(1 if total_bad else 0)


if __name__ == '__main__':
    main()
