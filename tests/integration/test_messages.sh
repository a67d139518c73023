# Messages are safe and right: names and values with control characters, ESC sequences or bytes
# that are not UTF-8 (from a configuration file, from the kernel) reach binfmtd's log, validate,
# list and status escaped; `which` works for a file name that is not UTF-8; hints fit the call;
# both programs have --version.

raw_controls() { # raw_controls FILE: the lines of FILE holding a control byte other than newline
  LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]' "$1" || true
}
assert_clean() { # assert_clean FILE WHAT: no raw control byte, and no C1 byte sequence
  local bad
  bad=$(raw_controls "$1")
  [ -z "$bad" ] || fail "$2 holds raw control bytes: $(od -c "$1" | head -20)"
  ! LC_ALL=C grep -qaP '\xc2[\x80-\x9f]' "$1" || fail "$2 holds a raw C1 control: $(od -c "$1" | head -20)"
}
assert_log_lines() { # every line of FILE is one log line with its own <N> prefix
  local line
  while IFS= read -r line; do
    [[ "$line" =~ ^\<[0-7]\> ]] || fail "a line of $2 has no <N> prefix of its own: [$line]"
  done <"$1"
}

# ---- --version --------------------------------------------------------------------------
ctl --version
assert_eq 0 "$CTL_RC" "exit code of binfmtctl --version"
[[ "$CTL_OUT" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "binfmtctl --version printed [$CTL_OUT]"
version=$("$BINFMTD" --version)
assert_eq "$CTL_OUT" "$version" "binfmtd --version and binfmtctl --version"

# ---- a configuration file whose names forge a log line and color a terminal -------------
stub_interpreter "$T/bin/stub"
conf evil.toml <<TOML
["evil\n<0>forged"]
extension = "e"
interpreter = "$T/bin/stub"

["red\u001b[31mname\u001b[0m"]
extension = "r"
interpreter = "$T/bin/stub"

["c1\u009b31m"]
extension = "c"
interpreter = "$T/bin/stub"

[okay]
extension = "okay"
interpreter = "$T/bin/stub\u001b[2J"

[bogus-key]
extension = "bogus"
interpreter = "$T/bin/stub"
"bogus\u0007" = 1
TOML
expect_binfmtd 1
printf '%s\n' "$LOG" >once.log
assert_clean once.log "binfmtd's log"
assert_log_lines once.log "binfmtd's log"
assert_log 'entry name "evil\x0a<0>forged" contains a space or control character'
assert_log 'entry name "red\x1b[31mname\x1b[0m"'
assert_log 'entry name "c1\xc2\x9b31m"'
assert_log 'unknown key "bogus\x07"'
assert_eq "" "$(kernel_names)" "kernel entries after a configuration of bad names"

VRC=0
"$BINFMTCTL" validate "$ROOT/etc/binfmtd.d/evil.toml" >validate.out 2>validate.err || VRC=$?
assert_eq 1 "$VRC" "exit code of validate on the bad names"
assert_clean validate.out "validate's stdout"
assert_clean validate.err "validate's stderr"
assert_contains "$(<validate.err)" 'evil.toml:1:1: error: [evil\x0a<0>forged]' "validate names the entry escaped"
assert_contains "$(<validate.err)" 'interpreter "'"$T"'/bin/stub\x1b[2J" contains a control character' \
  "validate quotes the interpreter escaped"
# --json stays JSON, the names in it as JSON escapes them.
VRC=0
"$BINFMTCTL" --json validate "$ROOT/etc/binfmtd.d/evil.toml" >validate.json 2>/dev/null || VRC=$?
assert_eq 1 "$VRC" "exit code of validate --json on the bad names"
assert_clean validate.json "validate --json"
names=$(json '" ".join(sorted(set(x["entry"] for x in d["diagnostics"] if x["entry"])))' <validate.json)
assert_contains "$names" $'evil\n<0>forged' "validate --json carries the real name"
rm "$ROOT/etc/binfmtd.d/evil.toml"

# ---- foreign kernel entries with odd names, listed by binfmtd ---------------------------
register_by_hand $':for\x1b[31meign:E::fa::'"$T"$'/bin/stub:'
register_by_hand $':bytes\xff\xfe:E::fb::'"$T"$'/bin/stub:'
register_by_hand $':c1\xc2\x9bx:E::fc::'"$T"$'/bin/stub\x07:'
echo "kernel entries: $(kernel_names | od -c | head -5)"
start_daemon
expect_ctl 0 list
printf '%s\n' "$CTL_OUT" >list.out
assert_clean list.out "binfmtctl list"
assert_contains "$CTL_OUT" 'for\x1b[31meign' "binfmtctl list shows the ESC escaped"
# A name that is not UTF-8 cannot be a D-Bus string: binfmtd sends each such byte as \xHH.
assert_contains "$CTL_OUT" 'bytes\xff\xfe' "binfmtctl list shows bytes that are not UTF-8 escaped"
assert_contains "$CTL_OUT" 'c1\xc2\x9bx' "binfmtctl list shows a C1 control escaped"
assert_contains "$CTL_OUT" "$T"'/bin/stub\x07' "binfmtctl list shows the interpreter escaped"
expect_ctl 0 status
printf '%s\n%s\n' "$CTL_OUT" "$CTL_ERR" >status.out
assert_clean status.out "binfmtctl status"
expect_ctl 0 status $'for\x1b[31meign'
printf '%s\n%s\n' "$CTL_OUT" "$CTL_ERR" >status-entry.out
assert_clean status-entry.out "binfmtctl status NAME"
assert_contains "$CTL_OUT" 'Name: for\x1b[31meign' "binfmtctl status NAME shows the name escaped"
expect_ctl 0 --json list
assert_clean "$T/ctl.out" "binfmtctl --json list"
json '[e["name"] for e in d["entries"]]' <<<"$CTL_OUT" >/dev/null || fail "binfmtctl --json list is not JSON"
expect_ctl 5 status $'missing\n<0>entry'
printf '%s\n' "$CTL_ERR" >missing.err
assert_clean missing.err "binfmtctl's error for an unknown name"
assert_contains "$CTL_ERR" 'missing\x0a<0>entry' "the error quotes the name escaped"
stop_daemon
printf '%s\n' "$(daemon_log)" >daemon.log
assert_clean daemon.log "binfmtd's log (daemon)"
assert_log_lines daemon.log "binfmtd's log (daemon)"
for n in $'for\x1b[31meign' $'bytes\xff\xfe' $'c1\xc2\x9bx'; do echo -1 >"$BINFMT/$n"; done

# ---- which: a file name that is not UTF-8 -----------------------------------------------
conf which.toml <<TOML
[msgx]
extension = "msgx"
interpreter = "$T/bin/stub"
TOML
start_daemon
mkdir -p files
printf 'data\n' >$'files/caf\xe9.msgx' && chmod +x $'files/caf\xe9.msgx'
printf 'data\n' >$'files/caf\xe9\x1b[31m' && chmod +x $'files/caf\xe9\x1b[31m'
expect_ctl 0 which $'files/caf\xe9.msgx'
assert_contains "$CTL_OUT" msgx "which names the entry of a file whose name is not UTF-8"
expect_ctl 0 --json which $'files/caf\xe9.msgx'
assert_eq 'files/caf\xe9.msgx msgx' "$(json 'd["file"] + " " + d["matches"][0]["name"]' <<<"$CTL_OUT")" \
  "which --json: the file name escaped, the entry"
run_file $'./files/caf\xe9.msgx'
assert_contains "$OUT" "stub" "the kernel agrees: the stub runs the file"
expect_ctl 1 which $'files/caf\xe9\x1b[31m'
printf '%s\n' "$CTL_ERR" >which.err
assert_clean which.err "which's error"
assert_contains "$CTL_ERR" 'no binfmt_misc entry matches "files/caf\xe9\x1b[31m"' "which quotes the name escaped"

# ---- hints that fit the call ------------------------------------------------------------
# --replace given, but a file in /etc/binfmtd.d outranks the runtime definition.
expect_ctl 1 register msgx --extension other --interpreter "$T/bin/stub" --replace
assert_contains "$CTL_ERR" "takes precedence over" "the refusal of an outranked --replace"
assert_not_contains "$CTL_ERR" "pass --replace" "hint after --replace"
# Without --replace the same: replacing would not help, so the hint does not suggest it.
expect_ctl 1 register msgx --extension other --interpreter "$T/bin/stub"
assert_contains "$CTL_ERR" "takes precedence over" "the refusal of an outranked Register"
assert_not_contains "$CTL_ERR" "pass --replace" "hint for an outranked Register"
# A runtime definition of binfmtd's own: without --replace, the hint says to pass it.
expect_ctl 0 register msgr --extension msgr --interpreter "$T/bin/stub"
expect_ctl 1 register msgr --extension other --interpreter "$T/bin/stub"
assert_contains "$CTL_ERR" "pass --replace to overwrite it" "hint without --replace"
expect_ctl 0 register msgr --extension other --interpreter "$T/bin/stub" --replace
# A symlink loop is not a matter of ownership.
ln -s loop-b "$T/bin/loop-a"
ln -s loop-a "$T/bin/loop-b"
expect_ctl 1 register looped --extension looped --interpreter "$T/bin/loop-a"
assert_contains "$CTL_ERR" "too many levels of symbolic links" "the refusal of a looping interpreter"
assert_not_contains "$CTL_ERR" "owned by root" "hint after ELOOP"
assert_contains "$CTL_ERR" "symlink loop" "hint after ELOOP says what it means"
stop_daemon
