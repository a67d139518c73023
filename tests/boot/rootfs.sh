#!/usr/bin/env bash
# Prints the path of a cached Debian bookworm root file system (a tar archive) for the boot
# test, building it first when this machine has none yet. The cache lives outside the source
# tree (default /var/cache/binfmtd-boot-rootfs, override with BINFMTD_BOOT_CACHE) and is keyed
# by a hash of everything that goes into it, so changing the package list builds a new one.
#
#   rootfs.sh            -> /var/cache/binfmtd-boot-rootfs/bookworm-<hash>.tar
#
# Building takes a minute or two (debootstrap from Debian's mirror); later runs only print
# the path. Needs root, debootstrap and the network to the Debian mirror.
set -euo pipefail

cache=${BINFMTD_BOOT_CACHE:-/var/cache/binfmtd-boot-rootfs}
suite=bookworm
mirror=${BINFMTD_BOOT_MIRROR:-http://deb.debian.org/debian}
# debootstrap's own set: systemd as PID 1 with a system bus.
base_packages=(systemd systemd-sysv dbus)
# Installed with apt inside the new tree (debootstrap cannot order polkitd's configuration):
# polkit (the daemon asks it about non-root callers), procps (kill, for ExecReload), useradd,
# man-db (systemd-analyze verify checks that the units' Documentation= man pages exist),
# binfmtd's runtime libraries, so that the package installs offline with its dependencies met,
# and the packages whose binfmt.d files binfmtd must live with: Debian's qemu-user-static and
# python3.11-minimal (/usr/lib/binfmt.d/python3.11.conf).
packages=(polkitd procps passwd man-db libsdbus-c++1 libfmt9 libtomlplusplus3 qemu-user-static python3.11-minimal)
# Kept as .debs in the tree, for the guest to reinstall, remove and install again offline.
debs=(qemu-user-static)
debs_dir=/var/local/binfmtd-boot-debs
recipe_version=3 # bump when the steps below change

die() { printf 'rootfs.sh: %s\n' "$*" >&2; exit 1; }

key=$(printf '%s\n' "$recipe_version" "$suite" "$mirror" "${base_packages[@]}" "${packages[@]}" "${debs[@]}" "$debs_dir" |
  sha256sum | cut -c1-16)
tarball=$cache/$suite-$key.tar
if [ -f "$tarball" ]; then
  echo "$tarball"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "building the rootfs needs root"
command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/dev setup installs it)"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # another test run may be building the same one
if [ -f "$tarball" ]; then
  echo "$tarball"
  exit 0
fi

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  trap - EXIT
  tail -n 40 "$work/build.log" >&2
  die "$* (the log above is $work/build.log; the half-built tree is kept there)"
}
start=$(date +%s)
printf 'rootfs.sh: building a Debian %s rootfs in %s (once per machine)...\n' "$suite" "$cache" >&2
# A mount namespace of its own: the /proc, /sys and /dev mounts made in the target go away
# with it, even when a step fails half-way. Nothing here touches binfmt_misc.
# shellcheck disable=SC2016 # the script is for the inner bash, which expands it
unshare --mount --propagation private bash -euo pipefail -c '
  root=$3/root
  debootstrap --variant=minbase --include="$1" "$2" "$root" "$4"
  mount -t proc proc "$root/proc"
  printf "#!/bin/sh\nexit 101\n" >"$root/usr/sbin/policy-rc.d" # start no services
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  debs_dir=$5 debs=$6
  shift 6
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  mkdir -p "$root$debs_dir"
  # shellcheck disable=SC2086 # a space-separated list of package names
  chroot "$root" sh -c "cd $debs_dir && apt-get download $debs"
  chroot "$root" apt-get clean
  rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
' rootfs "$(IFS=,; echo "${base_packages[*]}")" "$suite" "$work" "$mirror" "$debs_dir" "${debs[*]}" "${packages[@]}" \
  >"$work/build.log" 2>&1 </dev/null || fail "building the rootfs failed"
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* 2>/dev/null || true
tar -C "$work/root" --numeric-owner --xattrs -cf "$work/rootfs.tar" .
mv "$work/rootfs.tar" "$tarball"
# Older recipes' trees are of no use any more.
find "$cache" -maxdepth 1 -name "$suite-*.tar" ! -name "${tarball##*/}" -delete
printf 'rootfs.sh: built %s in %ss\n' "$tarball" "$(($(date +%s) - start))" >&2
echo "$tarball"
