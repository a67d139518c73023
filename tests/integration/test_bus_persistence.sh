# Register/Unregister over the bus, runtime and persistent: what survives a daemon restart,
# what survives a reboot (simulated: daemon stopped, $ROOT/run wiped, a fresh binfmt_misc
# instance), and where the definitions live.

reboot() {
  stop_daemon
  assert_eq 0 "$DAEMON_RC" "exit code of binfmtd on SIGTERM"
  rm -rf "$ROOT/run"
  umount "$BINFMT"
  mount -t binfmt_misc binfmt_misc "$BINFMT"
  assert_eq "" "$(kernel_names)" "kernel entries of a fresh binfmt_misc instance"
  start_daemon
}
origin_of() { # the origin column of List for NAME (empty when not listed)
  manager --json List
  json '"".join(e[5] for e in d["data"][0] if e[0] == "'"$1"'")' <<<"$BUS_OUT"
}
state_of() {
  manager --json List
  json '"".join(e[4] for e in d["data"][0] if e[0] == "'"$1"'")' <<<"$BUS_OUT"
}

# A vendor definition, as a package would ship it.
printf '[vendor-ext]\nextension = "vext"\ninterpreter = "/usr/bin/python3"\n' | conf usr/lib/binfmtd.d/vendor.toml
start_daemon
assert_registered vendor-ext
assert_eq "$ROOT/usr/lib/binfmtd.d/vendor.toml" "$(origin_of vendor-ext)" "origin of vendor-ext"

# Runtime: kernel entry + $ROOT/run/binfmtd.d/NAME.toml, kept across a daemon restart.
manager Register 'sa{sv}a{sv}' rt 2 extension s rt interpreter s /usr/bin/python3 0
assert_registered rt
[ -f "$ROOT/run/binfmtd.d/rt.toml" ] || fail "no $ROOT/run/binfmtd.d/rt.toml after a runtime Register"
[ ! -e "$ROOT/etc/binfmtd.d/rt.toml" ] || fail "a runtime Register wrote $ROOT/etc/binfmtd.d/rt.toml"
snapshot rt >rt.before
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd on SIGTERM"
assert_registered rt
start_daemon
cmp -s rt.before <(snapshot rt) || fail "the kernel entry rt changed across a daemon restart"
assert_eq "runtime active" "$(origin_of rt) $(state_of rt)" "rt after a daemon restart"

# Persistent: $ROOT/etc/binfmtd.d/NAME.toml, back after a reboot; the runtime one is not.
manager Register 'sa{sv}a{sv}' pe 2 extension s pe interpreter s /usr/bin/python3 1 persist b true
assert_registered pe
[ -f "$ROOT/etc/binfmtd.d/pe.toml" ] || fail "no $ROOT/etc/binfmtd.d/pe.toml after a persistent Register"
[ ! -e "$ROOT/run/binfmtd.d/pe.toml" ] || fail "a persistent Register left $ROOT/run/binfmtd.d/pe.toml"
assert_eq "$ROOT/etc/binfmtd.d/pe.toml" "$(origin_of pe)" "origin of pe"
reboot
assert_registered pe
assert_registered vendor-ext
assert_not_registered rt
assert_eq "" "$(origin_of rt)" "rt is not listed after a reboot"
assert_eq "pe vendor-ext " "$(kernel_names)" "kernel entries after a reboot"

# Unregister (runtime) of a runtime entry: kernel entry and run file gone.
manager Register 'sa{sv}a{sv}' rt2 2 extension s rt2 interpreter s /usr/bin/python3 0
assert_registered rt2
manager Unregister 'sa{sv}' rt2 0
assert_not_registered rt2
[ ! -e "$ROOT/run/binfmtd.d/rt2.toml" ] || fail "Unregister left $ROOT/run/binfmtd.d/rt2.toml"
assert_eq "" "$(origin_of rt2)" "rt2 is not listed after Unregister"

# Unregister --persist of the persistent entry: its /etc file goes, and it stays gone.
manager Unregister 'sa{sv}' pe 1 persist b true
assert_not_registered pe
[ ! -e "$ROOT/etc/binfmtd.d/pe.toml" ] || fail "Unregister --persist left $ROOT/etc/binfmtd.d/pe.toml"

# Unregister --persist of the vendor entry: gone now and after a reboot. The vendor file stays
# (it belongs to the package); binfmtd writes a definition with `enabled = false` in /etc.
manager Unregister 'sa{sv}' vendor-ext 1 persist b true
assert_not_registered vendor-ext
[ -f "$ROOT/usr/lib/binfmtd.d/vendor.toml" ] || fail "Unregister --persist removed the vendor file"
assert_eq vendor-ext.toml "$(ls "$ROOT/etc/binfmtd.d")" "files in /etc/binfmtd.d after Unregister --persist"
printf -- '--- /etc/binfmtd.d/vendor-ext.toml:\n%s\n' "$(cat "$ROOT/etc/binfmtd.d/vendor-ext.toml")"
assert_contains "$(cat "$ROOT/etc/binfmtd.d/vendor-ext.toml")" "enabled = false" "/etc/binfmtd.d/vendor-ext.toml"
reboot
assert_not_registered pe
assert_not_registered vendor-ext
assert_eq "" "$(kernel_names)" "kernel entries after the second reboot"
assert_eq "" "$(origin_of pe)" "pe is not listed after the second reboot"
assert_eq disabled "$(state_of vendor-ext)" "state of vendor-ext after the second reboot"
