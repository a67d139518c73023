#!/usr/bin/env bash
# Benchmarks binfmtd against systemd-binfmt, binfmt-support's update-binfmts and a minimal C
# floor, and regenerates bench/REPORT.md. `scripts/dev bench` calls this.
#
#   bench/run.sh [--quick] [--out FILE]
#
# Installs what only the benchmarks need (hyperfine, strace, GNU time, valgrind; binfmt-support
# is unpacked by scripts/fetch-binfmt-support into /var/cache/binfmtd-tools, never installed:
# its maintainer scripts would mount and fill the host's binfmt_misc), builds a Release tree in
# build-bench/ (BINFMTD_BENCH_BUILD_DIR), then runs each section in its own
# `unshare --user --map-root-user --mount` sandbox with a private binfmt_misc instance.
# --quick: a few repetitions only, to try the scripts (the report says so).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BINFMTD_BENCH_BUILD_DIR:-$top/build-bench}
report=$top/bench/REPORT.md
quick=0
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --out) report=$2; shift ;;
    *) echo "usage: bench/run.sh [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

[ "$(id -u)" -eq 0 ] || die "run as root (like the integration tests: the interpreters must show up as root-owned inside the user namespace)"

# ---- what only the benchmarks need --------------------------------------------------------
bench_packages=(hyperfine strace time valgrind python3 dbus-daemon systemd)
missing=()
for p in "${bench_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log "building (Release) into $build"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBINFMTD_BUILD_TESTS=OFF -DBINFMTD_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# The same unpacked copy the integration tests use, in the machine's tool cache.
if ub=$("$top/scripts/fetch-binfmt-support"); then
  ub_version=$(cat "${ub%/usr/sbin/update-binfmts}/VERSION")
else
  log "binfmt-support is not available: update-binfmts is left out"
  ub=''
  ub_version=''
fi

# ---- sandboxes ------------------------------------------------------------------------------
out=$(mktemp -d -t binfmtd-bench-out.XXXXXXXX)
idle_pid=''
cleanup() {
  if [ -n "$idle_pid" ]; then kill "$idle_pid" 2>/dev/null || true; wait "$idle_pid" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT

export BENCH_BUILD=$build BENCH_OUT=$out BENCH_SRC=$top BENCH_QUICK=$quick BENCH_UPDATE_BINFMTS=$ub
BENCH_OUTER_USERNS=$(readlink /proc/self/ns/user)
export BENCH_OUTER_USERNS
# nice -10: on a shared machine, other work then preempts the measured processes less (every
# tool, anchors included, runs at the same priority).
prio=(nice -n -10)
sandbox() { "${prio[@]}" unshare --user --map-root-user --mount --propagation private bash "$top/bench/sandbox.sh" "$@"; }
# shellcheck disable=SC2016 # the script is for the inner sh, which expands it
sandbox_ok=$(unshare --user --map-root-user --mount sh -c \
  'd=$(mktemp -d) && mount -t binfmt_misc binfmt_misc "$d" && test -w "$d/register"; rc=$?; umount "$d" 2>/dev/null; rmdir "$d"; exit $rc' 2>&1) \
  || die "this kernel cannot mount a private binfmt_misc in a user namespace (Linux >= 6.7 needed): $sandbox_ok"

start=$(date +%s)
{
  echo "{"
  echo "\"date\": \"$(date -u '+%Y-%m-%d %H:%M UTC')\","
  echo "\"kernel\": \"$(uname -r)\","
  echo "\"nproc\": $(nproc),"
  echo "\"cpu\": \"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)\","
  echo "\"mem_kb\": $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo),"
  echo "\"os\": \"$(. /etc/os-release && echo "$PRETTY_NAME")\","
  echo "\"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "\"systemd\": \"$(dpkg-query -W -f='${Version}' systemd)\","
  echo "\"binfmt_support\": \"$ub_version\","
  echo "\"dbus\": \"$(dpkg-query -W -f='${Version}' dbus-daemon)\","
  echo "\"compiler\": \"$(c++ --version | head -n1)\","
  echo "\"commit\": \"$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)\","
  echo "\"binfmtd_libs\": $(ldd "$build/daemon/binfmtd" | grep -c '=>'),"
  echo "\"source_dir\": \"$top\","
  echo "\"build_dir\": \"$build\","
  echo "\"quick\": $quick"
  echo "}"
} >"$out/machine.json"
# The shared libraries each measured binary loads (the report explains start-up costs with them).
python3 "$top/bench/gen.py" libs "$out/libs.json" binfmtd="$build/daemon/binfmtd" \
  systemd-binfmt=/lib/systemd/systemd-binfmt floor="$build/bench/bench-floor"

log "idle wakeups: a daemon left alone for 60 s (in its own sandbox, alongside the rest)"
# (unshare execs the shell: $! is the sandbox's shell, which cleans up on SIGTERM)
"${prio[@]}" unshare --user --map-root-user --mount --propagation private bash "$top/bench/sandbox.sh" idle &
idle_pid=$!

log "boot registration"
sandbox boot
log "daemon: READY=1, restart, footprint, reaction latency, D-Bus"
sandbox daemon
log "D-Bus with 1000 runtime entries"
sandbox dbus1000
for n in 100 1000 10000; do
  log "scale: $n entries"
  sandbox scale "$n"
done
log "waiting for the idle measurement"
wait "$idle_pid"
idle_pid=''
echo "{\"seconds\": $(($(date +%s) - start)), \"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >"$out/run.json"

# The raw results stay next to the build, to check a number or re-render the report
# (python3 bench/report.py DIR) without measuring again; a quick trial keeps its own.
raw=$build/bench-out
[ "$quick" = 0 ] || raw=$build/bench-out-quick
rm -rf "$raw"
cp -r "$out" "$raw"
python3 "$top/bench/report.py" "$raw" >"$report.tmp"
mv "$report.tmp" "$report"
log "wrote $report ($(($(date +%s) - start)) s)"
