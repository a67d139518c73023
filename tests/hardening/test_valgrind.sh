# valgrind memcheck of binfmtd through a whole service scenario: startup, Register
# (runtime and persistent), every read method, Resolve, hostile and denied calls, a
# configuration edit picked up by the watchers, SIGHUP, Unregister, SIGTERM. memcheck must
# report no error and no lost block, definitely, indirectly or possibly (still reachable: the
# libraries' own static allocations, not leaks).
# Not in the sanitized build (valgrind cannot run ASan binaries; LeakSanitizer covers it there).
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

command -v valgrind >/dev/null || fail "valgrind is not installed (scripts/dev setup installs it)"
REAL_BINFMTD=$BINFMTD
VG_LOG=$T/valgrind.log
cat >"$T/valgrind-binfmtd" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \\
  --show-leak-kinds=definite,indirect,possible \\
  --error-exitcode=99 --track-fds=no --num-callers=30 --log-file="$VG_LOG" "$REAL_BINFMTD" "\$@"
WRAP
chmod 0755 "$T/valgrind-binfmtd"
BINFMTD=$T/valgrind-binfmtd

let_user_in
stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/other"
printf '[static]\nmagic = %s\nmask = %s\ninterpreter = "%s"\n' "'\\xca\\xfe'" "'\\xff\\xfe'" "$T/bin/stub" | conf static.toml
start_daemon --log-level debug
assert_registered static

expect_ok "Register (runtime)"      register rt extension:s=rt "interpreter:s=$T/bin/stub"
expect_ok "Register (persist)"      register keep magic:ay=c0de mask:ay=fffe offset:u=4 "interpreter:s=$T/bin/stub" fix-binary:b=true --option persist:b=true
expect_ok "Register (replace)"      register rt extension:s=rt "interpreter:s=$T/bin/other" --option replace:b=true
expect_ok "List"                    call List
expect_ok "GetEntry"                call GetEntry s=keep
expect_ok "Describe"                call Describe
expect_ok "Resolve"                 call Resolve s=file.rt ay=cafe
expect_ok "Reload"                  call Reload 'a{sv}='
expect_error org.binfmtd1.Error.NoSuchEntry "GetEntry of nothing" call GetEntry s=nothing
expect_error org.binfmtd1.Error.InvalidEntry "a 1 MiB interpreter" register t1 extension:s=e "interpreter:s=*1048576*/"
expect_error org.binfmtd1.Error.InvalidEntry "a variant in a variant" register t1 extension:vs=e "interpreter:s=$T/bin/stub"
expect_error org.binfmtd1.Error.UnsafeInterpreter "a directory" register t1 extension:s=e "interpreter:s=$T/bin"
expect_error org.freedesktop.DBus.Error.InvalidArgs "a wrong signature" call Register s=x
PROBE_OUT=$(as_user "$PROBE" deny-flood 20 2>&1) || fail "uid $NOBODY was not denied: $PROBE_OUT"
# The watchers: a configuration edit, an interpreter replaced, a flush by someone else.
printf '[edited]\nextension = "ed"\ninterpreter = "%s"\n' "$T/bin/stub" | conf edited.toml
# shellcheck disable=SC2153 # BINFMT (the private binfmt_misc, from sandbox.sh), not BINFMTD
edited_in() { [ -e "$BINFMT/edited" ]; }
deadline 30 edited_in || fail "binfmtd under valgrind did not pick up a new configuration file"
echo -1 >"$BINFMT/static"
static_back() { [ -e "$BINFMT/static" ]; }
deadline 30 static_back || fail "binfmtd under valgrind did not restore a removed entry"
# Another tool's entry whose name and interpreter are not UTF-8 (escaped for the bus).
printf ':odd\xff:E::oddx::/usr/bin/\xfe:' >"$BINFMT/register"
odd_listed() { "$BINFMTCTL" list </dev/null 2>&1 | grep -qF 'odd\xff'; }
deadline 30 odd_listed || fail "binfmtd under valgrind does not list the odd foreign entry"
expect_ok "Describe with an odd entry" call Describe
echo -1 >"$BINFMT/odd"$'\xff'
kill -HUP "$DAEMON_PID"
expect_ok "Unregister (runtime)"    unregister rt
expect_ok "Unregister (persist)"    unregister keep --option persist:b=true
stop_daemon
cat "$VG_LOG"
assert_contains "$(cat "$VG_LOG")" "ERROR SUMMARY: 0 errors" "valgrind's summary"
for kind in definitely indirectly possibly; do
  if grep -q "$kind lost: " "$VG_LOG"; then
    assert_contains "$(cat "$VG_LOG")" "$kind lost: 0 bytes in 0 blocks" "valgrind's leak summary ($kind lost)"
  fi
done
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd under valgrind (99: memcheck found errors)"
