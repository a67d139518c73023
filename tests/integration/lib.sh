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
