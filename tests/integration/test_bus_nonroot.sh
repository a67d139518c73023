# A non-root caller (uid 1000, no polkit on this bus) reads everything: List, GetEntry,
# Describe, Resolve, the properties; Register, Unregister and Reload are refused with
# org.freedesktop.DBus.Error.AccessDenied (binfmtctl exit 4) and change nothing.

let_user_in
start_daemon
watch_errors
manager Register 'sa{sv}a{sv}' pyfoo 2 extension s foo interpreter s /usr/bin/python3 0
assert_registered pyfoo
mkdir -m 0755 pub && printf 'print(1)\n' >pub/x.foo
dump_table >table.before
ls -lR "$ROOT" >files.before
assert_unchanged() {
  cmp -s table.before <(dump_table) || fail "$1 changed the kernel's table: $(dump_table)"
  cmp -s files.before <(ls -lR "$ROOT") || fail "$1 changed files under $ROOT"
}

AS=(as_user)
assert_eq "$NOBODY" "$(as_user id -u)" "uid of as_user"

# Reading, through busctl...
manager List
assert_eq 'a(ssssss) 1 "pyfoo" "extension" "/usr/bin/python3" "" "active" "runtime"' "$BUS_OUT" "List as uid $NOBODY"
manager GetEntry s pyfoo
assert_contains "$BUS_OUT" '"state" s "active"' "GetEntry as uid $NOBODY"
manager --json Describe
assert_eq pyfoo "$(json '" ".join(e["name"] for e in __import__("json").loads(d["data"][0])["entries"])' <<<"$BUS_OUT")" \
  "Describe as uid $NOBODY"
manager Resolve say x.foo 0
assert_eq 'a(ss) 1 "pyfoo" "/usr/bin/python3"' "$BUS_OUT" "Resolve as uid $NOBODY"
assert_eq "b true" "$(property Mounted)" "Mounted as uid $NOBODY"
# ... and binfmtctl.
expect_ctl 0 list --no-legend
assert_contains "$CTL_OUT" pyfoo "binfmtctl list as uid $NOBODY"
expect_ctl 0 status pyfoo
assert_contains "$CTL_OUT" active "binfmtctl status pyfoo as uid $NOBODY"
expect_ctl 0 --json list
expect_ctl 0 which pub/x.foo
assert_contains "$CTL_OUT" pyfoo "binfmtctl which as uid $NOBODY"

# Changing: refused, by binfmtctl (exit 4) and by busctl, and nothing changes.
denied=org.freedesktop.DBus.Error.AccessDenied
expect_ctl 4 register other --extension oth --interpreter /usr/bin/python3
assert_error "$denied" "binfmtctl register as uid $NOBODY"
assert_contains "$CTL_ERR" "[$denied]" "binfmtctl register as uid $NOBODY"
expect_ctl 4 unregister pyfoo
assert_error "$denied" "binfmtctl unregister as uid $NOBODY"
expect_ctl 4 unregister pyfoo --persist
assert_error "$denied" "binfmtctl unregister --persist as uid $NOBODY"
expect_ctl 4 reload
assert_error "$denied" "binfmtctl reload as uid $NOBODY"
try_manager Register 'sa{sv}a{sv}' other 2 extension s oth interpreter s /usr/bin/python3 0
assert_error "$denied" "busctl Register as uid $NOBODY"
try_manager Register 'sa{sv}a{sv}' pyfoo 2 extension s foo interpreter s /usr/bin/python3 1 replace b true
assert_error "$denied" "busctl Register replace as uid $NOBODY"
try_manager Unregister 'sa{sv}' pyfoo 0
assert_error "$denied" "busctl Unregister as uid $NOBODY"
try_manager Reload 'a{sv}' 0
assert_error "$denied" "busctl Reload as uid $NOBODY"
# Properties cannot be set either.
bus_call set-property org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Mounted b false
[ "$BUS_RC" != 0 ] || fail "set-property Mounted as uid $NOBODY succeeded"
assert_unchanged "calls as uid $NOBODY"
assert_not_registered other

# The same calls as root still work (the refusals were about the caller).
# shellcheck disable=SC2034 # read by ctl and bus_call (lib.sh)
AS=()
expect_ctl 0 unregister pyfoo
assert_not_registered pyfoo
