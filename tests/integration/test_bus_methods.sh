# Every method and property of org.binfmtd1.Manager through busctl, a D-Bus client nobody here
# wrote, against the running binfmtd on a private system bus, checked against the kernel's own
# files. The command lines in the comments are the ones to quote in documentation (on a real
# system, without DBUS_SYSTEM_BUS_ADDRESS).

# A 60-second debounce (the longest): configuration edits wait for Reload, which is tested.
start_daemon --debounce-ms 60000

# The introspection data lists exactly the interface of dbus-interfaces/org.binfmtd1.Manager.xml.
bus_call introspect --xml-interface org.binfmtd1 /org/binfmtd1
[ "$BUS_RC" = 0 ] || fail "busctl introspect: $BUS_ERR"
printf '%s\n' "$BUS_OUT" >introspected.xml
/usr/bin/python3 - "$BINFMTD_SOURCE_DIR/dbus-interfaces/org.binfmtd1.Manager.xml" introspected.xml <<'PY' || fail "the introspected interface differs from the XML"
import sys, xml.etree.ElementTree as ET
def members(path):
    iface = [i for i in ET.parse(path).getroot() if i.get("name") == "org.binfmtd1.Manager"][0]
    return sorted((m.tag, m.get("name"), tuple((a.get("type"), a.get("direction")) for a in m.findall("arg")), m.get("type"), m.get("access"))
                  for m in iface if m.tag in ("method", "signal", "property"))
want, got = members(sys.argv[1]), members(sys.argv[2])
if want != got:
    print("XML:   ", want, "\nbinfmtd:", got, file=sys.stderr)
    sys.exit(1)
PY

# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager List
manager List
assert_eq 'a(ssssss) 0' "$BUS_OUT" "List of an empty table"

# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Register 'sa{sv}a{sv}' pyfoo 2 extension s foo interpreter s /usr/bin/python3 0
manager Register 'sa{sv}a{sv}' pyfoo 2 extension s foo interpreter s /usr/bin/python3 0
assert_eq '' "$BUS_OUT" "Register's reply"
assert_registered pyfoo
assert_eq .foo "$(kfield pyfoo extension)" "kernel extension of pyfoo"
assert_eq /usr/bin/python3 "$(kfield pyfoo interpreter)" "kernel interpreter of pyfoo"
[ -f "$ROOT/run/binfmtd.d/pyfoo.toml" ] || fail "no runtime definition $ROOT/run/binfmtd.d/pyfoo.toml"

# A magic entry, magic and mask as byte arrays (\x1bLuA, either case of the last letter), flag F:
# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Register 'sa{sv}a{sv}' luac 4 magic ay 4 27 76 117 65 mask ay 4 255 255 255 223 interpreter s /usr/bin/python3 fix-binary b true 0
manager Register 'sa{sv}a{sv}' luac 4 magic ay 4 27 76 117 65 mask ay 4 255 255 255 223 \
  interpreter s /usr/bin/python3 fix-binary b true 0
assert_registered luac
assert_eq 1b4c7541 "$(kfield luac magic)" "kernel magic of luac"
assert_eq ffffffdf "$(kfield luac mask)" "kernel mask of luac"
assert_eq F "$(kfield luac flags)" "kernel flags of luac"

manager List
assert_eq 'a(ssssss) 2 "luac" "magic" "/usr/bin/python3" "F" "active" "runtime" "pyfoo" "extension" "/usr/bin/python3" "" "active" "runtime"' \
  "$BUS_OUT" "List after two Registers"

# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager GetEntry s luac
manager --json GetEntry s luac
types=$(json '" ".join(k + ":" + v["type"] for k, v in sorted(d["data"][0].items()))' <<<"$BUS_OUT")
assert_eq "adopted:b enabled:b error:s extension:s flags:s interpreter:s kernel-flags:s kernel-interpreter:s kernel-magic:ay kernel-mask:ay kernel-offset:u kind:s magic:ay mask:ay name:s offset:u origin:s origin-line:u outranked-by:s overlaps:as pinned:s pinned-stale:b priority:i state:s" \
  "$types" "GetEntry keys and their D-Bus types"
