# A real aarch64 executable runs on this x86_64 host once binfmtd has registered the
# qemu-aarch64 preset, and not before.

for tool in aarch64-linux-gnu-as aarch64-linux-gnu-ld; do
  command -v "$tool" >/dev/null || fail "$tool is missing: install binutils-aarch64-linux-gnu (scripts/dev setup)"
done
aarch64-linux-gnu-as -o hello.o "$BINFMTD_IT_DIR/hello-aarch64.S"
aarch64-linux-gnu-ld -static -o hello hello.o
assert_contains "$(od -An -tx1 -N20 hello | tr -d ' \n')" 7f454c46020101 "ELF header of hello"

assert_not_executable ./hello

conf qemu.toml <<'TOML'
[qemu-aarch64]
preset = "qemu-aarch64"
TOML
expect_binfmtd 0
assert_registered qemu-aarch64

run_file ./hello
assert_eq 0 "$ERC" "exit code of the aarch64 program (output: $OUT)"
assert_eq aarch64 "$OUT" "output of the aarch64 program"
