# systemd's binfmt.d and binfmt-support's records as sources, on this machine's real files
# (Debian's qemu-user-static, python3.11-minimal, llvm's runtime) copied under --root:
# for every binfmt.d file binfmtd registers exactly what systemd-binfmt registers from it
# (the kernel's entry files compared byte for byte with a systemd-binfmt run on another
# private binfmt_misc instance); masks and a TOML override win; a binfmts record is registered
# only once imported; package-style install, upgrade and removal of a binfmt.d file are
# applied live.

SYSTEMD_BINFMT=/lib/systemd/systemd-binfmt
[ -x "$SYSTEMD_BINFMT" ] || fail "$SYSTEMD_BINFMT is missing: install systemd"
copy_system_formats
# A record binfmt-support imported, and one nobody imported (binfmt-support is not installed here).
stub_interpreter "$T/bin/imported"
printf 'package fixture\ninterpreter %s\nmagic \\x01IMP\\x02\nmask \\xff\\xff\\xdf\\xff\\xff\n' "$T/bin/imported" \
  >"$ROOT/usr/share/binfmts/fixture-imported"
printf 'fixture\nmagic\n0\n\\x01IMP\\x02\n\\xff\\xff\\xdf\\xff\\xff\n%s\n\n' "$T/bin/imported" \
  >"$ROOT/var/lib/binfmts/fixture-imported"
printf 'package fixture\ninterpreter %s\nextension lonely\n' "$T/bin/imported" >"$ROOT/usr/share/binfmts/fixture-lonely"
# A mask in /etc: systemd-binfmt and binfmtd both skip qemu-arm, and binfmtd its binfmts record too.
ln -s /dev/null "$ROOT/etc/binfmt.d/qemu-arm.conf"

# systemd-binfmt on its own private binfmt_misc instance (a nested user namespace has its own),
# in a mount namespace where the fixture is at the paths it reads. Writes each entry file to DIR.
run_systemd_binfmt() { # DIR
  local out=$1 d
  for d in /run/binfmt.d /usr/local/lib/binfmt.d; do
    [ ! -e "$d" ] || fail "test setup: $d exists on this machine; it would be read by systemd-binfmt too"
  done
  mkdir -p "$out"
  # shellcheck disable=SC2016
  unshare --user --map-root-user --mount --propagation private bash -c '
    set -e
    mount -t tmpfs tmpfs /proc/sys/fs  # never a path into the host'"'"'s binfmt_misc, not even an automount
    mkdir /proc/sys/fs/binfmt_misc
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    [ "$(ls /proc/sys/fs/binfmt_misc | tr "\n" " ")" = "register status " ]
    mount --bind "$1/etc/binfmt.d" /etc/binfmt.d
    mount --bind "$1/usr/lib/binfmt.d" /usr/lib/binfmt.d
    "$3" 2>"$2.log"
    for f in /proc/sys/fs/binfmt_misc/*; do
      case ${f##*/} in register | status) ;; *) cat "$f" >"$2/${f##*/}" ;; esac
    done
  ' run-systemd-binfmt "$ROOT" "$out" "$SYSTEMD_BINFMT" || fail "systemd-binfmt failed: $(cat "$out.log" 2>/dev/null)"
}
run_systemd_binfmt "$T/systemd"
systemd_names=$(cd "$T/systemd" && printf '%s ' *)
for name in qemu-aarch64 python3.11 llvm-14-runtime.binfmt; do
  [[ " $systemd_names " == *" $name "* ]] || fail "systemd-binfmt did not register $name: $systemd_names"
done
[[ " $systemd_names " != *" qemu-arm "* ]] || fail "systemd-binfmt did not honour the mask: $systemd_names"

expect_binfmtd 0
for f in "$T/systemd"/*; do
  name=${f##*/}
  [ -e "$BINFMT/$name" ] || fail "$name is registered by systemd-binfmt but not by binfmtd"
  # (through cat: entry files say their size is 0, and cmp trusts sizes)
  cmp -s "$f" <(cat "$BINFMT/$name") || fail "$name differs: systemd-binfmt has [$(od -c "$f")], binfmtd [$(od -c "$BINFMT/$name")]"
done
assert_registered fixture-imported
assert_eq "$(hex_of '\x01IMP\x02')" "$(kfield fixture-imported magic)" "magic of the imported record"
assert_not_registered fixture-lonely
assert_not_registered qemu-arm
assert_not_registered jar # openjdk's record: nothing imported it here
want="$systemd_names fixture-imported "
assert_eq "$(echo "$want" | tr ' ' '\n' | sort | xargs)" "$(kernel_names | tr ' ' '\n' | sort | xargs)" \
  "the entries binfmtd registered"

