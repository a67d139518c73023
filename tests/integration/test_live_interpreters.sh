# The running daemon follows interpreter files: one installed later turns `pending` into
# `active`; one replaced by a package upgrade (a new file renamed over the path, or a symlink
# switched to a new target) gets its fix-binary entry registered again, so that the kernel
# runs the new file; one removed is reported, and its F entry keeps working.

command -v cc >/dev/null || fail "cc is missing: install build-essential"
# interp_version PATH N: a native interpreter that prints "version N" (a real ELF file: with
# the F flag the kernel runs the opened file itself, which a #! script would hide).
interp_version() {
  mkdir -p "${1%/*}"
  printf '#include <stdio.h>\nint main(void) { puts("version %s"); return 0; }\n' "$2" \
    | cc -x c -o "$1.tmp" - || fail "cannot compile a stub interpreter"
  mv "$1.tmp" "$1"
}
# runs_version FILE N: executing FILE prints "version N".
runs_version() { run_file "$1"; [ "$OUT" = "version $2" ]; }
matching() { printf 'data\n' >"$T/$1"; chmod 0755 "$T/$1"; }

printf '[later]\nextension = "later"\ninterpreter = "%s"\n' "$T/opt/later/interp" | conf later.toml
printf '[pinned]\nextension = "pin"\ninterpreter = "%s"\nfix-binary = true\n' "$T/bin/pinned" | conf pinned.toml
printf '[linked]\nextension = "lnk"\ninterpreter = "%s"\nfix-binary = true\n' "$T/bin/linked" | conf linked.toml
interp_version "$T/bin/pinned" 1
interp_version "$T/lib/v1/interp" 1
interp_version "$T/lib/v2/interp" 2
ln -s ../lib/v1/interp "$T/bin/linked"
matching file.later
matching file.pin
matching file.lnk

start_daemon --debounce-ms 50
assert_eq pending "$(entry_field later state)" "state of later before its interpreter exists"
assert_contains "$(entry_field later error)" "$T/opt/later/interp" "GetEntry later error"
assert_not_registered later
runs_version "$T/file.pin" 1 || fail "file.pin: [$OUT] before the upgrade"
runs_version "$T/file.lnk" 1 || fail "file.lnk: [$OUT] before the upgrade"

# Installed later, in a directory that did not exist either.
interp_version "$T/opt/later/interp" 7
wait_for 10 "later is not active after its interpreter was installed" state_is later active
assert_registered later
runs_version "$T/file.later" 7 || fail "file.later: [$OUT]"

# Upgraded: a new file renamed over the interpreter's path. The kernel pins the old file
# until binfmtd registers the entry again.
interp_version "$T/bin/pinned" 2
wait_for 10 "file.pin still runs the old interpreter after the upgrade: [$OUT]" runs_version "$T/file.pin" 2
assert_eq F "$(kfield pinned flags)" "flags of pinned"

# Upgraded through a symlink switched to a new target (ln -s + rename, as package managers do).
ln -s ../lib/v2/interp "$T/bin/linked.new"
mv -T "$T/bin/linked.new" "$T/bin/linked"
wait_for 10 "file.lnk still runs the old interpreter after the link changed: [$OUT]" runs_version "$T/file.lnk" 2
# The link's target replaced in its own directory (the new directory is watched too).
interp_version "$T/lib/v2/interp" 3
wait_for 10 "file.lnk still runs the old target after it was replaced: [$OUT]" runs_version "$T/file.lnk" 3

# Removed: reported as pending with the reason; the F entry keeps running the pinned file.
rm "$T/bin/pinned"
wait_for 10 "pinned is not reported after its interpreter was removed" state_is pinned pending
assert_contains "$(entry_field pinned error)" "$T/bin/pinned" "GetEntry pinned error"
assert_registered pinned
runs_version "$T/file.pin" 2 || fail "file.pin after its interpreter was removed: [$OUT]"
# And back: active again.
interp_version "$T/bin/pinned" 4
wait_for 10 "pinned is not active after its interpreter came back" state_is pinned active
wait_for 10 "file.pin does not run the reinstalled interpreter: [$OUT]" runs_version "$T/file.pin" 4
