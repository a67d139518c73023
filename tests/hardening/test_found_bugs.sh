# Regression tests for the bugs the hardening work found, each against the running
# binfmtd over the bus. (Fixed in the daemon; the unit side is in tests/unit/test_regressions.cpp.)
#
# 1. Register of a valid name 243-250 bytes long failed with org.binfmtd1.Error.ReadOnly
#    ("File name too long"): write_file_atomic's temporary ".NAME.toml.XXXXXX" is 13 bytes
#    longer than the name, over NAME_MAX (255). Names of 251-255 bytes (NAME.toml itself too
#    long) got the same ReadOnly. Now: up to 250 bytes registers, 251-255 is InvalidEntry.
# 2. GetEntry with a 1 MiB name answered NoSuchEntry quoting the whole megabyte (GetEntry did
#    not check the length as Unregister does). Now: InvalidEntry, a short message; names
#    quoted in NoSuchEntry are cut.
# 3. A SIGKILL between write_file_atomic's mkostemp and its rename left the hidden temporary
#    (.NAME.toml.XXXXXX) in /etc/binfmtd.d for good. Now binfmtd removes it when it starts.
# 4. An option key or spec key whose 64th byte falls inside a UTF-8 character got no reply at
#    all (the caller timed out after 25 s): its error message cut the key at byte 64, which is
#    not UTF-8, so sd-bus could not send it. Any local user could do it (options are checked
#    before authorization). Now the cut keeps whole characters.
# 5. A foreign kernel entry (another tool's, or root's by hand) whose name or interpreter is not
#    UTF-8 made binfmtd exit ("fatal: Failed to serialize a string value"): its EntryChanged
#    signal could not be sent, and the exception unwound through the event loop. List, GetEntry,
#    Describe and Resolve could not answer either. Now every string binfmtd sends is made valid
#    UTF-8 (\xHH for a stray byte, U+FFFD in Describe's JSON), and a signal that cannot be sent
#    is logged, not fatal.
# 6. A configuration file whose name is not UTF-8 (/etc/binfmtd.d/odd\xff.toml) stopped binfmtd
#    at startup ("fatal: [json.exception.type_error.316] invalid UTF-8 byte"): the state file
#    records each entry's origin, and the JSON writer threw. Now a stray byte is stored as
#    U+FFFD, and binfmtd starts, registers the file's entries and lists them.
# 3b. The state file's temporaries (.state.json.XXXXXX in /run/binfmtd) were never removed
#    either; now they are, at startup (test_crash_safety.sh checks it after every kill).
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

IE=org.binfmtd1.Error.InvalidEntry
stub_interpreter "$T/bin/stub"
# 6. (before the first start)
printf '[oddfile]\nextension = "oddf"\ninterpreter = "%s"\n' "$T/bin/stub" | conf $'odd\xff.toml'
start_daemon
assert_registered oddfile
assert_contains "$("$BINFMTCTL" list 2>&1)" 'odd\xff.toml' "the origin of oddfile as binfmtctl shows it"
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))["owned"]["oddfile"]' "$STATE_FILE" \
  || fail "oddfile is not recorded in the state file: $(cat "$STATE_FILE")"
rm "$ROOT/etc/binfmtd.d/odd"$'\xff'.toml
# shellcheck disable=SC2016 # eval expands it, at each try
deadline 10 eval '[ ! -e "$BINFMT/oddfile" ]' || fail "oddfile was not removed with its file"

# 1. The longest names Register can keep, and the first ones it cannot.
for n in 243 250; do
  expect_ok "Register a $n-byte name" register "*$n*n" extension:s="e$n" "interpreter:s=$T/bin/stub"
  assert_registered "$(printf 'n%.0s' $(seq "$n"))"
  expect_ok "Unregister a $n-byte name" unregister "*$n*n"
done
for n in 251 255; do
  expect_error $IE "Register a $n-byte name" register "*$n*n" extension:s="e$n" "interpreter:s=$T/bin/stub"
  assert_contains "$PROBE_OUT" "at most 250" "the message for a $n-byte name"
done
expect_ok "persist a 250-byte name" register "*250*p" extension:s=e250p "interpreter:s=$T/bin/stub" --option persist:b=true
[ -f "$ROOT/etc/binfmtd.d/$(printf 'p%.0s' $(seq 250)).toml" ] || fail "no file for the persistent 250-byte name"

# 2. Long names are refused or quoted short, never echoed back whole.
expect_error $IE "GetEntry of a 1 MiB name" call GetEntry "s=*1048576*n"
expect_error org.binfmtd1.Error.NoSuchEntry "GetEntry of a 4096-byte name" call GetEntry "s=*4096*n"
assert_contains "$PROBE_OUT" "(4096 bytes)" "the NoSuchEntry message for a 4096-byte name"
expect_error org.binfmtd1.Error.NoSuchEntry "Unregister a 4096-byte name" unregister "*4096*n"

