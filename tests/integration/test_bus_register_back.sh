# An entry an administrator's file defines, unregistered until reboot, comes back with a Register
# of that very definition; a Register of another definition is refused before anything is
# written: the kernel never holds it, not even for a moment.

stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/other"
printf '[admin]\nextension = "adm"\ninterpreter = "%s"\n' "$T/bin/stub" | conf admin.toml
start_daemon
assert_registered admin

expect_ctl 0 unregister admin
assert_not_registered admin

# Another definition: refused, named, and never registered.
registered_before=$(daemon_log | grep -c "Registered admin")
expect_ctl 1 register admin --extension adm --interpreter "$T/bin/other" --replace
assert_contains "$CTL_ERR" "is defined in \"$ROOT/etc/binfmtd.d/admin.toml\", which takes precedence" "the refusal"
assert_not_registered admin
assert_eq "$registered_before" "$(daemon_log | grep -c "Registered admin")" "registrations of admin during a refused call"
[ ! -e "$ROOT/run/binfmtd.d/admin.toml" ] || fail "a refused Register left $ROOT/run/binfmtd.d/admin.toml"

# The administrator's own definition: it comes back, with no file of binfmtd's beside it.
for args in "" "--replace"; do
  # shellcheck disable=SC2086 # the options, or none
  expect_ctl 0 register admin --extension adm --interpreter "$T/bin/stub" $args
  assert_registered admin
  assert_eq "$T/bin/stub" "$(kfield admin interpreter)" "interpreter of admin"
  assert_eq "$ROOT/etc/binfmtd.d/admin.toml" "$(entry_field admin origin)" "origin of admin"
  [ ! -e "$ROOT/run/binfmtd.d/admin.toml" ] || fail "Register wrote $ROOT/run/binfmtd.d/admin.toml"
  expect_ctl 0 unregister admin
done

# Not kept out, the same definition is simply there already.
expect_ctl 0 register admin --extension adm --interpreter "$T/bin/stub"
expect_ctl 1 register admin --extension adm --interpreter "$T/bin/stub"
assert_contains "$CTL_ERR" "takes precedence" "Register of an entry that is there"
