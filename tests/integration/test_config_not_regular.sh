# Configuration files that are not regular files (a FIFO, a directory, a device) are refused
# with an error that names them, and nothing blocks on them: `binfmtd --once`, the running
# daemon (its D-Bus answers, its restore after a flush), `binfmtctl validate` and
# `binfmtctl register --file` all go on. A FIFO used to block each of them forever.

stub_interpreter "$T/bin/stub"
printf '[good]\nextension = "good"\ninterpreter = "%s"\n' "$T/bin/stub" | conf good.toml
mkfifo "$ROOT/etc/binfmtd.d/fifo.toml"
mkdir -p "$ROOT/usr/lib/binfmtd.d/dir.toml" "$ROOT/run/binfmtd.d"
ln -s /dev/zero "$ROOT/run/binfmtd.d/zero.toml"

# A hang shows as timeout's exit code 124, not as the expected 1.
WRAP=(timeout 20)
expect_binfmtd 1
assert_registered good
assert_log "<3>$ROOT/etc/binfmtd.d/fifo.toml: is a FIFO, not a regular file, ignoring"
assert_log "<3>$ROOT/usr/lib/binfmtd.d/dir.toml: is a directory, not a regular file, ignoring"
assert_log "<3>$ROOT/run/binfmtd.d/zero.toml: is a character device, not a regular file, ignoring"
# shellcheck disable=SC2034 # WRAP: read by lib.sh's run_binfmtd
WRAP=()

vrc=0
verr=$(timeout 20 "$BINFMTCTL" validate --root "$ROOT" 2>&1 >/dev/null) || vrc=$?
assert_eq 1 "$vrc" "exit code of binfmtctl validate (the standard directories)"
assert_contains "$verr" "fifo.toml: error: is a FIFO, not a regular file" "binfmtctl validate"
vrc=0
verr=$(timeout 20 "$BINFMTCTL" validate "$ROOT/etc/binfmtd.d/fifo.toml" 2>&1 >/dev/null) || vrc=$?
assert_eq 1 "$vrc" "exit code of binfmtctl validate FIFO"
rrc=0
rerr=$(timeout 20 "$BINFMTCTL" register --file "$ROOT/etc/binfmtd.d/fifo.toml" 2>&1) || rrc=$?
assert_eq 1 "$rrc" "exit code of binfmtctl register --file FIFO"
assert_contains "$rerr" "is a FIFO, not a regular file" "binfmtctl register --file FIFO"

# The running daemon: a FIFO appears, then the table is flushed; binfmtd answers and restores.
rm "$ROOT/etc/binfmtd.d/fifo.toml"
start_daemon --debounce-ms 50
wait_for 10 "good is not registered" in_kernel good
mkfifo "$ROOT/etc/binfmtd.d/late.toml"
logged_late() { grep -q "late.toml: is a FIFO" "$DAEMON_LOG"; }
wait_for 10 "the new FIFO was not reported" logged_late
echo -1 >"$BINFMT/status"
wait_for 10 "good was not restored after a flush with a FIFO in the configuration" in_kernel good
manager List
assert_contains "$BUS_OUT" "good" "List while a FIFO is in the configuration"