# 4. A key cut inside a character: a named error, and in good time.
cut_key="$(printf 'a%.0s' $(seq 63))é"
TIMEOUT_RC=0
timeout 10 "$PROBE" register t1 extension:s=e "interpreter:s=$T/bin/stub" --option "$cut_key:b=true" >/dev/null 2>&1 \
  || TIMEOUT_RC=$?
[ "$TIMEOUT_RC" != 124 ] || fail "an option key cut inside a UTF-8 character got no reply within 10 s"
expect_error org.freedesktop.DBus.Error.InvalidArgs "an option key cut inside a character" \
  register t1 extension:s=e "interpreter:s=$T/bin/stub" --option "$cut_key:b=true"
expect_error $IE "a spec key cut inside a character" register t1 extension:s=e "interpreter:s=$T/bin/stub" "$cut_key:as=x"
expect_error $IE "a spec key with a 4-byte character at the cut" \
  register t1 extension:s=e "interpreter:s=$T/bin/stub" "$(printf 'a%.0s' $(seq 62))😀z:as=x"
let_user_in
PROBE_OUT=$(as_user timeout 10 "$PROBE" register t1 extension:s=e --option "$cut_key:b=true" 2>&1) || true
assert_eq "ERROR org.freedesktop.DBus.Error.InvalidArgs" "$(head -n1 <<<"$PROBE_OUT")" "uid $NOBODY, an option key cut inside a character"

# 5. Not UTF-8 in the kernel's table: binfmtd keeps running and answers every read.
printf ':odd\xff:E::oddx::/usr/bin/\xfe\xc3:' >"$BINFMT/register" || fail "the kernel refused the odd entry"
listed() { "$BINFMTCTL" list </dev/null 2>&1 | grep -qF 'odd\xff'; }
deadline 10 listed || fail "binfmtctl list does not show the odd foreign entry: $("$BINFMTCTL" list 2>&1)"
still_serving "a foreign entry with a name that is not UTF-8"
expect_ok "Describe with an odd foreign entry" call Describe
expect_ok "Resolve onto an odd foreign entry" call Resolve s=file.oddx ay=
expect_ok "GetEntry, with an odd entry around" call GetEntry "s=*250*p"
# (its escaped name is not its name: GetEntry cannot reach it, List shows it)
expect_error org.binfmtd1.Error.NoSuchEntry "GetEntry of the escaped name" call GetEntry 's=odd\xff'
assert_contains "$("$BINFMTCTL" list 2>&1)" '/usr/bin/\xfe\xc3' "the odd interpreter as binfmtctl shows it"
echo -1 >"$BINFMT/odd"$'\xff'
gone() { ! listed; }
deadline 10 gone || fail "the odd entry's removal was not noticed"
still_serving "the odd entry's removal"

# 3. SIGKILL on entry to the first rename of a persistent Register: the temporary is written.
killed=$DAEMON_PID
strace -qq -p "$DAEMON_PID" -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 &
tracer=$!
traced() { [ "$(awk '/^TracerPid:/ {print $2}' "/proc/$DAEMON_PID/status")" != 0 ]; }
deadline 10 traced || fail "strace did not attach"
probe register tmp extension:s=tmp "interpreter:s=$T/bin/stub" --option persist:b=true
wait "$tracer" || true
wait "$killed" 2>/dev/null || true
DAEMON_PID=''
deadline 10 name_released || fail "org.binfmtd1 still owned after the kill"
left=$(find "$ROOT/etc/binfmtd.d" -name '.tmp.toml.??????')
[ -n "$left" ] || fail "the kill left no temporary file to clean up"
# An administrator's hidden file that only looks like one stays.
printf '[mine]\nextension = "mine"\ninterpreter = "%s"\n' "$T/bin/stub" >"$ROOT/etc/binfmtd.d/.mine.toml.ABCDEF"
start_daemon # removes stale temporaries before it serves
[ ! -e "$left" ] || fail "binfmtd left the stale temporary $left after a restart: $(ls -A "$ROOT/etc/binfmtd.d")"
[ -e "$ROOT/etc/binfmtd.d/.mine.toml.ABCDEF" ] || fail "binfmtd removed a hidden file it did not write"
assert_contains "$(daemon_log)" "left by an interrupted write" "binfmtd's log"
assert_not_registered tmp
echo "ok: the stale temporary ${left##*/} was removed at startup"
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd after SIGTERM"
