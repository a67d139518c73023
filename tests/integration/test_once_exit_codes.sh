# `binfmtd --once` exit codes: 0 every entry active, disabled or pending; 1 an entry failed or
# the configuration has an error; 2 a usage error; 3 binfmt_misc not usable (absent, another
# file system, read-only, or disabled by its status), so that a CI step never passes when
# nothing could be registered.

stub_interpreter "$T/bin/stub"
printf '[ok]\nextension = "ok"\ninterpreter = "%s"\n' "$T/bin/stub" | conf ok.toml
expect_binfmtd 0
assert_registered ok

# Usage errors: an unknown option, a value out of range, a bad log level, a missing value.
for args in "--bogus" "--debounce-ms 999999" "--log-level loud" "--root"; do
  # shellcheck disable=SC2086 # each is several words on purpose
  expect_binfmtd 2 $args
done
expect_binfmtd 0 --version
assert_contains "$(cat "$T/binfmtd.$RUNS.log")$("$BINFMTD" --version)" "0." "binfmtd --version"

# Not usable: a directory that is not binfmt_misc, a missing one, read-only, disabled.
mkdir -p "$T/not-binfmt"
for dir in "$T/not-binfmt" "$T/nowhere"; do
  rc=0
  out=$("$BINFMTD" --once --root "$ROOT" --binfmt-dir "$dir" 2>&1) || rc=$?
  assert_eq 3 "$rc" "exit code of binfmtd --once --binfmt-dir $dir"
  assert_contains "$out" "\"$dir\"" "binfmtd --once --binfmt-dir $dir"
done
echo 0 >"$BINFMT/status"
expect_binfmtd 3
assert_log "is disabled (its status is 0)"
echo 1 >"$BINFMT/status"
expect_binfmtd 0
mount -o remount,ro "$BINFMT"
expect_binfmtd 3
assert_log "is mounted read-only"
mount -o remount,rw "$BINFMT"
expect_binfmtd 0

# A failed entry is 1, even on a usable table.
printf '[bad]\nextension = "bad"\ninterpreter = "%s"\nbogus = 1\n' "$T/bin/stub" | conf bad.toml
expect_binfmtd 1

# A --root without any configuration directory is most likely a mistake: said, not fatal.
mkdir -p "$T/empty-root"
rc=0
out=$("$BINFMTD" --once --root "$T/empty-root" --binfmt-dir "$BINFMT" 2>&1) || rc=$?
assert_eq 0 "$rc" "exit code of binfmtd --once with an empty --root"
assert_contains "$out" "none of the configuration directories" "binfmtd --once with an empty --root"