values=$(json '" ".join(str(d["data"][0][k]["data"]) for k in ("name","kind","interpreter","magic","mask","offset","flags","enabled","state","origin","error"))' <<<"$BUS_OUT")
assert_eq "luac magic /usr/bin/python3 [27, 76, 117, 65] [255, 255, 255, 223] 0 F True active runtime " "$values" "GetEntry luac"

# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Describe
manager --json Describe
json 'd["data"][0]' <<<"$BUS_OUT" >describe.json
assert_eq "True $BINFMT" "$(json '"%s %s" % (d["mounted"], d["binfmt_dir"])' <describe.json)" "Describe: mounted, binfmt_dir"
assert_eq "luac:1b4c7541:ffffffdf:F:active pyfoo:.:.::active" \
  "$(json '" ".join(":".join((e["name"], e["magic"] or ".", e["mask"] or ".", e["flags"], e["state"])) for e in d["entries"])' <describe.json)" \
  "Describe: entries"

# busctl --system get-property org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Version Mounted
assert_eq "s \"$("$BINFMTD" --version)\"" "$(property Version)" "Version property"
assert_eq "$(json 'd["version"]' <describe.json)" "$("$BINFMTD" --version)" "Describe: version"
assert_eq "b true" "$(property Mounted)" "Mounted property"
# Properties are read-only: Set is refused (by the bus policy or by binfmtd).
bus_call set-property org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Mounted b false
[ "$BUS_RC" != 0 ] || fail "set-property Mounted succeeded"
assert_eq "b true" "$(property Mounted)" "Mounted property after a refused Set"

# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Resolve say x.foo 0
manager Resolve say x.foo 0
assert_eq 'a(ss) 1 "pyfoo" "/usr/bin/python3"' "$BUS_OUT" "Resolve x.foo"
manager Resolve say x.luac 6 27 76 117 97 84 0 # \x1bLuaT: the mask ignores bit 5 of byte 3
assert_eq 'a(ss) 1 "luac" "/usr/bin/python3"' "$BUS_OUT" "Resolve a \\x1bLua file"
manager Resolve say x.txt 3 27 76 118
assert_eq 'a(ss) 0' "$BUS_OUT" "Resolve a file nothing matches"

# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Unregister 'sa{sv}' pyfoo 0
manager Unregister 'sa{sv}' pyfoo 0
assert_eq '' "$BUS_OUT" "Unregister's reply"
assert_not_registered pyfoo
[ ! -e "$ROOT/run/binfmtd.d/pyfoo.toml" ] || fail "Unregister left $ROOT/run/binfmtd.d/pyfoo.toml"
manager List
assert_eq 'a(ssssss) 1 "luac" "magic" "/usr/bin/python3" "F" "active" "runtime"' "$BUS_OUT" "List after Unregister"

# A configuration file appears; only Reload (the debounce is 60 s) registers it.
printf '[conf-ext]\nextension = "cext"\ninterpreter = "/usr/bin/python3"\n' | conf conf.toml
assert_not_registered conf-ext
# busctl --system call org.binfmtd1 /org/binfmtd1 org.binfmtd1.Manager Reload 'a{sv}' 0
manager Reload 'a{sv}' 0
assert_eq '' "$BUS_OUT" "Reload's reply"
assert_registered conf-ext
manager List
assert_contains "$BUS_OUT" "\"conf-ext\" \"extension\" \"/usr/bin/python3\" \"\" \"active\" \"$ROOT/etc/binfmtd.d/conf.toml\"" "List after Reload"
assert_eq "conf-ext luac " "$(kernel_names)" "kernel entries at the end"
