#!/usr/bin/env bash
# Runs one integration scenario against the real kernel's binfmt_misc, never the host's.
#
#   sandbox.sh test_NAME.sh
#
# Outside: creates the test's temp dir and re-executes itself inside
# `unshare --user --map-root-user --mount`. Inside: mounts a private binfmt_misc instance
# (Linux >= 6.7 gives each user namespace its own) on a fresh directory, then sources lib.sh
# and the scenario with these set:
#   BINFMTD, BINFMTCTL  the binaries under test (default: build/daemon/binfmtd, build/client/binfmtctl)
#   T                   the test's private temp dir (0700), removed when the test ends
#   BINFMT              the private binfmt_misc mount: pass it as --binfmt-dir
#   ROOT                the --root of binfmtd: config in $ROOT/etc/binfmtd.d
#   BINFMTD_IT_DIR      this directory (test data such as hello-aarch64.S)
#   BINFMTD_SOURCE_DIR  the source tree (conf.d/)
# A sandbox that cannot be built is a failure, never a skip.
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
  rc=0
  unshare --user --map-root-user --mount --propagation private bash "$here/sandbox.sh" "$script" || rc=$?
  exit "$rc"
fi

# --- inside the sandbox ------------------------------------------------------------------
# Never go further unless this really is a new user namespace: the mount below must reach
# this namespace's own binfmt_misc instance, not the host's.
[ "$(readlink /proc/self/ns/user)" != "$BINFMTD_IT_OUTER_USERNS" ] \
  || die "not inside a new user namespace; refusing to mount binfmt_misc"
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
cd "$T"
printf '=== %s in %s (binfmt_misc at %s)\n' "${script##*/}" "$T" "$BINFMT"
# shellcheck source=/dev/null
source "$script"
printf 'PASS: %s\n' "${script##*/}"
