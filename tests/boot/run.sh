#!/usr/bin/env bash
# The boot test: the real binfmtd package under a real systemd as PID 1.
#
#   run.sh [DEB]
#
# 1. builds the .deb with packaging/build-deb (reused while the source tree is unchanged),
#    unless DEB is given;
# 2. takes the cached Debian bookworm rootfs of rootfs.sh (built once per machine);
# 3. copies it to a tmpfs, puts the package in it (the guest installs it), adds the test's
#    configuration, users, stub interpreter and a driver unit (guest/);
# 4. boots it three times with systemd-nspawn -b in a private user namespace (so the guest mounts
#    its own, empty binfmt_misc instance; the host's table is never reached), inside a cgroup
#    this script creates and removes. guest/checks.sh runs each stage inside and writes /results:
#    1. stock Debian (systemd-binfmt, qemu-user-static), then binfmtd installed on the running
#       system, package upgrades and removals; 2. a boot with binfmtd enabled; 3. a boot after
#       `systemctl disable binfmtd`.
#
# Everything missing is a failure, never a skip. Needs root, systemd-nspawn (systemd-container),
# debootstrap, the package build dependencies and Linux >= 6.7.
# Environment: BINFMTD_BOOT_OUT (where the .deb goes, default build/packages),
# BINFMTD_BOOT_TIMEOUT (seconds per boot, default 120), BINFMTD_BOOT_CACHE (see rootfs.sh).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------------------------------------
# Inside a private mount namespace (re-executed below): the tmpfs and every mount go away with
# it. Arguments: DEB TARBALL T
if [ "${1:-}" = --inner ]; then
  deb=$2 tarball=$3 T=$4
  root=$T/root results=$T/results
  mount -t tmpfs -o mode=0755,size=2g binfmtd-boot "$T"
  mkdir -m 0755 "$root" "$results"

  t=$(now)
  tar -C "$root" --numeric-owner --xattrs -xf "$tarball"
  echo "rootfs copied to a tmpfs in $(elapsed "$t")s"

  t=$(now)
  # The guest installs the package itself, on a booted system (stage 1): its maintainer scripts
  # then meet a running systemd and an active systemd-binfmt.service, as on a real host.
  install -D -m 0644 "$deb" "$root/var/local/binfmtd-boot-debs/binfmtd.deb"
  # Stock Debian mounts binfmt_misc with the automount, which cannot work under nspawn (its
  # /proc/sys is read-only): the mount unit stands in, so that systemd-binfmt runs at boot.
  chroot "$root" systemctl enable --quiet proc-sys-fs-binfmt_misc.mount
  lib=$root/usr/local/lib/binfmtd-boot
  install -d -m 0755 "$lib" "$root/srv/binfmtd-boot" "$root/etc/binfmtd.d" "$root/etc/polkit-1/rules.d"
  install -m 0755 "$here/guest/checks.sh" "$here/guest/interp" "$lib/"
  # A foreign program that runs only through qemu-aarch64's entry (executed in a loop while
  # packages are installed).
  aarch64-linux-gnu-as -o "$T/hello.o" "$top/tests/integration/hello-aarch64.S"
  aarch64-linux-gnu-ld -static -o "$lib/hello-aarch64" "$T/hello.o"
  rm -f "$T/hello.o"
  install -m 0644 "$here/guest/boot.toml" "$root/etc/binfmtd.d/boot.toml"
  install -m 0644 "$here/guest/reload.toml" "$root/srv/binfmtd-boot/reload.toml"
  ln -s /srv/binfmtd-boot/reload.toml "$root/etc/binfmtd.d/reload.toml"
  install -m 0644 "$here/guest/50-binfmtd-boot.rules" "$root/etc/polkit-1/rules.d/"
  install -m 0644 "$here/guest/binfmtd-boot-test.service" "$root/etc/systemd/system/"
  chroot "$root" systemctl enable --quiet binfmtd-boot-test.service
  chroot "$root" useradd --create-home --shell /bin/sh tester
  chroot "$root" useradd --create-home --shell /bin/sh operator1
  echo "package and test files added in $(elapsed "$t")s"

  # The guest's systemd needs a cgroup of its own: the host runs no systemd to give one, so
  # this script makes one in each hierarchy it has and moves itself there; nspawn's payload
  # goes below it. Removed (after killing whatever is left in it: only the guest's processes
  # can be there) when this script ends.
  cgroups=()
  for h in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd /sys/fs/cgroup; do
    [ -e "$h/cgroup.procs" ] || continue
    [ "$h" = /sys/fs/cgroup ] && [ ${#cgroups[@]} -gt 0 ] && continue
    cg=$h/binfmtd-boot-$$
    mkdir "$cg"
    cgroups+=("$cg")
  done
  [ ${#cgroups[@]} -gt 0 ] || die "no cgroup hierarchy found under /sys/fs/cgroup"
  # shellcheck disable=SC2317 # run by the EXIT trap below
  cleanup_cgroups() {
    local cg pid dirs
    for cg in "${cgroups[@]}"; do
      echo $$ >"${cg%/*}/cgroup.procs" 2>/dev/null || true
    done
    for cg in "${cgroups[@]}"; do
      [ -d "$cg" ] || continue
      # shellcheck disable=SC2044 # the PIDs listed in the cgroup.procs files, not file names
      for pid in $(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null || true
      done
      # Deepest first.
      mapfile -t dirs < <(find "$cg" -depth -type d)
      for d in "${dirs[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
      done
      [ ! -d "$cg" ] || echo "warning: could not remove cgroup $cg" >&2
    done
  }
  trap cleanup_cgroups EXIT
  for cg in "${cgroups[@]}"; do echo $$ >"$cg/cgroup.procs"; done

  timeout=${BINFMTD_BOOT_TIMEOUT:-120}
  boot() { # STAGE EXPECTED_EXIT
    local t rc=0
    t=$(now)
    timeout -k 10 "$timeout" systemd-nspawn --quiet --boot --directory="$root" \
      --machine="binfmtd-boot-$$" --private-users=pick --private-users-ownership=map \
      --register=no --keep-unit --private-network --console=pipe \
      --bind="$results:/results:idmap" \
      </dev/null >"$results/console.$1.log" 2>&1 || rc=$?
    echo "boot $1: systemd-nspawn exited $rc after $(elapsed "$t")s"
    if [ "$rc" != "$2" ] || [ -e "$results/FAILED" ] || [ ! -e "$results/stage$1.ok" ]; then
      echo "--- checks.log ---"
      cat "$results/checks.log" 2>/dev/null || echo "(none: the checks never ran)"
      echo "--- console of boot $1 (last 80 lines) ---"
      tail -n 80 "$results/console.$1.log"
      [ "$rc" != 124 ] || die "boot $1 timed out after ${timeout}s"
      [ ! -e "$results/FAILED" ] || die "$(cat "$results/FAILED")"
      [ -e "$results/stage$1.ok" ] || die "stage $1 did not pass (systemd-nspawn exited $rc)"
      die "boot $1: systemd-nspawn exited $rc, expected $2"
    fi
  }
  # nspawn exits 133 on a guest reboot, 0 on a poweroff.
  boot 1 133
  boot 2 133
  boot 3 0
  echo "--- checks.log ---"
  cat "$results/checks.log"
  grep '^exposure: ' "$results/checks.log" || true
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Outside: prerequisites, the package, the rootfs.
[ "$(id -u)" -eq 0 ] || die "the boot test must run as root (nspawn, a tmpfs, cgroups)"
for tool in systemd-nspawn debootstrap dpkg-buildpackage unshare timeout aarch64-linux-gnu-as aarch64-linux-gnu-ld; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/dev setup installs what the boot test needs)"
done
# The guest must get a binfmt_misc instance of its own in its user namespace (Linux >= 6.7).
# shellcheck disable=SC2016 # the script is for the inner sh, which expands it
unshare --user --map-root-user --mount sh -c \
  'd=$(mktemp -d) && mount -t binfmt_misc binfmt_misc "$d" && test -w "$d/register"; rc=$?; umount "$d" 2>/dev/null; rmdir "$d"; exit $rc' \
  || die "this kernel ($(uname -r)) cannot mount a private binfmt_misc in a user namespace (needs Linux >= 6.7)"

start=$(now)
if [ $# -ge 1 ]; then
  deb=$(realpath "$1")
else
  t=$(now)
  deb=$("$top/packaging/build-deb" "${BINFMTD_BOOT_OUT:-$top/build/packages}") || die "building the .deb failed"
  echo "package: $deb ($(elapsed "$t")s)"
fi
[ -f "$deb" ] || die "no such package: $deb"
t=$(now)
tarball=$("$here/rootfs.sh") || die "no Debian bookworm rootfs"
echo "rootfs: $tarball ($(elapsed "$t")s)"

T=$(mktemp -d -t binfmtd-boot.XXXXXXXX)
trap 'rmdir "$T" 2>/dev/null || true' EXIT
rc=0
unshare --mount --propagation private "$here/run.sh" --inner "$deb" "$tarball" "$T" || rc=$?
echo "boot test: $( [ $rc -eq 0 ] && echo passed || echo FAILED ) in $(elapsed "$start")s"
exit $rc
