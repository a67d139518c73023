# What an F entry really runs: GetEntry's pinned/pinned-stale for binfmtd's own entries (what it
# registered), and binfmtctl status's probe for another tool's (the exec stopped before any
# instruction of the interpreter runs); a replaced interpreter shows as stale.

# An interpreter that leaves a mark when it runs: had the probe let it run, the mark would show.
for tool in as ld; do command -v "$tool" >/dev/null || fail "$tool (binutils) is needed"; done
marker_interpreter() { # PATH MARK
  cat >"$T/marker.s" <<ASM
.globl _start
_start:
 mov \$2, %eax
 lea mark(%rip), %rdi
 mov \$0101, %esi
 mov \$0644, %edx
 syscall
 mov \$60, %eax
 xor %edi, %edi
 syscall
mark: .asciz "$2"
ASM
  if ! as -o "$T/marker.o" "$T/marker.s" || ! ld -o "$1.new" "$T/marker.o"; then fail "cannot build the marker interpreter"; fi
  chmod 0755 "$1.new" && mv "$1.new" "$1"
}
mkdir -p "$T/bin"
marker_interpreter "$T/bin/own-interp" "$T/ran-own"
marker_interpreter "$T/bin/foreign-interp" "$T/ran-foreign"

start_daemon
expect_ctl 0 register own --magic '\x7fBFMown' --interpreter "$T/bin/own-interp" --fix-binary
assert_eq "$T/bin/own-interp" "$(entry_field own pinned)" "GetEntry own pinned"
assert_eq false "$(entry_field own pinned-stale)" "GetEntry own pinned-stale"
expect_ctl 0 status own
assert_contains "$CTL_OUT" "Pinned: $T/bin/own-interp" "status own"

# Another tool's F entry: binfmtd cannot know its pin; binfmtctl asks the kernel.
register_by_hand ":foreign:M::\\x7fBFMfor::$T/bin/foreign-interp:F"
assert_eq "" "$(entry_field foreign pinned)" "GetEntry foreign pinned (unknown to binfmtd)"
expect_ctl 0 status foreign
assert_contains "$CTL_OUT" "Pinned: $T/bin/foreign-interp" "status foreign"
assert_not_contains "$CTL_OUT" "stale" "status foreign"
expect_ctl 0 --json status foreign
assert_eq "$T/bin/foreign-interp false" "$(json 'd["pinned"] + " " + str(d["pinned-stale"]).lower()' <<<"$CTL_OUT")" \
  "status --json foreign"
[ ! -e "$T/ran-foreign" ] || fail "the probe ran the interpreter"

# Adopted (another tool's, identical to a binfmtd.d definition): its pin is asked of the kernel too.
register_by_hand ":adopted:M::\\x7fBFMado::$T/bin/foreign-interp:F"
conf adopted.toml <<TOML
[adopted]
magic = '\\x7fBFMado'
interpreter = "$T/bin/foreign-interp"
fix-binary = true
TOML
expect_ctl 0 reload
assert_eq true "$(entry_field adopted adopted)" "GetEntry adopted adopted"
assert_eq "" "$(entry_field adopted pinned)" "GetEntry adopted pinned (unknown to binfmtd)"
expect_ctl 0 status adopted
assert_contains "$CTL_OUT" "Adopted: yes" "status adopted"
assert_contains "$CTL_OUT" "Pinned: $T/bin/foreign-interp" "status adopted"
[ ! -e "$T/ran-foreign" ] || fail "the probe ran the interpreter"

# An upgrade replaces the file: the kernel still runs the old one, which no path names now.
marker_interpreter "$T/bin/foreign-interp" "$T/ran-foreign"
expect_ctl 0 --json status foreign
assert_eq "$T/bin/foreign-interp (deleted) true" "$(json 'd["pinned"] + " " + str(d["pinned-stale"]).lower()' <<<"$CTL_OUT")" \
  "status --json foreign after the interpreter was replaced"
expect_ctl 0 status foreign
assert_contains "$CTL_OUT" "stale" "status foreign after the interpreter was replaced"
[ ! -e "$T/ran-foreign" ] || fail "the probe ran the interpreter"

# binfmtd's own entry is re-registered on the upgrade: its pin follows, never stale for long.
marker_interpreter "$T/bin/own-interp" "$T/ran-own"
own_fresh() { [ "$(entry_field own pinned-stale)" = false ] && [ "$(entry_field own pinned)" = "$T/bin/own-interp" ]; }
deadline 10 own_fresh || fail "own's pin did not follow its upgraded interpreter: $(entry_field own pinned)"
# That reconcile left the adopted entry alone: binfmtd never re-registers another tool's entry.
assert_eq true "$(entry_field adopted adopted)" "GetEntry adopted adopted after the upgrades"
expect_ctl 0 --json status adopted
assert_eq "$T/bin/foreign-interp (deleted) true" "$(json 'd["pinned"] + " " + str(d["pinned-stale"]).lower()' <<<"$CTL_OUT")" \
  "status --json adopted after its interpreter was replaced"

# When another entry would run the probe first, the pin cannot be told, and binfmtctl says why.
register_by_hand ":shadow:M::\\x7fBFMfor::$T/bin/own-interp:F"
expect_ctl 0 status foreign
assert_contains "$CTL_OUT" "unknown: \"shadow\" runs such files first" "status foreign behind a newer entry"
printf '%s\n' -1 >"$BINFMT/shadow"

# The control: the marker does mark when it runs.
printf '\x7fBFMfor' >"$T/file" && chmod 0755 "$T/file"
"$T/file" || true
[ -e "$T/ran-foreign" ] || fail "the marker interpreter left no mark when it ran: the checks above prove nothing"
