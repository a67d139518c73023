# A polkit that does not answer stops nothing: python3-dbusmock's polkitd template stands in
# for polkit on the private bus and holds every CheckAuthorization (SimulateHang). While a
# non-root caller's Register waits on it, another client's List answers and a flushed table is
# restored; the Register is carried out when polkit answers; a call still waiting when binfmtd
# stops gets an error, and changes nothing.

let_user_in
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is missing: install python3"
/usr/bin/python3 -c 'import dbusmock' 2>/dev/null || fail "python3-dbusmock is missing: install python3-dbusmock"
stub_interpreter "$T/bin/stub"

# The stand-in (run as root) may own polkit's name and be called, as polkitd on a real system.
mkdir -p "$T/bus/policy.d"
cat >"$T/bus/policy.d/polkit.conf" <<'EOF2'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
</busconfig>
EOF2
start_bus
background /usr/bin/python3 -m dbusmock --template polkitd >"$T/polkit.log" 2>&1
polkit_up() { busctl --system status org.freedesktop.PolicyKit1 >/dev/null 2>&1; }
wait_for 10 "the polkit stand-in owns org.freedesktop.PolicyKit1: $(cat "$T/polkit.log")" polkit_up
polkit() { # METHOD [SIGNATURE ARGS...]: a call to the stand-in's control interface
  busctl --system call org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority \
    org.freedesktop.DBus.Mock "$@" || fail "polkit stand-in: $* failed"
}
hanging() { [ "$(polkit HaveHangingCalls)" = "b true" ]; }
# The answer polkit gives once it lets go, and that it holds every question until then.
polkit SetAllowed as 1 org.binfmtd1.manage
polkit SimulateHang b true

start_daemon
expect_ctl 0 register keep --extension kp --interpreter "$T/bin/stub" # uid 0: polkit is not asked
assert_registered keep

# as_user_call OUT METHOD SIGNATURE ARGS...: a non-root busctl call in the background, with
# `interactive` (polkit may take 120 s) and a longer timeout than that; its PID in CALL_PID.
CALL_PID=''
as_user_call() {
  local out=$1
  shift
  background "${AS_USER[@]}" busctl --system --timeout=300 call org.binfmtd1 /org/binfmtd1 \
    org.binfmtd1.Manager "$@" >"$out" 2>&1
  CALL_PID=${BACKGROUND[-1]}
}
call_done() { ! kill -0 "$CALL_PID" 2>/dev/null; }

as_user_call "$T/register.out" Register 'sa{sv}a{sv}' late 2 extension s lt interpreter s "$T/bin/stub" \
  1 interactive b true
wait_for 10 "the Register waits on polkit" hanging

# While polkit holds it: other clients are answered, and a flush is restored.
manager List
assert_contains "$BUS_OUT" '"keep"' "List while a Register waits on polkit"
AS=(as_user)
expect_ctl 0 list --no-legend
assert_contains "$CTL_OUT" keep "a non-root binfmtctl list while a Register waits on polkit"
# shellcheck disable=SC2034 # AS is read by ctl (lib.sh)
AS=()
echo -1 >"$BINFMT/status"
not_in_kernel keep || fail "the flush did not remove keep"
wait_for 10 "binfmtd restores the flushed table while a Register waits on polkit" in_kernel keep
hanging || fail "polkit no longer holds the Register"
call_done && fail "the Register was answered before polkit was: $(cat "$T/register.out")"
assert_not_registered late

# polkit answers: the Register is carried out and answered.
polkit ReleaseHangingCalls
wait_for 10 "the Register is answered once polkit is" call_done
rc=0
wait "$CALL_PID" || rc=$?
assert_eq 0 "$rc" "the non-root Register once polkit allowed it ($(cat "$T/register.out"))"
assert_registered late

# A call still waiting when binfmtd stops gets an error and changes nothing.
as_user_call "$T/unregister.out" Unregister 'sa{sv}' late 1 interactive b true
wait_for 10 "the Unregister waits on polkit" hanging
stop_daemon
wait_for 10 "the waiting Unregister is answered when binfmtd stops" call_done
rc=0
wait "$CALL_PID" || rc=$?
[ "$rc" != 0 ] || fail "the Unregister waiting on polkit succeeded although binfmtd stopped"
assert_contains "$(cat "$T/unregister.out")" "binfmtd stopped before the call was authorized" \
  "the error of a call abandoned by binfmtd's stop"
assert_eq 0 "$DAEMON_RC" "binfmtd's exit code on SIGTERM with a call waiting"
assert_registered late
assert_registered keep
