#!/bin/bash
# Runs inside the booted guest (systemd as PID 1), started by binfmtd-boot-test.service once
# multi-user.target is reached. Each boot runs the next stage; results go to /results (bound
# from the host): stageN.ok when a stage passed, FAILED with the reason otherwise, and every
# check's output in checks.log. The stage ends the boot itself: reboot after stages 1 and 2,
# poweroff after stage 3 (and after any failure).
#   1. stock Debian with qemu-user-static, binfmtd not installed; then installed on the running
#      system, qemu-user-static reinstalled, removed and installed again;
#   2. a boot with binfmtd enabled: every other check; then `systemctl disable binfmtd`;
#   3. a boot with binfmtd disabled: stock behaviour; then binfmtd removed.
set -Eeuo pipefail
export LC_ALL=C SYSTEMD_PAGER='' SYSTEMD_COLORS=0

R=/results
LOG=$R/checks.log
exec >>"$LOG" 2>&1
B=/proc/sys/fs/binfmt_misc
D=/usr/local/lib/binfmtd-boot # the stub interpreter and test files (installed by run.sh)
USER_NAME=tester              # an unprivileged user without polkit rights
OPERATOR=operator1            # an unprivileged user a polkit rule grants org.binfmtd1.manage

stage=1
[ -e $R/stage1.ok ] && stage=2
[ -e $R/stage2.ok ] && stage=3
echo "=== stage $stage: $(date +%T.%N) (uptime $(cut -d' ' -f1 /proc/uptime)s) ==="

fail() {
  trap - ERR
  echo "FAIL: $*"
  {
    echo "--- systemctl status binfmtd ---"
    systemctl status --no-pager -l binfmtd || true
    echo "--- journal of binfmtd ---"
    journalctl -b --no-pager -o short-monotonic -u binfmtd || true
    echo "--- binfmt_misc mount ---"
    systemctl status --no-pager -l proc-sys-fs-binfmt_misc.mount proc-sys-fs-binfmt_misc.automount || true
    findmnt -R /proc/sys || true
    echo "--- failed units ---"
    systemctl --failed --no-pager || true
  } 2>&1
  printf 'stage %s: %s\n' "$stage" "$*" >$R/FAILED
  sync
  systemctl poweroff
  exit 1
}
trap 'fail "unexpected error (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

check() { echo "--- $*"; }
assert_eq() { [ "$1" = "$2" ] || fail "$3: expected [$1], got [$2]"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in: $1"; }
prop() { systemctl show -P "$2" "$1"; }
# wait_until SECONDS COMMAND...: polls every 50 ms.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}
kernel_field() { sed -n "s/^$2 //p" "$B/$1" 2>/dev/null; }
run_as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups --reset-env "$@"; }
json_has() { grep -q "$1" <<<"$2"; }

units=(/lib/systemd/system/binfmtd.service /lib/systemd/system/binfmtd-early.service)
DEBS=/var/local/binfmtd-boot-debs # binfmtd's package and Debian's qemu-user-static (run.sh, rootfs.sh)
FOREIGN=hand-foreign              # an entry registered by hand, which no source declares
OWN=(boot-ext boot-magic boot-reload)

