# Load: 16 clients calling List/GetEntry/Describe in a loop and 2 clients doing
# Register/Unregister, each on its own bus connection, for BINFMTD_LOAD_SECONDS (default 10;
# `scripts/dev load` runs 60). No call may fail; the latency percentiles, binfmtd's RSS and its
# file descriptors are reported; RSS and fds must stay flat after the warm-up.
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

SECONDS_OF_LOAD=${BINFMTD_LOAD_SECONDS:-10}
# /run is a tmpfs on every systemd host: the writers' runtime definitions go there.
mkdir -p "$ROOT/run"
mount -t tmpfs -o mode=0755 binfmtd-run "$ROOT/run"
stub_interpreter "$T/bin/stub"
printf '[static]\nextension = "static"\ninterpreter = "%s"\n' "$T/bin/stub" | conf static.toml
start_daemon
assert_registered static
# One Register/Unregister first: binfmtd opens two eventfds for good on its first change.
expect_ok "a warm-up Register" register warmup extension:s=warmup "interpreter:s=$T/bin/stub"
expect_ok "a warm-up Unregister" unregister warmup
# The watchers see binfmtd's own file changes and reconcile once more: measure after that.
watcher_reconciled() { grep -q '^<6>Reconciling: ' "$DAEMON_LOG"; }
deadline 10 watcher_reconciled || fail "binfmtd did not reconcile after its own change (no \"Reconciling:\" in its log)"
fds_before=$(daemon_fds) rss_before=$(daemon_rss_kb)

rc=0
"$PROBE" load --seconds "$SECONDS_OF_LOAD" --readers 16 --writers 2 --pid "$DAEMON_PID" --entry static \
  --interpreter "$T/bin/stub" >load.report 2>&1 || rc=$?
cat load.report
[ "$rc" = 0 ] || fail "the load run failed (exit $rc): calls failed or none were made"
still_serving "the load run"
# Descriptors opened for the load (or leaked by it) must all be closed again.
deadline 10 fds_at_most "$fds_before" \
  || fail "binfmtd has $(daemon_fds) fds open 10 s after the load, $fds_before before it: $(ls -l "/proc/$DAEMON_PID/fd")"
fds_after=$(daemon_fds) rss_after=$(daemon_rss_kb)
value() { sed -n "s/.*\<$1=\([-0-9.]*\).*/\1/p" load.report; }
echo "binfmtd before the load: RSS $rss_before KiB, $fds_before fds; after: RSS $rss_after KiB, $fds_after fds"
[ "$(value fd_max)" -le $((fds_before + 4)) ] || fail "binfmtd had up to $(value fd_max) fds open under load (from $fds_before)"
if [ "$SANITIZED" = 1 ]; then
  echo "(sanitized build: RSS not compared; ASan's quarantine holds freed memory)"
else
  [ "$(value rss_growth_kb)" -le 1024 ] || fail "binfmtd's RSS grew by $(value rss_growth_kb) KiB after the warm-up"
fi
# Nothing the writers registered is left behind.
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd after SIGTERM"
assert_eq "static " "$(kernel_names)" "the kernel's entries after the load"
if [ -n "${BINFMTD_LOAD_REPORT:-}" ]; then cp load.report "$BINFMTD_LOAD_REPORT"; fi
umount "$ROOT/run"
