#!/usr/bin/env bash
# One benchmark section, inside its own sandbox: bench/run.sh starts it as
#   unshare --user --map-root-user --mount bench/sandbox.sh SECTION
# with BENCH_* set. Inside, a private binfmt_misc instance (Linux >= 6.7 gives each user
# namespace its own) is mounted at /proc/sys/fs/binfmt_misc, where systemd-binfmt and
# update-binfmts expect it; the host's table is never reached (checked below).
# Results go to $BENCH_OUT as JSON for bench/report.py.
set -Eeuo pipefail

die() { printf 'bench/sandbox.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '    %s\n' "$*" >&2; }

section=${1:?usage: sandbox.sh SECTION}
: "${BENCH_BUILD:?}" "${BENCH_OUT:?}" "${BENCH_OUTER_USERNS:?}" "${BENCH_SRC:?}"
[ "$(readlink /proc/self/ns/user)" != "$BENCH_OUTER_USERNS" ] \
  || die "not inside a new user namespace; refusing to mount binfmt_misc"

export LC_ALL=C
umask 022
BM=/proc/sys/fs/binfmt_misc
BINFMTD=$BENCH_BUILD/daemon/binfmtd
BINFMTCTL=$BENCH_BUILD/client/binfmtctl
TOOL=$BENCH_BUILD/bench/bench-tool
FLOOR=$BENCH_BUILD/bench/bench-floor
DBUS=$BENCH_BUILD/bench/bench-dbus
GEN=$BENCH_SRC/bench/gen.py
UB=${BENCH_UPDATE_BINFMTS:-}
OUT=$BENCH_OUT
Q=${BENCH_QUICK:-0}
# runs N QUICK_N: the number of repetitions (BENCH_QUICK=1 for a fast trial of the scripts)
runs() { if [ "$Q" = 1 ]; then echo "$2"; else echo "$1"; fi; }

T=$(mktemp -d -t binfmtd-bench.XXXXXXXX)
ROOT=$T/root
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.02; done; done
  umount "$ROOT/run" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
mkdir -p "$ROOT/etc/binfmtd.d" "$ROOT/run" "$T/interp"
# /run is a tmpfs on a real system (binfmtd keeps its state there): the same here.
mount -t tmpfs -o mode=0755 tmpfs "$ROOT/run"

mount -t binfmt_misc binfmt_misc "$BM" || die "cannot mount a private binfmt_misc instance (needs Linux >= 6.7)"
# shellcheck disable=SC2012 # binfmt_misc names, compared as ls sorts them
[ "$(ls -A "$BM" | tr '\n' ' ')" = "register status " ] || die "$BM is not a fresh, empty instance"
FRESH="umount $BM && mount -t binfmt_misc binfmt_misc $BM && rm -rf $ROOT/run/binfmtd"

# An interpreter binfmtd trusts: root-owned, 0755, in root-owned 0700 directories.
cp /bin/true "$T/interp/bench-interp"
chmod 0755 "$T/interp/bench-interp"

# presets: every qemu preset into $ROOT/etc/binfmtd.d (the list binfmtctl gave in $T/presets.json);
# prints how many of them binfmtd registers here.
presets() { python3 "$GEN" presets-toml "$BINFMTCTL" "$ROOT/etc/binfmtd.d/qemu.toml" "$T/presets.json"; }
# config_shape DIR: how many definition files DIR holds and how many entries they define, as JSON
config_shape() {
  printf '{"files": %s, "entries": %s}\n' "$(find "$1" -maxdepth 1 -name '*.toml' | wc -l)" \
    "$(cat "$1"/*.toml | grep -c '^\[' || true)"
}
entries() { find "$BM" -mindepth 1 -maxdepth 1 ! -name register ! -name status | wc -l; }
vmrss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
cpu_ns() { # PID: CPU time of all its threads so far, in ns
  cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%d\n", s}'
}
# dbus_cpu OUT_JSON CALLS TEST: bench-dbus TEST, plus the CPU time binfmtd and dbus-daemon spent on it
dbus_cpu() {
  local d0 b0 d1 b1
  d0=$(cpu_ns "$DPID") b0=$(cpu_ns "$BUSPID")
  "$DBUS" --calls "$2" --warmup 0 --out "$1" "$3"
  d1=$(cpu_ns "$DPID") b1=$(cpu_ns "$BUSPID")
  printf '{"calls": %s, "daemon_cpu_ns": %s, "bus_cpu_ns": %s}\n' "$2" $((d1 - d0)) $((b1 - b0)) >"${1%.json}-cpu.json"
}
ctxt() { # PID: voluntary + involuntary context switches of all its threads
  cat /proc/"$1"/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}'
}

