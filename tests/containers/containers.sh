# Helpers for the container-workflow scenarios, sourced by sandbox.sh inside the sandbox
# after tests/integration/lib.sh (fail, assert_*, start_daemon, ctl, ...).

SUITE=bookworm
MIRROR=${BINFMTD_CONTAINERS_MIRROR:-http://deb.debian.org/debian}
VARIANT=minbase
PACKAGES=() # beyond the variant's own; part of every cache key
RECIPE=1    # bump when the way a root file system or the download cache is made changes

# ---- timing ----------------------------------------------------------------------------
STAGE='' STAGE_T0=0
# stage NAME: ends the previous stage (printing its time) and starts NAME; `stage` alone ends it.
stage() {
  if [ -n "$STAGE" ]; then
    printf 'stage %s: %s s\n' "$STAGE" "$(awk -v a="$STAGE_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  fi
  STAGE=${1:-}
  STAGE_T0=$EPOCHREALTIME
}

# ---- binfmtd registers the emulators ---------------------------------------------------
# start_binfmtd: the real daemon on the private bus, with qemu-aarch64 and qemu-arm from its
# presets (Debian's qemu-user-static interpreters, the F flag pinning them: nothing has to be
# copied into a root file system or a container), both active in the kernel.
start_binfmtd() {
  conf usr/lib/binfmtd.d/qemu.toml <<'TOML'
[qemu-aarch64]
preset = "qemu-aarch64"
fix-binary = true

[qemu-arm]
preset = "qemu-arm"
fix-binary = true
TOML
  start_daemon
  wait_for 10 "binfmtd registers qemu-aarch64 and qemu-arm" in_kernel qemu-aarch64 qemu-arm
  local n
  for n in qemu-aarch64 qemu-arm; do
    assert_registered "$n"
    assert_contains "$(kfield "$n" flags)" F "flags of $n in the kernel"
    assert_eq active "$(entry_field "$n" state)" "state of $n"
  done
}

# ---- the per-machine cache -------------------------------------------------------------
# Two kinds, each under a name derived from what it holds:
#   downloads/SUITE-ARCH-KEY/{archives,lists}  the .debs and apt lists mmdebstrap used
#   rootfs/SUITE-ARCH-VARIANT-KEY.tar          a finished root file system
# The download cache makes a later mmdebstrap offline: its lists are synced in and apt's
# update is skipped, and every .deb those lists name for this package set is already there.
cache_key() { printf '%s\n' "$RECIPE" "$SUITE" "$MIRROR" "$VARIANT" "${PACKAGES[@]}" "$@" | sha256sum | cut -c1-16; }
downloads_dir() { printf '%s/downloads/%s-%s-%s' "$CACHE" "$SUITE" "$1" "$(cache_key "$1")"; }
rootfs_tar() {
  local version
  version=$(dpkg-query -W -f='${Version}' mmdebstrap)
  printf '%s/rootfs/%s-%s-%s-%s.tar' "$CACHE" "$SUITE" "$1" "$VARIANT" "$(cache_key "$1" "$version")"
}

# with_lock NAME COMMAND...: COMMAND under an exclusive lock of the cache (another test run
# may be filling the same entry).
with_lock() {
  local name=$1
  shift
  mkdir -p "$CACHE"
  (
    exec 9>"$CACHE/.$name.lock"
    flock 9
    "$@"
  )
}

# mmdebstrap_rootfs ARCH DIR: a fresh minimal Debian root file system for ARCH in DIR, its
# second stage (dpkg and the maintainer scripts, ARCH executables) run through binfmtd's
# entries. Uses and fills the download cache; prints how much it fetched.
mmdebstrap_rootfs() { with_lock "downloads-$1" mmdebstrap_locked "$@"; }
mmdebstrap_locked() {
  local arch=$1 dir=$2 dl hooks=() include=() offline=() rc=0
  dl=$(downloads_dir "$arch")
  rm -rf "$dl.new"
  if [ -f "$dl/complete" ]; then
    # Warm: in a network namespace of its own, with no interface up, so that "fetches
    # nothing" is a fact the run proves rather than a hope.
    offline=(unshare --net)
    hooks+=(--skip=update
      --setup-hook="sync-in $dl/lists /var/lib/apt/lists/"
      --setup-hook="sync-in $dl/archives /var/cache/apt/archives/")
  else
    mkdir -p "$dl.new/archives" "$dl.new/lists"
    hooks+=(--customize-hook="sync-out /var/cache/apt/archives $dl.new/archives"
      --customize-hook="sync-out /var/lib/apt/lists $dl.new/lists")
  fi
  [ ${#PACKAGES[@]} -eq 0 ] || include=(--include="$(IFS=,; echo "${PACKAGES[*]}")")
  # essential/unlink: keep the essential packages' .debs in the chroot's apt cache, so that
  # sync-out sees them too. Cleanup then empties the chroot's cache and lists as usual.
  # shellcheck disable=SC2016 # "$1" is the hook's argument, the new tree
  "${offline[@]}" mmdebstrap --mode=root --variant="$VARIANT" --arch="$arch" "${include[@]}" \
    --skip=essential/unlink \
    --setup-hook='mkdir -p "$1/var/cache/apt/archives" "$1/var/lib/apt/lists"' \
    "${hooks[@]}" \
    "$SUITE" "$dir" "$MIRROR" >"$T/mmdebstrap-$arch.log" 2>&1 </dev/null || rc=$?
  [ "$rc" = 0 ] || { tail -n 40 "$T/mmdebstrap-$arch.log"; fail "mmdebstrap of $SUITE/$arch failed (exit $rc), log above"; }
  if [ ${#offline[@]} -gt 0 ]; then
    printf 'mmdebstrap %s/%s: offline, from the download cache %s\n' "$SUITE" "$arch" "$dl"
  fi
  if [ ! -f "$dl/complete" ]; then
    rm -rf "$dl.new/lists/partial" "$dl.new/lists/lock" "$dl.new/archives/partial" "$dl.new/archives/lock"
    touch "$dl.new/complete"
    rm -rf "$dl"
    mv "$dl.new" "$dl"
    # Caches of an older recipe or package set for this architecture are of no use any more.
    find "$CACHE/downloads" -mindepth 1 -maxdepth 1 -name "$SUITE-$arch-*" ! -name "${dl##*/}" -exec rm -rf {} +
    printf 'mmdebstrap %s/%s: downloaded from %s into the cache %s: %s\n' "$SUITE" "$arch" "$MIRROR" "$dl" "$(du -sh "$dl" | cut -f1)"
  fi
}

# save_rootfs ARCH DIR: DIR becomes the cached root file system of ARCH (unless there is one).
save_rootfs() { with_lock "rootfs-$1" save_rootfs_locked "$@"; }
save_rootfs_locked() {
  local tar
  tar=$(rootfs_tar "$1")
  [ ! -f "$tar" ] || return 0
  mkdir -p "${tar%/*}"
  tar -C "$2" --numeric-owner --xattrs -cf "$tar.new" .
  mv "$tar.new" "$tar"
  find "${tar%/*}" -mindepth 1 -maxdepth 1 -name "$SUITE-$1-$VARIANT-*.tar" ! -name "${tar##*/}" -delete
  printf 'cached %s (%s)\n' "$tar" "$(du -sh "$tar" | cut -f1)"
}

# rootfs ARCH: prints the cached root file system of ARCH (a tar archive), making it first
# (mmdebstrap through binfmtd's entries) when this machine has none for this key yet.
rootfs() {
  local tar
  tar=$(rootfs_tar "$1")
  if [ ! -f "$tar" ]; then
    printf 'no cached %s root file system (%s): building it\n' "$1" "$tar" >&2
    rm -rf "$T/build-$1"
    mmdebstrap_rootfs "$1" "$T/build-$1" >&2
    save_rootfs "$1" "$T/build-$1" >&2
    rm -rf "$T/build-$1"
  fi
  printf '%s\n' "$tar"
}

# unpack_rootfs ARCH DIR: the cached root file system of ARCH, extracted into DIR.
unpack_rootfs() {
  local tar
  tar=$(rootfs "$1")
  mkdir -p "$2"
  tar -C "$2" --numeric-owner --xattrs -xf "$tar"
}

# assert_no_emulator DIR: nothing of qemu was copied into the root file system DIR (the F
# flag makes the kernel open the interpreter on the host side).
assert_no_emulator() {
  local found
  found=$(find "$1" -xdev \( -name 'qemu-*' -o -name '*-binfmt-P' \) -print | head -n 5)
  assert_eq '' "$found" "qemu files in the root file system $1"
}

# ---- podman and buildah, confined to the sandbox ---------------------------------------
# Storage under $T (kernel overlay: in a user namespace since Linux 5.11), no network
# namespace plumbing (netavark cannot setns here), no cgroups (the host's tree is not ours),
# no events journal, local images only.
STORE=$T/containers
PODMAN=(podman --root "$STORE/storage" --runroot "$STORE/run" --storage-driver overlay
  --cgroup-manager cgroupfs --events-backend none --runtime crun)
BUILDAH=(buildah --root "$STORE/storage" --runroot "$STORE/run" --storage-driver overlay)
# shellcheck disable=SC2034 # used by the scenarios
RUN_OPTS=(--rm --network none --cgroups disabled --pull=never)
pm() { "${PODMAN[@]}" "$@"; }
bh() { "${BUILDAH[@]}" "$@"; }

# import_image ARCH: the cached root file system of ARCH as the local image
# localhost/binfmtd-ct:ARCH, with its OCI platform (linux/arm64, linux/arm/v7).
import_image() {
  local tar platform
  tar=$(rootfs "$1")
  case $1 in
    arm64) platform=(--arch arm64) ;;
    armhf) platform=(--arch arm --variant v7) ;;
    *) fail "import_image: no OCI platform known for $1" ;;
  esac
  pm import --os linux "${platform[@]}" "$tar" "localhost/binfmtd-ct:$1" >/dev/null
}

# image_platform IMAGE: os/arch[/variant] as the image's OCI configuration records it
# (podman 4.3's inspect leaves the variant out; buildah shows the configuration itself).
image_platform() {
  local p
  p=$(bh inspect --type image --format '{{.OCIv1.OS}}/{{.OCIv1.Architecture}}/{{.OCIv1.Variant}}' "$1")
  printf '%s\n' "${p%/}"
}

# ---- nothing left behind ---------------------------------------------------------------
# check_cgroups: no cgroup was created in the private cgroup2 mount (the sandbox's own
# cgroup, the root of its cgroup namespace).
check_cgroups() {
  local left
  left=$(find /sys/fs/cgroup -mindepth 1 -type d)
  assert_eq '' "$left" "cgroups left below the sandbox's own"
}
# check_no_containers: podman knows no container any more (every run was --rm) and no
# process other than the sandbox's own is left.
check_no_containers() {
  assert_eq '' "$(pm ps --all --quiet)" "containers left in podman's storage"
  assert_eq '' "$(bh containers --quiet)" "buildah working containers left"
}

# context_dir: an empty build context (the Containerfile copies nothing in).
context_dir() {
  mkdir -p "$T/context"
  printf '%s\n' "$T/context"
}
