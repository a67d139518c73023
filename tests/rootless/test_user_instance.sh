# A real unprivileged user (host_user.sh) runs an aarch64 program through host root's
# qemu-aarch64-static in a binfmt_misc instance of their own: binfmtd --user registers the
# user's entries from ~/.config/binfmtd.d into a new user namespace's instance, trusting files
# owned by root or by the user and nobody else, and runs the command there.

# run_user [ENV=VALUE...] -- [binfmtd --user ARGS...]: as the user; sets OUT (stdout), LOG (stderr), RC.
run_user() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  RC=0
  OUT=$(as_user env ${envs[@]+"${envs[@]}"} binfmtd --user "$@" 2>"$T/log") || RC=$?
  LOG=$(<"$T/log")
  printf -- '--- binfmtd --user %s: exit %d ---\n%s\n%s\n' "$*" "$RC" "$OUT" "$LOG"
}

# The user really has no privilege: the host's binfmt_misc (if mounted) is not theirs to write.
assert_eq "$TEST_UID" "$(as_user id -u)" "the test user's uid"
if as_user test -w /proc/sys/fs/binfmt_misc/register; then fail "the test user could write the host's binfmt_misc"; fi

# Without configuration: the instance is the user's own and empty, so the aarch64 program does
# not run (the exec fails, 126 as a shell says), whatever the host's table holds.
outer_ns=$(as_user readlink /proc/self/ns/user)
run_user -- sh -c 'readlink /proc/self/ns/user; ls /proc/sys/fs/binfmt_misc | tr "\n" " "; echo; id -u; hello'
assert_eq 126 "$RC" "exit code of an aarch64 program in an empty instance"
assert_contains "$LOG" "the configuration directory \"$UHOME/.config/binfmtd.d\" does not exist" "binfmtd's warning"
assert_contains "$LOG" "Exec format error" "the empty instance's exec"
inner_ns=$(sed -n 1p <<<"$OUT")
if [ -z "$inner_ns" ] || [ "$inner_ns" = "$outer_ns" ]; then
  fail "the command did not run in a new user namespace ($inner_ns)"
fi
assert_eq "register status " "$(sed -n 2p <<<"$OUT")" "the new instance's files"
assert_eq 0 "$(sed -n 3p <<<"$OUT")" "the user's uid inside (mapped to root)"

# The preset with host root's qemu: trusted (root's file, root's directories), registered, runs.
uconf qemu.toml <<'TOML'
[qemu-aarch64]
preset = "qemu-aarch64"
TOML
run_user -- sh -c 'hello; cat /proc/sys/fs/binfmt_misc/qemu-aarch64'
assert_eq 0 "$RC" "exit code of binfmtd --user with the qemu-aarch64 preset"
assert_eq aarch64 "$(sed -n 1p <<<"$OUT")" "output of the aarch64 program"
assert_contains "$OUT" "flags: POF" "the entry's flags"
assert_contains "$LOG" "Reconciled: 1 active, 0 disabled, 0 pending, 0 failed, 0 foreign" "binfmtd's summary"
# The state is the user's, in their runtime directory; nothing else was written.
[ -f "$URUN/binfmtd/state.json" ] || fail "no state file in \$XDG_RUNTIME_DIR/binfmtd"
assert_eq "$TEST_UID" "$(stat -c %u "$URUN/binfmtd/state.json")" "owner of the state file"
assert_contains "$(<"$URUN/binfmtd/state.json")" "\"origin\": \"$UHOME/.config/binfmtd.d/qemu.toml\"" "the state file"
# The command's exit status is binfmtd's.
run_user -- sh -c 'hello >/dev/null; exit 7'
assert_eq 7 "$RC" "exit code of the command"

# The user's own interpreter, in the user's own directory: trusted. Magic and mask as the
# preset's, written by hand so that the interpreter is this file.
as_user mkdir -m 0755 "$UHOME/bin"
as_user cp /usr/bin/qemu-aarch64-static "$UHOME/bin/qemu"
as_user chmod 0755 "$UHOME/bin/qemu"
own_entry() {
  printf '[%s]\nmagic = '"'"'%s'"'"'\nmask = '"'"'%s'"'"'\ninterpreter = "%s"\nfix-binary = true\n' "$1" \
    '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00' \
    '\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff' "$2"
}
as_user rm "$UHOME/.config/binfmtd.d/qemu.toml"
own_entry own-qemu "$UHOME/bin/qemu" | uconf own.toml
run_user -- sh -c 'hello; sed -n "s/^interpreter //p" /proc/sys/fs/binfmt_misc/own-qemu'
assert_eq 0 "$RC" "exit code with the user's own interpreter"
assert_eq aarch64 "$(sed -n 1p <<<"$OUT")" "the aarch64 program through the user's own qemu"
assert_eq "$UHOME/bin/qemu" "$(sed -n 2p <<<"$OUT")" "the registered interpreter"

