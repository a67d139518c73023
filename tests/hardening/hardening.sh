# Helpers for the hardening scenarios (tests/hardening/test_*.sh), sourced by each scenario
# after lib.sh (start_bus, start_daemon, stop_daemon, as_user, deadline, stub_interpreter...).
# BINFMTD_PROBE is tests/tools/binfmtd-probe; BINFMTD_SANITIZED=1 in the ASan+UBSan build.

PROBE=${BINFMTD_PROBE:-}
{ [ -n "$PROBE" ] && [ -x "$PROBE" ]; } || fail "binfmtd-probe not built (BINFMTD_PROBE=$PROBE)"
# What the scenarios run besides lib.sh's tools: missing, the scenario fails (never skips).
for tool in strace:strace timeout:coreutils python3:python3 mount:mount; do
  command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} is missing: install ${tool#*:} (scripts/dev setup)"
done
# shellcheck disable=SC2034 # SANITIZED, PROBE_RC: for the scenarios
SANITIZED=${BINFMTD_SANITIZED:-0}
PROBE_OUT='' PROBE_RC=0
CHECKS=0

# probe ARGS...: binfmtd-probe on the private bus; sets PROBE_OUT (stdout+stderr) and PROBE_RC.
# shellcheck disable=SC2034 # PROBE_RC: for the scenarios
probe() {
  PROBE_RC=0
  PROBE_OUT=$("$PROBE" "$@" 2>&1) || PROBE_RC=$?
}

# still_serving WHAT: binfmtd is alive, still owns its name, and answers a read.
still_serving() {
  kill -0 "$DAEMON_PID" 2>/dev/null || fail "binfmtd (PID $DAEMON_PID) died after: $1"$'\n'"$(tail -n 30 "$DAEMON_LOG")"
  local out rc=0
  out=$("$PROBE" call List 2>&1) || rc=$?
  { [ "$rc" = 0 ] && [ "$out" = OK ]; } || fail "binfmtd no longer answers List after: $1 (exit $rc: $out)"
}

# expect_error ERROR-NAME WHAT PROBE-ARGS...: the call fails with exactly that D-Bus error name,
# with a message that is not empty and not a megabyte long, and binfmtd keeps serving.
expect_error() {
  local want=$1 what=$2
  shift 2
  probe "$@"
  local got msg
  got=$(head -n1 <<<"$PROBE_OUT")
  msg=$(sed -n 2p <<<"$PROBE_OUT")
  [ "$got" = "ERROR $want" ] || fail "$what: expected the error $want, got: ${PROBE_OUT:0:600}"
  [ -n "$msg" ] || fail "$what: $want without a message"
  [[ "$msg" != *'... ('*' bytes)' ]] || fail "$what: the error message is over 400 bytes: ${msg:0:200}..."
  printf 'ok %-60s %s: %s\n' "$what" "$want" "${msg:0:160}"
  CHECKS=$((CHECKS + 1))
  still_serving "$what"
}

# expect_ok WHAT PROBE-ARGS...
expect_ok() {
  local what=$1
  shift
  probe "$@"
  [ "$PROBE_OUT" = OK ] || fail "$what: expected success, got: ${PROBE_OUT:0:600}"
  printf 'ok %-60s OK\n' "$what"
  still_serving "$what"
}

daemon_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$DAEMON_PID/status"; }
daemon_fds() { find "/proc/$DAEMON_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# fds_at_most N: binfmtd has at most N descriptors open (a file it is reading at that very
# moment is one more: wait on this with `deadline`, do not compare one sample).
fds_at_most() { [ "$(daemon_fds)" -le "$1" ]; }

# definition_files: every file under the runtime and persistent configuration directories.
definition_files() { { find "$ROOT/etc/binfmtd.d" "$ROOT/run/binfmtd.d" -mindepth 1 2>/dev/null || true; } | sort; }
