# binfmtd running (on the private bus) beside systemd-binfmt on the same binfmt_misc instance,
# with this machine's real binfmt.d files and binfmt-support records under --root, an imported
# fixture record, a binfmtd.d entry and a foreign entry registered by hand. systemd-binfmt
# flushes the whole table and registers binfmt.d's lines, several times in a row while binfmtd
# watches: after each run every declared entry is back and active, none failed, binfmtd
# registered each entry at most once for that run, and once settled neither the table nor
# binfmtd's state changes any more.

coexistence_root
# fixture-magic imported, as update-binfmts --import leaves its admin file (binfmt-support itself
# is not needed here: test_coexistence_update_binfmts.sh runs it).
printf 'fixture\nmagic\n0\n\\x01FXM\\x02\n\\xff\\xff\\xdf\\xff\\xff\n%s\n\n' "$T/bin/fixture" \
  >"$ROOT/var/lib/binfmts/fixture-magic"

start_daemon
binfmt_d_names=$(cd "$ROOT/usr/lib/binfmt.d" && for f in *.conf; do printf '%s\n' "${f%.conf}"; done | sort | xargs)
active=$(tr ' ' '\n' <<<"$binfmt_d_names fixture-magic own" | sort | xargs)
wait_for 10 "binfmtd did not converge on its start: $(names_in_state active)" converged "$active"
assert_eq foreign "$(entry_field foreign-hand state)" "state of the entry registered by hand"
assert_eq "fixture-ext jar" "$(names_in_state disabled)" "the records nobody imported"
assert_quiet "after binfmtd's start"
# The table, less the entry registered by hand.
declared_table() { dump_table | awk '/^\[/ { skip = ($0 == "[foreign-hand]") } !skip'; }
table_before=$(declared_table)
assert_not_contains "$table_before" "fhand" "the declared entries' table"
fixture_before=$(snapshot fixture-magic)

runs=4
for run in $(seq 1 "$runs"); do
  mark=$(log_mark)
  systemd_binfmt
  # systemd-binfmt unregisters each name just before it registers it: should binfmtd, putting
  # the table back after the flush, register a binfmt.d name in that instant, systemd-binfmt's
  # own write gets "File exists" (both wrote the same line; nothing is lost). That is the only
  # complaint it may have.
  if [ "$SB_RC" != 0 ]; then
    others=$(grep -v "File exists" <<<"$SB_OUT" || true)
    [ -z "$others" ] || fail "systemd-binfmt run $run failed (exit $SB_RC) for another reason than a race: $others"
  fi
  wait_for 10 "run $run of systemd-binfmt: binfmtd did not converge: $(names_in_state active)" converged "$active"
  assert_quiet "after run $run of systemd-binfmt"
  changes=$(log_since "$mark")
  # The flush took fixture-magic and own, which no binfmt.d line declares: binfmtd put each
  # back exactly once. A binfmt.d entry is registered by binfmtd at most once a run (when it
  # came to it before systemd-binfmt did) and twice only in the race above.
  assert_eq 1 "$(registered_since "$mark" fixture-magic)" "run $run: binfmtd's registrations of fixture-magic"
  assert_eq 1 "$(registered_since "$mark" own)" "run $run: binfmtd's registrations of own"
  for n in $binfmt_d_names; do
    count=$(registered_since "$mark" "$n")
    if [ "$count" -gt 1 ] && ! grep -q "$n.*File exists" <<<"$SB_OUT"; then
      fail "run $run: binfmtd registered $n $count times:"$'\n'"$changes"
    fi
  done
  assert_not_contains "$changes" "Removed " "run $run: binfmtd's log (it removes nothing it declares)"
  assert_not_contains "$changes" "failed:" "run $run: binfmtd's log (a race with systemd-binfmt is no failure)"
  # systemd-binfmt's flush also destroyed the entry registered by hand, and binfmtd cannot bring
  # back what it never owned: it is gone, not listed as foreign any more.
  assert_not_registered foreign-hand
  expect_ctl 5 status foreign-hand
done

# What binfmtd and systemd-binfmt register from one binfmt.d line is the same, byte for byte: the
# table after the runs is the one binfmtd made at its start, less the entry registered by hand.
assert_eq "$table_before" "$(declared_table)" "the table after $runs runs of systemd-binfmt"
assert_eq "$fixture_before" "$(snapshot fixture-magic)" "fixture-magic after $runs runs of systemd-binfmt"
assert_eq 0 "$(names_in_state failed | wc -w)" "failed entries"
