# The shipped example configuration (conf.d/) works on the real kernel: installed as
# /etc/binfmtd.d, everything ends active or disabled (the host's family), nothing fails.

examples=("$BINFMTD_SOURCE_DIR"/conf.d/*.toml)
[ -e "${examples[0]}" ] || fail "no example configuration in $BINFMTD_SOURCE_DIR/conf.d/*.toml"
install -m 0644 "${examples[@]}" "$ROOT/etc/binfmtd.d/"

expect_binfmtd 0
assert_log " 0 failed, 0 foreign;"
assert_not_log "<3>"
[ -n "$(kernel_names)" ] || fail "the examples registered nothing"
for name in $(kernel_names); do assert_registered "$name"; done
assert_eq "$(kernel_names)" "$(owned_names) " "owned entries (= registered entries)"

expect_binfmtd 0
assert_log "; 0 writes to binfmt_misc"
