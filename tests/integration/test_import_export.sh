# binfmtctl import turns binfmt.d lines and binfmt-support records into binfmtd.d TOML that
# registers exactly what the lines register; export turns the configuration back into binfmt.d
# lines that register exactly what binfmtd registers; import --write goes through the daemon.

stub_interpreter "$T/bin/stub"
mkdir -p "$T/in"
# This machine's real binfmt.d files (qemu-user-static, python3.11-minimal), and our own.
cp /usr/lib/binfmt.d/*.conf "$T/in/"
[ -n "$(ls "$T/in")" ] || fail "no /usr/lib/binfmt.d/*.conf on this machine (qemu-user-static is needed)"
printf '# ours\n:own-ext:E::own::%s:\n:own-magic:M:2:OWN:\\xff\\xff\\xdf:%s:P\n' "$T/bin/stub" "$T/bin/stub" >"$T/in/own.conf"
printf 'package test\ninterpreter %s\nmagic \\x7fREC\noffset 1\n' "$T/bin/stub" >"$T/in/record"

# What the lines register, written by hand: the reference.
table_of() { for f in "$BINFMT"/*; do case ${f##*/} in register | status) ;; *) printf '[%s]\n' "${f##*/}"; cat "$f" ;; esac; done; }
while IFS= read -r line; do
  case $line in '' | '#'* | ';'*) continue ;; esac
  register_by_hand "$line"
done < <(cat "$T"/in/*.conf)
by_hand=$(table_of)
printf '%s\n' -1 >"$BINFMT/status"

# import: TOML on stdout; registered by binfmtd, the kernel holds byte for byte the same.
expect_ctl 0 import "$T"/in/*.conf
printf '%s\n' "$CTL_OUT" | conf imported.toml
expect_binfmtd 0
assert_eq "$by_hand" "$(table_of)" "the kernel's entries from the imported TOML against the lines written by hand"

# export: binfmt.d lines; written by hand after a flush, the kernel holds the same again.
expect_ctl 0 --root "$ROOT" export
exported=$CTL_OUT
assert_contains "$exported" ":own-magic:M:2:" "export"
printf '%s\n' -1 >"$BINFMT/status"
while IFS= read -r line; do
  case $line in '' | '#'*) continue ;; esac
  register_by_hand "$line"
done <<<"$exported"
assert_eq "$by_hand" "$(table_of)" "the kernel's entries from exported lines"
printf '%s\n' -1 >"$BINFMT/status"

# A binfmt-support record, told apart by its content; --format overrides the guess.
expect_ctl 0 import "$T/in/record"
assert_contains "$CTL_OUT" "[record]" "import of a record"
assert_contains "$CTL_OUT" "offset = 1" "import of a record"
expect_ctl 1 import --format binfmt.d "$T/in/record"
assert_contains "$CTL_ERR" "nothing was imported" "a record read as binfmt.d lines"
expect_ctl 2 import --format yaml "$T/in/record"

# A bad line: named at its file:line:column, nothing imported.
printf ':good:E::good::%s:\n:bad:Q::x::%s:\n' "$T/bin/stub" "$T/bin/stub" >"$T/in/bad.conf"
expect_ctl 1 import "$T/in/bad.conf"
assert_contains "$CTL_ERR" "$T/in/bad.conf:2:" "the bad line's place"
assert_not_contains "$CTL_OUT" "[good]" "output of a refused import"

# --write: registered persistently through the daemon, all or nothing.
rm "$ROOT/etc/binfmtd.d/imported.toml"
start_daemon
expect_ctl 0 import --write "$T/in/own.conf"
assert_registered own-ext
assert_registered own-magic
[ -e "$ROOT/etc/binfmtd.d/own-magic.toml" ] || fail "import --write did not persist own-magic"
expect_ctl 1 import --write "$T/in/bad.conf"
assert_not_registered good
