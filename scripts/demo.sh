#!/usr/bin/env bash
# The demo behind `scripts/dev demo`: binfmtd with the shipped example config on a
# private binfmt_misc instance (a user namespace of its own; the host's table is
# never touched), then a foreign-architecture binary run through qemu.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)

if [ "${BINFMTD_DEMO_INSIDE:-}" != 1 ]; then
  exec env BINFMTD_DEMO_INSIDE=1 unshare --user --map-root-user --mount "$0" "$build"
fi

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

work=$(mktemp -d)
trap 'umount "$work/binfmt_misc" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/binfmt_misc" "$work/root/etc/binfmtd.d"
mount -t binfmt_misc binfmt_misc "$work/binfmt_misc"
cp "$top"/conf.d/*.toml "$work/root/etc/binfmtd.d/"

# A tiny static aarch64 program, assembled here from source.
aarch64-linux-gnu-as -o "$work/hello.o" "$top/tests/integration/hello-aarch64.S"
aarch64-linux-gnu-ld -static -o "$work/hello-aarch64" "$work/hello.o"

echo "A private binfmt_misc instance at $work/binfmt_misc, empty:"
ls "$work/binfmt_misc"

say "binfmtd --once --root $work/root --binfmt-dir $work/binfmt_misc"
"$build/daemon/binfmtd" --once --root "$work/root" --binfmt-dir "$work/binfmt_misc"

say "ls $work/binfmt_misc"
ls "$work/binfmt_misc"
say "cat $work/binfmt_misc/qemu-aarch64"
cat "$work/binfmt_misc/qemu-aarch64"

say "file hello-aarch64 && ./hello-aarch64"
head -c 20 "$work/hello-aarch64" | od -An -tx1
"$work/hello-aarch64"

say "binfmtd --once ...   # again: nothing to change"
"$build/daemon/binfmtd" --once --root "$work/root" --binfmt-dir "$work/binfmt_misc" 2>&1 | tail -n 1
