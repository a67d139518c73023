#!/bin/bash
# Runs inside the booted guest (systemd as PID 1), started by binfmtd-boot-test.service once
# multi-user.target is reached. Each boot runs the next stage; results go to /results (bound
# from the host): stageN.ok when a stage passed, FAILED with the reason otherwise, and every
# check's output in checks.log. The stage ends the boot itself: reboot after stage 1,
# poweroff after stage 2 (and after any failure).
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

units=(/lib/systemd/system/binfmtd.service)

stage1() {
  check "dpkg -i enabled binfmtd.service the Debian way (run.sh then disabled it for this stage)"
  assert_eq enabled "$(cat $R/enabled-by-postinst)" "systemctl is-enabled right after dpkg -i"

  check "disabled: not started at boot"
  assert_eq disabled "$(systemctl is-enabled binfmtd || true)" "is-enabled"
  assert_eq inactive "$(systemctl is-active binfmtd || true)" "is-active of a disabled binfmtd"
  [ ! -e $B/boot-ext ] || fail "boot-ext is registered although binfmtd never ran"

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

  check "systemctl enable binfmtd"
  systemctl enable binfmtd
  assert_eq enabled "$(systemctl is-enabled binfmtd)" "is-enabled after enable"
  [ -L /etc/systemd/system/multi-user.target.wants/binfmtd.service ] || fail "enable made no multi-user.target.wants link"
  assert_eq inactive "$(systemctl is-active binfmtd || true)" "enable alone must not start it"

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
  entry_state() { binfmtctl --no-legend list | awk -v n="$1" '$1 == n { print $5 }'; }
  assert_eq pending "$(entry_state boot-ext)" "state of boot-ext without binfmt_misc"
  assert_eq false "$(busctl get-property org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Mounted | cut -d' ' -f2)" \
    "Mounted property without binfmt_misc"
  mount -t binfmt_misc binfmt_misc $B
  wait_until 5 test -e $B/boot-ext || fail "binfmtd did not register boot-ext on a binfmt_misc mounted after its start"
  # shellcheck disable=SC2016 # the script is for the inner sh, which expands it
  wait_until 5 sh -c '[ "$(binfmtctl --no-legend list | awk '"'"'$1 == "boot-magic" { print $5 }'"'"')" = active ]' \
    || fail "boot-magic did not become active: $(binfmtctl --no-legend list)"
  systemctl unmask --runtime --quiet proc-sys-fs-binfmt_misc.mount

  check "no unit failed"
  failed=$(systemctl list-units --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')
  [ -z "$failed" ] || fail "failed units: $failed"

  touch $R/stage2.ok
  sync
  echo "stage 2 passed; powering off"
  systemctl poweroff
}

"stage$stage"
