# Helpers for the integration scenarios, sourced by sandbox.sh inside the sandbox
# (where BINFMTD, BINFMTCTL, T, BINFMT and ROOT are set).

LOG=''      # stderr of the last binfmtd run
RC=0        # its exit code
RUNS=0      # how many runs so far (their logs are $T/binfmtd.N.log)
WRAP=()     # command prefix for the next runs, e.g. (strace -o FILE)
OUT=''      # output (stdout + stderr) of the last run_file
ERC=0       # its exit code

# ---- failing ---------------------------------------------------------------------------
dump_table() {
  local f
  for f in "$BINFMT"/*; do
    [ "${f##*/}" = register ] && continue
    printf '[%s]\n%s\n' "${f##*/}" "$(<"$f")"
  done
}

fail() {
  trap - ERR
  if [ "$BASH_SUBSHELL" -gt 0 ]; then # in $(...) or a pipeline: make the test itself fail
    printf '\nFAIL: %s\n' "$*" >&2
    kill -USR1 $$
    exit 1
  fi
  printf '\nFAIL: %s\n' "$*"
  if [ "$RUNS" -gt 0 ]; then printf -- '--- log of binfmtd run %d (exit %d) ---\n%s\n' "$RUNS" "$RC" "$LOG"; fi
  if [ "$DAEMON_RUNS" -gt 0 ]; then
    printf -- '--- log of binfmtd (no --once), start %d (%s) ---\n%s\n' "$DAEMON_RUNS" \
      "$(if [ -n "$DAEMON_PID" ]; then echo "running, PID $DAEMON_PID"; else echo "exit $DAEMON_RC"; fi)" "$(<"$DAEMON_LOG")"
  fi
  printf -- '--- binfmt_misc table now ---\n'
  dump_table
  exit 1
}

# ---- assertions ------------------------------------------------------------------------
assert_eq() { # EXPECTED ACTUAL WHAT
  [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"
}
assert_contains() { # HAYSTACK NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in:"$'\n'"$1"
}
assert_not_contains() { # HAYSTACK NEEDLE WHAT
  [[ "$1" != *"$2"* ]] || fail "$3: [$2] unexpectedly found in:"$'\n'"$1"
}
assert_log() { assert_contains "$LOG" "$1" "binfmtd log"; }
assert_not_log() { assert_not_contains "$LOG" "$1" "binfmtd log"; }

# ---- binfmtd ---------------------------------------------------------------------------
# run_binfmtd [ARGS...]: one `binfmtd --once` on the sandbox; sets LOG and RC, never fails.
run_binfmtd() {
  RUNS=$((RUNS + 1))
  RC=0
  "${WRAP[@]}" "$BINFMTD" --once --root "$ROOT" --binfmt-dir "$BINFMT" "$@" 2>"$T/binfmtd.$RUNS.log" || RC=$?
  LOG=$(<"$T/binfmtd.$RUNS.log")
  printf -- '--- binfmtd run %d: exit %d ---\n%s\n' "$RUNS" "$RC" "$LOG"
}
# expect_binfmtd RC [ARGS...]: run_binfmtd and check its exit code.
expect_binfmtd() {
  local want=$1
  shift
  run_binfmtd "$@"
  assert_eq "$want" "$RC" "exit code of binfmtd (run $RUNS)"
}

# ---- configuration ---------------------------------------------------------------------
# conf FILE < TOML: writes $ROOT/etc/binfmtd.d/FILE, or $ROOT/FILE when FILE has a slash.
conf() {
  local f=$ROOT/etc/binfmtd.d/$1
  [[ "$1" == */* ]] && f=$ROOT/$1
  mkdir -p "${f%/*}"
  cat >"$f"
  chmod 0644 "$f"
}

# stub_interpreter PATH [MODE]: a shell script interpreter that says how it was called.
stub_interpreter() {
  mkdir -p "${1%/*}"
  printf '#!/bin/sh\necho "stub %s: $*"\n' "${1##*/}" >"$1"
  chmod "${2:-0755}" "$1"
}

# ---- the kernel's table ----------------------------------------------------------------
# kfield NAME KEY: one field of the kernel's entry file (interpreter, flags, offset, magic,
# mask, extension); `state` gives its first line (enabled/disabled).
kfield() {
  [ -e "$BINFMT/$1" ] || fail "kernel has no entry $1"
  if [ "$2" = state ]; then head -n1 "$BINFMT/$1"; return; fi
  sed -n "s/^$2:\{0,1\} //p" "$BINFMT/$1"
}
assert_registered() {
  [ -e "$BINFMT/$1" ] || fail "$1 is not registered in the kernel"
  assert_eq enabled "$(kfield "$1" state)" "kernel state of $1"
}
assert_not_registered() { [ ! -e "$BINFMT/$1" ] || fail "$1 is registered in the kernel but must not be"; }
# shellcheck disable=SC2012 # binfmt_misc names, in the order ls sorts them
kernel_names() { ls "$BINFMT" | { grep -vx -e register -e status || true; } | tr '\n' ' '; }

# snapshot NAME: the entry file's bytes, to compare before/after.
snapshot() { cat "$BINFMT/$1"; }

# register_by_hand ':name:type:offset:magic:mask:interpreter:flags'
register_by_hand() { printf '%s' "$1" >"$BINFMT/register" || fail "the kernel refused $1"; }

# hex_of 'kernel-escaped string': its bytes in lowercase hex, as the kernel shows magic/mask.
hex_of() { printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# ---- ownership -------------------------------------------------------------------------
STATE_FILE=$ROOT/run/binfmtd/state.json # binfmtd's memory of what it registered
owned_names() { # the names binfmtd owns, sorted, space-separated
  [ -f "$STATE_FILE" ] || fail "binfmtd left no state file $STATE_FILE"
  /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["owned"])))' "$STATE_FILE"
}
assert_owned() { [[ " $(owned_names) " == *" $1 "* ]] || fail "$1 is not owned in $STATE_FILE: $(owned_names)"; }
assert_not_owned() { [[ " $(owned_names) " != *" $1 "* ]] || fail "$1 is still owned in $STATE_FILE: $(owned_names)"; }

