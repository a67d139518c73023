# An idle daemon makes no wakeups: nothing polls. Its voluntary context switches (every
# thread's) stay the same over an idle window, with binfmt_misc, the configuration
# directories (some missing: their parents are watched), interpreters and the mount table
# all watched.

stub_interpreter "$T/bin/stub"
printf '[idle-a]\nextension = "ia"\ninterpreter = "%s"\n' "$T/bin/stub" | conf idle.toml
printf '[idle-p]\npreset = "qemu-riscv64"\ninterpreter = "%s/nowhere/qemu"\n' "$T" | conf pending.toml
start_daemon --debounce-ms 20
wait_for 10 "idle-a is not registered" in_kernel idle-a
manager List
# Settled: the startup's writes (state file, ...) are behind us once a reconcile-free List
# answers twice with the same switch count around it.
settled() {
  local a b
  a=$(voluntary_switches "$DAEMON_PID")
  manager Describe
  b=$(voluntary_switches "$DAEMON_PID")
  # One call costs a few switches; a quiet daemon costs nothing more over 0.5 s.
  sleep 0.5
  [ "$(voluntary_switches "$DAEMON_PID")" = "$b" ] && [ -n "$a" ]
}
wait_for 10 "binfmtd never became quiet" settled

before=$(voluntary_switches "$DAEMON_PID")
sleep 3
after=$(voluntary_switches "$DAEMON_PID")
assert_eq "$before" "$after" "voluntary context switches of binfmtd over 3 idle seconds"

# Unrelated files and mounts next to what is watched (in the parent of a missing configuration
# directory, $ROOT/run waiting for run/binfmtd.d, and in the interpreter's directory) wake
# it (inotify filters by directory only) but cause no reconcile. A marker event afterwards
# (idle-a removed by hand) shows the daemon has read them all.
touch "$ROOT/run/unrelated" "$T/bin/unrelated"
rm "$ROOT/run/unrelated" "$T/bin/unrelated"
# Unrelated mounts (as containers make) change the mount table but not binfmt_misc.
mkdir "$T/other"
mount -t tmpfs other "$T/other"
umount "$T/other"
echo -1 >"$BINFMT/idle-a"
wait_for 10 "idle-a not restored" in_kernel idle-a
assert_not_contains "$(daemon_log)" "Reconciling: the configuration changed" "binfmtd log"
assert_not_contains "$(daemon_log)" "Reconciling: an interpreter changed" "binfmtd log"
assert_not_contains "$(daemon_log)" "Reconciling: the mount table changed" "binfmtd log"

# The measure itself works: that restore was counted.
grew() { [ "$(voluntary_switches "$DAEMON_PID")" -gt "$after" ]; }
wait_for 10 "a restore made no context switch (the measure is broken)" grew
