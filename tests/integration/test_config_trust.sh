# A configuration file a non-root user could rewrite is ignored with a warning: its entries
# are not registered, and edits made while it is writable by others never reach the kernel.

stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/evil"
entry() { printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$1" "x$1" "$2"; }
entry trusted "$T/bin/stub" | conf trusted.toml
entry open "$T/bin/stub" | conf open.toml
chmod 0666 "$ROOT/etc/binfmtd.d/open.toml"

expect_binfmtd 0
assert_log "<4>$ROOT/etc/binfmtd.d/open.toml: writable by group or others (mode 0666), ignoring"
assert_registered trusted
assert_not_registered open

# trusted.toml becomes group-writable and is edited: the kernel keeps the last trusted version.
snapshot trusted >before.trusted
entry trusted "$T/bin/evil" | conf trusted.toml
chmod 0664 "$ROOT/etc/binfmtd.d/trusted.toml"
expect_binfmtd 0
assert_log "trusted.toml: writable by group or others (mode 0664), ignoring"
cmp -s before.trusted <(snapshot trusted) || fail "trusted changed through a group-writable file: $(snapshot trusted)"
assert_eq "$T/bin/stub" "$(kfield trusted interpreter)" "interpreter of trusted"
assert_not_registered open

# Made safe again, the edit applies.
chmod 0644 "$ROOT/etc/binfmtd.d/trusted.toml"
expect_binfmtd 0
assert_eq "$T/bin/evil" "$(kfield trusted interpreter)" "interpreter of trusted once its file is safe"
