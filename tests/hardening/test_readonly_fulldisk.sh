# Read-only and full file systems: with /etc/binfmtd.d read-only, with
# /run/binfmtd.d read-only, and with /etc/binfmtd.d on a full 64 KiB tmpfs, every Register and
# Unregister that would write there fails with org.binfmtd1.Error.ReadOnly and a message naming
# the file and the reason, and changes nothing: not the kernel's table, not a byte of the
# configuration, no temporary file left behind. Once there is room again, it works.
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

ETC=$ROOT/etc/binfmtd.d
RUN=$ROOT/run/binfmtd.d
RO=org.binfmtd1.Error.ReadOnly
start_daemon
stub_interpreter "$T/bin/a"
stub_interpreter "$T/bin/b"
expect_ok "a persistent Register" register keep extension:s=keep "interpreter:s=$T/bin/a" --option persist:b=true
expect_ok "a runtime Register" register rt extension:s=rt "interpreter:s=$T/bin/a"

snapshot_all() { { dump_table; definition_files; cat "$ETC"/* "$RUN"/* 2>/dev/null; } >"$T/snapshot.$1"; }
assert_nothing_changed() {
  snapshot_all after
  cmp -s "$T/snapshot.before" "$T/snapshot.after" \
    || fail "$1 changed something:"$'\n'"$(diff "$T/snapshot.before" "$T/snapshot.after" || true)"
}
expect_readonly() { # WHAT NEEDLE PROBE-ARGS...
  local what=$1 needle=$2
  shift 2
  expect_error $RO "$what" "$@"
  assert_contains "$PROBE_OUT" "$needle" "the message of $what"
  assert_nothing_changed "$what"
}

# ---- /etc/binfmtd.d read-only --------------------------------------------------------------
mount --bind "$ETC" "$ETC"
mount -o remount,bind,ro "$ETC"
snapshot_all before
expect_readonly "persist a new entry into a read-only /etc" "Read-only file system" \
  register new extension:s=new "interpreter:s=$T/bin/a" --option persist:b=true
expect_readonly "persist a replacement into a read-only /etc" "$ETC/keep.toml" \
  register keep extension:s=keep "interpreter:s=$T/bin/b" --option persist:b=true --option replace:b=true
expect_readonly "persistently unregister from a read-only /etc" "Read-only file system" \
  unregister keep --option persist:b=true
assert_registered keep
umount "$ETC"

# ---- /run/binfmtd.d read-only ---------------------------------------------------------------
mount --bind "$RUN" "$RUN"
mount -o remount,bind,ro "$RUN"
snapshot_all before
expect_readonly "a runtime Register into a read-only /run" "$RUN/new.toml" \
  register new extension:s=new "interpreter:s=$T/bin/a"
expect_readonly "replace a runtime entry in a read-only /run" "Read-only file system" \
  register rt extension:s=rt "interpreter:s=$T/bin/b" --option replace:b=true
expect_readonly "unregister a runtime entry in a read-only /run" "Read-only file system" unregister rt
assert_registered rt
umount "$RUN"

# ---- /etc/binfmtd.d on a full disk -----------------------------------------------------------
# Prepared aside, then bound over /etc/binfmtd.d with the same files: binfmtd sees no change.
mkdir "$T/full"
mount -t tmpfs -o size=64k,mode=0755 binfmtd-full "$T/full"
cp -a "$ETC/." "$T/full/"
dd if=/dev/zero of="$T/full/.filler" bs=4k status=none 2>/dev/null || true # until ENOSPC
mount --bind "$T/full" "$ETC"
[ "$(df --output=avail -k "$ETC" | tail -n1 | tr -d ' ')" = 0 ] || fail "the 64 KiB tmpfs is not full: $(df -k "$ETC")"
snapshot_all before
expect_readonly "persist a new entry onto a full disk" "No space left on device" \
  register new extension:s=new "interpreter:s=$T/bin/a" --option persist:b=true
expect_readonly "persist a replacement onto a full disk" "$ETC/keep.toml" \
  register keep extension:s=keep "interpreter:s=$T/bin/b" --option persist:b=true --option replace:b=true
assert_eq "$T/bin/a" "$(kfield keep interpreter)" "the kernel's interpreter of keep after a failed replace"
[ -z "$(find "$ETC" -name '.*.??????')" ] || fail "a failed write left a temporary file: $(ls -A "$ETC")"
# Room again: the same calls work.
rm "$ETC/.filler"
expect_ok "persist a new entry once there is room" register new extension:s=new "interpreter:s=$T/bin/a" --option persist:b=true
assert_registered new
expect_ok "persist a replacement once there is room" \
  register keep extension:s=keep "interpreter:s=$T/bin/b" --option persist:b=true --option replace:b=true
assert_eq "$T/bin/b" "$(kfield keep interpreter)" "the kernel's interpreter of keep after the replace"
stop_daemon
umount "$ETC"
umount "$T/full"
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd after SIGTERM"
