# The running daemon puts back what someone else takes out of binfmt_misc (a flush, one
# removed entry) and never touches entries it does not manage, even ones registered after
# a flush.

stub_interpreter "$T/bin/stub"
for n in a b c; do
  printf '[live-%s]\nextension = "%s"\ninterpreter = "%s"\n' "$n" "$n" "$T/bin/stub"
done | conf live.toml
start_daemon
wait_for 10 "the configured entries are not registered" in_kernel live-a live-b live-c
for n in a b c; do snapshot "live-$n" >"want.$n"; done

# Someone flushes the whole table, then registers an entry of their own.
echo -1 >"$BINFMT/status"
register_by_hand ":foreign-x:E::fx::$T/bin/stub:"
snapshot foreign-x >want.foreign
wait_for 10 "binfmtd did not restore its entries after a flush" in_kernel live-a live-b live-c
for n in a b c; do cmp -s "want.$n" <(snapshot "live-$n") || fail "live-$n differs after the restore: $(snapshot "live-$n")"; done
cmp -s want.foreign <(snapshot foreign-x) || fail "binfmtd changed foreign-x: $(snapshot foreign-x)"
assert_not_owned foreign-x
wait_for 10 "foreign-x is not listed as foreign" state_is foreign-x foreign
assert_eq kernel "$(entry_field foreign-x origin)" "origin of foreign-x"
assert_contains "$(daemon_log)" "Reconciling: binfmt_misc changed" "binfmtd log"

# One managed entry removed by hand.
echo -1 >"$BINFMT/live-b"
wait_for 10 "binfmtd did not restore live-b after it was removed" in_kernel live-b
cmp -s want.b <(snapshot live-b) || fail "live-b differs after the restore: $(snapshot live-b)"
assert_eq active "$(entry_field live-b state)" "state of live-b after the restore"

# A foreign entry removed by hand stays removed: binfmtd only restores its own. The removal
# of live-c afterwards is a marker: once live-c is back, binfmtd has seen both events.
echo -1 >"$BINFMT/foreign-x"
echo -1 >"$BINFMT/live-c"
wait_for 10 "binfmtd did not restore live-c" in_kernel live-c
assert_not_registered foreign-x
no_foreign_listed() { ! busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager List | grep -q foreign-x; }
wait_for 10 "foreign-x is still listed after its removal" no_foreign_listed

# An entry disabled in the kernel by an admin stays disabled (a deliberate act, not a fault).
echo 0 >"$BINFMT/live-a"
wait_for 10 "live-a is not reported disabled" state_is live-a disabled
assert_eq disabled "$(kfield live-a state)" "kernel state of live-a"
kill -0 "$DAEMON_PID" || fail "binfmtd died"
