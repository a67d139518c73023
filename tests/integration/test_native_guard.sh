# An entry that would capture the host's own executables (x86-64 ELF here) is refused:
# failed, exit 1, nothing registered; native programs keep running in the sandbox.

[ "$(uname -m)" = x86_64 ] || fail "this scenario expects an x86_64 host; this is $(uname -m)"
stub_interpreter "$T/bin/stub"
conf danger.toml <<TOML
[elf64-le]
magic = '\\x7fELF\\x02\\x01\\x01'
offset = 0
interpreter = "$T/bin/stub"

[x86-64-exec]
magic = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x3e\\x00'
mask = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff'
interpreter = "$T/bin/stub"

[harmless]
magic = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00'
interpreter = "$T/bin/stub"
TOML

run_binfmtd
# Should the guard fail, take the entries out with shell builtins before anything else runs:
# with them in place every native exec in this sandbox would go to the stub.
captured=''
for n in elf64-le x86-64-exec; do
  if [ -e "$BINFMT/$n" ]; then echo -1 >"$BINFMT/$n"; captured+=" $n"; fi
done
[ -z "$captured" ] || fail "registered although they capture native executables:$captured"
assert_eq 1 "$RC" "exit code of binfmtd"
assert_log "elf64-le: failed:"
assert_log "x86-64-exec: failed:"
assert_log "would capture native executables"
assert_log "Reconciled: 1 active, 0 disabled, 0 pending, 2 failed, 0 foreign"
assert_registered harmless
assert_not_owned elf64-le
assert_not_owned x86-64-exec

run_file /bin/true
assert_eq 0 "$ERC" "exit code of /bin/true (output: $OUT)"
run_file /bin/sh -c 'echo native'
assert_eq "0 native" "$ERC $OUT" "/bin/sh -c 'echo native'"
run_file "$BINFMTD" --version
assert_eq 0 "$ERC" "exit code of binfmtd --version (output: $OUT)"
