# binfmtd running (on the private bus) beside binfmt-support's update-binfmts, on this machine's
# real binfmt.d files and binfmt-support records under --root plus fixture records, with a
# foreign entry registered by hand. update-binfmts is never installed: scripts/fetch-binfmt-support
# unpacks the package into the machine's tool cache (downloading it the first time; the test
# fails when it cannot), and it only ever runs here, with --admindir and --importdir under --root
# and /proc/sys/fs/binfmt_misc bound to this sandbox's instance (in_proc_binfmt). Each action of
# update-binfmts while binfmtd runs, and what binfmtd then does (binfmtd(8), "Beside
# update-binfmts"); after each, binfmtd has converged with none failed, settles, and the entry
# registered by hand is untouched: update-binfmts never flushes.

need_update_binfmts
coexistence_root
admin=$ROOT/var/lib/binfmts

# A package's postinst imports its record before binfmtd runs: update-binfmts writes its admin
# file and registers the entry itself; binfmtd, starting, finds the entry as declared and takes
# it over without a write.
update_binfmts --import fixture-magic
assert_eq 0 "$UB_RC" "exit code of update-binfmts --import fixture-magic"
assert_registered fixture-magic
start_daemon
binfmt_d_names=$(cd "$ROOT/usr/lib/binfmt.d" && for f in *.conf; do printf '%s\n' "${f%.conf}"; done | sort | xargs)
active_with() { tr ' ' '\n' <<<"$binfmt_d_names own $*" | sort | xargs; }
wait_for 10 "binfmtd did not converge on its start: $(names_in_state active)" converged "$(active_with fixture-magic)"
assert_eq 0 "$(registered_since 0 fixture-magic)" "binfmtd's registrations of fixture-magic, which update-binfmts registered"
assert_owned fixture-magic
assert_eq foreign "$(entry_field foreign-hand state)" "state of the entry registered by hand"
assert_quiet "after binfmtd's start"
foreign=$(snapshot foreign-hand)

# others_unchanged NAME WHAT: every entry but NAME is as before the step (BEFORE_TABLE), the one
# registered by hand included.
table_except() { dump_table | awk -v n="[$1]" '/^\[/ { skip = ($0 == n) } !skip'; }
others_unchanged() {
  assert_eq "$BEFORE_TABLE" "$(table_except "$1")" "$2: the other entries"
  assert_eq "$foreign" "$(snapshot foreign-hand)" "$2: the entry registered by hand"
  assert_eq foreign "$(entry_field foreign-hand state)" "$2: state of the entry registered by hand"
}
imported() { [ -f "$admin/fixture-ext" ] && state_is fixture-ext active && [[ " $(owned_names) " == *" fixture-ext "* ]]; }

# --import NAME: binfmt-support registers it at once, right after writing its admin file.
# binfmtd sees the admin file within the debounce (no reload): the record is imported now, so
# fixture-ext is binfmtd's to manage (owned, active), and the identical entry needs no write.
# Had binfmtd registered it first, update-binfmts would only say "already enabled".
assert_eq disabled "$(entry_field fixture-ext state)" "fixture-ext before its import"
assert_contains "$(entry_field fixture-ext error)" "binfmt-support has not imported this record" "fixture-ext before its import"
BEFORE_TABLE=$(table_except fixture-ext)
mark=$(log_mark)
update_binfmts --import fixture-ext
assert_eq 0 "$UB_RC" "exit code of update-binfmts --import fixture-ext"
wait_for 10 "binfmtd did not take the imported record" imported
wait_for 10 "after --import: binfmtd did not converge" converged "$(active_with fixture-ext fixture-magic)"
assert_quiet "after --import"
[ "$(registered_since "$mark" fixture-ext)" -le 1 ] || fail "binfmtd registered fixture-ext more than once: $(log_since "$mark")"
assert_eq .fxext "$(kfield fixture-ext extension)" "fixture-ext's extension in the kernel"
assert_eq "$ROOT/usr/share/binfmts/fixture-ext" "$(entry_field fixture-ext origin)" "origin of fixture-ext"
others_unchanged fixture-ext "--import"