# A system-bus-like private dbus-daemon: Debian's system.conf, own socket, no <user>, no
# activation, and binfmtd's own policy (systemd-units/org.binfmtd1.conf).
start_bus() {
  python3 - "$T/bus.conf" "$T/bus.sock" "$BENCH_SRC/systemd-units/org.binfmtd1.conf" <<'EOF'
import re, sys
conf = open("/usr/share/dbus-1/system.conf").read()
conf = re.sub(r"<!--.*?-->", "", conf, flags=re.S)
for tag in ("user", "pidfile", "servicehelper"):
    conf = re.sub(r"<%s>.*?</%s>" % (tag, tag), "", conf)
for tag in ("fork/", "syslog/", "standard_system_servicedirs/"):
    conf = conf.replace("<%s>" % tag, "")
conf = re.sub(r"<include[^>]*>.*?</include(dir)?>", "", conf)
conf = re.sub(r"<listen>.*?</listen>", "<listen>unix:path=%s</listen>" % sys.argv[2], conf)
conf = conf.replace("</busconfig>", "<include>%s</include>\n</busconfig>" % sys.argv[3])
open(sys.argv[1], "w").write(conf)
EOF
  local info
  info=$(dbus-daemon --config-file="$T/bus.conf" --fork --print-address=1 --print-pid=1 --nosyslog) \
    || die "cannot start a private dbus-daemon"
  DBUS_SYSTEM_BUS_ADDRESS=$(sed -n 1p <<<"$info")
  export DBUS_SYSTEM_BUS_ADDRESS
  BUSPID=$(sed -n 2p <<<"$info")
  PIDS+=("$BUSPID")
}

# start_daemon OUT_JSON ARGS...: binfmtd in the background until READY=1; sets DPID.
start_daemon() {
  local out=$1
  shift
  DPID=$("$TOOL" ready --runs 1 --keep --log "$T/binfmtd.log" --out "$out" -- \
    "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM" "$@")
  PIDS+=("$DPID")
}
stop_daemon() {
  kill "$DPID"
  while kill -0 "$DPID" 2>/dev/null; do sleep 0.01; done
}

