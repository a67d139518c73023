# Hostile D-Bus input: every malformed Register/Unregister/GetEntry/Resolve a local
# caller can send is answered with a named error while binfmtd keeps serving, the kernel's
# table and the configuration directories stay as they were, and a good call still works.
# Root is the caller (a non-root one is refused before any decoding: see test_deny_flood.sh),
# so each check reaches the decoding and validation it targets.
# shellcheck source=tests/hardening/hardening.sh
source "$(dirname "${BASH_SOURCE[0]}")/hardening.sh"

start_daemon
stub_interpreter "$T/bin/stub"
good="interpreter:s=$T/bin/stub"
table_before=$(dump_table)
files_before=$(definition_files)
IE=org.binfmtd1.Error.InvalidEntry
UI=org.binfmtd1.Error.UnsafeInterpreter
IA=org.freedesktop.DBus.Error.InvalidArgs

# ---- wrong types -------------------------------------------------------------------------
expect_error $IE "magic as a string"            register t1 magic:s=ELF "$good"
expect_error $IE "mask as a string"             register t1 magic:ay=7f45 mask:s=ffff "$good"
expect_error $IE "offset as a string"           register t1 magic:ay=7f45 offset:s=3 "$good"
expect_error $IE "offset as int32"              register t1 magic:ay=7f45 offset:i=3 "$good"
expect_error $IE "offset as int64"              register t1 magic:ay=7f45 offset:x=3 "$good"
expect_error $IE "offset as a double"           register t1 magic:ay=7f45 offset:d=3.5 "$good"
expect_error $IE "interpreter as bytes"         register t1 extension:s=e interpreter:ay=2f62696e
expect_error $IE "extension as a boolean"       register t1 extension:b=true "$good"
expect_error $IE "fix-binary as uint32"         register t1 extension:s=e fix-binary:u=1 "$good"
expect_error $IE "enabled as a string"          register t1 extension:s=e enabled:s=yes "$good"
expect_error $IE "a variant inside the variant" register t1 extension:vs=e "$good"
expect_error $IE "a dict as a value"            register t1 "extension:a{sv}=x:s=e" "$good"
expect_error $IE "an array of strings"          register t1 extension:as=a,b "$good"
expect_error $IE "an object path"               register t1 extension:o=/e "$good"
expect_error $IA "option persist as a string"   register t1 extension:s=e "$good" --option persist:s=yes
expect_error $IA "option replace as uint32"     register t1 extension:s=e "$good" --option replace:u=1
expect_error $IA "an unknown option"            register t1 extension:s=e "$good" --option evil:b=true
expect_error $IA "Unregister option as bytes"   unregister t1 --option persist:ay=01
# The wrong method signature: sd-bus refuses it before binfmtd's code runs.
expect_error $IA "Register without arguments"   call Register
expect_error $IA "Register(s)"                  call Register s=t1
expect_error $IA "Register(sss)"                call Register s=t1 s=x s=y
expect_error $IA "Register(u a{sv} a{sv})"      call Register u=1 'a{sv}=' 'a{sv}='
expect_error $IA "Register(s a{ss} a{sv})"      call Register s=t1 'a{ss}=extension=e' 'a{sv}='
expect_error $IA "GetEntry(u)"                  call GetEntry u=7
expect_error $IA "Resolve(s s)"                 call Resolve s=f s=head
expect_error $IA "Reload(s)"                    call Reload s=now
expect_error org.freedesktop.DBus.Error.UnknownMethod "an unknown method" call Flush

# ---- missing and unknown keys ------------------------------------------------------------
expect_error $IE "an empty spec"                register t1
expect_error $IE "only an interpreter"          register t1 "$good"
expect_error $IE "magic without interpreter"    register t1 magic:ay=7f45
expect_error $IE "extension without interpreter" register t1 extension:s=e
expect_error $IE "magic and extension"          register t1 magic:ay=7f45 extension:s=e "$good"
expect_error $IE "preset and magic"             register t1 preset:s=qemu-arm magic:ay=7f45 "$good"
expect_error $IE "an unknown preset"            register t1 preset:s=qemu-nope "$good"
expect_error $IE "mask without magic"           register t1 extension:s=e mask:ay=ff "$good"
expect_error $IE "an unknown key"               register t1 extension:s=e "$good" evil:s=1
expect_error $IE "a key in the wrong case" register t1 extension:s=e "$good" 'Interpreter:s=/x'
expect_error $IE "an empty key"                 register t1 extension:s=e "$good" ':s=x'

# ---- kernel limits on the match ----------------------------------------------------------
expect_error $IE "a 300-byte magic"             register t1 'magic:ay=*300*41' "$good"
expect_error $IE "a 257-byte magic"             register t1 'magic:ay=*257*41' "$good"
expect_error $IE "an empty magic"               register t1 magic:ay= "$good"
expect_error $IE "mask longer than magic"       register t1 magic:ay=7f45 mask:ay=ffffff "$good"
expect_error $IE "mask shorter than magic"      register t1 magic:ay=7f454c mask:ay=ff "$good"
expect_error $IE "offset 257"                   register t1 magic:ay=41 offset:u=257 "$good"
expect_error $IE "offset 255 + 2-byte magic"    register t1 magic:ay=4142 offset:u=255 "$good"
expect_error $IE "offset 4294967295"            register t1 magic:ay=41 offset:u=4294967295 "$good"
expect_error $IE "offset 4294967295 - 1-byte"   register t1 magic:ay=4142 offset:u=4294967294 "$good"
expect_error $IE "magic+mask over 1920 bytes"   register t1 'magic:ay=*256*41' 'mask:ay=*256*ff' "$good"