# --disable NAME: update-binfmts removes the entry from the kernel, and nothing else: its admin
# file stays, the record is still imported. binfmtd puts back what a source declares, once: the
# entry is registered again. (To keep it out: --remove or --unimport, or binfmtctl unregister.)
BEFORE_TABLE=$(table_except fixture-ext)
entry_before=$(snapshot fixture-ext)
mark=$(log_mark)
update_binfmts --disable fixture-ext
assert_eq 0 "$UB_RC" "exit code of update-binfmts --disable fixture-ext"
restored() { [ "$(registered_since "$mark" fixture-ext)" -ge 1 ] && in_kernel fixture-ext; }
wait_for 10 "binfmtd did not register fixture-ext again after --disable" restored
wait_for 10 "after --disable: binfmtd did not converge" converged "$(active_with fixture-ext fixture-magic)"
assert_quiet "after --disable"
assert_eq 1 "$(registered_since "$mark" fixture-ext)" "binfmtd's registrations of fixture-ext after --disable"
assert_eq "$entry_before" "$(snapshot fixture-ext)" "fixture-ext registered again"
[ -f "$admin/fixture-ext" ] || fail "update-binfmts --disable removed the admin file"
update_binfmts --display fixture-ext
assert_contains "$UB_OUT" "fixture-ext (enabled):" "update-binfmts --display after binfmtd registered it again"
others_unchanged fixture-ext "--disable"

# --enable NAME while binfmtd has it registered: update-binfmts finds the name in the kernel,
# says so and succeeds without writing it; it only writes 1 to binfmt_misc's status, which binfmtd
# notices and reconciles without a write.
BEFORE_TABLE=$(table_except fixture-ext)
mark=$(log_mark)
update_binfmts --enable fixture-ext
assert_eq 0 "$UB_RC" "exit code of update-binfmts --enable fixture-ext"
assert_contains "$UB_OUT" "fixture-ext already enabled in kernel" "update-binfmts --enable of a registered entry"
wait_for 10 "after --enable: binfmtd did not converge" converged "$(active_with fixture-ext fixture-magic)"
assert_quiet "after --enable"
assert_eq 0 "$(writes_since "$mark")" "binfmtd's writes after --enable"
assert_eq "$entry_before" "$(snapshot fixture-ext)" "fixture-ext after --enable"
others_unchanged fixture-ext "--enable"

# A real package's record whose name binfmt.d declares too (qemu-user-static ships both): binfmt.d
# wins in binfmtd, the entry is already there, so update-binfmts --import only records the import.
BEFORE_TABLE=$(dump_table)
mark=$(log_mark)
update_binfmts --import qemu-aarch64
assert_eq 0 "$UB_RC" "exit code of update-binfmts --import qemu-aarch64"
assert_contains "$UB_OUT" "qemu-aarch64 already enabled in kernel" "update-binfmts --import of a registered name"
[ -f "$admin/qemu-aarch64" ] || fail "update-binfmts --import qemu-aarch64 left no admin file"
assert_quiet "after --import qemu-aarch64"
assert_eq 0 "$(writes_since "$mark")" "binfmtd's writes after --import qemu-aarch64"
assert_eq "$ROOT/usr/lib/binfmt.d/qemu-aarch64.conf" "$(entry_field qemu-aarch64 origin)" "origin of qemu-aarch64"
assert_eq "$BEFORE_TABLE" "$(dump_table)" "the table after --import qemu-aarch64"

# --remove NAME PATH without --package: the record's package is fixture, so update-binfmts
# refuses with a warning, yet exits 0, and changes nothing.
BEFORE_TABLE=$(dump_table)
update_binfmts --remove fixture-ext "$T/bin/fixture"
assert_eq 0 "$UB_RC" "exit code of update-binfmts --remove without --package"
assert_contains "$UB_OUT" "already installed by fixture; not removing" "update-binfmts --remove without --package"
[ -f "$admin/fixture-ext" ] || fail "update-binfmts --remove without --package removed the admin file"
assert_quiet "after --remove without --package"
assert_eq "$BEFORE_TABLE" "$(dump_table)" "the table after --remove without --package"

