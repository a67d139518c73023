# Every named error of org.binfmtd1.Manager, by its exact name on the bus (seen by a bus
# monitor, since busctl prints only the message), by busctl's message, and by binfmtctl's
# `[NAME]` and exit code; the kernel's table is unchanged by each refused call.

start_daemon
watch_errors
stub_interpreter "$T/bin/stub"
table_before() { dump_table >table.before; }
assert_table_unchanged() { cmp -s table.before <(dump_table) || fail "$1 changed the kernel's table: $(dump_table)"; }
table_before

# InvalidEntry: a name with a slash; magic given as a string instead of bytes; a 300-byte magic.
try_manager Register 'sa{sv}a{sv}' a/b 2 extension s foo interpreter s "$T/bin/stub" 0
assert_error org.binfmtd1.Error.InvalidEntry "Register a/b"
assert_contains "$BUS_ERR" 'a/b' "busctl's message for Register a/b"
try_manager Register 'sa{sv}a{sv}' strmagic 2 magic s '\x7fABC' interpreter s "$T/bin/stub" 0
assert_error org.binfmtd1.Error.InvalidEntry "Register with magic as a string"
assert_contains "$BUS_ERR" magic "busctl's message for a string magic"
# shellcheck disable=SC2046
try_manager Register 'sa{sv}a{sv}' bigmagic 2 magic ay 300 $(printf '65 %.0s' $(seq 300)) interpreter s "$T/bin/stub" 0
assert_error org.binfmtd1.Error.InvalidEntry "Register with a 300-byte magic"
assert_contains "$BUS_ERR" 300 "busctl's message for a 300-byte magic"
assert_table_unchanged "InvalidEntry"

# NoSuchEntry: GetEntry and Unregister of an unknown name (also through dbus-send, which prints
# error names itself), binfmtctl status/unregister exit 5.
try_manager GetEntry s nope
assert_error org.binfmtd1.Error.NoSuchEntry "GetEntry nope"
assert_contains "$BUS_ERR" nope "busctl's message for GetEntry nope"
out=$(dbus-send --system --print-reply --dest=org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager.GetEntry string:nope 2>&1) \
  && fail "dbus-send GetEntry nope succeeded: $out"
assert_error org.binfmtd1.Error.NoSuchEntry "dbus-send GetEntry nope"
assert_contains "$out" "Error org.binfmtd1.Error.NoSuchEntry: " "dbus-send's report"
try_manager Unregister 'sa{sv}' nope 0
assert_error org.binfmtd1.Error.NoSuchEntry "Unregister nope"
expect_ctl 5 status nope
assert_error org.binfmtd1.Error.NoSuchEntry "binfmtctl status nope"
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.NoSuchEntry]" "binfmtctl status nope"
expect_ctl 5 unregister nope
assert_error org.binfmtd1.Error.NoSuchEntry "binfmtctl unregister nope"

# AlreadyExists: Register twice; with replace the kernel entry changes.
manager Register 'sa{sv}a{sv}' twice 2 extension s tw interpreter s /usr/bin/python3 0
assert_eq /usr/bin/python3 "$(kfield twice interpreter)" "interpreter of twice"
table_before
try_manager Register 'sa{sv}a{sv}' twice 2 extension s tw interpreter s "$T/bin/stub" 0
assert_error org.binfmtd1.Error.AlreadyExists "second Register twice"
assert_contains "$BUS_ERR" twice "busctl's message for a second Register"
expect_ctl 1 register twice --extension tw --interpreter "$T/bin/stub"
assert_error org.binfmtd1.Error.AlreadyExists "binfmtctl register twice"
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.AlreadyExists]" "binfmtctl register twice"
assert_table_unchanged "AlreadyExists"
manager Register 'sa{sv}a{sv}' twice 2 extension s tw interpreter s "$T/bin/stub" 1 replace b true
assert_registered twice
assert_eq "$T/bin/stub" "$(kfield twice interpreter)" "interpreter of twice after replace"
table_before

