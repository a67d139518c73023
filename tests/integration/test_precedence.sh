# systemd-style conf.d precedence: a file in /etc/binfmtd.d replaces the vendor file of the
# same name in /usr/lib/binfmtd.d; a /dev/null symlink (or an empty file) masks it; for one
# entry name defined in several files, the higher directory wins.

for n in vendor admin other; do stub_interpreter "$T/bin/$n"; done
entry() { printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$1" "$2" "$T/bin/$3"; }

{ entry shared vnd vendor; entry vendor-only vo vendor; } | conf usr/lib/binfmtd.d/pkg.toml
{ entry masked-1 m1 vendor; } | conf usr/lib/binfmtd.d/masked.toml
{ entry emptied-1 e1 vendor; } | conf usr/lib/binfmtd.d/emptied.toml
{ entry dup dupv vendor; } | conf usr/lib/binfmtd.d/zz-vendor.toml

expect_binfmtd 0
assert_eq "dup emptied-1 masked-1 shared vendor-only " "$(kernel_names)" "vendor entries registered"
assert_eq "$T/bin/vendor" "$(kfield shared interpreter)" "interpreter of shared, vendor file only"

# The admin overrides and masks.
{ entry shared adm admin; } | conf pkg.toml
ln -s /dev/null "$ROOT/etc/binfmtd.d/masked.toml"
: | conf run/binfmtd.d/emptied.toml
{ entry dup dupa admin; } | conf aa-admin.toml
{ entry dup dupr other; } | conf run/binfmtd.d/zz-runtime.toml

expect_binfmtd 0
assert_eq "dup shared " "$(kernel_names)" "kernel entries after override and masks"
assert_eq "$T/bin/admin" "$(kfield shared interpreter)" "interpreter of shared (/etc wins)"
assert_eq .adm "$(kfield shared extension)" "extension of shared (/etc wins)"
assert_eq "$T/bin/admin" "$(kfield dup interpreter)" "interpreter of dup (/etc beats /run and /usr/lib)"
assert_eq .dupa "$(kfield dup extension)" "extension of dup"
for n in vendor-only masked-1 emptied-1; do assert_log "Removed $n"; assert_not_owned "$n"; done
assert_eq "dup shared" "$(owned_names)" "owned entries"

# Within one directory the file sorting last wins.
rm "$ROOT/etc/binfmtd.d/aa-admin.toml"
{ entry dup dupb admin; } | conf run/binfmtd.d/aa-runtime.toml
expect_binfmtd 0
assert_eq .dupr "$(kfield dup extension)" "extension of dup (zz-runtime.toml sorts after aa-runtime.toml)"
assert_eq "$T/bin/other" "$(kfield dup interpreter)" "interpreter of dup"
