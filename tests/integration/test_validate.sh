# `binfmtctl validate` checks configuration offline: exit 1 with file:line:col on errors,
# exit 0 on the shipped examples (conf.d/) and on a valid draft. It runs binfmtd's own entry
# checks, judges files in the standard directories by binfmtd's ownership rule, and ranks its
# arguments as one directory's files rank.

mkdir drafts
printf '[ok]\nextension = "ok"\ninterpreter = "/usr/bin/python3"\n\n[broken\nextension = "b"\n' >drafts/syntax.toml
printf '[ok2]\nextension = "ok2"\ninterpreter = "/usr/bin/python3"\n\n[bad]\nmagic = "\\\\x7fELF"\nmask = "\\\\xff"\nbogus = true\n' >drafts/semantic.toml
printf '[lua-bytecode]\nmagic = %s\ninterpreter = "/usr/bin/lua5.4"\n' "'\\x1bLua'" >drafts/valid.toml

validate() { # validate ARGS...: sets VOUT (stdout), VERR (stderr), VRC
  VRC=0
  VOUT=$("$BINFMTCTL" validate "$@" 2>"$T/validate.err") || VRC=$?
  VERR=$(<"$T/validate.err")
  printf -- '--- binfmtctl validate %s: exit %d ---\n%s\n%s\n' "$*" "$VRC" "$VOUT" "$VERR"
}

validate drafts/syntax.toml
assert_eq 1 "$VRC" "exit code of validate on a syntax error"
assert_contains "$VERR" "drafts/syntax.toml:5:" "syntax error location (line 5)"
assert_contains "$VERR" "error: syntax error" "syntax error message"

validate drafts/semantic.toml
assert_eq 1 "$VRC" "exit code of validate on an invalid entry"
assert_contains "$VERR" 'drafts/semantic.toml:8:1: error: [bad] unknown key "bogus"' "unknown key location"
assert_not_contains "$VERR" "[ok2]" "diagnostics of the valid entry next to it"

validate drafts/valid.toml
assert_eq 0 "$VRC" "exit code of validate on a valid file (stderr: $VERR)"
assert_eq "" "$VERR" "stderr of validate on a valid file"

# binfmtd names the same line for the same file.
cp drafts/syntax.toml "$ROOT/etc/binfmtd.d/"
expect_binfmtd 1
assert_log "$ROOT/etc/binfmtd.d/syntax.toml:5:"