# UnsafeInterpreter: a world-writable stub in a directory of its own.
unsafe=$(mktemp -d -p "$T")/stub
stub_interpreter "$unsafe" 0777
try_manager Register 'sa{sv}a{sv}' unsafe 2 extension s un interpreter s "$unsafe" 0
assert_error org.binfmtd1.Error.UnsafeInterpreter "Register of a 0777 interpreter"
assert_contains "$BUS_ERR" "$unsafe" "busctl's message for an unsafe interpreter"
expect_ctl 1 register unsafe --extension un --interpreter "$unsafe"
assert_error org.binfmtd1.Error.UnsafeInterpreter "binfmtctl register unsafe"
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.UnsafeInterpreter]" "binfmtctl register unsafe"
assert_table_unchanged "UnsafeInterpreter"
[ ! -e "$ROOT/run/binfmtd.d/unsafe.toml" ] || fail "a refused Register left $ROOT/run/binfmtd.d/unsafe.toml"

# NativeConflict: \x7fELF\x02\x01\x01 would capture this x86-64 host's own programs.
[ "$(uname -m)" = x86_64 ] || fail "this scenario expects an x86_64 host; this is $(uname -m)"
try_manager Register 'sa{sv}a{sv}' elf64 2 magic ay 7 127 69 76 70 2 1 1 interpreter s "$T/bin/stub" 0
# Should the guard fail, take it out with a shell builtin before anything else runs.
if [ -e "$BINFMT/elf64" ]; then echo -1 >"$BINFMT/elf64"; fail "Register elf64 captured native executables"; fi
assert_error org.binfmtd1.Error.NativeConflict "Register elf64"
expect_ctl 1 register elf64 --magic '\x7fELF\x02\x01\x01' --interpreter "$T/bin/stub"
if [ -e "$BINFMT/elf64" ]; then echo -1 >"$BINFMT/elf64"; fail "binfmtctl register elf64 captured native executables"; fi
assert_error org.binfmtd1.Error.NativeConflict "binfmtctl register elf64"
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.NativeConflict]" "binfmtctl register elf64"
assert_table_unchanged "NativeConflict"

# ReadOnly: --persist when /etc/binfmtd.d is read-only (a read-only bind mount over it).
mount --bind "$ROOT/etc/binfmtd.d" "$ROOT/etc/binfmtd.d"
mount -o remount,bind,ro "$ROOT/etc/binfmtd.d"
try_manager Register 'sa{sv}a{sv}' ro 2 extension s ro interpreter s "$T/bin/stub" 1 persist b true
assert_error org.binfmtd1.Error.ReadOnly "Register --persist into a read-only /etc/binfmtd.d"
assert_contains "$BUS_ERR" "$ROOT/etc/binfmtd.d/ro.toml" "busctl's message for a read-only /etc/binfmtd.d"
umount "$ROOT/etc/binfmtd.d"
assert_table_unchanged "ReadOnly"

# NotMounted: binfmtd holds the mount busy, so a plain umount fails; a lazy one detaches it.
umount "$BINFMT" 2>/dev/null && fail "umount of binfmt_misc succeeded although binfmtd holds it open"
umount --lazy "$BINFMT"
mounted_false() { [ "$(property Mounted)" = "b false" ]; }
deadline 10 mounted_false || fail "the Mounted property stays $(property Mounted) after umount"
try_manager Register 'sa{sv}a{sv}' late 2 extension s late interpreter s "$T/bin/stub" 0
assert_error org.binfmtd1.Error.NotMounted "Register with binfmt_misc unmounted"
expect_ctl 1 register late --extension late --interpreter "$T/bin/stub"
assert_error org.binfmtd1.Error.NotMounted "binfmtctl register late"
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.NotMounted]" "binfmtctl register late"
[ ! -e "$ROOT/run/binfmtd.d/late.toml" ] || fail "a refused Register left $ROOT/run/binfmtd.d/late.toml"

# Nothing else went wrong on the way: every error binfmtd sent was asserted above.
assert_eq "$ERRORS_SEEN" "$(daemon_error_names | wc -l)" "error replies sent by binfmtd"
