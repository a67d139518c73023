# chroot into the cached arm64 and armhf root file systems: their own dpkg and uname run
# through binfmtd's entries (the emulator stays outside, pinned by the F flag).

stage "unpack"
for arch in arm64 armhf; do unpack_rootfs "$arch" "$T/$arch"; done

stage "chroot"
for arch in arm64 armhf; do
  dir=$T/$arch
  assert_no_emulator "$dir"
  assert_eq "$arch" "$(chroot "$dir" dpkg --print-architecture)" "dpkg --print-architecture in the $arch chroot"
  case $arch in arm64) machine=aarch64 ;; armhf) machine=armv7l ;; esac
  assert_eq "$machine" "$(chroot "$dir" uname -m)" "uname -m in the $arch chroot"
  # shellcheck disable=SC2016 # for the chroot's sh
  # A shell pipeline of the tree's own programs, to see more than one foreign executable run.
  assert_eq "ok $arch" "$(chroot "$dir" /bin/sh -c 'echo "ok $(dpkg --print-architecture)" | cat')" "a pipeline in the $arch chroot"
done
stage
