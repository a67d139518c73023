# The running daemon follows the binfmt_misc mount: mounted after it started, held busy while
# mounted (another tool's umount fails instead of wiping the table), lazily unmounted (entries
# pending, Mounted false) and mounted again (entries back), remounted read-only (still active:
# the kernel runs them; the reason in their error) and read-write again.

stub_interpreter "$T/bin/stub"
printf '[m-a]\nextension = "ma"\ninterpreter = "%s"\n[m-b]\nextension = "mb"\ninterpreter = "%s"\n' \
  "$T/bin/stub" "$T/bin/stub" | conf m.toml
is_mounted() { [ "$(property Mounted)" = "b $1" ]; }
is_writable() { [ "$(property Writable)" = "b $1" ]; }
no_error() { [ -z "$(entry_field "$1" error)" ]; }

# Not mounted when binfmtd starts.
umount "$BINFMT"
start_daemon
assert_eq "b false" "$(property Mounted)" "Mounted before binfmt_misc is mounted"
assert_eq pending "$(entry_field m-a state)" "state of m-a while binfmt_misc is not mounted"
assert_contains "$(entry_field m-a error)" "not mounted" "GetEntry m-a error"

mount -t binfmt_misc binfmt_misc "$BINFMT"
wait_for 10 "entries not registered after binfmt_misc was mounted" in_kernel m-a m-b
wait_for 10 "Mounted is not true after the mount" is_mounted true
assert_eq active "$(entry_field m-a state)" "state of m-a after the mount"

# Held: a plain umount is refused.
err=$(umount "$BINFMT" 2>&1) && fail "umount of binfmt_misc succeeded although binfmtd holds it open"
assert_contains "$err" "busy" "umount's complaint"
in_kernel m-a m-b || fail "the refused umount lost entries"

# Lazily unmounted, then mounted again: entries back.
umount --lazy "$BINFMT"
wait_for 10 "Mounted is not false after a lazy umount" is_mounted false
wait_for 10 "m-a is not pending after the umount" state_is m-a pending
mount -t binfmt_misc binfmt_misc "$BINFMT"
wait_for 10 "entries not back after binfmt_misc was mounted again" in_kernel m-a m-b
wait_for 10 "Mounted is not true after mounting again" is_mounted true
wait_for 10 "m-b is not active after mounting again" state_is m-b active

# Remounted read-only: still active, with the reason; read-write again: no error.
mount -o remount,ro "$BINFMT"
wait_for 10 "Writable is not false on a read-only binfmt_misc" is_writable false
assert_eq active "$(entry_field m-a state)" "state of m-a on a read-only binfmt_misc"
assert_contains "$(entry_field m-a error)" "read-only" "GetEntry m-a error"
assert_eq "b true" "$(property Mounted)" "Mounted on a read-only binfmt_misc"
mount -o remount,rw "$BINFMT"
wait_for 10 "m-a still has an error after the remount read-write" no_error m-a
assert_eq active "$(entry_field m-a state)" "state of m-a after the remount read-write"
in_kernel m-a m-b || fail "entries lost across the read-only remount"

# A flush right after a remount is still noticed (the watch on the table is re-armed).
echo -1 >"$BINFMT/status"
wait_for 10 "entries not restored after a flush following the remount" in_kernel m-a m-b
