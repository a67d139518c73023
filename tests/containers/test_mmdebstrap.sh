# mmdebstrap builds minimal arm64 and armhf Debian root file systems, fresh, with the second
# stage (dpkg unpacking and configuring ARCH packages, their maintainer scripts) run through
# binfmtd's qemu entries, and copies no emulator into them. With a warm download cache this
# fetches nothing; the results become the cached root file systems of the other scenarios.

command -v arch-test >/dev/null || fail "arch-test is missing: install arch-test (scripts/dev setup)"
for arch in arm64 armhf; do
  stage "arch-test $arch"
  # What mmdebstrap itself asks before choosing whether to copy qemu in: ARCH runs, and only
  # through an emulator (-n: with emulators disabled it does not).
  run_file arch-test "$arch"
  assert_eq 0 "$ERC" "arch-test $arch through binfmtd's entries (output: $OUT)"
  run_file arch-test -n "$arch"
  assert_eq 1 "$ERC" "arch-test -n $arch: $arch must run only emulated here (output: $OUT)"

  stage "mmdebstrap $arch"
  dir=$T/rootfs-$arch
  mmdebstrap_rootfs "$arch" "$dir"
  assert_no_emulator "$dir"
  # Every package unpacked and configured: the configure step ran ARCH's maintainer scripts.
  # shellcheck disable=SC2016 # dpkg-query's format
  status=$(chroot "$dir" dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n')
  bad=$(grep -v '^ii ' <<<"$status" || true)
  assert_eq '' "$bad" "packages of $arch not installed and configured"
  assert_contains "$(<"$dir/etc/passwd")" "root:x:0:0" "/etc/passwd written by base-passwd's configure step"
  assert_eq "$arch" "$(chroot "$dir" dpkg --print-architecture)" "dpkg --print-architecture in the new $arch tree"

  stage "cache $arch"
  save_rootfs "$arch" "$dir"
  rm -rf "$dir"
done
stage