# A symlink of the user's to host root's qemu: trusted.
as_user ln -s /usr/bin/qemu-aarch64-static "$UHOME/bin/qemu-link"
own_entry own-qemu "$UHOME/bin/qemu-link" | uconf own.toml
run_user -- hello
assert_eq 0 "$RC" "exit code through the user's symlink to root's qemu"
assert_eq aarch64 "$OUT" "the aarch64 program through the user's symlink"

# The user's interpreter writable by the group: refused, and the command does not run.
as_user chmod 0775 "$UHOME/bin/qemu"
own_entry own-qemu "$UHOME/bin/qemu" | uconf own.toml
run_user -- sh -c 'echo the command ran'
assert_eq 1 "$RC" "exit code with a group-writable interpreter"
assert_contains "$LOG" "own-qemu: failed: interpreter \"$UHOME/bin/qemu\": \"$UHOME/bin/qemu\" is writable by group or others (mode 0775)" "binfmtd's refusal"
assert_not_contains "$OUT" "the command ran" "the command's output"
as_user chmod 0755 "$UHOME/bin/qemu"

# Another user's interpreter (uid 1, daemon's), even in the user's own directory: refused.
chown 1:1 "$UHOME/bin/qemu"
run_user -- true
assert_eq 1 "$RC" "exit code with another user's interpreter"
assert_contains "$LOG" "\"$UHOME/bin/qemu\" is owned by uid 1, not root or uid $TEST_UID" "binfmtd's refusal"
chown "$TEST_UID:$TEST_GID" "$UHOME/bin/qemu"
# ... and a directory of another user's on the way.
install -d -m 0755 -o 1 -g 1 "$T/theirs"
cp /usr/bin/qemu-aarch64-static "$T/theirs/qemu" && chmod 0755 "$T/theirs/qemu" && chown 0:0 "$T/theirs/qemu"
own_entry own-qemu "$T/theirs/qemu" | uconf own.toml
run_user -- true
assert_eq 1 "$RC" "exit code with an interpreter in another user's directory"
assert_contains "$LOG" "\"$T/theirs\" is owned by uid 1, not root or uid $TEST_UID" "binfmtd's refusal"

# A configuration file of another user's in the user's directory: ignored, with a warning.
own_entry own-qemu /usr/bin/qemu-aarch64-static | uconf own.toml
chown 1:1 "$UHOME/.config/binfmtd.d/own.toml"
run_user -- sh -c 'ls /proc/sys/fs/binfmt_misc | tr "\n" " "'
assert_contains "$LOG" "own.toml: owned by uid 1, not root or uid $TEST_UID, ignoring" "binfmtd's warning"
assert_eq "register status " "$OUT" "the instance with the other user's file ignored"
as_user rm -f "$UHOME/.config/binfmtd.d/own.toml"

# Usage errors: no runtime directory, --root, a command with --binfmt-dir.
RC=0
LOG=$(setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --clear-groups -- env -i HOME="$UHOME" "$BIN/binfmtd" --user true 2>&1) || RC=$?
assert_eq 2 "$RC" "exit code without XDG_RUNTIME_DIR"
assert_contains "$LOG" "--user needs XDG_RUNTIME_DIR set to an absolute path" "binfmtd's message"
run_user -- --root /tmp true
assert_eq 2 "$RC" "exit code of --user --root"
assert_contains "$LOG" "cannot be combined with --root" "binfmtd's message"
run_user -- --binfmt-dir /nonexistent true
assert_eq 2 "$RC" "exit code of --user --binfmt-dir DIR COMMAND"
# A command that cannot be found: 127, as a shell says.
run_user -- no-such-command-here
assert_eq 127 "$RC" "exit code of a missing command"
assert_contains "$LOG" "cannot run \"no-such-command-here\"" "binfmtd's message"

# The instance lived as long as the command: nothing of the user's is left running.
left=$(ps -o pid=,comm= -u "$TEST_USER" || true)
assert_eq "" "$left" "the user's processes after the runs"
