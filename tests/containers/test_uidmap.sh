# A container in a child user namespace (podman --uidmap) runs arm64 programs through the
# sandbox's binfmt_misc instance: the kernel uses the nearest ancestor user namespace that has
# one. A child namespace that mounts its own, empty instance gets "Exec format error", which
# shows the entries really come from binfmtd's instance and nowhere else.

stage "import"
import_image arm64
sandbox_userns=$(readlink /proc/self/ns/user)

stage "run --uidmap"
out=$(pm run "${RUN_OPTS[@]}" --platform linux/arm64 --uidmap 0:1:65535 --gidmap 0:1:65535 localhost/binfmtd-ct:arm64 \
  sh -c 'uname -m; tr -s " " </proc/self/uid_map; readlink /proc/self/ns/user; id -u')
mapfile -t lines <<<"$out"
assert_eq aarch64 "${lines[0]}" "uname -m in the --uidmap container (output: $out)"
assert_eq " 0 1 65535" "${lines[1]}" "the container's uid map: its root is the sandbox's uid 1 (output: $out)"
[ "${lines[2]}" != "$sandbox_userns" ] || fail "the --uidmap container runs in the sandbox's own user namespace: $out"
assert_eq 0 "${lines[3]}" "uid inside the --uidmap container"

stage "child namespaces"
unpack_rootfs arm64 "$T/arm64"
# Without an instance of its own, a child user namespace uses the sandbox's.
assert_eq aarch64 "$(unshare --user --map-root-user --mount chroot "$T/arm64" uname -m)" "uname -m in a child user namespace"
# With one (empty), nothing handles arm64 there.
mkdir -p "$T/child-binfmt"
# shellcheck disable=SC2016 # for the inner sh
run_file unshare --user --map-root-user --mount sh -c \
  'mount -t binfmt_misc binfmt_misc "$1" && ls "$1" | tr "\n" " " && chroot "$2" uname -m' child "$T/child-binfmt" "$T/arm64"
assert_contains "$OUT" "register status" "the child's own binfmt_misc instance is empty (output: $OUT)"
assert_contains "$OUT" "Exec format error" "uname -m in a child with its own empty binfmt_misc"
[ "$ERC" != 0 ] || fail "chroot uname -m succeeded in a child with its own empty binfmt_misc: $OUT"

stage "cleanup"
check_no_containers
pm rmi --all >/dev/null
stage