# The shipped examples are valid.
examples=("$BINFMTD_SOURCE_DIR"/conf.d/*.toml)
[ -e "${examples[0]}" ] || fail "no example configuration in $BINFMTD_SOURCE_DIR/conf.d/*.toml"
validate "${examples[@]}"
assert_eq 0 "$VRC" "exit code of validate on conf.d/*.toml (stderr: $VERR)"
assert_not_contains "$VERR" "error:" "validate on conf.d/*.toml"
validate "$BINFMTD_SOURCE_DIR/conf.d"
assert_eq 0 "$VRC" "exit code of validate on the conf.d directory (stderr: $VERR)"

# validate runs the daemon's entry checks: the native guard and the interpreter trust rules.
stub_interpreter "$T/bin/stub"
native_magic=$(od -An -v -tx1 -N20 /bin/sh | tr -d ' \n' | sed 's/../\\x&/g')
printf "[native]\nmagic = '%s'\ninterpreter = \"%s\"\n" "$native_magic" "$T/bin/stub" >drafts/native.toml
cat drafts/native.toml
validate drafts/native.toml
assert_eq 1 "$VRC" "exit code of validate on an entry that captures native executables"
assert_contains "$VERR" "error: [native] magic" "the native guard's refusal"
assert_contains "$VERR" "would capture native executables" "the native guard's refusal"
printf 'force = true\n' >>drafts/native.toml
validate drafts/native.toml
assert_eq 0 "$VRC" "exit code of validate on a forced native entry (stderr: $VERR)"

mkdir -p "$T/open" && chmod 0777 "$T/open"
stub_interpreter "$T/open/run"
printf '[unsafe]\nextension = "unsafe"\ninterpreter = "%s"\n' "$T/open/run" >drafts/unsafe.toml
validate drafts/unsafe.toml
assert_eq 1 "$VRC" "exit code of validate on an interpreter others could change"
assert_contains "$VERR" "drafts/unsafe.toml:1:1: error: [unsafe] interpreter \"$T/open/run\"" "the trust refusal"
assert_contains "$VERR" "writable by group or others" "the trust refusal"

# A missing interpreter is what binfmtd keeps pending: a warning, exit 0.
printf '[later]\nextension = "later"\ninterpreter = "/nonexistent/interp"\n' >drafts/later.toml
validate drafts/later.toml
assert_eq 0 "$VRC" "exit code of validate on a missing interpreter"
assert_contains "$VERR" "warning: [later] interpreter \"/nonexistent/interp\" does not exist" "the pending warning"

# Ownership: a file in a standard directory is judged as binfmtd judges it, a draft on its content.
rm -f "$ROOT"/etc/binfmtd.d/*.toml
printf '[open]\nextension = "open"\ninterpreter = "%s"\n' "$T/bin/stub" >"$ROOT/etc/binfmtd.d/open.toml"
chmod 0666 "$ROOT/etc/binfmtd.d/open.toml"
cp "$ROOT/etc/binfmtd.d/open.toml" drafts/open.toml && chmod 0666 drafts/open.toml
VRC=0
VERR=$("$BINFMTCTL" validate --root "$ROOT" 2>&1 >/dev/null) || VRC=$?
assert_eq 1 "$VRC" "exit code of validate --root on an untrusted file binfmtd ignores"
assert_contains "$VERR" "open.toml: error: " "the untrusted file is an error"
assert_contains "$VERR" "writable by group or others (mode 0666), ignoring" "the ownership rule's reason"
VRC=0
VERR=$("$BINFMTCTL" validate --root "$ROOT" "$ROOT/etc/binfmtd.d/open.toml" 2>&1 >/dev/null) || VRC=$?
assert_eq 1 "$VRC" "exit code of validate --root on the same file given as an argument"
VRC=0
VERR=$("$BINFMTCTL" validate --root "$ROOT" "$ROOT/etc/binfmtd.d" 2>&1 >/dev/null) || VRC=$?
assert_eq 1 "$VRC" "exit code of validate --root on the directory given as an argument"
validate drafts/open.toml
assert_eq 0 "$VRC" "exit code of validate on the same content as a draft elsewhere (stderr: $VERR)"
expect_binfmtd 0
assert_log "writable by group or others (mode 0666), ignoring"
rm "$ROOT/etc/binfmtd.d/open.toml"

# Arguments rank as one directory would: the later one wins, the loser reported as binfmtd logs it.
printf '[twice]\nextension = "one"\ninterpreter = "%s"\n' "$T/bin/stub" >drafts/one.toml
printf '[twice]\nextension = "two"\ninterpreter = "%s"\n' "$T/bin/stub" >drafts/two.toml
VRC=0
VOUT=$("$BINFMTCTL" --json validate drafts/two.toml drafts/one.toml 2>/dev/null) || VRC=$?
assert_eq 0 "$VRC" "exit code of validate on two definitions of one name"
validate drafts/two.toml drafts/one.toml
assert_contains "$VOUT" 'drafts/two.toml:1:1: note: [twice] overridden by the definition in "drafts/one.toml"' \
  "the earlier argument loses"
validate drafts/one.toml drafts/two.toml
assert_contains "$VOUT" 'drafts/one.toml:1:1: note: [twice] overridden by the definition in "drafts/two.toml"' \
  "the later argument wins"
cp drafts/one.toml "$ROOT/etc/binfmtd.d/10-one.toml"
cp drafts/two.toml "$ROOT/etc/binfmtd.d/20-two.toml"
expect_binfmtd 0
assert_eq '.two' "$(kfield twice extension)" "binfmtd: the file sorting last wins, as the later argument does"
