# binfmtctl's exit codes (binfmtctl(1)): 0 success, 1 failure, 2 usage error, 3 daemon not
# reachable, 4 permission denied, 5 no such entry.

let_user_in
start_daemon

expect_ctl 0 list
expect_ctl 0 register pyfoo --extension foo --interpreter /usr/bin/python3
assert_registered pyfoo

# 1: refused by binfmtd (unsafe interpreter; already exists).
unsafe=$(mktemp -d -p "$T")/stub
stub_interpreter "$unsafe" 0777
expect_ctl 1 register unsafe --extension un --interpreter "$unsafe"
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.UnsafeInterpreter]" "stderr of register unsafe"
expect_ctl 1 register pyfoo --extension foo --interpreter /usr/bin/python3
assert_contains "$CTL_ERR" "[org.binfmtd1.Error.AlreadyExists]" "stderr of a second register"

# 2: usage errors, before anything is asked of binfmtd.
expect_ctl 2 register
expect_ctl 2 register x --magic '\x7f' --extension y --interpreter /usr/bin/python3
expect_ctl 2 no-such-verb
expect_ctl 2 unregister

# 4: a non-root caller (no polkit here).
AS=(as_user)
expect_ctl 4 register other --extension oth --interpreter /usr/bin/python3
expect_ctl 4 unregister pyfoo
expect_ctl 4 reload
expect_ctl 0 list
# shellcheck disable=SC2034 # read by ctl and bus_call (lib.sh)
AS=()
assert_not_registered other
assert_registered pyfoo

# 5: no such entry.
expect_ctl 5 status nope
expect_ctl 5 unregister nope

# 3: the bus is up but binfmtd is not on it; then no bus at all.
stop_daemon
expect_ctl 3 list
assert_contains "$CTL_ERR" "cannot reach binfmtd" "stderr of list without binfmtd"
expect_ctl 3 status pyfoo
expect_ctl 3 register other --extension oth --interpreter /usr/bin/python3
expect_ctl 3 which /bin/true
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-such-socket expect_ctl 3 list
# Offline verbs need no daemon.
expect_ctl 0 presets
