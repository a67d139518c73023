# An interpreter path through procfs (/proc/self/..., /proc/PID/..., /dev/fd, /dev/std*, or a
# symlink to any of them) names what the process that runs the file sees, not what binfmtd
# checked: it is refused from configuration, F entries included, and from Register.

stub_interpreter "$T/bin/stub"
mkdir -p "$T/links"
ln -s /proc/self/cwd/usr/bin/python3 "$T/links/py"
n=0
for interp in /proc/self/cwd/usr/bin/python3 /proc/thread-self/root/bin/sh /dev/fd/3 /dev/stdin "$T/links/py"; do
  n=$((n + 1))
  printf '[via-%s]\nextension = "v%s"\ninterpreter = "%s"\ncredentials = true\n' "$n" "$n" "$interp" | conf "via-$n.toml"
done
printf '[pinned]\nextension = "pin"\ninterpreter = "/proc/self/root/bin/sh"\nfix-binary = true\n' | conf pinned.toml
printf '[fine]\nextension = "fine"\ninterpreter = "%s"\n' "$T/bin/stub" | conf fine.toml

expect_binfmtd 1
assert_registered fine
for i in $(seq 1 "$n") pinned; do
  name=$i
  [ "$i" = pinned ] || name=via-$i
  assert_not_registered "$name"
done
assert_log "via-1: failed: interpreter \"/proc/self/cwd/usr/bin/python3\": \"/proc\" is on procfs"
assert_log "pinned: failed: interpreter \"/proc/self/root/bin/sh\""

# Register over D-Bus: UnsafeInterpreter, and nothing written.
start_daemon
watch_errors
try_manager Register 'sa{sv}a{sv}' viaproc 2 extension s vp interpreter s /proc/self/cwd/usr/bin/python3 0
assert_error org.binfmtd1.Error.UnsafeInterpreter "Register with an interpreter under /proc/self"
assert_contains "$BUS_ERR" "procfs" "busctl's message for Register with an interpreter under /proc/self"
assert_not_registered viaproc
[ ! -e "$ROOT/run/binfmtd.d/viaproc.toml" ] || fail "a refused Register left run/binfmtd.d/viaproc.toml"
