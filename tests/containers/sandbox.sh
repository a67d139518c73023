#!/usr/bin/env bash
# Runs one container-workflow scenario (test_NAME.sh) in a sandbox where binfmtd, not a hand,
# has registered qemu-aarch64 and qemu-arm in a private binfmt_misc instance.
#
#   sandbox.sh test_NAME.sh
#
# Outside: a new user, mount, PID and cgroup namespace (`unshare --pid --fork --kill-child
# --mount-proc`, so every process of the scenario dies with it), uid/gid map 0 -> 0 (root
# stays the host's root: the trust checks see root-owned interpreters) and 1-65535 ->
# 100000-165534 (dpkg and the containers need more than one id; none of them is a host user's).
# Inside: a private binfmt_misc instance on /proc/sys/fs/binfmt_misc (where mmdebstrap,
# arch-test and podman look), a private cgroup2 mount on /sys/fs/cgroup (crun refuses the
# host's hybrid layout), tmpfs over /run, /var/lib/containers and /var/tmp (rootful podman
# writes there whatever --root says), a private dbus-daemon, and the real binfmtd on it with
# a configuration of two presets. Then lib.sh (the integration helpers), containers.sh and
# the scenario are sourced with, besides the integration variables (T, BINFMT, ROOT, ...):
#   BINFMTD_CT_DIR    this directory (Containerfile)
#   CACHE             the per-machine cache (BINFMTD_CONTAINERS_CACHE, /var/cache/binfmtd-containers)
# Afterwards, outside again: nothing may be left on the host (processes, mounts, files in
# /run/libpod, /run/crun, /run/containers, /var/lib/containers; no cgroup below the sandbox's
# own, which is removed). Any missing tool or
# sandbox feature is a failure, never a skip.
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: sandbox.sh TEST_SCRIPT"
[ -f "$1" ] || die "no such test script: $1"
script=$(realpath "$1")

# The host paths podman, buildah and crun would write as root; each must be the same after.
host_paths=(/run/libpod /run/crun /run/containers /var/lib/containers)
host_state() {
  local p
  for p in "${host_paths[@]}"; do
    if [ -e "$p" ]; then printf '%s: %s\n' "$p" "$(find "$p" -mindepth 1 | sort | tr '\n' ' ')"; else printf '%s: absent\n' "$p"; fi
  done
}

