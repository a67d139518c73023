# Crash safety: binfmtd is killed with SIGKILL while it persists registrations, both
# right before each file-system and kernel write it makes for a Register (strace injects the
# SIGKILL on entry to the Kth fsync/rename/write, so that call never happens) and at random
# moments of a Register loop. After every kill: each configuration file is byte for byte the
# old or the new version (never torn, never empty), the state file is valid JSON, and a
# restarted binfmtd brings the kernel to what the file says.
#   BINFMTD_CRASH_ROUNDS   random kills (default 20)
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

ROUNDS=${BINFMTD_CRASH_ROUNDS:-20}
ETC=$ROOT/etc/binfmtd.d
stub_interpreter "$T/bin/a"
stub_interpreter "$T/bin/b"
persist=(--option persist:b=true --option replace:b=true)
register_flip() { probe register flip extension:s=flip "interpreter:s=$T/bin/$1" "${persist[@]}"; }

# The two versions of the file, as binfmtd writes them.
DAEMON_ARGS=()
start_daemon
register_flip a; [ "$PROBE_OUT" = OK ] || fail "Register flip -> a: $PROBE_OUT"
cp "$ETC/flip.toml" version.a
register_flip b; [ "$PROBE_OUT" = OK ] || fail "Register flip -> b: $PROBE_OUT"
cp "$ETC/flip.toml" version.b
cmp -s version.a version.b && fail "the two versions of flip.toml are identical"

# check_after_kill WHAT: the files are whole, and a restarted binfmtd converges.
KILLS=0 TEMP_LEFT=0 SAW_A=0 SAW_B=0
temporaries() { find "$ETC" "$ROOT/run" -name '.*.??????'; }
no_temporaries() { [ -z "$(temporaries)" ]; }
check_after_kill() {
  local what=$1 f
  KILLS=$((KILLS + 1))
  for f in "$ETC"/*.toml "$ROOT"/run/binfmtd.d/*.toml; do
    [ -e "$f" ] || continue
    [ "${f##*/}" = flip.toml ] || fail "$what: unexpected configuration file $f"
    if cmp -s "$f" version.a; then SAW_A=$((SAW_A + 1));
    elif cmp -s "$f" version.b; then SAW_B=$((SAW_B + 1));
    else fail "$what: $f is neither the old nor the new version:"$'\n'"$(od -c "$f" | head -20)"; fi
  done
  [ -e "$ETC/flip.toml" ] || fail "$what: $ETC/flip.toml is gone"
  if [ -e "$ROOT/run/binfmtd/state.json" ]; then
    /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$ROOT/run/binfmtd/state.json" \
      || fail "$what: the state file is not valid JSON: $(od -c "$ROOT/run/binfmtd/state.json" | head)"
  fi
  # Temporary files of an interrupted write are hidden (.NAME.XXXXXX) and never loaded; a
  # restarted binfmtd removes them.
  TEMP_LEFT=$((TEMP_LEFT + $(temporaries | wc -l)))
  start_daemon "${DAEMON_ARGS[@]}"
  deadline 5 no_temporaries || fail "$what: temporary files left after the restart: $(temporaries)"
  local want
  want=$(sed -n 's/^interpreter = "\(.*\)"$/\1/p' "$ETC/flip.toml")
  assert_registered flip
  assert_eq "$want" "$(kfield flip interpreter)" "$what: the kernel's interpreter of flip after the restart"
  probe call GetEntry s=flip
  [ "$PROBE_OUT" = OK ] || fail "$what: GetEntry flip after the restart: $PROBE_OUT"
}

tracing() { [ "$(awk '/^TracerPid:/ {print $2}' "/proc/$DAEMON_PID/status")" != 0 ]; }

# 1. Deterministic: SIGKILL on entry to the Kth fsync, rename or write of one Register. A long
# debounce keeps binfmtd's reaction to its own file change (a second reconcile) out of the count.
DAEMON_ARGS=(--debounce-ms 60000)
stop_daemon
start_daemon "${DAEMON_ARGS[@]}"
kill_at() { # SYSCALL K
  local target=a
  cmp -s "$ETC/flip.toml" version.a && target=b
  strace -qq -f -p "$DAEMON_PID" -o "$T/strace.$1.$2" -e trace="$1" -e inject="$1:signal=KILL:when=$2" &
  local tracer=$!
  # strace is attached once the daemon's status shows a tracer.
  deadline 10 tracing || fail "strace did not attach to binfmtd"
  register_flip "$target"
  if kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill "$tracer" 2>/dev/null || true # strace detaches when it ends
  fi
  wait "$tracer" || true
  if kill -0 "$DAEMON_PID" 2>/dev/null; then
    # Fewer than K such calls in one Register: the point does not exist; stop at this K.
    [ "$PROBE_OUT" = OK ] || fail "Register flip -> $target (not killed): $PROBE_OUT"
    return 1
  fi
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=''
  deadline 10 name_released || fail "org.binfmtd1 still owned after the kill"
  printf 'killed before %s #%s of Register flip -> %s: %s\n' "$1" "$2" "$target" "$(head -n1 <<<"$PROBE_OUT")"
  check_after_kill "kill before $1 #$2"
  return 0
}
for syscall in fsync rename write; do
  k=1
  while [ "$k" -le 40 ] && kill_at "$syscall" "$k"; do k=$((k + 1)); done
  [ "$k" -gt 1 ] || fail "no $syscall at all during a persistent Register"
done

# 2. Random: a Register loop (with the usual debounce: the watcher's reconciles get killed too) flipping the file, SIGKILL after 0-400 ms.
stop_daemon
DAEMON_ARGS=()
start_daemon
for round in $(seq "$ROUNDS"); do
  "$PROBE" flip flip "$T/bin/a" "$T/bin/b" >"flip.$round" 2>&1 &
  flipper=$!
  sleep "0.$(printf '%03d' $((RANDOM % 400)))"
  kill -KILL "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=''
  wait "$flipper" || true
  deadline 10 name_released || fail "org.binfmtd1 still owned after the kill"
  check_after_kill "random kill $round (after $(grep -c '^registered' "flip.$round" || true) Registers)"
done

echo "$KILLS kills: the file was the old/new version $SAW_A/$SAW_B times; $TEMP_LEFT temporary files found after the kills, all removed by the restarts"
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd after SIGTERM"