# --package fixture --remove NAME PATH un-imports: update-binfmts takes the entry out of the
# kernel, then deletes its admin file. binfmtd reads the admin directory again when it sees the
# removal, so the record is no longer imported: fixture-ext is disabled, with the reason, and
# binfmtd owns it no more. (Should update-binfmts be preempted between its two steps for longer
# than binfmtd takes to react, binfmtd would put the entry back once and remove it once the
# admin file is gone: at most one registration, never a failure.)
BEFORE_TABLE=$(table_except fixture-ext)
mark=$(log_mark)
update_binfmts --package fixture --remove fixture-ext "$T/bin/fixture"
assert_eq 0 "$UB_RC" "exit code of update-binfmts --package fixture --remove"
[ ! -e "$admin/fixture-ext" ] || fail "update-binfmts --remove left the admin file"
unimported() { not_in_kernel fixture-ext && state_is fixture-ext disabled; }
wait_for 10 "binfmtd did not disable the un-imported record" unimported
wait_for 10 "after --remove: binfmtd did not converge" converged "$(active_with fixture-magic)"
assert_quiet "after --remove"
assert_contains "$(entry_field fixture-ext error)" "binfmt-support has not imported this record" "why fixture-ext is disabled"
expect_ctl 0 --no-legend list
assert_contains "$(grep '^fixture-ext ' <<<"$CTL_OUT")" " disabled " "fixture-ext in binfmtctl list after --remove"
[ "$(registered_since "$mark" fixture-ext)" -le 1 ] || fail "binfmtd registered fixture-ext more than once: $(log_since "$mark")"
assert_not_registered fixture-ext
assert_not_owned fixture-ext
others_unchanged fixture-ext "--remove"

# --unimport NAME, the same for the record's own package: imported again, then un-imported.
update_binfmts --import fixture-ext
assert_eq 0 "$UB_RC" "exit code of update-binfmts --import fixture-ext, again"
wait_for 10 "binfmtd did not take the record imported again" imported
update_binfmts --unimport fixture-ext
assert_eq 0 "$UB_RC" "exit code of update-binfmts --unimport fixture-ext"
[ ! -e "$admin/fixture-ext" ] || fail "update-binfmts --unimport left the admin file"
wait_for 10 "binfmtd did not disable the record after --unimport" unimported
wait_for 10 "after --unimport: binfmtd did not converge" converged "$(active_with fixture-magic)"
assert_quiet "after --unimport"
others_unchanged fixture-ext "--unimport"

# binfmtctl unregister keeps an imported record's entry out (until reboot); update-binfmts
# --enable then registers it anyway, and binfmtd leaves that entry alone: disabled for binfmtd,
# the kernel's entry another tool's.
expect_ctl 0 unregister fixture-magic
wait_for 10 "binfmtctl unregister fixture-magic did not remove it" not_in_kernel fixture-magic
mark=$(log_mark)
update_binfmts --enable fixture-magic
assert_eq 0 "$UB_RC" "exit code of update-binfmts --enable fixture-magic"
assert_registered fixture-magic
wait_for 10 "after --enable of an unregistered entry: binfmtd did not converge" converged "$(active_with)"
assert_quiet "after --enable of an unregistered entry"
assert_eq 0 "$(writes_since "$mark")" "binfmtd's writes after --enable of an unregistered entry"
assert_eq disabled "$(entry_field fixture-magic state)" "fixture-magic, unregistered, then enabled by update-binfmts"
assert_contains "$(entry_field fixture-magic error)" "another tool's and stays" "why binfmtd leaves fixture-magic"

# --install NAME PATH SPEC: a local format, in binfmt-support's database only. binfmtd reads
# the records of /usr/share/binfmts, not that database: the entry is foreign to binfmtd, never
# changed or removed.
BEFORE_TABLE=$(dump_table)
mark=$(log_mark)
update_binfmts --package local --install fixture-local "$T/bin/fixture" --extension fxlocal
assert_eq 0 "$UB_RC" "exit code of update-binfmts --install"
assert_registered fixture-local
assert_quiet "after --install"
assert_eq 0 "$(writes_since "$mark")" "binfmtd's writes after --install"
assert_eq foreign "$(entry_field fixture-local state)" "state of a format update-binfmts --install registered"
assert_eq "$BEFORE_TABLE" "$(table_except fixture-local)" "the other entries after --install"
assert_eq 0 "$(names_in_state failed | wc -w)" "failed entries"
