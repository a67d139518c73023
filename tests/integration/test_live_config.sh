# The running daemon applies configuration changes by itself (inotify, after the debounce):
# a file added, edited, deleted, a directory created later; a file made invalid keeps the
# entries it defined while valid, with the error visible in GetEntry.

stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/other"
printf '[base]\nextension = "base"\ninterpreter = "%s"\n' "$T/bin/stub" | conf base.toml
start_daemon --debounce-ms 50
wait_for 10 "base is not registered" in_kernel base

# Added.
printf '[added]\nextension = "add"\ninterpreter = "%s"\n' "$T/bin/stub" | conf added.toml
wait_for 10 "a new configuration file was not applied" in_kernel added
assert_eq active "$(entry_field added state)" "state of added"
assert_eq "$ROOT/etc/binfmtd.d/added.toml" "$(entry_field added origin)" "origin of added"

# Edited: another interpreter and extension.
printf '[added]\nextension = "add2"\ninterpreter = "%s"\n' "$T/bin/other" | conf added.toml
edited() { [ "$(kfield added interpreter)" = "$T/bin/other" ]; }
wait_for 10 "an edited configuration file was not applied: $(snapshot added)" edited
assert_eq "add2" "$(kfield added extension | tr -d .)" "extension of added after the edit"

# Edited in place by an editor that writes a temp file and renames it over.
printf '[added]\nextension = "add3"\ninterpreter = "%s"\n' "$T/bin/other" >"$ROOT/etc/binfmtd.d/.added.toml.tmp"
mv "$ROOT/etc/binfmtd.d/.added.toml.tmp" "$ROOT/etc/binfmtd.d/added.toml"
renamed() { [ "$(kfield added extension)" = ".add3" ]; }
wait_for 10 "a configuration file renamed over was not applied: $(snapshot added)" renamed

# Deleted.
rm "$ROOT/etc/binfmtd.d/added.toml"
wait_for 10 "the entry of a deleted configuration file is still registered" not_in_kernel added
assert_registered base

# A directory that did not exist when binfmtd started (/run/binfmtd.d here).
[ ! -e "$ROOT/run/binfmtd.d" ] || fail "test setup: $ROOT/run/binfmtd.d exists already"
printf '[late]\nextension = "late"\ninterpreter = "%s"\n' "$T/bin/stub" | conf run/binfmtd.d/extra.toml
wait_for 10 "a file in a directory created after start was not applied" in_kernel late
assert_eq "$ROOT/run/binfmtd.d/extra.toml" "$(entry_field late origin)" "origin of late"

# Made invalid: base stays registered as it was, the error is in GetEntry and the log.
snapshot base >want.base
printf '[base]\nextension = "base"\ninterpreter = "%s"\nbogus-key = 1\n' "$T/bin/stub" | conf base.toml
has_error() { [ -n "$(entry_field base error)" ]; }
wait_for 10 "GetEntry base shows no error after its file became invalid" has_error
error=$(entry_field base error)
assert_contains "$error" "base.toml" "GetEntry base error"
assert_contains "$error" "keeping the last valid definition" "GetEntry base error"
assert_eq active "$(entry_field base state)" "state of base while its file is invalid"
cmp -s want.base <(snapshot base) || fail "base changed while its file is invalid: $(snapshot base)"
assert_contains "$(daemon_log)" "base.toml:4" "binfmtd log (file:line of the bad key)"
# Flushed meanwhile: base comes back as it last was, though its file is still invalid.
echo -1 >"$BINFMT/status"
wait_for 10 "base was not restored after a flush while its file is invalid" in_kernel base
cmp -s want.base <(snapshot base) || fail "base differs after its restore: $(snapshot base)"
assert_contains "$(entry_field base error)" "restored the last valid definition" "GetEntry base error after the flush"
assert_eq extension "$(entry_field base kind)" "kind of base after the restore"
# A restart does not forget it (binfmtd remembers what it registered in /run).
stop_daemon
echo -1 >"$BINFMT/base"
start_daemon --debounce-ms 50
wait_for 10 "base was not restored by a restarted binfmtd while its file is invalid" in_kernel base
cmp -s want.base <(snapshot base) || fail "base differs after its restore: $(snapshot base)"

# Fixed again: the error goes away.
printf '[base]\nextension = "base"\ninterpreter = "%s"\n' "$T/bin/stub" | conf base.toml
no_error() { [ -z "$(entry_field base error)" ]; }
wait_for 10 "GetEntry base still shows an error after the file was fixed" no_error
assert_registered base

# A file rewritten in place (truncated, then written: what `>` in a shell or many editors do)
# is read once it is whole: every change restarts the debounce. The timing rule itself is the
# scheduler's, unit-tested on a fake clock (tests/unit/test_reconcile_scheduler.cpp); here the
# whole path, from inotify to the kernel, sees the truncation and the write as one change.
stop_daemon
start_daemon --debounce-ms 1000
wait_for 10 "base is not registered" in_kernel base
: >"$ROOT/etc/binfmtd.d/base.toml"              # truncated: an empty file would mask base
printf '[base]\nextension = "base"\ninterpreter = "%s"\n' "$T/bin/stub" >"$ROOT/etc/binfmtd.d/base.toml"
reconciled_after_edit() { [ "$(grep -c 'Reconciling: the configuration changed' "$DAEMON_LOG")" -ge 1 ]; }
wait_for 10 "no reconcile after the rewrite" reconciled_after_edit
assert_not_contains "$(daemon_log)" "Removed base" "binfmtd log while base.toml was rewritten in place"
assert_registered base
