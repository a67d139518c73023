# A file with a TOML syntax error makes binfmtd exit 1 and name file:line, but it never costs
# the entries that file defined while it was valid, nor holds back other files.

stub_interpreter "$T/bin/stub"
entry() { printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$1" "x$1" "$T/bin/stub"; }
{ entry good-1; } | conf good.toml
{ entry fragile-1; entry fragile-2; } | conf fragile.toml

expect_binfmtd 0
for n in good-1 fragile-1 fragile-2; do assert_registered "$n"; snapshot "$n" >"before.$n"; done

# Line 9 of fragile.toml is broken; meanwhile good.toml gains an entry and a new broken file
# appears whose entry was never valid.
{ entry fragile-1; entry fragile-2; echo 'this line is not TOML'; entry fragile-3; } | conf fragile.toml
{ entry good-1; entry good-2; } | conf good.toml
{ printf '[never]\nextension = "never"\ninterpreter = "%s"\n' "$T/bin/stub"; echo '[oops'; } | conf never.toml

expect_binfmtd 1
assert_log "<3>$ROOT/etc/binfmtd.d/fragile.toml:9:"
assert_log "<3>$ROOT/etc/binfmtd.d/never.toml:4:"
assert_registered good-2                       # other files go on
for n in fragile-1 fragile-2; do               # last valid definition kept
  assert_registered "$n"
  assert_owned "$n"
  cmp -s "before.$n" <(snapshot "$n") || fail "$n changed while its file was broken"
done
assert_not_registered fragile-3                # never valid
assert_not_registered never
assert_not_log "Removed"

# Still broken: still kept, and nothing to write.
expect_binfmtd 1
assert_log "; 0 writes to binfmt_misc"
for n in fragile-1 fragile-2; do assert_registered "$n"; done

# Fixed, with fragile-2 dropped: now the file's current content counts.
{ entry fragile-1; entry fragile-3; } | conf fragile.toml
rm "$ROOT/etc/binfmtd.d/never.toml"
expect_binfmtd 0
assert_log "Removed fragile-2"
assert_eq "fragile-1 fragile-3 good-1 good-2 " "$(kernel_names)" "kernel entries after the fix"
assert_eq "fragile-1 fragile-3 good-1 good-2" "$(owned_names)" "owned entries after the fix"
