# Two entries matching the same files: the one with the higher priority runs them, and stays the
# one that does through everything that registers entries again: a flush restored, an F repin
# of the other, a daemon restart, a reload. Swapping the priorities reorders the kernel without
# a failed exec; register --priority, validate and status report the overlap; another tool's
# later entry wins and is reported, never moved; a converged table gets no write.
#
# one matches files starting with PRIOA, two every file starting with PRIO: file.prio (PRIOA)
# matches both, only-two.prio (PRIOB) two alone, so that a reorder that took two out of the
# kernel for a moment (a plain remove-then-add) would make it fail.

stub_interpreter "$T/bin/one"
stub_interpreter "$T/bin/two"
stub_interpreter "$T/bin/three"
stub_interpreter "$T/bin/theirs"
printf 'PRIOA data\n' >"$T/file.prio"
printf 'PRIOB data\n' >"$T/only-two.prio"
chmod 0755 "$T/file.prio" "$T/only-two.prio"

# prio_conf P_ONE P_TWO: both entries in one file, `two` an F entry. Written aside and renamed,
# as an editor saves, so that binfmtd never reads half a file.
prio_conf() {
  printf "[one]\nmagic = 'PRIOA'\ninterpreter = \"%s\"\npriority = %s\n\n" "$T/bin/one" "$1" >"$T/prio.toml"
  printf "[two]\nmagic = 'PRIO'\ninterpreter = \"%s\"\npriority = %s\nfix-binary = true\n" "$T/bin/two" "$2" \
    >>"$T/prio.toml"
  chmod 0644 "$T/prio.toml"
  mkdir -p "$ROOT/etc/binfmtd.d"
  mv "$T/prio.toml" "$ROOT/etc/binfmtd.d/prio.toml"
}
# runs NAME: executing file.prio runs the stub NAME (a condition for wait_for).
runs() { run_file "$T/file.prio"; [ "$OUT" = "stub $1: $T/file.prio" ]; }
assert_runs() { runs "$1" || fail "$2: file.prio ran [$OUT] (exit $ERC), not the stub $1"; }
# kernel_order: the entries as binfmt_misc lists them, which is the order the kernel tries them.
# shellcheck disable=SC2012 # the directory's own order is the point
kernel_order() { ls -U "$BINFMT" | { grep -vx -e register -e status || true; } | tr '\n' ' '; }
last_reconcile() { grep 'Reconciled:' "$DAEMON_LOG" | tail -n1; }
reconciles() { grep -c 'Reconciled:' "$DAEMON_LOG"; }
count_log() { grep -c -- "$1" "$DAEMON_LOG" || true; }

# The readdir order really is the kernel's: the entry listed first is the one that runs.
register_by_hand ":probe-a:M::PRIOA::$T/bin/one:"
register_by_hand ":probe-b:M::PRIO::$T/bin/two:"
assert_eq "probe-b probe-a " "$(kernel_order)" "binfmt_misc's listing, newest first"
assert_runs two "the newest of two entries by hand"
echo -1 >"$BINFMT/probe-a"
echo -1 >"$BINFMT/probe-b"

# 1. one (10) outranks two (0): two is registered first, one last, and one runs the file.
prio_conf 10 0
start_daemon --debounce-ms 50
wait_for 10 "one and two are not registered" in_kernel one two
assert_eq "one two " "$(kernel_order)" "kernel order with one at priority 10"
assert_runs one "one at priority 10"
assert_contains "$(daemon_log)" "Registered two (" "binfmtd log"
expect_ctl 0 which "$T/file.prio"
assert_contains "$CTL_OUT" "2 matching entries; the kernel uses \"one\"." "which file.prio"

# Converged: a reload writes nothing.
expect_ctl 0 reload
assert_contains "$(last_reconcile)" "; 0 writes to binfmt_misc" "the reconcile of a reload with the order right"

# 2. A flush: both come back, in order.
echo -1 >"$BINFMT/status"
wait_for 10 "one and two are not restored after a flush" in_kernel one two
assert_eq "one two " "$(kernel_order)" "kernel order after the flush was restored"
assert_runs one "after the flush"

