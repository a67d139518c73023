# A compiled Python file (.pyc) runs directly once binfmtd registered an extension entry
# for it with /usr/bin/python3 as interpreter.

python=/usr/bin/python3
[ -x "$python" ] || fail "$python is missing: install python3 (scripts/dev setup)"
printf 'import sys\nprint("hello from pyc", sys.argv[1:])\n' >hello.py
"$python" -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' hello.py hello.pyc
rm hello.py
chmod +x hello.pyc

assert_not_executable ./hello.pyc

conf python.toml <<'TOML'
[python-pyc]
extension = "pyc"
interpreter = "/usr/bin/python3"
TOML
expect_binfmtd 0
assert_registered python-pyc
assert_eq .pyc "$(kfield python-pyc extension)" "extension of python-pyc"
assert_eq /usr/bin/python3 "$(kfield python-pyc interpreter)" "interpreter of python-pyc"

run_file ./hello.pyc one two
assert_eq 0 "$ERC" "exit code of hello.pyc (output: $OUT)"
assert_eq "hello from pyc ['one', 'two']" "$OUT" "output of hello.pyc"