if [ -z "${BINFMTD_CT_T:-}" ]; then
  # --- outside the sandbox -------------------------------------------------------------
  export BINFMTD=${BINFMTD:-$top/build/daemon/binfmtd}
  export BINFMTCTL=${BINFMTCTL:-$top/build/client/binfmtctl}
  export BINFMTD_SOURCE_DIR=${BINFMTD_SOURCE_DIR:-$top}
  export BINFMTD_CONTAINERS_CACHE=${BINFMTD_CONTAINERS_CACHE:-/var/cache/binfmtd-containers}
  [ -x "$BINFMTD" ] || die "binfmtd not built: $BINFMTD"
  [ -x "$BINFMTCTL" ] || die "binfmtctl not built: $BINFMTCTL"
  [ "$(id -u)" -eq 0 ] || die "the container tests must run as root (they only ever touch a private binfmt_misc instance)"
  for tool in mmdebstrap:mmdebstrap arch-test:arch-test podman:podman buildah:buildah crun:crun \
    newuidmap:uidmap qemu-aarch64-static:qemu-user-static qemu-arm-static:qemu-user-static \
    dbus-daemon:dbus-daemon busctl:systemd unshare:util-linux flock:util-linux; do
    command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} is missing: install ${tool#*:} (scripts/dev setup)"
  done
  # tmpfs goes over /var/lib/containers inside; a mount point needs a directory. An empty one
  # is what rootful podman's own default would create, and it is checked to stay empty.
  [ -d /var/lib/containers ] || install -d -m 0700 /var/lib/containers
  before=$(host_state)
  T=$(mktemp -d -t binfmtd-ct.XXXXXXXX)
  # The sandbox gets a cgroup (v2) of its own, the root of its cgroup namespace: whatever the
  # scenario created below it, or left running in it, makes the rmdir at the end fail.
  cgroot=$(findmnt -n -t cgroup2 -o TARGET | head -n1)
  [ -n "$cgroot" ] || die "the host has no cgroup2 hierarchy mounted; crun needs one"
  cg=$cgroot/binfmtd-ct-$$
  mkdir "$cg"
  trap 'echo $BASHPID >"$cgroot/cgroup.procs" || true; rmdir "$cg" 2>/dev/null || true; rm -rf "$T"' EXIT
  echo $BASHPID >"$cg/cgroup.procs"
  export BINFMTD_CT_T=$T
  BINFMTD_CT_OUTER_USERNS=$(readlink /proc/self/ns/user)
  export BINFMTD_CT_OUTER_USERNS
  mkfifo "$T/.mapped"
  # The maps are written from here, as real root, once the namespace exists. The first exec
  # inside (bash -c) happens before that and so has no capabilities; the second one, after
  # the go, has all of them in the new namespace.
  # shellcheck disable=SC2016
  unshare --user --mount --pid --cgroup --fork --kill-child --mount-proc --propagation private \
    bash -c 'read -r go <"$1" && [ "$go" = go ] && exec bash "$2" "$3"' mapped "$T/.mapped" "$here/sandbox.sh" "$script" &
  child=$!
  deadline=$((SECONDS + 10))
  while [ "$(readlink "/proc/$child/ns/user" 2>/dev/null)" = "$BINFMTD_CT_OUTER_USERNS" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { kill "$child"; die "the sandbox's user namespace did not appear"; }
    sleep 0.01
  done
  if ! kill -0 "$child" 2>/dev/null; then rc=0; wait "$child" || rc=$?; die "unshare failed (exit $rc)"; fi
  # One write(2) per map file: the kernel takes a map only whole (a second write fails).
  map=$'0 0 1\n1 100000 65535'
  cat >"/proc/$child/uid_map" <<<"$map" || { kill "$child"; die "cannot write the sandbox's uid_map"; }
  cat >"/proc/$child/gid_map" <<<"$map" || { kill "$child"; die "cannot write the sandbox's gid_map"; }
  echo go >"$T/.mapped"
  rc=0
  wait "$child" || rc=$?
  # The PID namespace died with its first process (--kill-child), the mount namespace with it.
  if grep -qF "$T" /proc/self/mountinfo; then die "mounts of the sandbox are left on the host: $(grep -F "$T" /proc/self/mountinfo)"; fi
  echo $BASHPID >"$cgroot/cgroup.procs"
  # Killed processes leave the cgroup a moment after the namespace's first process is reaped.
  deadline=$((SECONDS + 10))
  until grep -qx 'populated 0' "$cg/cgroup.events" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.02; done
  rmdir "$cg" || die "the scenario left cgroups or processes in $cg: $(find "$cg" -mindepth 1 -type d) $(cat "$cg/cgroup.procs")"
  after=$(host_state)
  [ "$before" = "$after" ] || die "the scenario left something on the host:"$'\n'"before: $before"$'\n'"after:  $after"
  exit "$rc"
fi

# --- inside the sandbox ------------------------------------------------------------------
# Never go further unless this really is a new user namespace: the mount below must reach
# this namespace's own binfmt_misc instance, not the host's.
[ "$(readlink /proc/self/ns/user)" != "$BINFMTD_CT_OUTER_USERNS" ] \
  || die "not inside a new user namespace; refusing to mount binfmt_misc"
[ "$(tr -s ' ' </proc/self/uid_map)" = $' 0 0 1\n 1 100000 65535' ] \
  || die "the sandbox's uid map is not 0->0, 1-65535->100000: $(cat /proc/self/uid_map)"
[ $$ -eq 1 ] || die "the sandbox is not the first process of its own PID namespace (PID $$)"
umask 022
export LC_ALL=C
T=$BINFMTD_CT_T
CACHE=$BINFMTD_CONTAINERS_CACHE
BINFMT=/proc/sys/fs/binfmt_misc
ROOT=$T/root
export BINFMTD_IT_DIR=$top/tests/integration BINFMTD_CT_DIR=$here
export TMPDIR=$T/tmp # mmdebstrap's, podman's and buildah's scratch space
mkdir -p "$ROOT/etc/binfmtd.d" "$TMPDIR"

mount -t binfmt_misc binfmt_misc "$BINFMT" \
  || die "cannot mount a private binfmt_misc instance in a user namespace (needs Linux >= 6.7, this is $(uname -r))"
# shellcheck disable=SC2012
[ "$(ls -A "$BINFMT" | tr '\n' ' ')" = "register status " ] \
  || die "the binfmt_misc instance at $BINFMT is not a fresh, empty one: $(ls -A "$BINFMT" | tr '\n' ' ')"
mount -t cgroup2 cgroup2 /sys/fs/cgroup || die "cannot mount a private cgroup2 hierarchy on /sys/fs/cgroup"
for d in /run /var/lib/containers /var/tmp; do
  mount -t tmpfs -o mode=0755,size=1g "binfmtd-ct${d//\//-}" "$d" || die "cannot mount a tmpfs over $d"
done
chmod 1777 /var/tmp

# shellcheck source=../integration/lib.sh
source "$BINFMTD_IT_DIR/lib.sh"
# shellcheck source=containers.sh
source "$here/containers.sh"
trap 'fail "command failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR
trap 'fail "a check in a subshell failed (see above)"' USR1
trap 'stop_started; check_cgroups' EXIT
cd "$T"
printf '=== %s in %s (binfmt_misc at %s)\n' "${script##*/}" "$T" "$BINFMT"
start_binfmtd
# shellcheck source=/dev/null
source "$script"
printf 'PASS: %s\n' "${script##*/}"
