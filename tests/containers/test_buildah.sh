# buildah bud --arch arm64 builds the Containerfile from the imported arm64 root file system
# (its RUN steps are arm64 programs run through binfmtd's entry); buildah then runs the
# result. Offline, storage under $T, OCI isolation (crun) without a network.

stage "import"
import_image arm64

stage "bud"
bh bud --arch arm64 --pull=never --isolation oci --network none \
  -f "$BINFMTD_CT_DIR/Containerfile" -t localhost/binfmtd-ct-bud:arm64 "$(context_dir)"
assert_eq linux/arm64 "$(image_platform localhost/binfmtd-ct-bud:arm64)" "platform of the image buildah built"

stage "run"
ctr=$(bh from --arch arm64 --pull=never localhost/binfmtd-ct-bud:arm64)
assert_eq $'aarch64\narm64' "$(bh run --isolation oci --network none "$ctr" -- cat /built-on)" "what the RUN steps recorded"
assert_eq aarch64 "$(bh run --isolation oci --network none "$ctr" -- uname -m)" "uname -m under buildah run"
bh rm "$ctr" >/dev/null

stage "cleanup"
check_no_containers
pm rmi --all >/dev/null
stage
