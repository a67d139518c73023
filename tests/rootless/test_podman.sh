# Rootless podman's containers use an instance of the user's own: `podman unshare` mounts
# binfmt_misc in podman's user namespace, binfmtd --user --binfmt-dir fills it from outside
# (through podman's pause process, where stat shows real owners), and a linux/arm64 container
# runs an aarch64 program, in podman's user namespace and in a child one (--uidmap). Before
# binfmtd registers anything the same container fails with "Exec format error". The account
# gets a subordinate id range for the test (removed with it).

command -v podman >/dev/null || fail "podman is missing (scripts/dev setup installs it)"
command -v newuidmap >/dev/null || fail "newuidmap is missing: install uidmap"

# A subordinate range above every one already given out, so that no other account's ids mix in.
top_id=200000
for f in /etc/subuid /etc/subgid; do
  [ -f "$f" ] || continue
  while IFS=: read -r _ start count; do
    [ -n "$count" ] && [ $((start + count)) -gt "$top_id" ] && top_id=$((start + count))
  done <"$f"
done
usermod --add-subuids "$top_id-$((top_id + 65535))" --add-subgids "$top_id-$((top_id + 65535))" "$TEST_USER"
assert_eq "$TEST_USER:$top_id:65536" "$(grep "^$TEST_USER:" /etc/subuid)" "the account's subordinate uids"

# podman's settings for this machine kind: no network (netavark cannot set up one here), no
# cgroups written, events to a file (no session bus to ask).
as_user mkdir -p "$UHOME/.config/containers" "$UHOME/.config/binfmtd.d"
# shellcheck disable=SC2016 # for the inner sh
as_user sh -c 'cat >"$1"' conf "$UHOME/.config/containers/containers.conf" <<'CONF'
[containers]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
printf '[qemu-aarch64]\npreset = "qemu-aarch64"\n' | uconf qemu.toml
mkdir "$T/image" && cp "$BIN/hello" "$T/image/hello" && tar -C "$T/image" -cf "$T/hello.tar" hello && chmod 0644 "$T/hello.tar"

# What the user runs. crun refuses a host with cgroup v1 controllers (this machine kind) even with
# --cgroups disabled; there, the session gets a cgroup2 mount of its own (a private mount
# namespace made by root before dropping to the user: nothing of binfmt_misc is mounted in it).
# shellcheck disable=SC2016 # for the user's sh
session='
set -e
run() { podman run --rm --pull=never --cgroups disabled --platform linux/arm64 "$@" localhost/hello:arm64 /hello 2>&1; }
outer=$(readlink /proc/self/ns/user)
podman import --quiet --arch arm64 --os linux "$1" localhost/hello:arm64 >/dev/null
# The instance: mounted in podman'"'"'s user namespace (never the one we are in).
podman unshare sh -c "[ \"\$(readlink /proc/self/ns/user)\" != \"$outer\" ] && mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc"
echo "empty: $(run || true)"
pause=$(cat "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid")
binfmtd --user --binfmt-dir "/proc/$pause/root/proc/sys/fs/binfmt_misc" 2>&1 | sed "s/^/binfmtd: /"
echo "entries: $(podman unshare ls /proc/sys/fs/binfmt_misc | tr "\n" " ")"
echo "unshare: $(podman unshare hello)"
echo "run: $(run)"
echo "uidmap: $(run --uidmap 0:1:1000)"
'
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
  out=$(as_user sh -c "$session" session "$T/hello.tar" 2>&1) || fail "the podman session failed: $out"
else
  # shellcheck disable=SC2016 # for the inner sh
  out=$(unshare --mount --cgroup --propagation private -- sh -c 'mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec "$@"' \
    cgroup2 "${AS_USER[@]}" sh -c "$session" session "$T/hello.tar" 2>&1) || fail "the podman session failed: $out"
fi
printf '%s\n' "$out"
assert_contains "$out" "empty: " "the session's output"
assert_contains "$(grep '^empty: ' <<<"$out")" "Exec format error" "a linux/arm64 container before binfmtd registered"
assert_contains "$out" "binfmtd: <6>Reconciled: 1 active, 0 disabled, 0 pending, 0 failed, 0 foreign" "binfmtd --user"
assert_contains "$out" "entries: qemu-aarch64 register status " "podman's instance"
assert_contains "$out" "unshare: aarch64" "the aarch64 program in podman unshare"
assert_contains "$out" "run: aarch64" "a linux/arm64 container"
assert_contains "$out" "uidmap: aarch64" "a linux/arm64 container in a child user namespace"