# ---- executing files -------------------------------------------------------------------
# run_file FILE [ARGS...]: executes FILE directly (the kernel picks the handler); sets OUT, ERC.
run_file() {
  ERC=0
  OUT=$("$@" 2>&1) || ERC=$?
}
# assert_not_executable FILE: execve(FILE) fails with ENOEXEC: the kernel has no handler for
# it (a plain execve: shells fall back to running unknown files as scripts).
assert_not_executable() {
  run_file /usr/bin/python3 -c '
import os, sys
try:
    os.execv(sys.argv[1], sys.argv[1:])
except OSError as e:
    print(e.strerror)
    sys.exit(100 + e.errno)' "$1"
  assert_eq 108 "$ERC" "execve($1) without a handler must fail with ENOEXEC (8) + 100 (output: $OUT)"
  assert_eq "Exec format error" "$OUT" "execve($1) without a handler"
}

# ---- the private system bus and the long-running binfmtd --------------------------------
# start_bus starts a dbus-daemon with system-bus semantics (system-bus.conf.in + the shipped
# systemd-units/org.binfmtd1.conf + any policy a test put in $T/bus/policy.d first) and points
# DBUS_SYSTEM_BUS_ADDRESS at it; start_daemon
# runs `binfmtd` (no --once) on it. Everything started here is stopped when the test ends
# (stop_started, the EXIT trap of sandbox.sh): by PID, never by name.
BUS_PID=''        # the private dbus-daemon
DAEMON_PID=''     # the running binfmtd
DAEMON_RC=''      # exit code of the last binfmtd that stop_daemon stopped
DAEMON_LOG=''     # its stderr
DAEMON_RUNS=0
BACKGROUND=()     # other PIDs a test started with `background`
CTL_OUT='' CTL_ERR='' CTL_RC=0 # the last `ctl`
BUS_OUT='' BUS_ERR='' BUS_RC=0 # the last `bus_call`
NOBODY=1000       # a non-root uid that exists in the sandbox (sandbox.sh maps 0-65535)

# deadline SECONDS COMMAND...: runs COMMAND until it succeeds; 1 when SECONDS pass first.
deadline() {
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.02
  done
}

