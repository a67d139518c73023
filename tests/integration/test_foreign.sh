# Entries binfmtd did not register are foreign: never removed, changed, enabled or disabled,
# even when the configuration defines an entry of the same name (that one fails instead).

stub_interpreter "$T/bin/hand"
stub_interpreter "$T/bin/ours"
register_by_hand ":hand-made:E::hand::$T/bin/hand:"
register_by_hand ":hand-off:M:2:\\x01\\x02\\x03:\\xff\\xfe\\xff:$T/bin/hand:P"
echo 0 >"$BINFMT/hand-off" # a disabled foreign entry stays disabled
register_by_hand ":clash:E::clash::$T/bin/hand:"
for n in hand-made hand-off clash; do snapshot "$n" >"before.$n"; done
assert_eq disabled "$(kfield hand-off state)" "state of hand-off after echo 0"

conf ours.toml <<TOML
[ours]
extension = "ours"
interpreter = "$T/bin/ours"

[clash]
magic = '\\x05\\x06'
interpreter = "$T/bin/ours"
TOML

for run in 1 2; do
  expect_binfmtd 1
  assert_log "clash: failed: the kernel already has an entry \"clash\""
  assert_log "Reconciled: 1 active, 0 disabled, 0 pending, 1 failed, 2 foreign"
  assert_registered ours
  for n in hand-made hand-off clash; do
    snapshot "$n" >"after.$n"
    cmp -s "before.$n" "after.$n" || fail "foreign entry $n changed (run $run): $(diff "before.$n" "after.$n" || true)"
  done
  assert_eq "clash hand-made hand-off ours " "$(kernel_names)" "kernel entries after run $run"
  assert_eq ours "$(owned_names)" "owned entries after run $run"
done

# Running a file through the foreign entry still works as its owner set it up.
printf 'data\n' >file.hand && chmod +x file.hand
run_file ./file.hand
assert_eq "stub hand: ./file.hand" "$OUT" "running a file through the foreign entry"
