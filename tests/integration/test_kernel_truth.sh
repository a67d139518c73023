# What binfmtd reports is the kernel's truth: binfmt_misc disabled (`echo 0 > status`) shows as
# KernelEnabled false, in `status` and in `which` (nothing would run); remounted read-only,
# it is still Mounted, not Writable, and entries stay active (the kernel runs them) with the
# reason in their error, and read-write again it writes nothing; a configuration error shows
# in Describe's diagnostics and in `status` until it is fixed. Each property change is signalled.

stub_interpreter "$T/bin/stub"
printf '[truth]\nextension = "tr"\ninterpreter = "%s"\n' "$T/bin/stub" | conf truth.toml
printf '[broken]\nextension = "br"\ninterpreter = "%s"\nbogus = 1\n' "$T/bin/stub" | conf broken.toml
printf 'hello\n' >"$T/file.tr"
chmod 0755 "$T/file.tr"

start_daemon
watch_entry_changes
in_kernel truth || fail "truth is not registered"
before=$(snapshot truth)

# properties_changed: the PropertiesChanged signals of org.binfmtd1 so far, as NAME=VALUE.
properties_changed() {
  /usr/bin/python3 - "$SIGNALS_LOG" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = []
for m in msgs:
    if m["type"] == "signal" and m.get("member") == "PropertiesChanged" and m.get("path") == "/org/binfmtd1":
        iface, changed, _ = m["payload"]["data"]
        if iface == "org.binfmtd1.Manager":
            out += [f"{k}={json.dumps(v['data'])}" for k, v in sorted(changed.items())]
print(" ".join(out))
PY
}
saw_properties() { [ "$(properties_changed)" = "$1" ]; }
prop_is() { [ "$(property "$1")" = "b $2" ]; }
describe() { manager --json Describe; json "json.loads(d['data'][0])$1" <<<"$BUS_OUT"; }

assert_eq "b true" "$(property Mounted)" "Mounted"
assert_eq "b true" "$(property Writable)" "Writable"
assert_eq "b true" "$(property KernelEnabled)" "KernelEnabled"

# --- a configuration error: in Describe and status, until it is fixed --------------------------
assert_eq '["error"]' "$(describe "['diagnostics']" | json "[x['severity'] for x in d]")" "Describe's diagnostics"
assert_eq "$ROOT/etc/binfmtd.d/broken.toml" "$(describe "['diagnostics'][0]['file']")" "the diagnostic's file"
assert_eq 4 "$(describe "['diagnostics'][0]['line']")" "the diagnostic's line"
assert_eq broken "$(describe "['diagnostics'][0]['entry']")" "the diagnostic's entry"
assert_contains "$(describe "['diagnostics'][0]['message']")" "bogus" "the diagnostic's message"
expect_ctl 0 status
assert_contains "$CTL_OUT" "Config: $ROOT/etc/binfmtd.d/broken.toml:4:1: error: [broken] unknown key \"bogus\"" "binfmtctl status"
expect_ctl 0 --json status
assert_eq broken "$(json "d['diagnostics'][0]['entry']" <<<"$CTL_OUT")" "binfmtctl --json status: diagnostics"
printf '[broken]\nextension = "br"\ninterpreter = "%s"\n' "$T/bin/stub" | conf broken.toml
no_diagnostics() { [ "$(describe "['diagnostics']")" = "[]" ]; }
wait_for 10 "the diagnostic is still there after the file was fixed" no_diagnostics
expect_ctl 0 status
assert_not_contains "$CTL_OUT" "Config:" "binfmtctl status once the configuration is fixed"
assert_contains "$CTL_OUT" "Kernel: enabled" "binfmtctl status"
assert_contains "$CTL_OUT" "Writable: yes" "binfmtctl status"

# --- binfmt_misc disabled: KernelEnabled false, and nothing would run --------------------------
expect_ctl 0 which "$T/file.tr"
assert_contains "$CTL_OUT" "the kernel uses \"truth\"" "binfmtctl which with binfmt_misc enabled"
echo 0 >"$BINFMT/status"
wait_for 10 "KernelEnabled is not false after echo 0 > status" prop_is KernelEnabled false
assert_eq "b true" "$(property Writable)" "Writable with binfmt_misc disabled"
assert_eq false "$(describe "['kernel_enabled']")" "Describe's kernel_enabled"
expect_ctl 0 status
assert_contains "$CTL_OUT" "Kernel: disabled (its status is 0): no entry runs" "binfmtctl status, disabled"
expect_ctl 1 which "$T/file.tr"
assert_contains "$CTL_OUT" "none of them runs" "binfmtctl which, disabled"
assert_not_contains "$CTL_OUT" "the kernel uses" "binfmtctl which, disabled"
assert_contains "$CTL_ERR" "binfmt_misc is disabled (its status is 0): \"$T/file.tr\" would not run" "binfmtctl which, disabled"
expect_ctl 1 --json which "$T/file.tr"
assert_eq false "$(json "d['kernel_enabled']" <<<"$CTL_OUT")" "binfmtctl --json which: kernel_enabled"
assert_eq '["truth"]' "$(json "[m['name'] for m in d['matches']]" <<<"$CTL_OUT")" "binfmtctl --json which: matches"
echo 1 >"$BINFMT/status"
wait_for 10 "KernelEnabled is not true after echo 1 > status" prop_is KernelEnabled true
expect_ctl 0 which "$T/file.tr"
wait_for 5 "PropertiesChanged for KernelEnabled" saw_properties "KernelEnabled=false KernelEnabled=true"

# --- read-only: Mounted, not Writable, entries still active with the reason ------------------
mount -o remount,ro "$BINFMT"
wait_for 10 "Writable is not false after the remount read-only" prop_is Writable false
assert_eq "b true" "$(property Mounted)" "Mounted while read-only"
assert_eq active "$(entry_field truth state)" "state of truth while read-only"
assert_contains "$(entry_field truth error)" "is mounted read-only" "error of truth while read-only"
assert_eq '["active"]' "$(describe "['entries']" | json "[e['state'] for e in d if e['name'] == 'truth']")" "Describe: truth"
expect_ctl 0 status
assert_contains "$CTL_OUT" "Mounted: yes" "binfmtctl status, read-only"
assert_contains "$CTL_OUT" "Writable: no: binfmt_misc at \"$BINFMT\" is mounted read-only" "binfmtctl status, read-only"
assert_contains "$CTL_OUT" "2 (2 active)" "binfmtctl status, read-only"
mount -o remount,rw "$BINFMT"
wait_for 10 "Writable is not true after the remount read-write" prop_is Writable true
no_error() { [ -z "$(entry_field "$1" error)" ]; }
wait_for 10 "truth still has an error after the remount read-write" no_error truth
wait_for 5 "PropertiesChanged for Writable" saw_properties \
  "KernelEnabled=false KernelEnabled=true Writable=false Writable=true"
assert_eq "$before" "$(snapshot truth)" "truth's kernel entry across the read-only remount"
assert_eq 1 "$(grep -c "Registered truth" "$DAEMON_LOG")" "registrations of truth (the remount rewrote it)"
assert_not_contains "$(entry_changes)" "truth:" "EntryChanged for truth across the read-only remount"