# 3. two's interpreter replaced: the F entry is repinned (registered again, so the newest), and
#    one is registered again above it.
repins=$(count_log "Registered two (")
stub_interpreter "$T/new/two" # a new file, renamed over the old one as a package upgrade does
mv "$T/new/two" "$T/bin/two"
repinned() { [ "$(count_log "Registered two (")" -gt "$repins" ] && [ "$(kernel_order)" = "one two " ]; }
wait_for 10 "two was not repinned with one above it: kernel order [$(kernel_order)]" repinned
assert_contains "$(daemon_log)" "one: registering it again, to be tried before \"two\" (priority 10 over 0)" \
  "binfmtd log"
assert_runs one "after two's repin"
assert_eq false "$(entry_field two pinned-stale)" "two's pin after the repin"

# 4. A restart: the order is right, nothing is written.
stop_daemon
start_daemon --debounce-ms 50
assert_contains "$(last_reconcile)" "; 0 writes to binfmt_misc" "the first reconcile of a restarted binfmtd"
assert_eq "one two " "$(kernel_order)" "kernel order after the restart"
assert_runs one "after the restart"
expect_ctl 0 reload
assert_contains "$(last_reconcile)" "; 0 writes to binfmt_misc" "a reload after the restart"
assert_runs one "after the reload"

# 5. The priorities swapped while a loop executes the file: the kernel is reordered, the other
#    entry runs the file, and no exec fails meanwhile; 20 times, ending with two on top.
cat >"$T/spawn.sh" <<SPAWN
ok=0 bad=0
: >"$T/spawn.started"
while [ ! -e "$T/spawn.stop" ]; do
  for f in "$T/file.prio" "$T/only-two.prio"; do
    if "\$f" >/dev/null 2>&1; then ok=\$((ok + 1)); else bad=\$((bad + 1)); fi
  done
done
echo "\$ok \$bad" >"$T/spawn.out"
SPAWN
started() { [ -e "$T/spawn.started" ]; }
spawned() { [ -e "$T/spawn.out" ]; }
background bash "$T/spawn.sh"
wait_for 10 "the exec loop did not start" started
for i in $(seq 1 10); do
  prio_conf 0 10
  wait_for 10 "two does not run file.prio after the priorities were swapped ($i)" runs two
  [ "$i" = 10 ] && break
  prio_conf 10 0
  wait_for 10 "one does not run file.prio after the priorities were swapped back ($i)" runs one
done
: >"$T/spawn.stop"
wait_for 20 "the exec loop did not stop" spawned
read -r spawn_ok spawn_failed <"$T/spawn.out"
echo "19 reorders: $spawn_failed failed execs (of $spawn_ok)"
[ "$spawn_ok" -gt 19 ] || fail "the exec loop ran only $spawn_ok files while binfmtd reordered"
assert_eq 0 "$spawn_failed" "execs that failed while binfmtd reordered one and two"
assert_eq "two one " "$(kernel_order)" "kernel order with two at priority 10 (no stand-in left)"
assert_contains "$(daemon_log)" "two: registering it again, to be tried before \"one\" (priority 10 over 0)" \
  "binfmtd log"
expect_ctl 0 reload
assert_contains "$(last_reconcile)" "; 0 writes to binfmt_misc" "a reload after the reorder"

# The same reorder's writes, seen by strace (a gap of two write(2)s is too short for the loop to
# be sure to meet it): two's definition goes in under a stand-in before two goes out, so that
# only-two.prio has a handler at every moment. Run by binfmtd --once, the daemon stopped.
command -v strace >/dev/null || fail "strace is missing: install strace (scripts/dev setup)"
stop_daemon
prio_conf 10 0
expect_binfmtd 0 # one on top again
assert_eq "one two " "$(kernel_order)" "kernel order with one at priority 10 again"
prio_conf 0 10
WRAP=(strace -f -y -s 512 -e trace=write -o "$T/strace.reorder")
expect_binfmtd 0
# shellcheck disable=SC2034 # WRAP: read by lib.sh's run_binfmtd
WRAP=()
# Each write to binfmt_misc as "FILE DATA": the register line's name, or an entry's "-1".
writes=$(sed -n 's|^[0-9]* *write([0-9]*<'"$BINFMT"'/\([^>]*\)>, "\(:[^:]*:\)\{0,1\}\([^"]*\)".*|\1 \2|p' \
  "$T/strace.reorder" | sed 's/ $/ -1/' | tr '\n' ';')
assert_eq "register :two.binfmtd-swap:;two -1;register :two:;two.binfmtd-swap -1;" "$writes" \
  "binfmtd's writes to binfmt_misc when two is to be tried before one"
assert_eq "two one " "$(kernel_order)" "kernel order after the traced reorder"
assert_runs two "after the traced reorder"
start_daemon --debounce-ms 50
assert_contains "$(last_reconcile)" "; 0 writes to binfmt_misc" "the daemon's first reconcile after the reorder"

# 6. status and validate report the overlap: both entries, which wins, why.
expect_ctl 0 status one
assert_contains "$CTL_OUT" "Priority:" "status one"
assert_contains "$CTL_OUT" "Overlaps:" "status one"
assert_contains "$CTL_OUT" "\"two\" wins over \"one\": priority 10 over 0" "status one"
expect_ctl 0 --json status one
assert_eq '["\"two\" wins over \"one\": priority 10 over 0"]' "$(json 'd["overlaps"]' <<<"$CTL_OUT")" \
  "status one --json: overlaps"
expect_ctl 0 validate "$ROOT/etc/binfmtd.d/prio.toml"
assert_contains "$CTL_OUT" "prio.toml:1:1: note: [one] matches files that \"two\"" "validate"
assert_contains "$CTL_OUT" "\"two\" runs them: priority 10 over 0" "validate"
expect_ctl 0 --json validate "$ROOT/etc/binfmtd.d/prio.toml"
assert_eq '[["note", "one"]]' "$(json '[[x["severity"], x["entry"]] for x in d["diagnostics"]]' <<<"$CTL_OUT")" \
  "validate --json: the overlap as a note"
# A tie is a warning (still no error: exit 0), saying what decided.
printf '[tie-a]\nextension = "tie"\ninterpreter = "/bin/x"\n[tie-b]\nextension = "tie"\ninterpreter = "/bin/x"\n' \
  >"$T/tie.toml"
expect_ctl 0 validate "$T/tie.toml"
assert_contains "$CTL_ERR" "warning: [tie-a] matches files that \"tie-b\"" "validate of a tie"
assert_contains "$CTL_ERR" "both priority 0; the later line of" "validate of a tie"

# 7. register --priority: above everything, then below it.
expect_ctl 0 register three --magic PRIO --interpreter "$T/bin/three" --priority 20
assert_runs three "three registered at priority 20"
assert_eq "three two one " "$(kernel_order)" "kernel order after register three --priority 20"
assert_eq 20 "$(entry_field three priority)" "GetEntry three priority"
assert_contains "$(cat "$ROOT/run/binfmtd.d/three.toml")" "priority = 20" "the definition Register wrote"
expect_ctl 0 register three --replace --magic PRIO --interpreter "$T/bin/three" --priority=-5
wait_for 10 "two does not run file.prio again after three went to priority -5" runs two
assert_eq "two one three " "$(kernel_order)" "kernel order after three went to priority -5"
expect_ctl 2 register four --magic PRIO --interpreter "$T/bin/three" --priority high
assert_contains "$CTL_ERR" "--priority \"high\" is not an integer from -2147483648 to 2147483647" "register --priority high"
expect_ctl 2 register four --magic PRIO --interpreter "$T/bin/three" --priority 2147483648
assert_contains "$CTL_ERR" "--priority \"2147483648\" is not an integer" "register --priority out of int32"
assert_not_registered four
# register --file passes the key through.
printf "[four]\nmagic = 'PRIO'\ninterpreter = \"%s\"\npriority = 30\n" "$T/bin/three" >"$T/four.toml"
expect_ctl 0 register --file "$T/four.toml"
assert_eq 30 "$(entry_field four priority)" "GetEntry four priority (register --file)"
assert_eq "four two one three " "$(kernel_order)" "kernel order after register --file four (30)"
expect_ctl 0 unregister four

# 8. Another tool's entry registered later wins over all of them: reported, never moved, and
#    binfmtd writes nothing for it.
before=$(reconciles)
register_by_hand ":theirs:M::PRIO::$T/bin/theirs:"
reconciled() { [ "$(reconciles)" -gt "$before" ]; }
wait_for 10 "binfmtd did not look at the table after another tool's registration" reconciled
assert_contains "$(last_reconcile)" "; 0 writes to binfmt_misc" "the reconcile after another tool's registration"
assert_runs theirs "another tool's later entry"
assert_eq "theirs two one three " "$(kernel_order)" "kernel order with another tool's entry"
expect_ctl 0 status two
assert_contains "$CTL_OUT" "Outranked by:" "status two"
assert_contains "$CTL_OUT" "theirs (foreign, registered later" "status two"
assert_contains "$CTL_OUT" "\"theirs\" wins over \"two\": another tool's, registered later" "status two"
assert_eq theirs "$(entry_field two outranked-by)" "GetEntry two outranked-by"
echo -1 >"$BINFMT/theirs"
wait_for 10 "two does not run file.prio once the other tool's entry is gone" runs two
not_outranked() { [ -z "$(entry_field two outranked-by)" ]; }
wait_for 10 "GetEntry two still says outranked-by once theirs is gone" not_outranked
