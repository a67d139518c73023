# EntryChanged reaches subscribers: an ordinary non-root one (dbus-monitor as uid 1000, which
# may not become a monitor and so subscribes with match rules) and root's `busctl monitor`.
# Mounted emits PropertiesChanged when binfmt_misc goes away.

let_user_in
start_daemon
stub_interpreter "$T/bin/stub"
probe=/org/binfmtd1/test/probe

# Subscriber 1: uid 1000. Its last match rule is for probe signals anyone may send: once a
# probe arrives, every rule before it is in place.
mkdir -m 0777 sub
background "${AS_USER[@]}" dbus-monitor --system \
  "type='signal',sender='org.binfmtd1',interface='org.binfmtd1.Manager'" \
  "type='signal',path='$probe'" >sub/user.out 2>sub/user.err
user_ready() { busctl --system emit "$probe" org.binfmtd1.Test Probe; grep -q 'member=Probe' sub/user.out; }
deadline 10 user_ready || fail "dbus-monitor as uid $NOBODY never subscribed: $(cat sub/user.err)"

# Subscriber 2: busctl --system --json=short monitor org.binfmtd1 (root may monitor the bus).
watch_entry_changes

# user_changes / root_changes: the EntryChanged (name state) pairs each one saw, in order.
user_changes() {
  /usr/bin/python3 - sub/user.out <<'PY'
import re, sys
recs = re.split(r"\n(?=\S)", open(sys.argv[1]).read())
print(" ".join(":".join(re.findall(r'^\s+string "(.*)"$', r, re.M)) for r in recs if "member=EntryChanged" in r.split("\n")[0]))
PY
}
root_changes() { entry_changes; }
saw() { # saw WHO CHANGES: WHO's EntryChanged signals are exactly CHANGES
  [ "$("${1}_changes")" = "$2" ]
}

manager Register 'sa{sv}a{sv}' sig 2 extension s sig interpreter s "$T/bin/stub" 0
assert_registered sig
deadline 10 saw user "sig:active" || fail "uid $NOBODY's subscriber saw [$(user_changes)], not [sig:active]"
deadline 10 saw root "sig:active" || fail "busctl monitor saw [$(root_changes)], not [sig:active]"

manager Unregister 'sa{sv}' sig 0
assert_not_registered sig
deadline 10 saw user "sig:active sig:removed" || fail "uid $NOBODY's subscriber saw [$(user_changes)], not [sig:active sig:removed]"
deadline 10 saw root "sig:active sig:removed" || fail "busctl monitor saw [$(root_changes)], not [sig:active sig:removed]"

# Someone else unmounts binfmt_misc (lazily: binfmtd holds it busy): Mounted turns false,
# announced by PropertiesChanged.
umount --lazy "$BINFMT"
mounted_changed() {
  /usr/bin/python3 - "$SIGNALS_LOG" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sys.exit(0 if any(m["type"] == "signal" and m.get("member") == "PropertiesChanged" and m.get("path") == "/org/binfmtd1"
                  and m["payload"]["data"][0] == "org.binfmtd1.Manager"
                  and m["payload"]["data"][1].get("Mounted") == {"type": "b", "data": False} for m in msgs) else 1)
PY
}
deadline 10 mounted_changed || fail "no PropertiesChanged(Mounted=false) from binfmtd after umount: $(grep PropertiesChanged "$SIGNALS_LOG")"
assert_eq "b false" "$(property Mounted)" "Mounted after umount"
