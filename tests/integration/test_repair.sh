# binfmtd puts back what others did to the entries it owns (removed, replaced, the whole
# mount gone and back), leaves an entry someone disabled disabled, waits (pending, nothing
# written) while binfmt_misc is not mounted, and writes nothing while it is mounted read-only
# (the entries keep the kernel's state); --once exits 3 in both cases: binfmt_misc is not usable.

stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/other"
entry() { printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$1" "x$1" "$T/bin/stub"; }
{ entry removed; entry replaced; entry switched-off; } | conf mine.toml

expect_binfmtd 0
for n in removed replaced switched-off; do snapshot "$n" >"before.$n"; done

echo -1 >"$BINFMT/removed"
echo -1 >"$BINFMT/replaced"
register_by_hand ":replaced:E::xreplaced::$T/bin/other:"
echo 0 >"$BINFMT/switched-off"

expect_binfmtd 0
assert_log "Registered removed"
assert_log "Removed replaced"
assert_log "Registered replaced"
assert_log "switched-off: disabled: disabled in the kernel"
# removed: 1 write; replaced: a gapless swap, 4 (its stand-in in, the old out, the new in, the stand-in out).
assert_log "Reconciled: 2 active, 1 disabled, 0 pending, 0 failed, 0 foreign; 5 writes"
for n in removed replaced; do cmp -s "before.$n" <(snapshot "$n") || fail "$n not restored: $(snapshot "$n")"; done
assert_eq disabled "$(kfield switched-off state)" "state of switched-off"

# Not mounted: everything pending, exit 3, nothing created in the bare directory.
umount "$BINFMT"
expect_binfmtd 3
assert_log "binfmt_misc is not mounted at \"$BINFMT\""
assert_eq "" "$(ls -A "$BINFMT")" "content of the unmounted directory"
assert_eq "removed replaced switched-off" "$(owned_names)" "owned entries while unmounted"

# Mounted again: a fresh, empty instance, filled again.
mount -t binfmt_misc binfmt_misc "$BINFMT"
expect_binfmtd 0
assert_log "Reconciled: 3 active, 0 disabled, 0 pending, 0 failed, 0 foreign; 3 writes"
for n in removed replaced switched-off; do cmp -s "before.$n" <(snapshot "$n") || fail "$n not as configured"; done

# Read-only: nothing written, the entries as the kernel has them, exit 3 (binfmt_misc not
# usable), the table as it was.
mount -o remount,ro "$BINFMT"
expect_binfmtd 3
assert_log "is mounted read-only; nothing is changed in the kernel"
assert_log "Reconciled: 3 active, 0 disabled, 0 pending, 0 failed, 0 foreign; 0 writes"
assert_eq "removed replaced switched-off " "$(kernel_names)" "kernel entries while read-only"