start_bus() {
  local dir=$T/bus tool
  for tool in dbus-daemon:dbus-daemon dbus-monitor:dbus-bin busctl:systemd setpriv:util-linux; do
    command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} is missing: install ${tool#*:}"
  done
  mkdir -p "$dir" "$dir/policy.d"
  sed -e "s|@SOCKET@|$dir/system_bus_socket|" \
      -e "s|@POLICY@|$BINFMTD_SOURCE_DIR/systemd-units/org.binfmtd1.conf|" \
      -e "s|@EXTRA@|$dir/policy.d|" \
      "$BINFMTD_IT_DIR/system-bus.conf.in" >"$dir/system-bus.conf"
  # --fork returns once the bus listens; it prints the address and the forked daemon's PID.
  dbus-daemon --config-file="$dir/system-bus.conf" --fork --print-address=3 --print-pid=4 \
    3>"$dir/address" 4>"$dir/pid" 2>"$dir/dbus-daemon.log" \
    || fail "cannot start a private dbus-daemon: $(<"$dir/dbus-daemon.log")"
  BUS_PID=$(<"$dir/pid")
  DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$dir/address")
  export DBUS_SYSTEM_BUS_ADDRESS
  busctl --system list >/dev/null || fail "the private bus at $DBUS_SYSTEM_BUS_ADDRESS does not answer"
}

# name_owner_pid: the PID owning org.binfmtd1 on the bus, or nothing.
name_owner_pid() { busctl --system status org.binfmtd1 2>/dev/null | sed -n 's/^PID=//p'; }
daemon_serves() {
  if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
    DAEMON_RC=0
    wait "$DAEMON_PID" || DAEMON_RC=$?
    DAEMON_PID=''
    fail "binfmtd died while starting"
  fi
  [ "$(name_owner_pid)" = "$DAEMON_PID" ]
}
# start_daemon [ARGS...]: runs binfmtd in the background on the sandbox and the private bus,
# and waits until it owns org.binfmtd1.
start_daemon() {
  [ -n "$BUS_PID" ] || start_bus
  [ -z "$DAEMON_PID" ] || fail "start_daemon: binfmtd (PID $DAEMON_PID) is still running"
  DAEMON_RUNS=$((DAEMON_RUNS + 1))
  DAEMON_LOG=$T/binfmtd-daemon.$DAEMON_RUNS.log
  "$BINFMTD" --root "$ROOT" --binfmt-dir "$BINFMT" "$@" 2>"$DAEMON_LOG" &
  DAEMON_PID=$!
  deadline 10 daemon_serves || fail "binfmtd (PID $DAEMON_PID) did not take org.binfmtd1 within 10 s"
}
name_released() { [ -z "$(name_owner_pid)" ]; }
# stop_daemon [SIGNAL]: stops binfmtd (SIGTERM by default), sets DAEMON_RC, and waits until
# the bus has noticed that org.binfmtd1 is gone.
stop_daemon() {
  [ -n "$DAEMON_PID" ] || fail "stop_daemon: binfmtd is not running"
  kill -s "${1:-TERM}" "$DAEMON_PID"
  DAEMON_RC=0
  wait "$DAEMON_PID" || DAEMON_RC=$?
  DAEMON_PID=''
  deadline 10 name_released || fail "org.binfmtd1 still has an owner after binfmtd exited"
}
daemon_log() { cat "$DAEMON_LOG"; }

# background COMMAND...: starts COMMAND (a program, not a function: its own PID is the one
# kept) in the background; it is stopped when the test ends.
background() {
  "$@" &
  BACKGROUND+=("$!")
}

stop_started() {
  local pid end
  for pid in "${BACKGROUND[@]}" $DAEMON_PID; do
    if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  done
  if [ -n "$BUS_PID" ] && kill "$BUS_PID" 2>/dev/null; then
    end=$((SECONDS + 5))
    while kill -0 "$BUS_PID" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.02; done
  fi
  return 0
}

# as_user COMMAND...: runs COMMAND as the non-root uid $NOBODY, without supplementary groups.
AS_USER=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups) # the same, for `background`
as_user() { "${AS_USER[@]}" "$@"; }
# let_user_in: lets $NOBODY reach the bus socket and test files under $T (0700 otherwise).
let_user_in() { chmod 0711 "$T"; }
AS=()             # prefix for ctl and bus_call: AS=(as_user) to call as $NOBODY, AS=() for root

