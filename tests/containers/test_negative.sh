# The negative control: `binfmtctl unregister qemu-aarch64` makes an arm64 container fail
# with "exec format error" (an armhf one still runs), and `binfmtctl register` brings it back.
# Through the daemon, never by writing binfmt_misc by hand, which would race binfmtd's own
# restore of an entry it manages.

stage "import"
import_image arm64
import_image armhf
assert_eq aarch64 "$(pm run "${RUN_OPTS[@]}" --platform linux/arm64 localhost/binfmtd-ct:arm64 uname -m)" "uname -m before unregister"

stage "unregister"
expect_ctl 0 unregister qemu-aarch64
wait_for 10 "qemu-aarch64 leaves the kernel" not_in_kernel qemu-aarch64
rc=0
out=$(pm run "${RUN_OPTS[@]}" --platform linux/arm64 localhost/binfmtd-ct:arm64 uname -m 2>&1) || rc=$?
[ "$rc" != 0 ] || fail "an arm64 container ran without qemu-aarch64: $out"
assert_contains "${out,,}" "exec format error" "podman run of an arm64 image without qemu-aarch64"
assert_eq armv7l "$(pm run "${RUN_OPTS[@]}" --platform linux/arm/v7 localhost/binfmtd-ct:armhf uname -m)" "the armhf container, qemu-arm still registered"

stage "register"
# The vendor file defines it; the run-time definition replaces it until reboot.
expect_ctl 0 register qemu-aarch64 --preset qemu-aarch64 --fix-binary --replace
wait_for 10 "qemu-aarch64 is back in the kernel" in_kernel qemu-aarch64
assert_contains "$(kfield qemu-aarch64 flags)" F "flags of qemu-aarch64 after register"
assert_eq active "$(entry_field qemu-aarch64 state)" "state of qemu-aarch64 after register"
assert_eq aarch64 "$(pm run "${RUN_OPTS[@]}" --platform linux/arm64 localhost/binfmtd-ct:arm64 uname -m)" "uname -m after register"

stage "cleanup"
check_no_containers
pm rmi --all >/dev/null
stage
