# Lua 5.4 bytecode runs directly once binfmtd registered a magic entry '\x1bLua' for it.

for tool in /usr/bin/luac5.4 /usr/bin/lua5.4; do
  [ -x "$tool" ] || fail "$tool is missing: install lua5.4 (scripts/dev setup)"
done
printf 'print("hello from lua " .. _VERSION .. " " .. (arg[1] or "?"))\n' >hello.lua
/usr/bin/luac5.4 -o hello.luac hello.lua
rm hello.lua
chmod +x hello.luac
assert_eq 1b4c7561 "$(od -An -tx1 -N4 hello.luac | tr -d ' \n')" "first bytes of hello.luac"

assert_not_executable ./hello.luac

conf lua.toml <<'TOML'
[lua-bytecode]
magic = '\x1bLua'
interpreter = "/usr/bin/lua5.4"
TOML
expect_binfmtd 0
assert_registered lua-bytecode
assert_eq 1b4c7561 "$(kfield lua-bytecode magic)" "magic of lua-bytecode"
assert_eq 0 "$(kfield lua-bytecode offset)" "offset of lua-bytecode"

run_file ./hello.luac arg1
assert_eq 0 "$ERC" "exit code of hello.luac (output: $OUT)"
assert_eq "hello from lua Lua 5.4 arg1" "$OUT" "output of hello.luac"
