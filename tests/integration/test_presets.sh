# qemu presets land in the kernel as Debian's qemu-user-static registers them
# (/usr/lib/binfmt.d/qemu-ARCH.conf), with the Debian interpreter and the default flags POF;
# the host's own family (qemu-x86_64 here) is defined but never registered.
#
# One known, deliberate difference: binfmtd.d(5) makes QEMU's scripts/qemu-binfmt-conf.sh the
# reference for presets, and QEMU leaves the EI_OSABI byte (offset 7) unmasked (\x00) where
# Debian 7.2 masks it with \xfc (s390x, ppc64le here). Everything else must be identical.

[ "$(uname -m)" = x86_64 ] || fail "this scenario expects an x86_64 host (qemu-x86_64 is the native preset); this is $(uname -m)"
foreign_archs=(aarch64 arm riscv64 s390x ppc64le)

{
  for arch in "${foreign_archs[@]}" x86_64; do
    printf '[qemu-%s]\npreset = "qemu-%s"\n\n' "$arch" "$arch"
  done
} | conf qemu.toml

expect_binfmtd 0
assert_log "Reconciled: 5 active, 1 disabled, 0 pending, 0 failed, 0 foreign; 5 writes"

for arch in "${foreign_archs[@]}"; do
  name=qemu-$arch
  debian=/usr/lib/binfmt.d/$name.conf
  [ -f "$debian" ] || fail "$debian is missing: is qemu-user-static installed?"
  # :name:type:offset:magic:mask:interpreter:flags
  IFS=: read -r _ dname dtype doffset dmagic dmask dinterp _ <"$debian"
  assert_eq "$name" "$dname" "name in $debian"
  assert_eq M "$dtype" "type in $debian"

  assert_registered "$name"
  assert_eq "$dinterp" "$(kfield "$name" interpreter)" "interpreter of $name"
  assert_eq POF "$(kfield "$name" flags)" "flags of $name"
  assert_eq "${doffset:-0}" "$(kfield "$name" offset)" "offset of $name"
  assert_eq "$(hex_of "$dmagic")" "$(kfield "$name" magic)" "magic of $name"
  want=$(hex_of "$dmask")
  want=${want:0:14}00${want:16} # EI_OSABI unmasked, as in QEMU's script
  assert_eq "$want" "$(kfield "$name" mask)" "mask of $name"
  assert_owned "$name"
done

assert_not_registered qemu-x86_64
assert_not_owned qemu-x86_64
assert_log "qemu-x86_64: disabled:"
assert_log "host's own architecture family"

# binfmtctl agrees offline.
presets=$("$BINFMTCTL" presets)
assert_contains "$presets" "host family, skipped" "binfmtctl presets"
assert_contains "$(grep -w qemu-x86_64 <<<"$presets")" "host family" "binfmtctl presets, qemu-x86_64 row"
assert_contains "$(grep -w qemu-aarch64 <<<"$presets")" /usr/libexec/qemu-binfmt/aarch64-binfmt-P "binfmtctl presets, qemu-aarch64 row"
