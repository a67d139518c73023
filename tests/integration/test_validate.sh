# `binfmtctl validate` checks configuration offline: exit 1 with file:line:col on errors,
# exit 0 on the shipped examples (conf.d/) and on a valid draft.

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
