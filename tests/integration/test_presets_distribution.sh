# On this machine's real Debian qemu-user-static (its /usr/lib/binfmt.d/qemu-*.conf copied under
# --root), conf.d's examples and every preset end active, disabled or pending, never failed, before
# and after systemd-binfmt registers the distribution's entries again on the same binfmt_misc
# instance: a preset follows the distribution's bytes where it ships a definition of its name.

[ -f /usr/lib/binfmt.d/qemu-ppc64le.conf ] || fail "/usr/lib/binfmt.d/qemu-ppc64le.conf is missing: install qemu-user-static"
mkdir -p "$ROOT/usr/lib/binfmt.d" "$ROOT/etc/binfmt.d"
cp /usr/lib/binfmt.d/qemu-*.conf "$ROOT/usr/lib/binfmt.d/"
cp "$BINFMTD_SOURCE_DIR"/conf.d/*.toml "$ROOT/etc/binfmtd.d/"
# Every preset, under a name of its own (the examples keep the presets' own names).
"$BINFMTCTL" --json presets | json "'\n'.join(p['name'] for p in d)" >presets.txt
[ "$(wc -l <presets.txt)" -gt 20 ] || fail "binfmtctl presets listed too few: $(cat presets.txt)"
while read -r p; do printf '[every-%s]\npreset = "%s"\n' "$p" "$p"; done <presets.txt | conf every-preset.toml

no_failed() { # the states of the last run: none failed
  assert_not_contains "$LOG" "failed:" "binfmtd log"
  assert_contains "$LOG" " 0 failed" "binfmtd's summary"
}
expect_binfmtd 0
no_failed
assert_registered qemu-ppc64le
assert_registered qemu-s390x
debian=$(sed -n 's/^mask //p' "$BINFMT/qemu-ppc64le")

# systemd-binfmt again, on this same instance (lib.sh's systemd_binfmt): it flushes and
# registers Debian's entries.
systemd_binfmt
assert_eq 0 "$SB_RC" "exit code of systemd-binfmt"
assert_eq "$debian" "$(sed -n 's/^mask //p' "$BINFMT/qemu-ppc64le")" "qemu-ppc64le's mask after systemd-binfmt"
assert_not_registered every-qemu-ppc64le # its flush removed binfmtd's other entries
expect_binfmtd 0
no_failed
assert_registered every-qemu-ppc64le
assert_eq "$debian" "$(sed -n 's/^mask //p' "$BINFMT/every-qemu-ppc64le")" "every-qemu-ppc64le follows Debian's mask"
# Converged: a third run writes nothing.
expect_binfmtd 0
assert_contains "$LOG" "0 writes to binfmt_misc" "binfmtd's summary of a run after convergence"