# ctl [ARGS...]: binfmtctl on the private bus; sets CTL_OUT, CTL_ERR, CTL_RC, never fails.
# Stdin is not a terminal, so binfmtctl never asks polkit to be interactive.
ctl() {
  CTL_RC=0
  "${AS[@]}" "$BINFMTCTL" "$@" </dev/null >"$T/ctl.out" 2>"$T/ctl.err" || CTL_RC=$?
  CTL_OUT=$(<"$T/ctl.out")
  CTL_ERR=$(<"$T/ctl.err")
}
# expect_ctl RC [ARGS...]: ctl and check its exit code.
expect_ctl() {
  local want=$1
  shift
  ctl "$@"
  [ "$want" = "$CTL_RC" ] \
    || fail "binfmtctl $*: exit code: expected [$want], got [$CTL_RC]"$'\n'"stdout: $CTL_OUT"$'\n'"stderr: $CTL_ERR"
}

# bus_call ARGS...: `busctl --system ARGS...`; sets BUS_OUT, BUS_ERR, BUS_RC, never fails.
bus_call() {
  BUS_RC=0
  "${AS[@]}" busctl --system "$@" </dev/null >"$T/busctl.out" 2>"$T/busctl.err" || BUS_RC=$?
  BUS_OUT=$(<"$T/busctl.out")
  BUS_ERR=$(<"$T/busctl.err")
}
# try_manager [--json] METHOD [SIGNATURE ARGS...]: `busctl --system call org.binfmtd1
# /org/binfmtd1 org.binfmtd1.Manager METHOD ...` (--json: --json=short); never fails.
try_manager() {
  local opts=()
  if [ "$1" = --json ]; then opts=(--json=short); shift; fi
  bus_call "${opts[@]}" call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager "$@"
}
# manager [--json] METHOD [SIGNATURE ARGS...]: try_manager; the call must succeed.
manager() {
  try_manager "$@"
  [ "$BUS_RC" = 0 ] || fail "busctl call ... $*: exit $BUS_RC: $BUS_ERR"
}
# property NAME: busctl get-property of one org.binfmtd1.Manager property (e.g. `b true`).
property() {
  bus_call get-property org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager "$1"
  [ "$BUS_RC" = 0 ] || fail "busctl get-property $1: exit $BUS_RC: $BUS_ERR"
  printf '%s\n' "$BUS_OUT"
}

# ---- error names, as the bus carries them ----------------------------------------------
# busctl prints only an error's message. A monitor (root may monitor the system bus, as on
# Debian) sees each error reply's name: watch_errors starts one, and after every call that
# must fail, assert_error NAME checks the name of binfmtd's next error reply.
ERROR_LOG=''
ERRORS_SEEN=0
watch_errors() {
  ERROR_LOG=$T/errors.monitor
  background dbus-monitor --system "type='error'" >"$ERROR_LOG" 2>"$ERROR_LOG.err"
  # Becoming a monitor drops its names: NameLost is the last thing it hears before errors.
  deadline 10 grep -q 'member=NameLost' "$ERROR_LOG" \
    || fail "dbus-monitor did not become a monitor: $(cat "$ERROR_LOG.err")"
}
daemon_error_names() { # error replies binfmtd sent (not the bus's own, e.g. about polkit)
  sed -n '/^error .* sender=org\.freedesktop\.DBus /d; s/^error .* error_name=\([^ ]*\) .*/\1/p' "$ERROR_LOG"
}
more_errors() { [ "$(daemon_error_names | wc -l)" -gt "$ERRORS_SEEN" ]; }
assert_error() { # assert_error NAME [WHAT]
  [ -n "$ERROR_LOG" ] || fail "assert_error needs watch_errors first"
  deadline 5 more_errors || fail "${2:-the call}: binfmtd sent no error reply (expected $1)"
  ERRORS_SEEN=$((ERRORS_SEEN + 1))
  assert_eq "$1" "$(daemon_error_names | sed -n "${ERRORS_SEEN}p")" "${2:-error name}"
}

