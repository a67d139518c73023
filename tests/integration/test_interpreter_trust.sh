# Interpreters a non-root user could modify are refused (failed, exit 1, not registered);
# a missing interpreter leaves its entry pending (exit 0) until it is installed.

entry() { printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$1" "x$1" "$2"; }

# Missing alone: pending is not a failure.
entry later "$T/bin/later" | conf later.toml
expect_binfmtd 0
assert_log "later: pending:"
assert_log "does not exist"
assert_log "Reconciled: 0 active, 0 disabled, 1 pending, 0 failed, 0 foreign; 0 writes"
assert_not_registered later

# Unsafe ones: the file itself writable by others, or its directory writable by others
# (not sticky); a sane one next to them still goes in.
stub_interpreter "$T/bin/world-writable" 0777
stub_interpreter "$T/bin/group-writable" 0775
stub_interpreter "$T/opendir/stub" 0755
chmod 0777 "$T/opendir"
stub_interpreter "$T/bin/fine"
mkdir "$T/links" && ln -s "$T/bin/world-writable" "$T/links/via-link"
# A safe interpreter reached through a directory symlink in a world-writable directory: anyone
# could point the link elsewhere.
stub_interpreter "$T/safe/bin/stub"
mkdir -m 0777 "$T/public" && ln -s "$T/safe" "$T/public/dirlink"
{
  entry world "$T/bin/world-writable"
  entry group "$T/bin/group-writable"
  entry opendir "$T/opendir/stub"
  entry vialink "$T/links/via-link"
  entry dirlink "$T/public/dirlink/bin/stub"
  entry fine "$T/bin/fine"
} | conf unsafe.toml

expect_binfmtd 1
for n in world group opendir vialink dirlink; do
  assert_log "<3>$n: failed:"
  assert_not_registered "$n"
  assert_not_owned "$n"
done
assert_log "writable by group or others"
assert_log "symlink \"$T/public/dirlink\": \"$T/public\" is writable by group or others"
assert_registered fine
assert_not_registered later
assert_log "Reconciled: 1 active, 0 disabled, 1 pending, 5 failed, 0 foreign; 1 writes"

# The missing interpreter appears: pending becomes active. An interpreter that turns
# writable by others after registration gets its entry taken out of the kernel.
stub_interpreter "$T/bin/later"
chmod 0757 "$T/bin/fine"
expect_binfmtd 1
assert_registered later
assert_eq "$T/bin/later" "$(kfield later interpreter)" "interpreter of later"
assert_log "Removed fine"
assert_log "<3>fine: failed:"
assert_eq "later " "$(kernel_names)" "kernel entries"
assert_not_owned fine