# The states and origins over the bus; a TOML override wins over binfmt.d.
stub_interpreter "$T/bin/python-override"
printf '["python3.11"]\nmagic = %s\ninterpreter = "%s"\n' "'\\xa7\\x0d\\x0d\\x0a'" "$T/bin/python-override" | conf python.toml
start_daemon --debounce-ms 50
overridden() { [ "$(kfield python3.11 interpreter)" = "$T/bin/python-override" ]; }
wait_for 10 "the TOML override of python3.11 was not applied" overridden
assert_eq "$ROOT/etc/binfmtd.d/python.toml" "$(entry_field python3.11 origin)" "origin of the overridden python3.11"
assert_eq active "$(entry_field qemu-aarch64 state)" "state of qemu-aarch64"
assert_eq "$ROOT/usr/lib/binfmt.d/qemu-aarch64.conf" "$(entry_field qemu-aarch64 origin)" "origin of qemu-aarch64"
assert_eq 1 "$(entry_field qemu-aarch64 origin-line)" "origin-line of qemu-aarch64"
assert_eq active "$(entry_field fixture-imported state)" "state of the imported record"
assert_eq "$ROOT/usr/share/binfmts/fixture-imported" "$(entry_field fixture-imported origin)" "origin of the record"
assert_eq disabled "$(entry_field fixture-lonely state)" "state of the record nobody imported"
assert_contains "$(entry_field fixture-lonely error)" "binfmt-support has not imported this record" \
  "why fixture-lonely is disabled"

# Package-style: dpkg unpacks FILE.dpkg-new and renames it over FILE; binfmtd never reads the
# .dpkg-new name, and applies the rename within the debounce.
stub_interpreter "$T/bin/pkg-v1"
stub_interpreter "$T/bin/pkg-v2"
d=$ROOT/usr/lib/binfmt.d
printf ':fixture-pkg:E::pkgext::%s:\n' "$T/bin/pkg-v1" >"$d/fixture-pkg.conf.dpkg-new"
mv "$d/fixture-pkg.conf.dpkg-new" "$d/fixture-pkg.conf"
wait_for 10 "an installed binfmt.d file was not applied" in_kernel fixture-pkg
assert_eq "$T/bin/pkg-v1" "$(kfield fixture-pkg interpreter)" "interpreter after the install"
printf ':fixture-pkg:E::pkgext::%s:F\n' "$T/bin/pkg-v2" >"$d/fixture-pkg.conf.dpkg-new"
upgraded() { [ "$(kfield fixture-pkg interpreter)" = "$T/bin/pkg-v2" ]; }
mv "$d/fixture-pkg.conf.dpkg-new" "$d/fixture-pkg.conf"
wait_for 10 "an upgraded binfmt.d file was not applied: $(snapshot fixture-pkg)" upgraded
assert_eq F "$(kfield fixture-pkg flags)" "flags after the upgrade"
rm "$d/fixture-pkg.conf"
wait_for 10 "the entry of a removed binfmt.d file is still registered" not_in_kernel fixture-pkg

# binfmt-support imports the lonely record (its admin file appears): registered.
printf 'fixture\nextension\n0\nlonely\n\n%s\n\n' "$T/bin/imported" >"$ROOT/var/lib/binfmts/fixture-lonely"
wait_for 10 "an imported record was not registered" in_kernel fixture-lonely
rm "$ROOT/var/lib/binfmts/fixture-lonely"
wait_for 10 "a record no longer imported is still registered" not_in_kernel fixture-lonely
assert_registered qemu-aarch64

# binfmtctl validate reads these sources too, each problem at its file, line and column; and the
# daemon shows the refused line as failed with the same reason.
printf '# a package file with a bad line\n:fixture-bad:M::ab\\x4::%s:\n' "$T/bin/imported" >"$d/fixture-bad.conf"
printf 'package fixture\ninterpreter %s\nmagic \\x01BAD\nmask \\xff\n' "$T/bin/imported" >"$ROOT/usr/share/binfmts/fixture-badrec"
touch "$ROOT/var/lib/binfmts/fixture-badrec"
vrc=0
vout=$("$BINFMTCTL" --root "$ROOT" validate 2>&1) || vrc=$?
printf -- '--- binfmtctl validate: exit %d ---\n%s\n' "$vrc" "$vout"
assert_eq 1 "$vrc" "exit code of validate with a bad binfmt.d line"
assert_contains "$vout" "$d/fixture-bad.conf:2:19: error: [fixture-bad] \"\\x\" must be followed by two hex digits" \
  "validate's message for the bad line"
assert_contains "$vout" "$ROOT/usr/share/binfmts/fixture-badrec:4:6: error: [fixture-badrec] the mask is 1 bytes" \
  "validate's message for the bad record"
assert_contains "$("$BINFMTCTL" validate "$d/fixture-bad.conf" 2>&1 || true)" "fixture-bad.conf:2:19" \
  "validate FILE.conf"
logged_bad() { grep -q 'fixture-bad.conf:2:19' "$DAEMON_LOG"; }
wait_for 10 "binfmtd did not report the bad binfmt.d line" logged_bad
assert_eq failed "$(entry_field fixture-bad state)" "state of the bad binfmt.d line"
assert_contains "$(entry_field fixture-bad error)" "fixture-bad.conf:2:19" "GetEntry error of the bad line"
assert_not_registered fixture-bad
