# 10000 Register calls from one unprivileged client: every one is denied with
# org.freedesktop.DBus.Error.AccessDenied (no polkit answers on the private bus), binfmtd keeps
# serving, nothing is written, and its memory and file descriptors stay flat. Hostile input
# from a non-root caller is refused the same way, before any of it is decoded.
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

let_user_in # uid $NOBODY may reach the bus socket under $T
start_daemon
stub_interpreter "$T/bin/stub"
table_before=$(dump_table)
files_before=$(definition_files)
AD=org.freedesktop.DBus.Error.AccessDenied

# A non-root caller gets AccessDenied for every change, whatever it sends; reads work.
user_error() { # ERROR WHAT PROBE-ARGS...
  local want=$1 what=$2
  shift 2
  PROBE_RC=0
  # shellcheck disable=SC2034 # PROBE_RC as probe() sets it
  PROBE_OUT=$(as_user "$PROBE" "$@" 2>&1) || PROBE_RC=$?
  [ "$(head -n1 <<<"$PROBE_OUT")" = "ERROR $want" ] || fail "uid $NOBODY, $what: expected $want, got: ${PROBE_OUT:0:400}"
  printf 'ok uid %s: %-50s %s\n' "$NOBODY" "$what" "$want"
  still_serving "uid $NOBODY: $what"
}
user_error $AD "a valid Register"       register u1 extension:s=e "interpreter:s=$T/bin/stub"
user_error $AD "Register persist"       register u1 extension:s=e "interpreter:s=$T/bin/stub" --option persist:b=true
user_error $AD "Register interactive"   register u1 extension:s=e "interpreter:s=$T/bin/stub" --option interactive:b=true
user_error $AD "a hostile Register"     register ../../etc/passwd 'magic:ay=*1048576*00' interpreter:s=relative
user_error $AD "Unregister"             unregister u1
user_error $AD "Unregister persist"     unregister u1 --option persist:b=true
user_error $AD "Reload"                 call Reload 'a{sv}='
# Malformed options are refused before authorization, still by name (InvalidArgs).
user_error org.freedesktop.DBus.Error.InvalidArgs "an unknown option" register u1 extension:s=e --option evil:b=true
PROBE_OUT=$(as_user "$PROBE" call List 2>&1) || fail "uid $NOBODY cannot List: $PROBE_OUT"
PROBE_OUT=$(as_user "$PROBE" call Describe 2>&1) || fail "uid $NOBODY cannot Describe: $PROBE_OUT"

# The flood: 1000 calls to warm up (allocator, bus buffers), then 9000 more while measuring.
as_user "$PROBE" deny-flood 1000 >flood.1 || fail "the warm-up flood was not all denied: $(cat flood.1)"
rss0=$(daemon_rss_kb) fds0=$(daemon_fds)
as_user "$PROBE" deny-flood 9000 >flood.2 || fail "the flood was not all denied: $(cat flood.2)"
rss1=$(daemon_rss_kb) fds1=$(daemon_fds)
cat flood.1 flood.2
assert_contains "$(cat flood.1)" "reply $AD 1000" "warm-up replies"
assert_contains "$(cat flood.2)" "reply $AD 9000" "flood replies"
still_serving "10000 denied Register calls"
echo "binfmtd after 1000 denied calls: RSS ${rss0} KiB, ${fds0} fds; after 9000 more: RSS ${rss1} KiB, ${fds1} fds"
assert_eq "$fds0" "$fds1" "binfmtd's open file descriptors across 9000 denied calls"
if [ "$SANITIZED" = 1 ]; then
  # ASan keeps freed memory in quarantine (up to 256 MiB), so RSS means nothing here;
  # LeakSanitizer checks for leaks when binfmtd exits below.
  echo "(sanitized build: RSS not compared)"
else
  # 9000 calls leaking even 32 bytes each would add 280 KiB.
  [ $((rss1 - rss0)) -le 256 ] || fail "binfmtd's RSS grew by $((rss1 - rss0)) KiB over 9000 denied calls ($rss0 -> $rss1 KiB)"
fi
assert_eq "$table_before" "$(dump_table)" "the kernel's table after the flood"
assert_eq "$files_before" "$(definition_files)" "the configuration directories after the flood"
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd after SIGTERM"
