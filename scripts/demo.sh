#!/usr/bin/env bash
# The demo behind `scripts/dev demo`: binfmtd with the shipped example config on a
# private binfmt_misc instance (a user namespace of its own; the host's table is
# never touched) and a private system-like bus, binfmtctl asking it, then a
# foreign-architecture binary run through qemu.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)

if [ "${BINFMTD_DEMO_INSIDE:-}" != 1 ]; then
  exec env BINFMTD_DEMO_INSIDE=1 unshare --user --map-root-user --mount "$0" "$build"
fi

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

work=$(mktemp -d)
daemon_pid='' bus_pid=''
cleanup() {
  [ -z "$daemon_pid" ] || { kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true; }
  [ -z "$bus_pid" ] || kill "$bus_pid" 2>/dev/null || true
  umount -l "$work/binfmt_misc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/binfmt_misc" "$work/root/etc/binfmtd.d"
mount -t binfmt_misc binfmt_misc "$work/binfmt_misc"
cp "$top"/conf.d/*.toml "$work/root/etc/binfmtd.d/"

# A tiny static aarch64 program, assembled here from source.
aarch64-linux-gnu-as -o "$work/hello.o" "$top/tests/integration/hello-aarch64.S"
aarch64-linux-gnu-ld -static -o "$work/hello-aarch64" "$work/hello.o"

echo "A private binfmt_misc instance at $work/binfmt_misc, empty:"
ls "$work/binfmt_misc"

# A private bus with the project's own D-Bus policy, as the integration tests use.
sed -e "s|@SOCKET@|$work/bus.socket|" -e "s|@POLICY@|$top/systemd-units/org.binfmtd1.conf|" \
  "$top/tests/integration/system-bus.conf.in" >"$work/bus.conf"
bus_pid=$(dbus-daemon --config-file="$work/bus.conf" --fork --print-pid=1)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/bus.socket"

say "binfmtd --root $work/root --binfmt-dir $work/binfmt_misc &"
"$build/daemon/binfmtd" --root "$work/root" --binfmt-dir "$work/binfmt_misc" 2>"$work/binfmtd.log" &
daemon_pid=$!
for _ in $(seq 100); do  # until it owns its name (at most 10 s)
  "$build/client/binfmtctl" status >/dev/null 2>&1 && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/binfmtd.log"; exit 1; }
  sleep 0.1
done
cat "$work/binfmtd.log"

say "binfmtctl list"
"$build/client/binfmtctl" list

say "cat $work/binfmt_misc/qemu-aarch64"
cat "$work/binfmt_misc/qemu-aarch64"

say "binfmtctl which hello-aarch64"
"$build/client/binfmtctl" which "$work/hello-aarch64"

say "./hello-aarch64"
"$work/hello-aarch64"

say "echo -1 > $work/binfmt_misc/qemu-aarch64   # someone removes it; binfmtd puts it back"
echo -1 >"$work/binfmt_misc/qemu-aarch64"
for _ in $(seq 100); do [ -e "$work/binfmt_misc/qemu-aarch64" ] && break; sleep 0.05; done
"$work/hello-aarch64"
