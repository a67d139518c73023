# State changes caused by events (not by D-Bus calls) are announced: EntryChanged for each,
# and the service manager's STATUS= line (sd_notify, read here from a NOTIFY_SOCKET of our
# own) stays current.

stub_interpreter "$T/bin/stub"
printf '[n-a]\nextension = "na"\ninterpreter = "%s"\n' "$T/bin/stub" | conf n.toml

# A stand-in for the service manager's notification socket: one line per datagram.
/usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    out.write(s.recv(4096).decode().replace("\n", "|") + "\n")
    out.flush()' "$T/notify.sock" "$T/notify.log" &
BACKGROUND+=("$!")
deadline 10 test -S "$T/notify.sock" || fail "the notification socket did not appear"
NOTIFY_SOCKET=$T/notify.sock start_daemon --debounce-ms 20
notified() { grep -q -- "$1" "$T/notify.log"; }
wait_for 10 "no READY=1 with the summary: $(cat "$T/notify.log")" notified "READY=1|STATUS=1 active, 0 disabled, 0 pending"
watch_entry_changes

# The interpreter goes away: pending, announced both ways.
mv "$T/bin/stub" "$T/bin/stub.away"
wait_for 10 "EntryChanged after the interpreter was removed: [$(entry_changes)]" saw_changes "n-a:pending"
wait_for 10 "STATUS= not updated: $(tail -n1 "$T/notify.log")" notified "^STATUS=0 active, 0 disabled, 1 pending"

# It comes back: active.
mv "$T/bin/stub.away" "$T/bin/stub"
wait_for 10 "EntryChanged after the interpreter came back: [$(entry_changes)]" saw_changes "n-a:pending n-a:active"
wait_for 10 "STATUS= not updated: $(tail -n1 "$T/notify.log")" notified "^STATUS=1 active, 0 disabled, 0 pending"

# A new file, then the entry's file deleted: active, then removed.
printf '[n-b]\nextension = "nb"\ninterpreter = "%s"\n' "$T/bin/stub" | conf nb.toml
wait_for 10 "EntryChanged for a new file: [$(entry_changes)]" saw_changes "n-a:pending n-a:active n-b:active"
rm "$ROOT/etc/binfmtd.d/n.toml"
wait_for 10 "EntryChanged for a deleted file: [$(entry_changes)]" saw_changes "n-a:pending n-a:active n-b:active n-a:removed"
wait_for 10 "STATUS= not updated: $(tail -n1 "$T/notify.log")" notified "^STATUS=1 active, 0 disabled, 0 pending, 0 failed, 0 foreign$"

# A flush restored at once is no state change: nothing announced.
echo -1 >"$BINFMT/status"
wait_for 10 "n-b not restored" in_kernel n-b
manager List # the daemon has answered after the restore: any signal would be out already
assert_eq "n-a:pending n-a:active n-b:active n-a:removed" "$(entry_changes)" "EntryChanged after a flush"
