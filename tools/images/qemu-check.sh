#!/bin/sh
# Boots the images that `npm run images` builds on QEMU and checks them from the serial
# console (tools/images/qemu-check.mjs). QEMU is not on CI, so this is not part of npm test.
#   sh tools/images/qemu-check.sh [kernel] [hd] [cd] [--verbose]
set -e
cd "$(dirname "$0")/../.."
command -v qemu-system-i386 >/dev/null || { echo "qemu-system-i386 not found (apt-get install qemu-system-x86)" >&2; exit 2; }
node tools/images/build.mjs
exec timeout 900 node tools/images/qemu-check.mjs "$@"
