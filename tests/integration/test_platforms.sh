# binfmtctl platforms: the OCI platforms this machine runs, derived from what each entry's magic
# matches, native ones probed; --check runs each platform's exit(0) program here, as the caller,
# and only a platform something really runs passes.

start_daemon
rows() { json '" ".join(r["platform"] + "=" + (r["entry"] or "-") + ":" + r["state"] for r in d)' <<<"$CTL_OUT"; }

# An empty table: only what the host runs by itself, and --check agrees with the probe.
expect_ctl 0 --json platforms --check
assert_contains " $(rows) " " linux/amd64=-:native " "native platforms"
natives=$(rows)
assert_not_contains "$natives" "linux/arm64" "platforms with an empty table"
assert_eq true "$(json 'all(r["runs"] for r in d)' <<<"$CTL_OUT")" "every native platform runs ($CTL_OUT)"

# Entries make rows: one per (platform, entry); arm gives v7 and v6; a disabled entry is listed,
# with its state, and its program does not run; a magic that is no ELF machine gives no row.
expect_ctl 0 register qemu-aarch64 --preset qemu-aarch64
expect_ctl 0 register qemu-arm --preset qemu-arm --fix-binary
stub_interpreter "$T/bin/stub"
printf '[qemu-riscv64]\npreset = "qemu-riscv64"\nenabled = false\n' | conf riscv.toml
printf '[lua]\nmagic = %s\ninterpreter = "%s"\n' "'\\x1bLua'" "$T/bin/stub" | conf lua.toml
expect_ctl 0 reload
expect_ctl 0 --json platforms
assert_contains " $(rows) " " linux/arm64=qemu-aarch64:active " "platforms"
assert_contains " $(rows) " " linux/arm/v7=qemu-arm:active linux/arm/v6=qemu-arm:active " "platforms"
assert_contains " $(rows) " " linux/riscv64=qemu-riscv64:disabled " "platforms"
assert_not_contains "$(rows)" "lua" "platforms"
manager --json Platforms
assert_eq "$(json '" ".join(r[0] + "=" + (r[1] or "-") + ":" + r[2] for r in d["data"][0])' <<<"$BUS_OUT")" \
  "$(rows)" "busctl Platforms against binfmtctl platforms --json"

# --check: the registered ones run through qemu; the disabled one fails, and so does the verb.
expect_ctl 1 platforms --check
assert_contains "$CTL_OUT" "linux/riscv64" "platforms --check"
assert_contains "$(grep 'linux/riscv64' <<<"$CTL_OUT")" "exec format error" "the disabled platform's check"
for p in linux/arm64 linux/arm/v7 linux/arm/v6 linux/amd64; do
  assert_contains "$(grep "^$p " <<<"$CTL_OUT")" " ok" "the check of $p"
done
assert_contains "$CTL_OUT" "platforms can run now: linux/amd64" "the legend"

# Unregistered, a platform is gone, and its program no longer runs.
rm "$ROOT/etc/binfmtd.d/riscv.toml"
expect_ctl 0 reload
expect_ctl 0 unregister qemu-aarch64
expect_ctl 0 --json platforms --check
assert_not_contains "$(rows)" "linux/arm64" "platforms after unregister"
assert_not_contains "$(rows)" "linux/riscv64" "platforms after unregister"