# json EXPR < JSON: evaluates a Python expression over the parsed document `d`, prints it.
json() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); r=eval(sys.argv[1]); print(r if isinstance(r,str) else json.dumps(r))' "$1"; }

# ---- live reconciliation ---------------------------------------------------------------
# entry_field NAME KEY: one value of GetEntry NAME (state, error, interpreter, origin, ...).
entry_field() {
  manager --json GetEntry s "$1"
  json "d['data'][0]['$2']['data']" <<<"$BUS_OUT"
}
# in_kernel NAME...: every NAME is registered (a condition for `deadline`).
in_kernel() {
  local n
  for n in "$@"; do [ -e "$BINFMT/$n" ] || return 1; done
}
# not_in_kernel NAME...: no NAME is registered.
not_in_kernel() {
  local n
  for n in "$@"; do [ ! -e "$BINFMT/$n" ] || return 1; done
}
# state_is NAME STATE: GetEntry NAME reports STATE.
state_is() { [ "$(entry_field "$1" state)" = "$2" ]; }
# wait_for SECONDS WHAT COMMAND...: deadline, failing with WHAT when COMMAND never succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  deadline "$seconds" "$@" || fail "$what (not within $seconds s)"
}
# voluntary_switches PID: voluntary context switches of every thread of PID, summed.
voluntary_switches() {
  cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'
}

# watch_entry_changes: records what org.binfmtd1 emits (busctl monitor; root may monitor the
# bus) from now on; entry_changes prints its EntryChanged (name:state) pairs in order.
SIGNALS_LOG=''
watch_entry_changes() {
  SIGNALS_LOG=$T/signals.json
  background busctl --system --json=short monitor org.binfmtd1 >"$SIGNALS_LOG" 2>"$SIGNALS_LOG.err"
  # shellcheck disable=SC2317 # run by deadline below
  monitor_ready() {
    busctl --system call org.binfmtd1 /org/binfmtd1 org.freedesktop.DBus.Peer Ping
    grep -q '"member":"Ping"' "$SIGNALS_LOG"
  }
  deadline 10 monitor_ready || fail "busctl monitor never started: $(cat "$SIGNALS_LOG.err")"
}
entry_changes() {
  /usr/bin/python3 - "$SIGNALS_LOG" "$(busctl --system status org.binfmtd1 | sed -n 's/^UniqueName=//p')" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(" ".join(":".join(m["payload"]["data"]) for m in msgs
               if m["type"] == "signal" and m.get("member") == "EntryChanged"
               and m.get("interface") == "org.binfmtd1.Manager" and m.get("path") == "/org/binfmtd1"
               and m["sender"] == sys.argv[2] and m["payload"]["type"] == "ss"))
PY
}
# saw_changes CHANGES: EntryChanged signals so far are exactly CHANGES (for `deadline`).
saw_changes() { [ "$(entry_changes)" = "$1" ]; }

# ---- other tools on this sandbox's binfmt_misc -----------------------------------------
# in_proc_binfmt [--bind SRC DST]... -- COMMAND...: runs COMMAND in a private mount namespace
# (of the sandbox's user namespace) where /proc/sys/fs/binfmt_misc, the path systemd-binfmt and
# update-binfmts write to, is this sandbox's instance, and each SRC is bound over DST. A tmpfs
# hides the rest of /proc/sys/fs first, so that the host's mount (or automount point) is not
# even reachable there; the user namespace could not write the host's table anyway.
in_proc_binfmt() {
  local args=()
  while [ "$1" = --bind ]; do args+=("$2" "$3"); shift 3; done
  [ "$1" = -- ] || fail "in_proc_binfmt: expected -- before the command, got [$1]"
  shift
  # shellcheck disable=SC2016 # for the inner bash
  unshare --mount --propagation private bash -c '
    set -e
    bm=$1 n=$2
    shift 2
    mount -t tmpfs tmpfs /proc/sys/fs
    mkdir /proc/sys/fs/binfmt_misc
    mount --bind "$bm" /proc/sys/fs/binfmt_misc
    [ "$(stat -f -c %t /proc/sys/fs/binfmt_misc)" = 42494e4d ] # BINFMTFS_MAGIC: the instance itself
    while [ "$n" -gt 0 ]; do mount --bind "$1" "$2"; shift 2; n=$((n - 1)); done
    exec "$@"
  ' in-proc-binfmt "$BINFMT" $((${#args[@]} / 2)) "${args[@]}" "$@"
}

