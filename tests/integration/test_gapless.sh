# Re-registrations leave no gap: while a loop keeps executing a matched file, binfmtd re-pins an
# F entry 100 times (its interpreter file replaced, as a package upgrade does) and not one exec
# fails. The same loop first proves it can see a gap: a plain remove-then-add by hand makes
# execs fail with "exec format error".

stub_interpreter "$T/bin/stub"
printf 'whatever\n' >"$T/run.gap"
chmod 0755 "$T/run.gap"
line=":gap:E::gap::$T/bin/stub:F"

# spawn.sh: executes run.gap until told to stop, then writes "OK FAILED" counts.
cat >"$T/spawn.sh" <<SPAWN
ok=0 bad=0
: >"$T/spawn.started"
while [ ! -e "$T/spawn.stop" ]; do
  if "$T/run.gap" >/dev/null 2>&1; then ok=\$((ok + 1)); else bad=\$((bad + 1)); fi
done
# Written whole, then renamed: the test waits for the name and must never read it half-written.
echo "\$ok \$bad" >"$T/spawn.out.new" && mv "$T/spawn.out.new" "$T/spawn.out"
SPAWN
spawned() { [ -e "$T/spawn.out" ]; }
started() { [ -e "$T/spawn.started" ]; }
spawn_start() { rm -f "$T/spawn.out" "$T/spawn.stop" "$T/spawn.started"; background bash "$T/spawn.sh"; wait_for 10 "the exec loop did not start" started; }
spawn_stop() { : >"$T/spawn.stop"; wait_for 20 "the exec loop did not stop" spawned; read -r SPAWN_OK SPAWN_FAILED <"$T/spawn.out"; }

# 1. By hand, remove then add: the loop sees the gap (it stops at the first failures it sees).
register_by_hand "$line"
spawn_start
plain=0
until [ "$plain" -ge 20000 ] || { [ "$plain" -ge 100 ] && grep -q . "$T/failures" 2>/dev/null; }; do
  echo -1 >"$BINFMT/gap"
  printf '%s' "$line" >"$BINFMT/register"
  plain=$((plain + 1))
  if [ $((plain % 100)) = 0 ]; then
    : >"$T/spawn.stop"
    wait_for 20 "the exec loop did not stop" spawned
    read -r ok failed <"$T/spawn.out"
    [ "$failed" = 0 ] || echo "$failed" >"$T/failures"
    [ "$failed" != 0 ] || spawn_start
  fi
done
[ -s "$T/failures" ] || fail "the exec loop saw no failure in $plain plain remove-then-add re-registrations: it cannot catch a gap"
echo "plain remove-then-add: $(cat "$T/failures") failed execs (of $ok) in $plain re-registrations"
echo -1 >"$BINFMT/gap"

# 2. binfmtd re-pins the F entry when its interpreter file is replaced: 100 times, no failure.
printf '[gap]\nextension = "gap"\ninterpreter = "%s"\nfix-binary = true\n' "$T/bin/stub" | conf gap.toml
start_daemon --debounce-ms 0
wait_for 10 "gap is not registered" in_kernel gap
registrations() { grep -c "Registered gap " "$DAEMON_LOG"; }
spawn_start
for i in $(seq 1 100); do
  before=$(registrations)
  printf '#!/bin/sh\nexit 0\n# %s\n' "$i" >"$T/bin/stub.new"
  chmod 0755 "$T/bin/stub.new"
  mv "$T/bin/stub.new" "$T/bin/stub"
  repinned() { [ "$(registrations)" -gt "$before" ]; }
  wait_for 10 "gap was not re-pinned after interpreter replacement $i" repinned
done
spawn_stop
echo "binfmtd's swaps: $SPAWN_FAILED failed execs (of $SPAWN_OK) in 100 re-pins"
[ "$SPAWN_OK" -gt 0 ] || fail "the exec loop ran nothing while binfmtd re-pinned"
assert_eq 0 "$SPAWN_FAILED" "execs that failed while binfmtd re-pinned gap 100 times"
assert_eq "gap " "$(kernel_names)" "kernel entries after the re-pins (no stand-in left)"
assert_not_contains "$(daemon_log)" "no gapless swap" "binfmtd log"
