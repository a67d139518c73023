#!/usr/bin/env bash
# Runs one integration scenario against the real kernel's binfmt_misc, never the host's.
#
#   sandbox.sh test_NAME.sh
#
# Outside: creates the test's temp dir and re-executes itself inside `unshare --user --mount`,
# uids and gids 0-65535 mapped to themselves (root stays root, and uid 1000 exists for the
# non-root caller tests). Inside: mounts a private binfmt_misc instance (Linux >= 6.7 gives
# each user namespace its own) on a fresh directory, then sources lib.sh and the scenario with
# these set:
#   BINFMTD, BINFMTCTL  the binaries under test (default: build/daemon/binfmtd, build/client/binfmtctl)
#   T                   the test's private temp dir (0700), removed when the test ends
#   BINFMT              the private binfmt_misc mount: pass it as --binfmt-dir
#   ROOT                the --root of binfmtd: config in $ROOT/etc/binfmtd.d
#   BINFMTD_IT_DIR      this directory (test data such as hello-aarch64.S)
#   BINFMTD_SOURCE_DIR  the source tree (conf.d/)
# Processes a scenario starts with lib.sh (start_bus, start_daemon, background) are stopped
# by PID when it ends. A sandbox that cannot be built is a failure, never a skip.
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: sandbox.sh TEST_SCRIPT"
[ -f "$1" ] || die "no such test script: $1"
script=$(realpath "$1")

if [ -z "${BINFMTD_IT_T:-}" ]; then
  # --- outside the sandbox -------------------------------------------------------------
  export BINFMTD=${BINFMTD:-$top/build/daemon/binfmtd}
  export BINFMTCTL=${BINFMTCTL:-$top/build/client/binfmtctl}
  export BINFMTD_SOURCE_DIR=${BINFMTD_SOURCE_DIR:-$top}
  [ -x "$BINFMTD" ] || die "binfmtd not built: $BINFMTD"
  [ -x "$BINFMTCTL" ] || die "binfmtctl not built: $BINFMTCTL"
  # In the user namespace of a non-root user, real root's files (/usr/bin/lua5.4, the qemu
  # interpreters) show up as owned by nobody, so binfmtd rightly distrusts them.
  [ "$(id -u)" -eq 0 ] || die "the integration tests must run as root (they only ever touch a private binfmt_misc instance)"
  err=$(unshare --user --map-root-user --mount true 2>&1) \
    || die "cannot create a user + mount namespace ($err); unprivileged user namespaces are needed"
  T=$(mktemp -d -t binfmtd-it.XXXXXXXX)
  trap 'rm -rf "$T"' EXIT
  export BINFMTD_IT_T=$T
  BINFMTD_IT_OUTER_USERNS=$(readlink /proc/self/ns/user)
  export BINFMTD_IT_OUTER_USERNS
  # The user namespace maps uids and gids 0-65535 to themselves, not just root: real root's
  # files stay root's inside, and a non-root caller (uid 1000, via setpriv) exists for the
  # authorization tests. `unshare --map-users` would need newuidmap and an /etc/subuid entry;
  # as real root we write the maps ourselves once the namespace exists, then let it go on.
  mkfifo "$T/.mapped"
  # shellcheck disable=SC2016
  unshare --user --mount --propagation private \
    bash -c 'read -r go <"$1" && [ "$go" = go ] && exec bash "$2" "$3"' mapped "$T/.mapped" "$here/sandbox.sh" "$script" &
  child=$!
  deadline=$((SECONDS + 10))
  while [ "$(readlink "/proc/$child/ns/user" 2>/dev/null)" = "$BINFMTD_IT_OUTER_USERNS" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { kill "$child"; die "the sandbox's user namespace did not appear"; }
    sleep 0.01
  done
  if ! kill -0 "$child" 2>/dev/null; then rc=0; wait "$child" || rc=$?; die "unshare failed (exit $rc)"; fi
  printf '0 0 65536\n' >"/proc/$child/uid_map" || { kill "$child"; die "cannot write the sandbox's uid_map"; }
  printf '0 0 65536\n' >"/proc/$child/gid_map" || { kill "$child"; die "cannot write the sandbox's gid_map"; }
  echo go >"$T/.mapped"
  rc=0
  wait "$child" || rc=$?
  exit "$rc"
fi

# --- inside the sandbox ------------------------------------------------------------------
# Never go further unless this really is a new user namespace: the mount below must reach
# this namespace's own binfmt_misc instance, not the host's.
[ "$(readlink /proc/self/ns/user)" != "$BINFMTD_IT_OUTER_USERNS" ] \
  || die "not inside a new user namespace; refusing to mount binfmt_misc"
if [ "$(tr -s ' ' </proc/self/uid_map)" != " 0 0 65536" ] || [ "$(tr -s ' ' </proc/self/gid_map)" != " 0 0 65536" ]; then
  die "the sandbox's uid/gid maps are not 0-65535: $(cat /proc/self/uid_map /proc/self/gid_map)"
fi
umask 022
export LC_ALL=C
T=$BINFMTD_IT_T
BINFMT=$T/binfmt_misc
ROOT=$T/root
export BINFMTD_IT_DIR=$here
mkdir -p "$BINFMT" "$ROOT/etc/binfmtd.d"
mount -t binfmt_misc binfmt_misc "$BINFMT" \
  || die "cannot mount a private binfmt_misc instance in a user namespace (needs Linux >= 6.7, this is $(uname -r))"
[ -w "$BINFMT/register" ] || die "the private binfmt_misc instance at $BINFMT has no writable register file"
# shellcheck disable=SC2012
[ "$(ls -A "$BINFMT" | tr '\n' ' ')" = "register status " ] \
  || die "the binfmt_misc instance at $BINFMT is not a fresh, empty one: $(ls -A "$BINFMT" | tr '\n' ' ')"

# shellcheck source=lib.sh
source "$here/lib.sh"
trap 'fail "command failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR
trap 'fail "a check in a subshell failed (see above)"' USR1
trap stop_started EXIT # the daemons and monitors the scenario started, by PID
cd "$T"
printf '=== %s in %s (binfmt_misc at %s)\n' "${script##*/}" "$T" "$BINFMT"
# shellcheck source=/dev/null
source "$script"
printf 'PASS: %s\n' "${script##*/}"