# systemd_binfmt [ARGS...]: systemd-binfmt on this sandbox's instance, reading $ROOT's binfmt.d
# directories instead of the host's (the others, if this machine has them, hidden by an empty
# directory); sets SB_OUT (its stderr) and SB_RC, never fails.
SYSTEMD_BINFMT=/lib/systemd/systemd-binfmt
SB_OUT='' SB_RC=0
systemd_binfmt() {
  [ -x "$SYSTEMD_BINFMT" ] || fail "$SYSTEMD_BINFMT is missing: install systemd"
  local binds=() d
  mkdir -p "$ROOT/etc/binfmt.d" "$ROOT/usr/lib/binfmt.d" "$T/empty-dir"
  binds=(--bind "$ROOT/etc/binfmt.d" /etc/binfmt.d --bind "$ROOT/usr/lib/binfmt.d" /usr/lib/binfmt.d)
  for d in /run/binfmt.d /usr/local/lib/binfmt.d; do
    if [ -d "$d" ]; then binds+=(--bind "$T/empty-dir" "$d"); fi
  done
  SB_RC=0
  in_proc_binfmt "${binds[@]}" -- "$SYSTEMD_BINFMT" "$@" 2>"$T/systemd-binfmt.err" || SB_RC=$?
  SB_OUT=$(<"$T/systemd-binfmt.err")
  printf -- '--- systemd-binfmt %s: exit %d ---\n%s\n' "$*" "$SB_RC" "$SB_OUT"
}

# need_update_binfmts: sets UPDATE_BINFMTS to binfmt-support's update-binfmts, unpacked (never
# installed) into the machine's tool cache by scripts/fetch-binfmt-support, which downloads it
# the first time; fails when it cannot be had.
UPDATE_BINFMTS=''
need_update_binfmts() {
  UPDATE_BINFMTS=$("$BINFMTD_SOURCE_DIR/scripts/fetch-binfmt-support" 2>"$T/fetch.err") \
    || fail "cannot get binfmt-support's update-binfmts: $(<"$T/fetch.err")"
  [ -x "$UPDATE_BINFMTS" ] || fail "scripts/fetch-binfmt-support gave no update-binfmts: [$UPDATE_BINFMTS]"
}
# update_binfmts ARGS...: update-binfmts with $ROOT's binfmt-support directories, on this
# sandbox's instance; sets UB_OUT (stdout and stderr) and UB_RC, never fails.
UB_OUT='' UB_RC=0
update_binfmts() {
  [ -n "$UPDATE_BINFMTS" ] || need_update_binfmts
  mkdir -p "$ROOT/var/lib/binfmts" "$ROOT/usr/share/binfmts"
  UB_RC=0
  UB_OUT=$(in_proc_binfmt -- "$UPDATE_BINFMTS" --admindir "$ROOT/var/lib/binfmts" \
    --importdir "$ROOT/usr/share/binfmts" "$@" 2>&1) || UB_RC=$?
  printf -- '--- update-binfmts %s: exit %d ---\n%s\n' "$*" "$UB_RC" "$UB_OUT"
}

