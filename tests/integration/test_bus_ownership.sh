# Ownership follows the definition. Another tool's identical entry that only binfmtd's own
# files define is adopted: nothing is written, it is never changed or removed, Unregister drops
# only its definition, and it is foreign again (still in the kernel) once no file defines it.
# Unregister of a foreign entry is NotManaged. A definition beside a different kernel entry
# fails saying what differs, and GetEntry (kernel-*) and `binfmtctl status` show the kernel's.

stub_interpreter "$T/bin/hand"
register_by_hand ":adopt-conf:E::adc::$T/bin/hand:"
register_by_hand ":adopt-reg:M:2:\\x01\\x02\\x03:\\xff\\xfe\\xff:$T/bin/hand:P"
register_by_hand ":theirs:E::th::$T/bin/hand:"
# As Debian's qemu entries differ from QEMU's script: mask byte 7 and the O flag (not ELF here:
# with this mask the kernel would run every native executable through it).
register_by_hand ":clash:M::\\x7fBFMcl\\x01\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfc:$T/bin/hand:POF"
names="adopt-conf adopt-reg clash theirs"
for n in $names; do snapshot "$n" >"before.$n"; done
unchanged() { # WHAT: every hand-made entry is still there, byte for byte
  local n
  for n in $names; do
    [ -e "$BINFMT/$n" ] || fail "$1: $n is gone from the kernel"
    cmp -s "before.$n" <(snapshot "$n") || fail "$1: $n changed: $(snapshot "$n")"
  done
  assert_eq "adopt-conf adopt-reg clash theirs " "$(kernel_names)" "kernel entries ($1)"
}
state_section() { # SECTION: the names in that object of the state file, sorted
  /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1])).get(sys.argv[2], {}))))' \
    "$STATE_FILE" "$1"
}

conf hand.toml <<TOML
[adopt-conf]
extension = "adc"
interpreter = "$T/bin/hand"

[clash]
magic = '\\x7fBFMcl\\x01\\x00'
mask = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00'
interpreter = "$T/bin/hand"
preserve-argv0 = true
fix-binary = true
TOML

start_daemon
unchanged "after the first reconcile"
assert_contains "$(daemon_log)" "; 0 writes to binfmt_misc" "binfmtd log"
assert_eq active "$(entry_field adopt-conf state)" "adopt-conf state"
assert_eq true "$(entry_field adopt-conf adopted)" "adopt-conf adopted"
assert_eq 1 "$(entry_field adopt-conf origin-line)" "adopt-conf origin-line"
assert_eq "" "$(entry_field adopt-conf kernel-interpreter)" "adopt-conf kernel-interpreter (the kernel's is the definition)"
assert_eq adopt-conf "$(state_section adopted)" "adopted entries in the state file"
assert_eq "" "$(state_section owned)" "owned entries in the state file"
assert_eq 2 "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$STATE_FILE")" \
  "state file version"
expect_ctl 0 status adopt-conf
assert_contains "$CTL_OUT" "Adopted: yes" "status adopt-conf"
assert_contains "$CTL_OUT" "Origin: $ROOT/etc/binfmtd.d/hand.toml:1" "status adopt-conf"

# The differing one: failed, what differs field by field, and the kernel's entry beside it.
assert_eq failed "$(entry_field clash state)" "clash state"
assert_contains "$(entry_field clash error)" "mask byte 7: kernel fc, configuration 00; flags: kernel POF, configuration PF" \
  "clash error"
assert_eq false "$(entry_field clash adopted)" "clash adopted"
assert_eq "$T/bin/hand" "$(entry_field clash kernel-interpreter)" "clash kernel-interpreter"
assert_eq POF "$(entry_field clash kernel-flags)" "clash kernel-flags"
assert_eq PF "$(entry_field clash flags)" "clash flags (the definition's)"
assert_eq "[255, 255, 255, 255, 255, 255, 255, 252]" "$(entry_field clash kernel-mask)" "clash kernel-mask"
assert_eq "[255, 255, 255, 255, 255, 255, 255, 0]" "$(entry_field clash mask)" "clash mask (the definition's)"
assert_eq 0 "$(entry_field clash kernel-offset)" "clash kernel-offset"
expect_ctl 0 status clash
assert_contains "$CTL_OUT" "Kernel flags: POF" "status clash"
assert_contains "$CTL_OUT" "Kernel interpreter: $T/bin/hand" "status clash"
assert_contains "$CTL_OUT" 'Kernel mask: \xff\xff\xff\xff\xff\xff\xff\xfc' "status clash"
assert_contains "$CTL_OUT" "mask byte 7: kernel fc, configuration 00" "status clash"
expect_ctl 0 --no-legend list
assert_eq 1 "$(grep -c '^clash ' <<<"$CTL_OUT")" "list rows for clash"

# Register of an identical definition adopts too, and its Unregister leaves the kernel's entry.
expect_ctl 0 register adopt-reg --magic '\x01\x02\x03' --mask '\xff\xfe\xff' --offset 2 \
  --interpreter "$T/bin/hand" --preserve-argv0
unchanged "after Register adopt-reg"
assert_eq true "$(entry_field adopt-reg adopted)" "adopt-reg adopted"
assert_eq runtime "$(entry_field adopt-reg origin)" "adopt-reg origin"
[ -e "$ROOT/run/binfmtd.d/adopt-reg.toml" ] || fail "Register wrote no definition for adopt-reg"
expect_ctl 0 unregister adopt-reg
unchanged "after Unregister adopt-reg"
[ ! -e "$ROOT/run/binfmtd.d/adopt-reg.toml" ] || fail "Unregister left adopt-reg's definition"
assert_eq foreign "$(entry_field adopt-reg state)" "adopt-reg state after Unregister"
assert_eq false "$(entry_field adopt-reg adopted)" "adopt-reg adopted after Unregister"

# The adopting definition goes away: the entry stays in the kernel, another tool's again.
rm "$ROOT/etc/binfmtd.d/hand.toml"
expect_ctl 0 reload
unchanged "after the definition went away"
assert_eq foreign "$(entry_field adopt-conf state)" "adopt-conf state after its definition went away"
assert_eq kernel "$(entry_field adopt-conf origin)" "adopt-conf origin"
assert_eq "" "$(state_section adopted)" "adopted entries in the state file at the end"

# Unregister of an entry binfmtd does not manage: NotManaged, exit 1, a hint, nothing changed.
watch_errors
for n in theirs adopt-conf; do
  expect_ctl 1 unregister "$n"
  assert_error org.binfmtd1.Error.NotManaged "Unregister $n"
  assert_contains "$CTL_ERR" "[org.binfmtd1.Error.NotManaged]" "binfmtctl unregister $n"
  assert_contains "$CTL_ERR" "binfmtd leaves alone the entries it did not register" "binfmtctl unregister $n (hint)"
  assert_not_contains "$CTL_ERR" "no entry named" "binfmtctl unregister $n"
done
unchanged "after the refused Unregisters"

# A restart changes nothing either.
stop_daemon
start_daemon
unchanged "after a restart"
assert_contains "$(daemon_log)" "; 0 writes to binfmt_misc" "binfmtd log after the restart"
