# Entries binfmtd registered disappear from the kernel when the configuration stops defining
# them (entry deleted, file deleted, enabled = false); the others stay untouched.

stub_interpreter "$T/bin/stub"
write_one() { # write_one FILE NAME...
  local f=$1 n
  shift
  for n in "$@"; do printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$n" "ext$n" "$T/bin/stub"; done | conf "$f"
}
write_one one.toml keep-a gone-b
write_one two.toml gone-c
write_one three.toml off-d

expect_binfmtd 0
for n in keep-a gone-b gone-c off-d; do assert_registered "$n"; assert_owned "$n"; done
snapshot keep-a >before.keep-a

# gone-b deleted from its file, two.toml deleted, off-d disabled.
write_one one.toml keep-a
rm "$ROOT/etc/binfmtd.d/two.toml"
printf '[off-d]\nextension = "extoff-d"\ninterpreter = "%s"\nenabled = false\n' "$T/bin/stub" | conf three.toml

expect_binfmtd 0
assert_log "Removed gone-b"
assert_log "Removed gone-c"
assert_log "Removed off-d"
assert_log "Reconciled: 1 active, 1 disabled, 0 pending, 0 failed, 0 foreign; 3 writes to binfmt_misc"
assert_eq "keep-a " "$(kernel_names)" "kernel entries after removal"
cmp -s before.keep-a <(snapshot keep-a) || fail "keep-a changed"
assert_owned keep-a
for n in gone-b gone-c off-d; do assert_not_owned "$n"; done

# Gone for good: nothing left to do.
expect_binfmtd 0
assert_log "; 0 writes to binfmt_misc"
assert_eq "keep-a " "$(kernel_names)" "kernel entries after a further run"