# ---- binfmtd beside systemd-binfmt and update-binfmts ------------------------------------
# copy_system_formats: this machine's real binfmt.d files and binfmt-support records (Debian's
# qemu-user-static, python3.11-minimal, llvm) copied under $ROOT, with the directories the two
# sources read; a missing package fails the test.
copy_system_formats() {
  local f
  for f in qemu-aarch64.conf python3.11.conf llvm-14-runtime.binfmt.conf; do
    [ -f "/usr/lib/binfmt.d/$f" ] || fail "/usr/lib/binfmt.d/$f is missing: install qemu-user-static, python3.11-minimal and llvm"
  done
  [ -f /usr/share/binfmts/qemu-aarch64 ] || fail "/usr/share/binfmts/qemu-aarch64 is missing: install qemu-user-static"
  mkdir -p "$ROOT/usr/lib/binfmt.d" "$ROOT/etc/binfmt.d" "$ROOT/usr/share/binfmts" "$ROOT/var/lib/binfmts"
  cp /usr/lib/binfmt.d/*.conf "$ROOT/usr/lib/binfmt.d/"
  cp -L /usr/share/binfmts/* "$ROOT/usr/share/binfmts/"
}

# coexistence_root: $ROOT with this machine's real binfmt.d files and binfmt-support records
# (Debian's qemu-user-static, python3.11-minimal, llvm), two fixture records nobody imported yet
# (fixture-magic, fixture-ext, both run by $T/bin/fixture), a binfmtd.d entry "own", and in the
# kernel "foreign-hand", registered by hand, that no source declares.
coexistence_root() {
  copy_system_formats
  stub_interpreter "$T/bin/fixture"
  printf 'package fixture\ninterpreter %s\nmagic \\x01FXM\\x02\nmask \\xff\\xff\\xdf\\xff\\xff\n' "$T/bin/fixture" \
    >"$ROOT/usr/share/binfmts/fixture-magic"
  printf 'package fixture\ninterpreter %s\nextension fxext\n' "$T/bin/fixture" >"$ROOT/usr/share/binfmts/fixture-ext"
  printf '[own]\nextension = "own"\ninterpreter = "%s"\n' "$T/bin/fixture" | conf own.toml
  register_by_hand ":foreign-hand:E::fhand::$T/bin/fixture:"
}

# names_in_state STATE: the names binfmtctl --json list reports in STATE, sorted, one line.
names_in_state() {
  expect_ctl 0 --json list
  json "' '.join(sorted(e['name'] for e in d['entries'] if e['state'] == '$1'))" <<<"$CTL_OUT"
}
# converged ACTIVE: binfmtd reports exactly the names ACTIVE (sorted, space-separated) active,
# none failed, and each is in the kernel, enabled (a condition for deadline).
converged() {
  expect_ctl 0 --json list
  [[ "$(json "d['summary']" <<<"$CTL_OUT")" == *" 0 failed,"* ]] || return 1
  [ "$(names_in_state active)" = "$1" ] || return 1
  local n
  for n in $1; do
    [ -e "$BINFMT/$n" ] && [ "$(head -n1 "$BINFMT/$n")" = enabled ] || return 1
  done
}
# log_mark: the daemon log's length now; log_since MARK: what it logged after that.
log_mark() { wc -l <"$DAEMON_LOG"; }
log_since() { tail -n +"$(($1 + 1))" "$DAEMON_LOG"; }
# writes_since MARK: binfmtd's writes to binfmt_misc since MARK, summed over its reconciles.
writes_since() { log_since "$1" | sed -n 's/.*Reconciled: .*; \([0-9]*\) writes to binfmt_misc$/\1/p' | awk '{ n += $1 } END { print n + 0 }'; }
# registered_since MARK NAME: how many times binfmtd registered NAME since MARK.
registered_since() { log_since "$1" | grep -cF "Registered $2 (" || true; }
# settled: one `binfmtctl reload` round trip during which binfmtd did nothing but that reload's
# reconcile, and that wrote nothing (false while anything is still going on: for deadline).
settled() {
  local mark new
  mark=$(log_mark)
  expect_ctl 0 reload
  new=$(log_since "$mark")
  [ "$(grep -c 'Reconciled: ' <<<"$new")" = 1 ] && [ "$(grep -c 'Reconciling: ' <<<"$new")" = 0 ] \
    && [ "$(writes_since "$mark")" = 0 ]
}
# table_state: the kernel's table and binfmtd's state file, to compare across a quiet period.
table_state() { dump_table; cat "$STATE_FILE"; }
# assert_quiet WHAT: once settled, another reload round trip changes neither the table nor
# binfmtd's state and writes nothing: nobody is taking turns with anybody.
assert_quiet() {
  wait_for 20 "$1: binfmtd did not settle: $(tail -n 20 "$DAEMON_LOG")" settled
  local before mark
  before=$(table_state)
  mark=$(log_mark)
  expect_ctl 0 reload
  assert_eq 0 "$(writes_since "$mark")" "$1: binfmtd's writes in a reload after it settled"
  assert_eq "$before" "$(table_state)" "$1: the table and binfmtd's state across a quiet reload"
}
