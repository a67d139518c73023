# podman imports the cached root file systems as linux/arm64 and linux/arm/v7 images, runs
# them, and builds an image from a Containerfile whose RUN steps are arm64 programs, all
# offline and inside the sandbox (storage under $T, no network, no cgroups).

stage "import"
import_image arm64
import_image armhf
assert_eq linux/arm64 "$(image_platform localhost/binfmtd-ct:arm64)" "platform of the imported arm64 image"
assert_eq linux/arm/v7 "$(image_platform localhost/binfmtd-ct:armhf)" "platform of the imported armhf image"

stage "run"
# --platform only warns for a local image: uname -m says what really ran.
assert_eq aarch64 "$(pm run "${RUN_OPTS[@]}" --platform linux/arm64 localhost/binfmtd-ct:arm64 uname -m)" "uname -m in a linux/arm64 container"
assert_eq armv7l "$(pm run "${RUN_OPTS[@]}" --platform linux/arm/v7 localhost/binfmtd-ct:armhf uname -m)" "uname -m in a linux/arm/v7 container"
assert_eq armhf "$(pm run "${RUN_OPTS[@]}" --platform linux/arm/v7 localhost/binfmtd-ct:armhf dpkg --print-architecture)" "dpkg --print-architecture in the armhf container"

stage "build"
pm build --platform linux/arm64 --network none --pull=never \
  -f "$BINFMTD_CT_DIR/Containerfile" -t localhost/binfmtd-ct-built:arm64 "$(context_dir)"
assert_eq linux/arm64 "$(image_platform localhost/binfmtd-ct-built:arm64)" "platform of the built image"
assert_eq $'aarch64\narm64' "$(pm run "${RUN_OPTS[@]}" localhost/binfmtd-ct-built:arm64)" "what the RUN steps recorded"

stage "cleanup"
check_no_containers
pm rmi --all >/dev/null
assert_eq '' "$(pm images --quiet)" "images left after podman rmi --all"
stage
