# A configuration file a non-root user could rewrite, or reach through a path they could change
# (a symlink, a directory on the way), is ignored with a warning: its entries are not registered,
# and edits made while it is writable by others never reach the kernel.

stub_interpreter "$T/bin/stub"
stub_interpreter "$T/bin/evil"
entry() { printf '[%s]\nextension = "%s"\ninterpreter = "%s"\n\n' "$1" "x$1" "$2"; }
entry trusted "$T/bin/stub" | conf trusted.toml
entry open "$T/bin/stub" | conf open.toml
chmod 0666 "$ROOT/etc/binfmtd.d/open.toml"

expect_binfmtd 0
assert_log "<4>$ROOT/etc/binfmtd.d/open.toml: writable by group or others (mode 0666), ignoring"
assert_registered trusted
assert_not_registered open

# trusted.toml becomes group-writable and is edited: the kernel keeps the last trusted version.
snapshot trusted >before.trusted
entry trusted "$T/bin/evil" | conf trusted.toml
chmod 0664 "$ROOT/etc/binfmtd.d/trusted.toml"
expect_binfmtd 0
assert_log "trusted.toml: writable by group or others (mode 0664), ignoring"
cmp -s before.trusted <(snapshot trusted) || fail "trusted changed through a group-writable file: $(snapshot trusted)"
assert_eq "$T/bin/stub" "$(kfield trusted interpreter)" "interpreter of trusted"
assert_not_registered open

# Made safe again, the edit applies.
chmod 0644 "$ROOT/etc/binfmtd.d/trusted.toml"
expect_binfmtd 0
assert_eq "$T/bin/evil" "$(kfield trusted interpreter)" "interpreter of trusted once its file is safe"

# ---- the path to a file, not only the file: every symlink and directory on the way ----------
# A root-owned file is obeyed only when nobody but root could have changed which file is read.

# A symlink into a directory others can write: they could rename another file over the target.
mkdir -p "$T/open-dir" && chmod 0777 "$T/open-dir"
entry via-open-dir "$T/bin/stub" >"$T/open-dir/real.toml" && chmod 0644 "$T/open-dir/real.toml"
ln -s "$T/open-dir/real.toml" "$ROOT/etc/binfmtd.d/via-open-dir.toml"
# A symlink a user owns (in root's directory): readlink says what they chose.
entry via-user-link "$T/bin/stub" >"$T/user-link-target.toml" && chmod 0644 "$T/user-link-target.toml"
ln -s "$T/user-link-target.toml" "$ROOT/etc/binfmtd.d/via-user-link.toml"
chown -h 1000:1000 "$ROOT/etc/binfmtd.d/via-user-link.toml"
# A directory on the way that a user owns, through root's symlink: /run/binfmtd.d -> their directory.
mkdir -p "$T/users-conf" && chown 1000:1000 "$T/users-conf"
entry via-user-dir "$T/bin/stub" >"$T/users-conf/via-user-dir.toml" && chmod 0644 "$T/users-conf/via-user-dir.toml"
mkdir -p "$ROOT/run" && ln -s "$T/users-conf" "$ROOT/run/binfmtd.d"
# A configuration directory a group can write: none of its files is obeyed.
mkdir -p "$ROOT/usr/lib/binfmtd.d" && chmod 0775 "$ROOT/usr/lib/binfmtd.d"
entry in-open-confdir "$T/bin/stub" | conf usr/lib/binfmtd.d/in-open-confdir.toml
# Root's own chain, as Debian's alternatives are: obeyed.
entry via-alternatives "$T/bin/stub" | conf usr/share/formats/jar.toml
mkdir -p "$ROOT/etc/alternatives"
ln -s "$ROOT/usr/share/formats/jar.toml" "$ROOT/etc/alternatives/jar.toml"
ln -s "$ROOT/etc/alternatives/jar.toml" "$ROOT/etc/binfmtd.d/via-alternatives.toml"
# A symlink loop: refused, with what it is.
ln -s loop-b.toml "$ROOT/etc/binfmtd.d/loop-a.toml"
ln -s loop-a.toml "$ROOT/etc/binfmtd.d/loop-b.toml"

expect_binfmtd 0
assert_log "via-open-dir.toml: \"$T/open-dir\" is writable by group or others (mode 0777), ignoring"
assert_log "via-user-link.toml: symlink \"$ROOT/etc/binfmtd.d/via-user-link.toml\" is owned by uid 1000, not root, ignoring"
assert_log "via-user-dir.toml: \"$T/users-conf\" is owned by uid 1000, not root, ignoring"
assert_log "in-open-confdir.toml: \"$ROOT/usr/lib/binfmtd.d\" is writable by group or others (mode 0775), ignoring"
assert_log "loop-a.toml: too many levels of symbolic links, ignoring"
for name in via-open-dir via-user-link via-user-dir in-open-confdir; do assert_not_registered "$name"; done
assert_registered via-alternatives
assert_registered trusted

# The same files, made safe, are obeyed: it was the path that was refused, not the content.
chmod 0755 "$T/open-dir" "$ROOT/usr/lib/binfmtd.d"
chown -h 0:0 "$ROOT/etc/binfmtd.d/via-user-link.toml"
chown 0:0 "$T/users-conf"
rm "$ROOT/etc/binfmtd.d/loop-a.toml" "$ROOT/etc/binfmtd.d/loop-b.toml"
expect_binfmtd 0
for name in via-open-dir via-user-link via-user-dir in-open-confdir via-alternatives; do assert_registered "$name"; done
