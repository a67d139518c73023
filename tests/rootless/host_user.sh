#!/usr/bin/env bash
# Runs one rootless scenario as a real unprivileged host user: not root in a mapped namespace,
# but a throwaway account made for the test (uid neither 0 nor the overflow uid 65534), who
# has no privilege at all and makes a binfmt_misc instance of their own with binfmtd --user.
#
#   host_user.sh test_NAME.sh
#
# Runs as root on the host (it creates and removes the account). Nothing here or in a scenario
# mounts or writes the host's binfmt_misc: the user cannot write it (its register file is root's,
# mode 0200), and binfmtd --user mounts its instance in a new user namespace only. The scenario
# is sourced with these set:
#   TEST_USER, TEST_UID, TEST_GID  the account (no subordinate ids unless the scenario adds some)
#   T                              the test's directory (0755, root's), removed at the end
#   BIN                            root's copies of binfmtd, binfmtctl and the aarch64 hello
#   UHOME                          the account's home ($UHOME/.config/binfmtd.d is its configuration)
#   URUN                           its XDG_RUNTIME_DIR
# and these helpers: as_user CMD... (the command as that user, a clean environment; AS_USER is
# its prefix), fail,
# assert_eq, assert_contains, assert_not_contains, uconf FILE < TOML.
# Everything is removed at the end: the account, its group, any /etc/subuid and /etc/subgid
# line for it, its processes (by PID) and the files.
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

fail() {
  trap - ERR
  printf '\nFAIL: %s\n' "$*"
  exit 1
}
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in:"$'\n'"$1"; }
assert_not_contains() { [[ "$1" != *"$2"* ]] || fail "$3: [$2] unexpectedly found in:"$'\n'"$1"; }

if [ $# -ne 1 ] || [ ! -f "$1" ]; then fail "usage: host_user.sh TEST_SCRIPT"; fi
script=$(realpath "$1")
BINFMTD=${BINFMTD:-$top/build/daemon/binfmtd}
BINFMTCTL=${BINFMTCTL:-$top/build/client/binfmtctl}
[ -x "$BINFMTD" ] || fail "binfmtd not built: $BINFMTD"
[ "$(id -u)" -eq 0 ] || fail "the rootless tests must start as root: they create and remove a throwaway user"
for tool in useradd userdel groupdel setpriv aarch64-linux-gnu-as aarch64-linux-gnu-ld; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/dev setup installs it)"
done
[ -x /usr/bin/qemu-aarch64-static ] || fail "/usr/bin/qemu-aarch64-static is missing: install qemu-user-static"

TEST_USER=bfrl$$
T=$(mktemp -d -t binfmtd-rootless.XXXXXXXX)
cleanup() {
  local rc=$? pid
  trap - ERR
  if id -u "$TEST_USER" >/dev/null 2>&1; then
    # Whatever the account still runs (a scenario's leftovers), stopped by PID.
    for pid in $(ps -o pid= -u "$TEST_USER" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in $(ps -o pid= -u "$TEST_USER" 2>/dev/null); do
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
    userdel "$TEST_USER" || rc=1
  fi
  getent group "$TEST_USER" >/dev/null && { groupdel "$TEST_USER" || rc=1; }
  # userdel removes the account's subordinate ids; a line left by hand goes too.
  local f
  for f in /etc/subuid /etc/subgid; do
    if [ -f "$f" ] && grep -q "^$TEST_USER:" "$f"; then sed -i "/^$TEST_USER:/d" "$f"; fi
  done
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'fail "command failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR
chmod 0755 "$T"

UHOME=$T/home
URUN=$T/run-user
# No subordinate ids unless a scenario adds them; no mail spool, no skeleton.
useradd --home-dir "$UHOME" --no-create-home --shell /bin/sh --user-group \
  -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -K MAIL_DIR=/nonexistent "$TEST_USER"
TEST_UID=$(id -u "$TEST_USER")
TEST_GID=$(id -g "$TEST_USER")
if [ "$TEST_UID" -eq 0 ] || [ "$TEST_UID" -eq 65534 ]; then
  fail "the test user's uid must be neither 0 nor 65534: $TEST_UID"
fi
install -d -m 0700 -o "$TEST_UID" -g "$TEST_GID" "$UHOME" "$URUN"

# Root's copies: the build tree may be where this user cannot reach (a clone under /root).
BIN=$T/bin
install -d -m 0755 "$BIN"
install -m 0755 "$BINFMTD" "$BIN/binfmtd"
install -m 0755 "$BINFMTCTL" "$BIN/binfmtctl"
aarch64-linux-gnu-as -o "$T/hello.o" "$top/tests/integration/hello-aarch64.S"
aarch64-linux-gnu-ld -static -o "$BIN/hello" "$T/hello.o"
chmod 0755 "$BIN/hello"

# as_user CMD...: CMD as the test user, with only what a login would give it (AS_USER: that
# prefix, for a scenario that must start it from another command).
AS_USER=(setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --clear-groups --
  env -i PATH="$BIN:/usr/sbin:/usr/bin:/sbin:/bin" HOME="$UHOME" USER="$TEST_USER" LOGNAME="$TEST_USER"
  SHELL=/bin/sh LC_ALL=C XDG_RUNTIME_DIR="$URUN")
as_user() { "${AS_USER[@]}" "$@"; }
# uconf FILE < TOML: the user's own configuration file $UHOME/.config/binfmtd.d/FILE.
uconf() {
  as_user mkdir -p "$UHOME/.config/binfmtd.d"
  # shellcheck disable=SC2016 # for the inner sh, which expands it
  as_user sh -c 'cat >"$1" && chmod 0644 "$1"' uconf "$UHOME/.config/binfmtd.d/$1"
}

cd "$T"
printf '=== %s as %s (uid %s) in %s\n' "${script##*/}" "$TEST_USER" "$TEST_UID" "$T"
# shellcheck source=/dev/null
source "$script"
printf 'PASS: %s\n' "${script##*/}"