# The entry names the installed binfmt.d files declare (Debian's lines all use ':').
declared_names() { cat /usr/lib/binfmt.d/*.conf 2>/dev/null | awk -F: '/^:/ { print $2 }'; }
entry_state() { binfmtctl --no-legend list | awk -v n="$1" '$1 == n { print $5 }'; }
state_is() { [ "$(entry_state "$2")" = "$1" ]; } # STATE NAME ("": not listed)
qemu_gone() { ! compgen -G "$B/qemu-*" >/dev/null; }
missing_from_kernel() { local n; for n in "$@"; do [ -e "$B/$n" ] || printf '%s ' "$n"; done; }
# Every name given is listed by binfmtd as active, and binfmtd lists nothing failed.
all_active() {
  local out n
  out=$(binfmtctl --no-legend list 2>/dev/null) || return 1
  awk '$5 == "failed" { bad = 1 } END { exit bad }' <<<"$out" || return 1
  for n in "$@"; do [ "$(awk -v n="$n" '$1 == n { print $5 }' <<<"$out")" = active ] || return 1; done
}
converged() { # NAME...: waits for all_active, fails with binfmtd's list otherwise
  wait_until 20 all_active "$@" || fail "not every entry became active (0 failed): $(binfmtctl --no-legend list 2>&1)"
}

# poll_table OUT NAME...: until $OUT.stop exists, every round that finds a NAME missing from the
# kernel appends "TIME NAME..." to OUT; the number of rounds goes to OUT.rounds. During a gapless
# re-registration (an F entry repinned) the entry is for a moment in the kernel under its
# stand-in's name, NAME.binfmtd-swap: that counts as there, and is counted in OUT.swaps.
poll_table() {
  local out=$1 rounds=0 swaps=0 n miss
  shift
  : >"$out"
  while [ ! -e "$out.stop" ]; do
    miss=''
    for n in "$@"; do
      [ -e "$B/$n" ] && continue
      # The name again after the stand-in: the swap may have ended between the first two looks.
      if compgen -G "$B/$n.binfmtd-swap*" >/dev/null; then swaps=$((swaps + 1)); elif [ ! -e "$B/$n" ]; then miss+=" $n"; fi
    done
    [ -z "$miss" ] || echo "$EPOCHREALTIME$miss" >>"$out"
    rounds=$((rounds + 1))
  done
  echo $rounds >"$out.rounds"
  echo $swaps >"$out.swaps"
}
# exec_loop OUT: until $OUT.stop exists, runs an aarch64 program through qemu-aarch64's entry;
# every run that fails appends its time to OUT; the number of runs goes to OUT.runs.
exec_loop() {
  local out=$1 runs=0
  : >"$out"
  while [ ! -e "$out.stop" ]; do
    [ "$($D/hello-aarch64 2>&1)" = aarch64 ] || echo "$EPOCHREALTIME" >>"$out"
    runs=$((runs + 1))
  done
  echo $runs >"$out.runs"
}
# with_table_polled WHAT COMMAND...: runs COMMAND while the declared entries are polled, then
# reports how many went missing and for how long; fails if any did.
with_table_polled() {
  local what=$1 out=/run/binfmtd-boot-poll t0 t1 poller execer
  shift
  local n names=()
  # The entries declared and registered before: none of them may go missing.
  for n in $(declared_names) "${OWN[@]}"; do [ ! -e "$B/$n" ] || names+=("$n"); done
  rm -f $out.stop $out.exec.stop
  poll_table $out "${names[@]}" &
  poller=$!
  exec_loop $out.exec &
  execer=$!
  t0=$EPOCHREALTIME
  stop_polls() { touch $out.stop $out.exec.stop; wait $poller $execer; }
  "$@" >>$R/apt.log 2>&1 || { stop_polls; fail "$what failed: $(tail -n 20 $R/apt.log)"; }
  mapfile -t declared < <(declared_names)
  converged "${declared[@]}" "${OWN[@]}"
  t1=$EPOCHREALTIME
  stop_polls
  local gone longest
  gone=$(cut -d' ' -f2- $out | tr ' ' '\n' | sort -u | tr '\n' ' ')
  longest=$(awk '{ for (i = 2; i <= NF; i++) { if (!($i in first)) first[$i] = $1; last[$i] = $1 } }
    END { m = 0; for (n in first) if (last[n] - first[n] > m) m = last[n] - first[n]; printf "%.1f", m * 1000 }' $out)
  echo "table during $what: $(cat $out.rounds) polls of ${#names[@]} entries in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')s;" \
    "$(wc -l <$out) polls found an entry missing [${gone% }], longest ${longest} ms;" \
    "$(cat $out.swaps) sightings of a stand-in; $(cat $out.exec.runs) runs of an aarch64 program, $(wc -l <$out.exec) failed"
  [ ! -s $out ] || fail "entries were missing from the kernel during $what: [${gone% }] (longest ${longest} ms)"
  [ ! -s $out.exec ] || fail "an aarch64 program failed to run $(wc -l <$out.exec) times during $what"
}

stage1() {
  check "stock Debian: systemd-binfmt registered qemu-user-static's and python3.11's binfmt.d entries at boot"
  assert_eq active "$(prop systemd-binfmt.service ActiveState)" "systemd-binfmt.service before binfmtd is installed"
  mapfile -t declared < <(declared_names)
  [ ${#declared[@]} -gt 20 ] || fail "too few binfmt.d entries: ${declared[*]}"
  [[ " ${declared[*]} " == *" python3.11 "* ]] || fail "python3.11-minimal's binfmt.d entry is missing: ${declared[*]}"
  assert_eq "" "$(missing_from_kernel "${declared[@]}")" "binfmt.d entries systemd-binfmt did not register"
  [ ! -e $B/boot-ext ] || fail "boot-ext is registered although binfmtd is not installed"
  echo ":$FOREIGN:E::handforeign::$D/interp:" >$B/register

  check "binfmtd installed on the running system: enabled and started by its maintainer scripts"
  with_table_polled "apt-get install ./binfmtd.deb" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y $DEBS/binfmtd.deb
  assert_eq enabled "$(systemctl is-enabled binfmtd)" "is-enabled binfmtd after the installation"
  assert_eq enabled "$(systemctl is-enabled binfmtd-early)" "is-enabled binfmtd-early after the installation"
  assert_eq active "$(prop binfmtd ActiveState)" "binfmtd after the installation"
  converged "${declared[@]}" "${OWN[@]}"
  [ -e $B/$FOREIGN ] || fail "installing binfmtd removed the hand-registered $FOREIGN"
  # Still active from the boot: the drop-in must defuse the stop of this very instance.
  assert_eq active "$(prop systemd-binfmt.service ActiveState)" "systemd-binfmt.service after binfmtd's installation"
  assert_contains "$(prop systemd-binfmt.service DropInPaths)" binfmtd.conf "systemd-binfmt.service's drop-ins"

  check "apt-get install --reinstall qemu-user-static (its trigger try-restarts systemd-binfmt) while the table is polled"
  since=$(date '+%F %T')
  with_table_polled "the reinstallation of qemu-user-static" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall $DEBS/qemu-user-static_*.deb
  assert_contains "$(journalctl -b --no-pager -u systemd-binfmt --since "$since")" "not flushed" "systemd-binfmt's journal"
  [ -e $B/$FOREIGN ] || fail "the reinstallation of qemu-user-static removed the hand-registered $FOREIGN"
  # F entries pin the reinstalled files (the old ones are gone: dpkg replaced them).
  for e in qemu-aarch64 qemu-arm; do
    json=$(binfmtctl --json status $e)
    json_has '"pinned-stale": *false' "$json" || fail "$e pins a file the reinstallation replaced: $json"
  done

  check "apt-get remove qemu-user-static: its entries go, every other stays"
  env DEBIAN_FRONTEND=noninteractive apt-get remove -y qemu-user-static >>$R/apt.log 2>&1
  wait_until 20 qemu_gone || fail "qemu entries are still registered: $(ls $B)"
  converged python3.11 "${OWN[@]}"
  [ -e $B/$FOREIGN ] || fail "the removal of qemu-user-static removed the hand-registered $FOREIGN"
  check "installed again: every entry back"
  env DEBIAN_FRONTEND=noninteractive apt-get install -y $DEBS/qemu-user-static_*.deb >>$R/apt.log 2>&1
  converged "${declared[@]}" "${OWN[@]}"
  [ -e $B/$FOREIGN ] || fail "the installation of qemu-user-static removed the hand-registered $FOREIGN"

  check "systemd-analyze verify: every unit the package installs"
  for u in "${units[@]}"; do
    out=$(systemd-analyze verify "$u" 2>&1) || fail "systemd-analyze verify $u failed: $out"
    [ -z "$out" ] || fail "systemd-analyze verify $u is not clean: $out"
  done
  check "the D-Bus activation file names the unit"
  assert_contains "$(cat /usr/share/dbus-1/system-services/org.binfmtd1.service)" "SystemdService=binfmtd.service" \
    "org.binfmtd1.service"

  check "systemd-analyze security"
  systemd-analyze security --no-pager binfmtd.service >$R/security.txt 2>&1 || true
  score=$(sed -n 's/.*Overall exposure level for binfmtd.service: \([0-9.]*\).*/\1/p' $R/security.txt)
  [ -n "$score" ] || fail "no exposure score: $(tail -n 3 $R/security.txt)"
  echo "exposure: $score"
  awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure $score is above 2.0"

  touch $R/stage1.ok
  sync
  echo "stage 1 passed; rebooting"
  systemctl reboot
}