# ---- names -------------------------------------------------------------------------------
for bad in a/b / ../x "" . .. register status 'with space' $'new\nline' $'tab\tname' $'del\x7f'; do
  expect_error $IE "the name [${bad//$'\n'/\\n}]" register "$bad" extension:s=e "$good"
done
expect_error $IE "a 300-character name"         register '*300*n' extension:s=e "$good"
expect_error $IE "a 256-character name"         register '*256*n' extension:s=e "$good"

# ---- interpreters ------------------------------------------------------------------------
stub_interpreter "$T/ww/stub" 0777                     # world-writable file
stub_interpreter "$T/gw/stub" 0775                     # group-writable file
stub_interpreter "$T/open/stub"                        # in a world-writable directory
chmod 0777 "$T/open"
mkdir -p "$T/links" && ln -s "$T/open/stub" "$T/links/into-open" # a symlink into one
ln -s "$T/ww/stub" "$T/links/to-ww"
ln -s ../bin/stub "$T/links/relative-ok"               # a relative symlink to a safe one
stub_interpreter "$T/bin/noexec" 0644                  # not executable
stub_interpreter "$T/user/stub" && chown 1000 "$T/user/stub" # owned by a user (uids 0-65535 are mapped)
mkfifo "$T/bin/fifo"
expect_error $IE "a relative interpreter"       register t1 extension:s=e interpreter:s=bin/stub
expect_error $IE "an empty interpreter"         register t1 extension:s=e interpreter:s=
expect_error $IE "a missing interpreter"        register t1 extension:s=e "interpreter:s=$T/bin/missing"
expect_error $UI "an interpreter under a file"  register t1 extension:s=e "interpreter:s=$T/bin/stub/x"
expect_error $UI "a directory as interpreter"   register t1 extension:s=e "interpreter:s=$T/bin"
expect_error $UI "a fifo as interpreter"        register t1 extension:s=e "interpreter:s=$T/bin/fifo"
expect_error $UI "a world-writable interpreter" register t1 extension:s=e "interpreter:s=$T/ww/stub"
expect_error $UI "a group-writable interpreter" register t1 extension:s=e "interpreter:s=$T/gw/stub"
expect_error $UI "a user's interpreter"         register t1 extension:s=e "interpreter:s=$T/user/stub"
expect_error $UI "in a world-writable dir"      register t1 extension:s=e "interpreter:s=$T/open/stub"
expect_error $UI "a symlink into one"           register t1 extension:s=e "interpreter:s=$T/links/into-open"
expect_error $UI "a symlink to a 0777 file"     register t1 extension:s=e "interpreter:s=$T/links/to-ww"
expect_error $UI "a non-executable interpreter" register t1 extension:s=e "interpreter:s=$T/bin/noexec"
expect_error $UI "credentials on a 0777 one"    register t1 extension:s=e "interpreter:s=$T/ww/stub" credentials:b=true
expect_error $UI "credentials via a symlink"    register t1 magic:ay=c0ffee "interpreter:s=$T/links/into-open" credentials:b=true fix-binary:b=true
expect_error $IE "a control character"          register t1 extension:s=e "interpreter:s=$T/bin/st"$'\n'"ub"

# ---- extensions --------------------------------------------------------------------------
for bad in a/b / .pyc "" $'x\ny'; do
  expect_error $IE "the extension [${bad//$'\n'/\\n}]" register t1 "extension:s=$bad" "$good"
done

# ---- huge arguments (1 MiB) --------------------------------------------------------------
MiB=1048576
expect_error $IE "a 1 MiB name"                 register "*$MiB*n" extension:s=e "$good"
expect_error $IE "a 1 MiB interpreter"          register t1 extension:s=e "interpreter:s=*$MiB*/"
expect_error $IE "a 1 MiB extension"            register t1 "extension:s=*$MiB*e" "$good"
expect_error $IE "a 1 MiB preset"               register t1 "preset:s=*$MiB*p" "$good"
expect_error $IE "a 1 MiB magic"                register t1 "magic:ay=*$MiB*41" "$good"
expect_error $IE "a 1 MiB mask"                 register t1 magic:ay=41 "mask:ay=*$MiB*ff" "$good"
expect_error $IE "a 1 MiB key"                  register t1 extension:s=e "$good" "*$MiB*k:s=v"
expect_error $IA "a 1 MiB option key"           register t1 extension:s=e "$good" --option "*$MiB*o:b=true"
expect_error $IE "Unregister a 1 MiB name"      unregister "*$MiB*n"
expect_error $IE "GetEntry a 1 MiB name"        call GetEntry "s=*$MiB*n"
expect_error $IE "Resolve a 1 MiB file name"    call Resolve "s=*$MiB*f" ay=7f454c46
expect_ok "Resolve a 1 MiB head"                call Resolve s=file.bin "ay=*$MiB*7f"
expect_ok "Resolve an empty name and head"      call Resolve s= ay=

# ---- nothing changed, and binfmtd still does its job -------------------------------------
assert_eq "$table_before" "$(dump_table)" "the kernel's table after the hostile calls"
assert_eq "$files_before" "$(definition_files)" "the configuration directories after the hostile calls"
expect_ok "a good Register afterwards" register good extension:s=good "$good" --option replace:b=false
assert_registered good
assert_eq "$T/bin/stub" "$(kfield good interpreter)" "interpreter of good"
expect_ok "a relative symlink to a safe interpreter" register viarel extension:s=vr "interpreter:s=$T/links/relative-ok"
expect_ok "Unregister good" unregister good
assert_not_registered good
echo "$CHECKS hostile calls answered with the expected named error"
stop_daemon
assert_eq 0 "$DAEMON_RC" "exit code of binfmtd after SIGTERM"
