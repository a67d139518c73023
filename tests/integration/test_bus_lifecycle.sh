# The running daemon's signals: SIGTERM (and SIGINT) make it exit 0, release org.binfmtd1 and
# leave its entries registered; SIGHUP re-reads the configuration.

stub_interpreter "$T/bin/stub"
printf '[conf-a]\nextension = "ca"\ninterpreter = "%s"\n' "$T/bin/stub" | conf a.toml

# A 60-second debounce (the longest): a new configuration file waits for SIGHUP.
start_daemon --debounce-ms 60000
assert_registered conf-a
manager Register 'sa{sv}a{sv}' rt 2 extension s rt interpreter s "$T/bin/stub" 0
assert_registered rt

printf '[conf-b]\nextension = "cb"\ninterpreter = "%s"\n' "$T/bin/stub" | conf b.toml
assert_not_registered conf-b
kill -HUP "$DAEMON_PID"
hup_done() { [ -e "$BINFMT/conf-b" ]; }
deadline 10 hup_done || fail "conf-b is not registered 10 s after SIGHUP"
assert_registered conf-b
assert_contains "$(daemon_log)" "Reloading (SIGHUP)" "binfmtd log"
kill -0 "$DAEMON_PID" || fail "binfmtd is gone after SIGHUP"
manager List
assert_contains "$BUS_OUT" '"conf-b" "extension"' "List after SIGHUP"

dump_table >table.before
stop_daemon TERM
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd on SIGTERM"
cmp -s table.before <(dump_table) || fail "stopping binfmtd changed the kernel's table: $(dump_table)"
assert_eq "conf-a conf-b rt " "$(kernel_names)" "kernel entries after SIGTERM"
assert_contains "$(daemon_log)" "Stopping; registered entries stay in the kernel" "binfmtd log"

# Started again on a table that already matches: nothing is written, the same entries listed.
start_daemon
cmp -s table.before <(dump_table) || fail "restarting binfmtd changed the kernel's table: $(dump_table)"
assert_contains "$(daemon_log)" "; 0 writes to binfmt_misc" "binfmtd log after a restart on a matching table"
manager --json List
assert_eq "conf-a:active conf-b:active rt:active" "$(json '" ".join(e[0] + ":" + e[4] for e in d["data"][0])' <<<"$BUS_OUT")" \
  "List after a restart"

stop_daemon INT
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd on SIGINT"
cmp -s table.before <(dump_table) || fail "SIGINT changed the kernel's table: $(dump_table)"
