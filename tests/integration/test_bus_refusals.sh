# A refused call changes nothing: the kernel's table (every entry file's bytes), the files
# under /etc/binfmtd.d, /run/binfmtd.d and /run/binfmtd, and Describe are byte-identical before
# and after each of: a Register outranked by /etc, a RegisterAll (binfmtctl register --file)
# with one entry binfmtd refuses and with one the kernel refuses, an Unregister of an unknown
# name, and a non-root Register.

let_user_in
stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/other"
# An interpreter on a noexec file system: binfmtd's checks pass (root's, mode 0755), but the
# kernel cannot open it for an F entry, so it refuses the registration.
mkdir -p "$T/noexec"
mount -t tmpfs -o noexec,mode=0755 tmpfs "$T/noexec" || fail "cannot mount a noexec tmpfs"
stub_interpreter "$T/noexec/run"
stub_interpreter "$T/open/run" 0777

conf admin.toml <<EOF2
[adm]
extension = "adm"
interpreter = "$T/bin/stub"
EOF2
start_daemon
watch_errors
expect_ctl 0 register keep --extension kp --interpreter "$T/bin/stub"
expect_ctl 0 register swapped --extension sw --interpreter "$T/bin/stub"
assert_registered adm
assert_registered keep
mkdir -m 0755 pub && printf 'x\n' >pub/x.sw && chmod 0755 pub/x.sw

# Everything a call could change, as one text.
snapshot_all() {
  local dir f
  printf '== kernel\n'
  dump_table
  for dir in etc/binfmtd.d run/binfmtd.d run/binfmtd; do
    printf '== %s\n' "$dir"
    [ -d "$ROOT/$dir" ] || continue
    for f in "$ROOT/$dir"/* "$ROOT/$dir"/.[!.]*; do
      [ -e "$f" ] || continue
      printf -- '-- %s\n%s\n' "${f##*/}" "$(<"$f")"
    done
  done
  printf '== Describe\n'
  manager Describe
  printf '%s\n' "$BUS_OUT"
}
# refused WHAT COMMAND...: runs COMMAND (which must fail) and checks nothing changed.
refused() {
  local what=$1
  shift
  snapshot_all >before.txt
  "$@"
  snapshot_all >after.txt
  cmp -s before.txt after.txt || fail "$what changed something:"$'\n'"$(diff before.txt after.txt)"
}

# A Register outranked by the administrator's file in /etc.
register_outranked() {
  try_manager Register 'sa{sv}a{sv}' adm 2 extension s adm interpreter s "$T/bin/other" 1 replace b true
  assert_error org.binfmtd1.Error.AlreadyExists "Register outranked by /etc"
  assert_contains "$BUS_ERR" "takes precedence" "busctl's message for an outranked Register"
}
refused "a Register outranked by /etc" register_outranked

# register --file: one entry with an interpreter anyone may rewrite; the others are fine.
cat >bad-daemon.toml <<EOF2
[new1]
extension = "n1"
interpreter = "$T/bin/other"

[swapped]
extension = "sw"
interpreter = "$T/bin/other"

[unsafe]
extension = "un"
interpreter = "$T/open/run"
EOF2
register_file_unsafe() {
  expect_ctl 1 register --file bad-daemon.toml --replace
  assert_error org.binfmtd1.Error.UnsafeInterpreter "register --file with an unsafe interpreter"
  assert_contains "$CTL_ERR" 'entry "unsafe"' "binfmtctl's message names the refused entry"
  assert_contains "$CTL_ERR" "nothing from" "binfmtctl says nothing was registered"
}
refused "register --file with an unsafe interpreter" register_file_unsafe

# register --file: the kernel refuses one entry (F, interpreter on noexec) after the others,
# one of them a replacement, went in: all are taken back, and *.sw runs at every moment.
cat >bad-kernel.toml <<EOF2
[new1]
extension = "n1"
interpreter = "$T/bin/other"

[swapped]
extension = "sw"
interpreter = "$T/bin/other"

[noexec]
extension = "nx"
interpreter = "$T/noexec/run"
fix-binary = true
EOF2
register_file_kernel() {
  local runs=$T/sw.runs
  # Executes pub/x.sw over and over while the call runs: it must never fail to start.
  /usr/bin/python3 - "$PWD/pub/x.sw" "$runs" "$T/sw.stop" <<'PY' &
import os, subprocess, sys
failures = 0
runs = 0
while not os.path.exists(sys.argv[3]) and runs < 200000:
    runs += 1
    if subprocess.run([sys.argv[1]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        failures += 1
    if runs == 1:
        open(sys.argv[2] + ".ready", "w").close()
open(sys.argv[2], "w").write(f"{runs} {failures}\n")
PY
  local runner=$!
  wait_for 10 "pub/x.sw runs" test -e "$runs.ready"
  expect_ctl 1 register --file bad-kernel.toml --replace
  touch "$T/sw.stop"
  wait "$runner"
  assert_error org.binfmtd1.Error.KernelRejected "register --file refused by the kernel"
  assert_contains "$CTL_ERR" 'entry "noexec" was not registered' "binfmtctl's message names the refused entry"
  read -r n failed <"$runs"
  [ "$n" -gt 0 ] || fail "pub/x.sw never ran during the call"
  assert_eq 0 "$failed" "runs of pub/x.sw that failed while register --file was refused ($n runs)"
}
refused "register --file refused by the kernel" register_file_kernel

# The same file through RegisterAll by hand, and an empty RegisterAll.
register_all_empty() {
  try_manager RegisterAll 'a(sa{sv})a{sv}' 0 0
  assert_error org.binfmtd1.Error.InvalidEntry "an empty RegisterAll"
  try_manager RegisterAll 'a(sa{sv})a{sv}' 2 dup 2 extension s d1 interpreter s "$T/bin/stub" \
    dup 2 extension s d2 interpreter s "$T/bin/stub" 0
  assert_error org.binfmtd1.Error.InvalidEntry "a RegisterAll naming one entry twice"
  assert_contains "$BUS_ERR" '"dup" is given twice' "busctl's message for a duplicate"
}
refused "RegisterAll with no entry, or one twice" register_all_empty

unregister_unknown() {
  expect_ctl 5 unregister nothing-here
  assert_error org.binfmtd1.Error.NoSuchEntry "Unregister of an unknown name"
}
refused "Unregister of an unknown name" unregister_unknown

# shellcheck disable=SC2034 # AS is read by ctl and bus_call (lib.sh)
register_denied() {
  AS=(as_user)
  expect_ctl 4 register --file bad-daemon.toml
  assert_error org.freedesktop.DBus.Error.AccessDenied "a non-root register --file"
  try_manager Register 'sa{sv}a{sv}' new2 2 extension s n2 interpreter s "$T/bin/stub" 0
  assert_error org.freedesktop.DBus.Error.AccessDenied "a non-root Register"
  AS=()
}
refused "non-root calls" register_denied

# And the good half of the file still registers when given alone: the refusals were the entries'.
cat >good.toml <<EOF2
[new1]
extension = "n1"
interpreter = "$T/bin/other"

[swapped]
extension = "sw"
interpreter = "$T/bin/other"
EOF2
expect_ctl 0 register --file good.toml --replace
assert_registered new1
assert_eq "$T/bin/other" "$(kfield swapped interpreter)" "swapped's interpreter after a granted register --file"
