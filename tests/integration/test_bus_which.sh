# binfmtctl over the bus: `which` names the handler of a real aarch64 executable (and the kernel
# agrees by running it); `list --json` parses and says what busctl's List says.

for tool in aarch64-linux-gnu-as aarch64-linux-gnu-ld; do
  command -v "$tool" >/dev/null || fail "$tool is missing: install binutils-aarch64-linux-gnu (scripts/dev setup)"
done
aarch64-linux-gnu-as -o hello.o "$BINFMTD_IT_DIR/hello-aarch64.S"
aarch64-linux-gnu-ld -static -o hello hello.o

start_daemon
expect_ctl 1 which ./hello
assert_contains "$CTL_ERR" "no binfmt_misc entry matches" "binfmtctl which before any registration"

expect_ctl 0 register qemu-aarch64 --preset qemu-aarch64
assert_registered qemu-aarch64
expect_ctl 0 register pyfoo --extension foo --interpreter /usr/bin/python3
stub_interpreter "$T/bin/stub"
printf '[off]\nextension = "off"\ninterpreter = "%s"\nenabled = false\n' "$T/bin/stub" | conf off.toml
expect_ctl 0 reload

expect_ctl 0 which ./hello
assert_contains "$CTL_OUT" qemu-aarch64 "binfmtctl which ./hello"
assert_contains "$CTL_OUT" "$(kfield qemu-aarch64 interpreter)" "binfmtctl which ./hello names the interpreter"
assert_not_contains "$CTL_OUT" pyfoo "binfmtctl which ./hello"
run_file ./hello
assert_eq "0 aarch64" "$ERC $OUT" "exit code and output of the aarch64 program"
expect_ctl 0 --json which ./hello
assert_contains "$CTL_OUT" '"qemu-aarch64"' "binfmtctl --json which ./hello"

# list --json: valid JSON whose entries are busctl List's, name for name and state for state.
expect_ctl 0 list --json
ctl_entries=$(json '" ".join(e["name"] + ":" + e["state"] for e in d["entries"])' <<<"$CTL_OUT")
manager --json List
bus_entries=$(json '" ".join(e[0] + ":" + e[4] for e in d["data"][0])' <<<"$BUS_OUT")
assert_eq "off:disabled pyfoo:active qemu-aarch64:active" "$bus_entries" "busctl List"
assert_eq "$bus_entries" "$ctl_entries" "binfmtctl list --json against busctl List"
