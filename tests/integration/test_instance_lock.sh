# One binfmtd per binfmt_misc instance: a running binfmtd holds the instance's lock, and a
# second one (--once or not, with the same or another --root, through a bind mount of the same
# instance, or started before binfmt_misc was mounted) exits 4 and writes nothing: neither the
# kernel's table nor its state file. Another instance (a nested user namespace's own) is free.

stub_interpreter "$T/bin/stub"
printf '[locked]\nextension = "lk"\ninterpreter = "%s"\n' "$T/bin/stub" | conf locked.toml
OTHER=$T/other-root # a second --root, defining an entry of its own
mkdir -p "$OTHER/etc/binfmtd.d"
printf '[intruder]\nextension = "in"\ninterpreter = "%s"\n' "$T/bin/stub" >"$OTHER/etc/binfmtd.d/intruder.toml"

start_daemon
in_kernel locked || fail "the running binfmtd did not register its entry"
table=$(dump_table)
state=$(<"$STATE_FILE")

# expect_held WHAT ARGS...: a binfmtd --once with ARGS exits 4, naming the holder; nothing changed.
expect_held() {
  local what=$1 holder=$2
  shift 2
  rc=0
  out=$("$BINFMTD" --once "$@" 2>&1) || rc=$?
  assert_eq 4 "$rc" "exit code of binfmtd --once ($what)"
  assert_contains "$out" "another binfmtd (PID $holder) manages the binfmt_misc instance" "binfmtd --once ($what)"
  assert_contains "$out" "exiting without changing anything" "binfmtd --once ($what)"
  assert_eq "$table" "$(dump_table)" "the kernel's table after binfmtd --once ($what)"
  assert_eq "$state" "$(<"$STATE_FILE")" "the running binfmtd's state file after binfmtd --once ($what)"
  [ ! -e "$OTHER/run" ] || fail "binfmtd --once ($what) wrote under $OTHER: $(find "$OTHER/run")"
}
expect_held "same --root" "$DAEMON_PID" --root "$ROOT" --binfmt-dir "$BINFMT"
expect_held "another --root" "$DAEMON_PID" --root "$OTHER" --binfmt-dir "$BINFMT"
mkdir -p "$T/bind"
mount --bind "$BINFMT" "$T/bind"
expect_held "a bind mount of the instance" "$DAEMON_PID" --root "$OTHER" --binfmt-dir "$T/bind"

# A second long-running binfmtd: the same, before it touches the bus.
rc=0
"$BINFMTD" --root "$OTHER" --binfmt-dir "$T/bind" 2>"$T/second.log" || rc=$?
assert_eq 4 "$rc" "exit code of a second running binfmtd"
assert_contains "$(<"$T/second.log")" "another binfmtd (PID $DAEMON_PID)" "the second binfmtd's log"
assert_eq "$table" "$(dump_table)" "the kernel's table after a second running binfmtd"
assert_eq "$DAEMON_PID" "$(name_owner_pid)" "the owner of org.binfmtd1 after a second binfmtd"

# Another instance: a nested user namespace mounts its own binfmt_misc; no conflict there, and
# nothing written to this one.
mkdir -p "$T/inner"
rc=0
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(unshare --user --map-root-user --mount bash -c '
  mount -t binfmt_misc binfmt_misc "$1" || exit 99
  "$2" --once --root "$3" --binfmt-dir "$1" || exit
  cat "$1/intruder" >/dev/null || exit 98' inner "$T/inner" "$BINFMTD" "$OTHER" 2>&1) || rc=$?
assert_eq 0 "$rc" "binfmtd --once on a nested user namespace's own instance (output: $out)"
assert_eq "$table" "$(dump_table)" "this instance's table after binfmtd ran on another one"
rm -rf "$OTHER/run"

# No binfmtd running: --once takes the lock itself.
stop_daemon
expect_binfmtd 0

# Anyone may open the directory: a user who locks it keeps no binfmtd out. binfmtd then locks
# the instance's `register` (only root opens it), so a second binfmtd is still kept out.
let_user_in
mkdir -p "$T/user" && chown "$NOBODY" "$T/user"
background "${AS_USER[@]}" /usr/bin/python3 -c '
import fcntl, os, signal, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
try:
    os.open(sys.argv[1] + "/register", os.O_WRONLY)
    sys.exit("a user opened register for writing")
except PermissionError:
    pass
with open(sys.argv[2], "w") as f:
    f.write("locked\n")
signal.pause()' "$BINFMT" "$T/user/lock.out"
user_locker=${BACKGROUND[-1]}
wait_for 10 "the user did not lock the directory" grep -q locked "$T/user/lock.out"
expect_binfmtd 0
assert_log "PID $user_locker) holds the lock of the binfmt_misc instance"
start_daemon
table=$(dump_table)
state=$(<"$STATE_FILE")
expect_held "a second one while a user holds the directory" "$DAEMON_PID" --root "$ROOT" --binfmt-dir "$BINFMT"
# The user gone, the running binfmtd takes the directory at its next reconcile; still alone.
kill "$user_locker"
wait "$user_locker" 2>/dev/null || true
expect_ctl 0 reload
state=$(<"$STATE_FILE")
expect_held "a second one after the user let go" "$DAEMON_PID" --root "$ROOT" --binfmt-dir "$BINFMT"
stop_daemon

# A lock another root process holds (flock(2) on `register`, as a binfmtd does) stops it.
mkfifo "$T/locked.fifo"
background /usr/bin/python3 -c '
import fcntl, os, signal, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
with open(sys.argv[2], "w") as f:
    f.write("held\n")
signal.pause()' "$BINFMT" "$T/locked.fifo"
holder=${BACKGROUND[-1]}
read -r held <"$T/locked.fifo"
assert_eq held "$held" "the lock holder on $BINFMT"
table=$(dump_table)
state=$(<"$STATE_FILE")
expect_held "another process holds it" "$holder" --root "$ROOT" --binfmt-dir "$BINFMT"

# A binfmtd that starts before binfmt_misc is mounted waits; when the instance it finds is
# held, it exits 4 before writing anything.
mkdir -p "$T/later"
DAEMON_RUNS=$((DAEMON_RUNS + 1))
DAEMON_LOG=$T/binfmtd-daemon.$DAEMON_RUNS.log
"$BINFMTD" --root "$OTHER" --binfmt-dir "$T/later" 2>"$DAEMON_LOG" &
DAEMON_PID=$!
wait_for 10 "binfmtd did not take org.binfmtd1 with binfmt_misc not mounted" daemon_serves
mount --bind "$BINFMT" "$T/later"
DAEMON_RC=0
wait "$DAEMON_PID" || DAEMON_RC=$?
DAEMON_PID=''
assert_eq 4 "$DAEMON_RC" "exit code of binfmtd when the instance mounted later is held"
assert_contains "$(daemon_log)" "another binfmtd (PID $holder)" "its log"
assert_eq "$table" "$(dump_table)" "the kernel's table after binfmtd found the mounted instance held"

# The holder gone, the lock is free again.
kill "$holder"
wait "$holder" 2>/dev/null || true
expect_binfmtd 0