# ---- boot registration: binfmtd --once vs systemd-binfmt vs update-binfmts vs the floor ----
section_boot() {
  presets >/dev/null
  cp "$T/presets.json" "$OUT/presets.json"
  "$BINFMTD" --once --root "$ROOT" --binfmt-dir "$BM" 2>/dev/null
  ls "$BM" >"$T/expected"
  local n
  n=$(entries)
  say "boot registration of $n entries"
  python3 "$GEN" lines "$BM" "$T/lines.txt"
  cp "$T/lines.txt" "$OUT/boot-lines.txt"
  # systemd-binfmt reads /etc/binfmt.d, /run/binfmt.d, /usr/local/lib/binfmt.d, /usr/lib/binfmt.d
  # (and /lib/binfmt.d, here a link into /usr): give it only the equivalent lines, in this
  # mount namespace only.
  python3 "$GEN" binfmt-d "$BM" "$T/binfmt.d"
  mkdir -p "$T/empty"
  local d
  for d in /run/binfmt.d /usr/local/lib/binfmt.d /usr/lib/binfmt.d; do
    [ -d "$d" ] && mount --bind "$T/empty" "$d"
  done
  mount --bind "$T/binfmt.d" /etc/binfmt.d
  [ "$(/lib/systemd/systemd-binfmt --cat-config | grep -c '^:')" = "$n" ] || die "systemd-binfmt does not see exactly $n lines"
  local cmds=(binfmtd "$BINFMTD --once --root $ROOT --binfmt-dir $BM"
              systemd-binfmt "/lib/systemd/systemd-binfmt")
  if [ -n "$UB" ]; then
    python3 "$GEN" binfmts "$BM" "$T/binfmts"
    mkdir -p "$T/admin"
    "$UB" --importdir "$T/binfmts" --admindir "$T/admin" --import >/dev/null 2>&1
    cmds+=(update-binfmts "$UB --importdir $T/binfmts --admindir $T/admin --enable")
  fi
  cmds+=(floor "$FLOOR $BM/register $T/lines.txt")
  local check="ls $BM | cmp -s - $T/expected"

  "$TOOL" run --runs "$(runs 80 5)" --warmup 3 --prepare "$FRESH" --check "$check" --out "$OUT/boot.json" "${cmds[@]}"
  # Again on a table that already holds every entry (binfmtd registered them).
  "$TOOL" run --runs "$(runs 30 3)" --warmup 1 --check "$check" \
    --prepare "$FRESH && $BINFMTD --once --root $ROOT --binfmt-dir $BM 2>/dev/null" \
    --out "$OUT/boot-rerun.json" "${cmds[@]:0:${#cmds[@]}-2}"

  # Syscalls (strace -c) and peak RSS (/usr/bin/time -v) of one fresh run each.
  local i name
  for ((i = 0; i < ${#cmds[@]}; i += 2)); do
    name=${cmds[i]}
    sh -c "$FRESH"
    # shellcheck disable=SC2086
    strace -f -c -o "$OUT/strace-boot-$name.txt" ${cmds[i + 1]} >/dev/null 2>&1
    sh -c "$FRESH"
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$OUT/time-boot-$name.txt" ${cmds[i + 1]} >/dev/null 2>&1
  done
  # Re-run with nothing to change: every open(2) under binfmt_misc, and the writes.
  sh -c "$FRESH"
  "$BINFMTD" --once --root "$ROOT" --binfmt-dir "$BM" 2>/dev/null
  strace -f -e trace=open,openat,openat2,creat,write -o "$OUT/strace-once-rerun.txt" \
    "$BINFMTD" --once --root "$ROOT" --binfmt-dir "$BM" 2>/dev/null
  # Where the time of a fresh --once goes: a call graph (valgrind callgrind, deterministic).
  if command -v valgrind >/dev/null; then
    sh -c "$FRESH"
    valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" \
      "$BINFMTD" --once --root "$ROOT" --binfmt-dir "$BM" >/dev/null 2>&1
    callgrind_annotate --inclusive=yes "$T/callgrind.out" 2>/dev/null | head -n 60 >"$OUT/callgrind-once.txt" || true
  fi
  # Time to main(): the same binary doing nothing (dynamic loading and static constructors).
  "$TOOL" run --runs "$(runs 40 5)" --warmup 3 --out "$OUT/startup.json" \
    binfmtd-version "$BINFMTD --version" \
    systemd-binfmt-version "/lib/systemd/systemd-binfmt --version" \
    true "/bin/true"
  # CPU time and page faults per process (perf's software counters; the hardware ones are not
  # available in this VM): where a fresh run's time goes when it is not the kernel's writes.
  if perf stat -e page-faults true >/dev/null 2>&1; then
    for ((i = 0; i < ${#cmds[@]}; i += 2)); do
      # shellcheck disable=SC2086
      perf stat -x, -e task-clock,page-faults -r "$(runs 30 3)" --pre "$FRESH" -o "$OUT/perf-boot-${cmds[i]}.txt" \
        ${cmds[i + 1]} >/dev/null 2>&1 || true
    done
    perf stat -x, -e task-clock,page-faults -r "$(runs 20 3)" -o "$OUT/perf-boot-binfmtd-version.txt" \
      "$BINFMTD" --version >/dev/null 2>&1 || true
    perf stat -x, -e task-clock,page-faults -r "$(runs 20 3)" -o "$OUT/perf-boot-true.txt" /bin/true >/dev/null 2>&1 || true
  fi
}

# ---- the daemon: READY=1, restart with nothing to change, footprint, reaction latency, D-Bus ----
section_daemon() {
  local n
  n=$(presets)
  start_bus
  # Start to READY=1 on an empty instance (every entry to register), without and with the bus.
  "$TOOL" ready --runs "$(runs 20 3)" --prepare "$FRESH" --out "$OUT/ready-fresh-nobus.json" -- \
    "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM" --no-bus
  "$TOOL" ready --runs "$(runs 20 3)" --prepare "$FRESH" --out "$OUT/ready-fresh-bus.json" -- \
    "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM"
  # Restart with nothing to change.
  [ "$(entries)" = "$n" ] || die "expected $n entries, found $(entries)"
  printf '{"entries": %s}\n' "$n" >"$OUT/daemon-entries.json"
  "$TOOL" ready --runs "$(runs 20 3)" --out "$OUT/ready-warm-nobus.json" -- \
    "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM" --no-bus
  "$TOOL" ready --runs "$(runs 20 3)" --out "$OUT/ready-warm-bus.json" -- \
    "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM"
  # ... under strace: every open and write of a restart with nothing to change.
  "$TOOL" ready --runs 1 --out "$T/ready-strace.json" -- \
    strace -f -e trace=open,openat,openat2,creat,write -o "$OUT/strace-daemon-rerun.txt" \
    "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM"

  # Footprint: idle RSS right after READY=1, then after the D-Bus load below.
  start_daemon "$T/r.json"
  sleep 1
  local rss_ready rss_nobus
  rss_ready=$(vmrss "$DPID")
  grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|Threads)' "/proc/$DPID/status" >"$OUT/status-ready.txt"
  cat "/proc/$DPID/smaps_rollup" >"$OUT/smaps-rollup-ready.txt"
  # Resident kB per mapped file (anonymous mappings as [anon]): what the RSS is made of.
  awk '/^[0-9a-f]+-[0-9a-f]+ / {f = ($6 == "" ? "[anon]" : $6)} /^Rss:/ {rss[f] += $2}
       END {for (f in rss) if (rss[f] > 0) print rss[f], f}' "/proc/$DPID/smaps" | sort -rn >"$OUT/smaps-ready.txt"

  # D-Bus: per-call latency with every preset defined (those of the host's family are not registered).
  say "D-Bus calls with the presets ($n registered)"
  "$DBUS" --calls "$(runs 5000 200)" --warmup 200 --out "$OUT/dbus-34.json" \
    ping list describe getentry:qemu-aarch64
  local l0 cycles
  cycles=$(runs 300 20)
  l0=$(wc -l <"$T/binfmtd.log")
  "$DBUS" --calls "$cycles" --warmup 10 --out "$OUT/dbus-34-regunreg.json" \
    "regunreg:bench-reg:bnchreg:$T/interp/bench-interp"
  sleep 0.3 # a debounced reconcile may follow the last cycle
  # Every reconcile logs "Reconciled:"; those a watcher started log "Reconciling: WHY" first.
  tail -n +"$((l0 + 1))" "$T/binfmtd.log" >"$T/regunreg.log"
  printf '{"cycles": %s, "reconciles": %s, "triggered": %s}\n' $((cycles + 10)) \
    "$(grep -c 'Reconciled:' "$T/regunreg.log" || true)" "$(grep -c 'Reconciling:' "$T/regunreg.log" || true)" \
    >"$OUT/regunreg-reconciles.json"
  sed -n 's/.*Reconciling: //p' "$T/regunreg.log" | sort | uniq -c >"$OUT/regunreg-reasons.txt"
  # binfmtctl list (a whole process) vs busctl call ... List, interleaved; and through hyperfine.
  "$TOOL" run --runs "$(runs 40 5)" --warmup 3 --out "$OUT/cli-34.json" \
    "binfmtctl list" "$BINFMTCTL list" \
    "binfmtctl --json list" "$BINFMTCTL --json list" \
    "busctl call List" "busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager List" \
    "busctl call Ping" "busctl --system call org.binfmtd1 /org/binfmtd1 org.freedesktop.DBus.Peer Ping"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --style none --warmup 3 --runs "$(runs 40 5)" --export-json "$OUT/hyperfine-cli-34.json" \
      "$BINFMTCTL list" \
      "busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager List" >/dev/null 2>&1
  fi
  grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|Threads)' "/proc/$DPID/status" >"$OUT/status-after-load.txt"
  stop_daemon
  start_daemon "$T/r.json" --no-bus
  sleep 1
  rss_nobus=$(vmrss "$DPID")
  stop_daemon
  printf '{"rss_ready_kb": %s, "rss_nobus_kb": %s}\n' "$rss_ready" "$rss_nobus" >"$OUT/footprint.json"

  # Reaction latency, with an F entry whose interpreter gets replaced.
  printf '[bench-f]\nextension = "bnchf"\ninterpreter = "%s"\nfix-binary = true\n' "$T/interp/bench-interp" \
    >"$ROOT/etc/binfmtd.d/bench-f.toml"
  local added="[bench-added]
extension = \"bnchadd\"
interpreter = \"$T/interp/bench-interp\"
"
  local debounce settle r
  for debounce in 0 100; do
    say "reaction latency, --debounce-ms $debounce"
    start_daemon "$T/r.json" --debounce-ms "$debounce"
    settle=$((debounce + 150))
    r=$(runs 20 3)
    "$TOOL" react --dir "$BM" --expect $((n + 1)) --runs "$r" --settle-ms "$settle" \
      --out "$OUT/react-$debounce-flush.json" flush
    "$TOOL" react --dir "$BM" --expect $((n + 1)) --runs "$r" --settle-ms "$settle" \
      --out "$OUT/react-$debounce-remove.json" remove qemu-aarch64
    "$TOOL" react --dir "$BM" --expect $((n + 1)) --runs "$r" --settle-ms "$settle" \
      --out "$OUT/react-$debounce-addconf.json" addconf "$ROOT/etc/binfmtd.d/zz-added.toml" bench-added "$added"
    "$TOOL" react --dir "$BM" --expect $((n + 1)) --runs "$r" --settle-ms "$settle" \
      --out "$OUT/react-$debounce-rename.json" rename "$T/interp/bench-interp" bench-f
    "$TOOL" react --dir "$BM" --expect $((n + 1)) --runs "$r" --settle-ms 300 \
      --out "$OUT/react-$debounce-mount.json" mount
    stop_daemon
  done
}

# ---- idle wakeups over 60 s (runs alongside the other sections, in its own sandbox) ----
section_idle() {
  presets >/dev/null
  start_bus
  start_daemon "$T/r.json"
  sleep 2
  local a b secs
  secs=$(runs 60 5)
  a=$(ctxt "$DPID")
  sleep "$secs" &
  PIDS+=($!)
  wait $! # (interruptible: SIGTERM cleans up at once)
  b=$(ctxt "$DPID")
  # reconciles: since the start, the first one included (its writes must not wake another).
  # shellcheck disable=SC2012 # counts the task ids (digits) of $DPID
  printf '{"seconds": %s, "ctxt_switches": %s, "threads": %s, "rss_kb": %s, "reconciles": %s, "entries": %s}\n' \
    "$secs" $((b - a)) "$(ls /proc/"$DPID"/task | wc -l)" "$(vmrss "$DPID")" \
    "$(grep -c 'Reconciled:' "$T/binfmtd.log" || true)" "$(entries)" >"$OUT/idle.json"
  stop_daemon
}

# ---- D-Bus with 1000 runtime entries (+ the presets) ----
section_dbus1000() {
  local n
  n=$(presets)
  python3 "$GEN" ext-toml 1000 "$ROOT/run/binfmtd.d" "$T/interp/bench-interp"
  config_shape "$ROOT/run/binfmtd.d" >"$OUT/dbus1000-config.json"
  start_bus
  start_daemon "$OUT/ready-1034.json"
  [ "$(entries)" = $((n + 1000)) ] || die "expected $((n + 1000)) entries, found $(entries)"
  say "D-Bus calls with 1000 runtime entries and the presets"
  "$DBUS" --calls "$(runs 1000 50)" --warmup 20 --out "$OUT/dbus-1034.json" ping list describe getentry:x00500
  printf '{"rss_kb": %s}\n' "$(vmrss "$DPID")" >"$OUT/footprint-1034.json"
  stop_daemon
}

# ---- scale: reconcile (--once) and List at 100, 1000, 10000 entries ----
section_scale() {
  local n=$1 r calls
  python3 "$GEN" ext-toml "$n" "$ROOT/etc/binfmtd.d" "$T/interp/bench-interp"
  config_shape "$ROOT/etc/binfmtd.d" >"$OUT/scale-$n-config.json"
  "$BINFMTD" --once --root "$ROOT" --binfmt-dir "$BM" 2>/dev/null
  [ "$(entries)" = "$n" ] || die "expected $n entries, found $(entries)"
  python3 "$GEN" lines "$BM" "$T/lines.txt"
  case $n in 100) r=20 calls=1000 ;; 1000) r=10 calls=300 ;; *) r=3 calls=20 ;; esac
  say "scale: $n entries"
  local once="$BINFMTD --once --root $ROOT --binfmt-dir $BM"
  "$TOOL" run --runs "$(runs $r 2)" --warmup 1 --prepare "$FRESH" --out "$OUT/scale-$n-fresh.json" \
    binfmtd "$once" floor "$FLOOR $BM/register $T/lines.txt"
  "$TOOL" run --runs "$(runs $r 2)" --warmup 1 --out "$OUT/scale-$n-noop.json" binfmtd "$once"
  if [ "$n" = 1000 ] && command -v valgrind >/dev/null; then
    # Where the per-entry time goes: a no-op reconcile of 1000 entries (callgrind), and its syscalls.
    # shellcheck disable=SC2086 # $once is a command line (one string for $TOOL), split here on purpose
    valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" $once >/dev/null 2>&1
    callgrind_annotate --inclusive=yes "$T/callgrind.out" 2>/dev/null | head -n 60 >"$OUT/callgrind-scale-1000-noop.txt" || true
    # shellcheck disable=SC2086 # as above
    strace -f -c -o "$OUT/strace-scale-1000-noop.txt" $once >/dev/null 2>&1
  fi
  start_bus
  start_daemon "$OUT/scale-$n-ready.json"
  "$DBUS" --calls 3 --warmup 0 --out "$T/warm.json" list describe
  dbus_cpu "$OUT/scale-$n-list.json" "$(runs $calls 5)" list
  dbus_cpu "$OUT/scale-$n-describe.json" "$(runs $calls 5)" describe
  printf '{"rss_kb": %s}\n' "$(vmrss "$DPID")" >"$OUT/scale-$n-footprint.json"
  stop_daemon
  if [ "$n" -ge 1000 ] && command -v valgrind >/dev/null; then
    # Instructions per List call, counted (callgrind, only inside BusService::List): unlike
    # wall or CPU time, not moved by caches or by other work on the machine.
    DPID=$("$TOOL" ready --runs 1 --keep --timeout-ms 120000 --log "$T/binfmtd.log" --out "$T/r.json" -- \
      valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*BusService::List*' \
      --callgrind-out-file="$T/callgrind-list.out" "$BINFMTD" --root "$ROOT" --binfmt-dir "$BM")
    PIDS+=("$DPID")
    "$DBUS" --calls 5 --warmup 0 --out "$T/list-cg.json" list
    stop_daemon
    { echo "calls: 5"; callgrind_annotate --inclusive=yes "$T/callgrind-list.out" 2>/dev/null | head -n 60; } \
      >"$OUT/callgrind-list-$n.txt" || true
  fi
}

case $section in
  boot) section_boot ;;
  daemon) section_daemon ;;
  idle) section_idle ;;
  dbus1000) section_dbus1000 ;;
  scale) section_scale "${2:?scale N}" ;;
  *) die "unknown section $section" ;;
esac
