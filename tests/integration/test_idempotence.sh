# A reconcile that finds the kernel already right writes nothing: strace shows no open of
# anything under the binfmt_misc mount for writing on the second run.

command -v strace >/dev/null || fail "strace is missing: install strace (scripts/dev setup)"
stub_interpreter "$T/bin/stub"
conf several.toml <<TOML
[qemu-aarch64]
preset = "qemu-aarch64"

[qemu-riscv64]
preset = "qemu-riscv64"
fix-binary = false

[by-extension]
extension = "idem"
interpreter = "$T/bin/stub"

[by-magic]
magic = '\\x00IDEM'
mask = '\\xff\\xdf\\xdf\\xdf\\xdf'
offset = 4
interpreter = "$T/bin/stub"
preserve-argv0 = true
TOML

# Opens (through any path or directory fd) of the binfmt_misc mount for writing.
writes_to_binfmt() { grep -E 'open(at2?)?\(' "$1" | grep -F "$BINFMT" | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC' || true; }

traced() { WRAP=(strace -f -y -e 'trace=open,openat,openat2,creat' -o "$1"); }

# First run, traced too: the trace must show its writes, or a clean second trace proves nothing.
traced "$T/strace.1"
expect_binfmtd 0
assert_log "Reconciled: 4 active, 0 disabled, 0 pending, 0 failed, 0 foreign; 4 writes to binfmt_misc"
assert_contains "$(writes_to_binfmt "$T/strace.1")" "$BINFMT/register" "writes seen by strace in run 1"
for n in qemu-aarch64 qemu-riscv64 by-extension by-magic; do assert_registered "$n"; snapshot "$n" >"before.$n"; done
assert_eq PO "$(kfield qemu-riscv64 flags)" "flags of qemu-riscv64 (fix-binary = false)"

traced "$T/strace.2"
expect_binfmtd 0
assert_log "Reconciled: 4 active, 0 disabled, 0 pending, 0 failed, 0 foreign; 0 writes to binfmt_misc"
assert_eq "" "$(writes_to_binfmt "$T/strace.2")" "opens for writing under $BINFMT in run 2"
# ...while it did read the table through the same mount.
grep -F "$BINFMT" "$T/strace.2" | grep -q O_RDONLY || fail "strace saw no read of $BINFMT in run 2: $(cat "$T/strace.2")"
for n in qemu-aarch64 qemu-riscv64 by-extension by-magic; do
  cmp -s "before.$n" <(snapshot "$n") || fail "$n changed in run 2"
done

# A third run without strace, for good measure.
# shellcheck disable=SC2034 # WRAP: read by lib.sh's run_binfmtd
WRAP=()
expect_binfmtd 0
assert_log "; 0 writes to binfmt_misc"