stage2() {
  check "binfmtd started at boot, before multi-user.target was reached"
  assert_eq active "$(prop binfmtd ActiveState)" "ActiveState"
  assert_eq running "$(prop binfmtd SubState)" "SubState"
  status=$(systemctl status --no-pager binfmtd || true)
  assert_contains "$status" "Active: active (running)" "systemctl status binfmtd"
  enter=$(prop binfmtd ActiveEnterTimestampMonotonic)
  target=$(prop multi-user.target ActiveEnterTimestampMonotonic)
  { [ "$enter" -gt 0 ] && [ "$enter" -le "$target" ]; } \
    || fail "binfmtd became active at $enter us, multi-user.target at $target us"
  # Type=notify: `active` means READY=1 arrived; STATUS= carries the summary.
  text=$(prop binfmtd StatusText)
  echo "StatusText=$text"
  [ -n "$text" ] || fail "binfmtd sent no STATUS="
  assert_eq 0 "$(prop binfmtd NRestarts)" "NRestarts"
  assert_eq 1min "$(prop binfmtd WatchdogUSec)" "WatchdogUSec"

  check "binfmtd-early.service registered every source's entries before sysinit.target; systemd-binfmt stood aside"
  assert_eq success "$(prop binfmtd-early Result)" "binfmtd-early's result"
  done_at=$(prop binfmtd-early ExecMainExitTimestampMonotonic)
  sysinit=$(prop sysinit.target ActiveEnterTimestampMonotonic)
  { [ "$done_at" -gt 0 ] && [ "$done_at" -le "$sysinit" ]; } \
    || fail "binfmtd-early finished at $done_at us, sysinit.target was reached at $sysinit us"
  assert_eq inactive "$(prop systemd-binfmt.service ActiveState)" "systemd-binfmt.service with binfmtd enabled"
  assert_eq exec-condition "$(prop systemd-binfmt.service Result)" "systemd-binfmt.service's result"
  mapfile -t declared < <(declared_names)
  converged "${declared[@]}" "${OWN[@]}"
  first=$(journalctl -b --no-pager -u binfmtd -o cat | grep -m1 '^Reconciled: ' || true)
  assert_contains "$first" "0 writes to binfmt_misc" "binfmtd.service's first reconcile after binfmtd-early"

  check "binfmt_misc mounted in the guest's own namespace by proc-sys-fs-binfmt_misc.mount"
  assert_eq active "$(prop proc-sys-fs-binfmt_misc.mount ActiveState)" "proc-sys-fs-binfmt_misc.mount"
  assert_eq binfmt_misc "$(findmnt -n -o FSTYPE --mountpoint $B | head -n1)" "file system at $B"

  check "the entries of /etc/binfmtd.d are in the kernel right after boot"
  for e in boot-ext boot-magic boot-reload; do
    [ -e $B/$e ] || fail "$e is not registered in the kernel: $(ls $B)"
    assert_eq enabled "$(head -n1 $B/$e)" "kernel state of $e"
    assert_eq $D/interp "$(kernel_field $e interpreter)" "interpreter of $e"
  done
  assert_eq .boottest "$(kernel_field boot-ext extension)" "extension of boot-ext"
  assert_eq 424f4f544d41474943 "$(kernel_field boot-magic magic)" "magic of boot-magic"
  assert_eq F "$(kernel_field boot-magic flags:)" "flags of boot-magic"
  assert_eq .reloadone "$(kernel_field boot-reload extension)" "extension of boot-reload"

  check "the hardening is in force on the process that wrote them"
  pid=$(prop binfmtd MainPID)
  st=$(cat "/proc/$pid/status")
  assert_contains "$st" $'CapEff:\t0000000000000000' "effective capabilities of binfmtd"
  assert_contains "$st" $'CapBnd:\t0000000000000000' "capability bounding set of binfmtd"
  assert_contains "$st" $'NoNewPrivs:\t1' "NoNewPrivs of binfmtd"
  assert_contains "$st" $'Seccomp:\t2' "seccomp filter mode of binfmtd"
  [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/1/ns/mnt)" ] || fail "binfmtd shares PID 1's mount namespace"
  [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/1/ns/user)" ] || fail "binfmtd shares PID 1's user namespace (PrivateUsers=)"
  [ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/1/ns/net)" ] || fail "binfmtd shares PID 1's network namespace"
  # ProtectSystem=strict: read-only outside the three directories it writes.
  assert_contains "$(nsenter -t "$pid" -m findmnt -n -o OPTIONS -T /usr)" ro "/usr as binfmtd sees it"
  assert_contains "$(nsenter -t "$pid" -m findmnt -n -o OPTIONS -T /etc/binfmtd.d)" rw "/etc/binfmtd.d as binfmtd sees it"
  assert_contains "$(nsenter -t "$pid" -m findmnt -n -o OPTIONS -T /etc/passwd)" ro "/etc as binfmtd sees it"
  assert_contains "$(nsenter -t "$pid" -m findmnt -n -o OPTIONS -T /sys/fs/cgroup)" ro "/sys as binfmtd sees it"
  # Kernel tunables protected by hand (not ProtectKernelTunables=): their own read-only mounts.
  for p in /proc/sys/kernel /proc/sys/vm /proc/sys/fs/protected_symlinks /proc/sys/fs/suid_dumpable /proc/sysrq-trigger; do
    [ -e $p ] || continue # nspawn hides some
    opts=$(nsenter -t "$pid" -m findmnt -n -o OPTIONS --mountpoint $p | tail -n1)
    assert_contains "$opts" ro "$p as binfmtd sees it (its own read-only mount)"
  done
  assert_contains "$(nsenter -t "$pid" -m findmnt -n -o OPTIONS --mountpoint $B | head -n1)" rw "$B as binfmtd sees it"
  # The host's binfmt_misc mount, not a fresh /proc without it (ProtectProc= and friends).
  assert_eq binfmt_misc "$(nsenter -t "$pid" -m findmnt -n -o FSTYPE --mountpoint $B | head -n1)" \
    "$B as binfmtd sees it"

  check "binfmtd holds binfmt_misc: unmounting it fails while binfmtd runs"
  rc=0
  out=$(umount $B 2>&1) || rc=$?
  [ $rc -ne 0 ] || fail "umount $B succeeded while binfmtd runs"
  assert_contains "$out" busy "umount $B"

  check "binfmtctl list over the system bus, as root"
  out=$(binfmtctl --no-legend list)
  echo "$out"
  for e in boot-ext boot-magic boot-reload; do
    line=$(awk -v n=$e '$1 == n' <<<"$out")
    [ -n "$line" ] || fail "binfmtctl list has no $e: $out"
    assert_contains "$line" active "binfmtctl list line of $e"
  done

  check "binfmtctl list and status as an unprivileged user"
  out=$(run_as $USER_NAME binfmtctl --no-legend list) || fail "binfmtctl list as $USER_NAME failed"
  assert_contains "$(awk '$1 == "boot-ext"' <<<"$out")" active "binfmtctl list as $USER_NAME"
  json=$(run_as $USER_NAME binfmtctl --json status boot-magic) || fail "binfmtctl status as $USER_NAME failed"
  json_has '"state": *"active"' "$json" || fail "status boot-magic as $USER_NAME: $json"

  check "an unprivileged user's register is denied (exit 4), nothing registered"
  rc=0
  out=$(run_as $USER_NAME binfmtctl register boot-denied --extension denied --interpreter $D/interp 2>&1) || rc=$?
  echo "$out"
  assert_eq 4 $rc "exit code of register as $USER_NAME"
  [ ! -e $B/boot-denied ] || fail "boot-denied got registered for $USER_NAME"
  rc=0
  run_as $USER_NAME binfmtctl reload || rc=$?
  assert_eq 4 $rc "exit code of reload as $USER_NAME"

  check "polkit: a user granted org.binfmtd1.manage by a rule may register"
  run_as $OPERATOR binfmtctl register boot-operator --extension operator --interpreter $D/interp \
    || fail "register as $OPERATOR (polkit rule) failed"
  assert_eq .operator "$(kernel_field boot-operator extension)" "extension of boot-operator"
  run_as $OPERATOR binfmtctl unregister boot-operator || fail "unregister as $OPERATOR failed"
  [ ! -e $B/boot-operator ] || fail "boot-operator is still registered"

  check "a file matched by an entry executes through its interpreter"
  mkdir -p /var/tmp/boot && printf 'just data\n' >/var/tmp/boot/hello.boottest
  printf 'BOOTMAGIC and more\n' >/var/tmp/boot/magic.bin
  chmod 0755 /var/tmp/boot/hello.boottest /var/tmp/boot/magic.bin
  out=$(/var/tmp/boot/hello.boottest one two)
  assert_eq "stub interp: /var/tmp/boot/hello.boottest one two" "$out" "running hello.boottest"
  out=$(run_as $USER_NAME /var/tmp/boot/magic.bin three)
  assert_eq "stub interp: /var/tmp/boot/magic.bin three" "$out" "running magic.bin as $USER_NAME"
  out=$(binfmtctl which /var/tmp/boot/magic.bin)
  assert_contains "$out" boot-magic "binfmtctl which"

  check "the hardened daemon writes binfmt_misc at run time: register, and repair of a removed entry"
  binfmtctl register boot-runtime --extension runtime --interpreter $D/interp
  assert_eq .runtime "$(kernel_field boot-runtime extension)" "extension of boot-runtime"
  [ -f /run/binfmtd.d/boot-runtime.toml ] || fail "Register wrote no /run/binfmtd.d/boot-runtime.toml"
  binfmtctl register boot-persist --extension persist --interpreter $D/interp --persist
  [ -f /etc/binfmtd.d/boot-persist.toml ] || fail "Register --persist wrote no /etc/binfmtd.d/boot-persist.toml"
  echo -1 >$B/boot-ext # someone else removes it
  wait_until 5 test -e $B/boot-ext || fail "binfmtd did not restore boot-ext"
  binfmtctl unregister boot-runtime
  [ ! -e $B/boot-runtime ] || fail "boot-runtime is still registered"
  binfmtctl unregister boot-persist --persist
  [ ! -e /etc/binfmtd.d/boot-persist.toml ] || fail "unregister --persist left /etc/binfmtd.d/boot-persist.toml"

  check "systemctl reload applies a configuration change"
  # /etc/binfmtd.d/reload.toml is a symlink into /srv: editing its target makes no inotify event
  # in a configuration directory, so only the reload can apply it.
  sleep 1 # let the reconciles the steps above caused (debounced, 100 ms) run first
  sed -i 's/reloadone/reloadtwo/' /srv/binfmtd-boot/reload.toml
  sleep 1 # ten times the debounce: had a watcher seen it, it would be applied by now
  assert_eq .reloadone "$(kernel_field boot-reload extension)" "extension of boot-reload before the reload"
  since=$(date '+%F %T')
  systemctl reload binfmtd
  wait_until 5 sh -c "grep -qx 'extension .reloadtwo' $B/boot-reload" \
    || fail "systemctl reload did not apply the change: $(cat $B/boot-reload 2>&1)"
  assert_contains "$(journalctl -b --no-pager -u binfmtd --since "$since")" "Reloading (SIGHUP)" "journal after reload"
  # shellcheck disable=SC2016 # the script is for the inner sh, which expands it
  wait_until 5 sh -c '[ "$(systemctl show -P ActiveState binfmtd)" = active ]' || fail "binfmtd not active after reload"
  assert_eq 0 "$(prop binfmtd NRestarts)" "NRestarts after reload"

  check "stopping binfmtd leaves its entries registered; D-Bus activation starts it again"
  systemctl stop binfmtd
  [ -e $B/boot-ext ] || fail "stopping binfmtd removed boot-ext"
  out=$(run_as $USER_NAME binfmtctl --no-legend list) || fail "binfmtctl list (bus activation) failed"
  assert_contains "$(awk '$1 == "boot-ext"' <<<"$out")" active "binfmtctl list after bus activation"
  assert_eq active "$(prop binfmtd ActiveState)" "ActiveState after bus activation"

  check "the journal: no warning about binfmtd.service from systemd, no error from binfmtd"
  warn=$(journalctl -b --no-pager -p warning -u binfmtd -o cat || true)
  echo "$warn"
  [ -z "$warn" ] || fail "warnings or errors in binfmtd's journal: $warn"

  check "binfmt_misc mounted after binfmtd started: mounts propagate into its sandbox"
  systemctl stop binfmtd
  while findmnt --mountpoint $B >/dev/null; do umount $B; done # the instance goes with its last mount
  [ ! -e $B/register ] || fail "binfmt_misc is still mounted at $B"
  systemctl mask --runtime --quiet proc-sys-fs-binfmt_misc.mount # so that starting binfmtd mounts nothing
  systemctl start binfmtd
  assert_eq pending "$(entry_state boot-ext)" "state of boot-ext without binfmt_misc"
  assert_eq false "$(busctl get-property org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Mounted | cut -d' ' -f2)" \
    "Mounted property without binfmt_misc"
  mount -t binfmt_misc binfmt_misc $B
  wait_until 5 test -e $B/boot-ext || fail "binfmtd did not register boot-ext on a binfmt_misc mounted after its start"
  # shellcheck disable=SC2016 # the script is for the inner sh, which expands it
  wait_until 5 sh -c '[ "$(binfmtctl --no-legend list | awk '"'"'$1 == "boot-magic" { print $5 }'"'"')" = active ]' \
    || fail "boot-magic did not become active: $(binfmtctl --no-legend list)"
  systemctl unmask --runtime --quiet proc-sys-fs-binfmt_misc.mount

  check "a binfmt.d line binfmtd refuses (an interpreter a user may modify) is failed, with the reason"
  install -m 0755 -o $USER_NAME $D/interp /home/$USER_NAME/interp
  echo ":boot-refused:E::refused::/home/$USER_NAME/interp:" >/etc/binfmt.d/boot-refused.conf
  wait_until 10 state_is failed boot-refused || fail "boot-refused is not failed: $(binfmtctl --no-legend list)"
  [ ! -e $B/boot-refused ] || fail "boot-refused got registered"
  out=$(binfmtctl status boot-refused || true)
  assert_contains "$out" "/home/$USER_NAME/interp" "binfmtctl status boot-refused"
  rc=0
  out=$(binfmtctl validate 2>&1) || rc=$?
  assert_eq 1 $rc "exit code of binfmtctl validate with the refused line"
  assert_contains "$out" "/etc/binfmt.d/boot-refused.conf:1" "binfmtctl validate"
  rm /etc/binfmt.d/boot-refused.conf
  wait_until 10 state_is "" boot-refused || fail "boot-refused is still listed: $(binfmtctl --no-legend list)"

  check "no unit failed"
  failed=$(systemctl list-units --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')
  [ -z "$failed" ] || fail "failed units: $failed"

  check "systemctl disable binfmtd disables its boot-time pass too"
  systemctl disable binfmtd
  assert_eq disabled "$(systemctl is-enabled binfmtd-early || true)" "is-enabled binfmtd-early after disable binfmtd"

  touch $R/stage2.ok
  sync
  echo "stage 2 passed; rebooting"
  systemctl reboot
}

stage3() {
  check "binfmtd disabled: not started at boot; stock systemd-binfmt registered binfmt.d's entries"
  assert_eq inactive "$(systemctl is-active binfmtd || true)" "is-active of a disabled binfmtd"
  assert_eq 0 "$(prop binfmtd-early ExecMainStartTimestampMonotonic)" "binfmtd-early's start time (it must not run)"
  assert_eq active "$(prop systemd-binfmt.service ActiveState)" "systemd-binfmt.service with binfmtd disabled"
  mapfile -t declared < <(declared_names)
  assert_eq "" "$(missing_from_kernel "${declared[@]}")" "binfmt.d entries systemd-binfmt did not register"
  [ ! -e $B/boot-ext ] || fail "boot-ext is registered although binfmtd is disabled"

  check "binfmtd removed: systemd-binfmt's drop-in goes with it, its stop flushes again as shipped"
  env DEBIAN_FRONTEND=noninteractive apt-get remove -y binfmtd >>$R/apt.log 2>&1
  [ ! -e /lib/systemd/system/systemd-binfmt.service.d/binfmtd.conf ] || fail "the drop-in outlived the package"
  echo ":$FOREIGN:E::handforeign::$D/interp:" >$B/register
  systemctl restart systemd-binfmt.service
  [ ! -e $B/$FOREIGN ] || fail "systemd-binfmt's restart kept $FOREIGN: the stock flush did not come back"
  assert_eq "" "$(missing_from_kernel "${declared[@]}")" "binfmt.d entries after systemd-binfmt's restart"

  touch $R/stage3.ok
  sync
  echo "stage 3 passed; powering off"
  systemctl poweroff
}

"stage$stage"
