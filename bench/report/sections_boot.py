"""Sections 1 to 3: boot registration, daemon start to READY=1, reaction latency."""
import re

from .numbers import NAN, med, ms, or_unknown, paired, pct, ratio, spread
from .markdown import blocks, code_block, md_table, not_measured, words
from .parsers import BM, binfmt_opens, cg_lines, perf_csv, strace_top, strace_total
from .phrases import presets_phrase
from .findings import reaction_rows, reaction_target_ms


# binfmt_misc flags a binfmt-support format file can express (gen.py binfmts writes these three).
BINFMTS_FLAGS = "CFP"
FLAG_NAMES = {"O": "open-binary", "C": "credentials", "F": "fix-binary", "P": "preserve-argv0"}


def boot_intro(m):
    n, p = m.boot_entries, m.presets
    if p and n == p.total - p.native:
        which = "All %d qemu presets that are not the host's own family" % n
    elif p:
        which = "%s of the %d qemu presets that are not the host's own family" % (or_unknown(n), p.total - p.native)
        if n == p.registrable:
            which += " (the others have no interpreter installed)"
    else:
        which = "The %s qemu presets registered here (the preset list was not recorded)" % or_unknown(n)
    if p:
        which += " (%d presets, %s)" % (p.total, "%d of them %s" % (p.native, words(p.host_families))
                                        if p.native else "none of them the host's family")
    flags = m.boot_flags or ""
    lost = [c for c in flags if c not in BINFMTS_FLAGS]
    ub_note = ""
    if lost:
        kept = "".join(c for c in flags if c in BINFMTS_FLAGS)
        ub_note = " (binfmt-support has no %s field: its entries get `%s` instead of `%s`)" % (
            words(FLAG_NAMES.get(c, c) for c in lost), kept, flags)
    ub = (" update-binfmts `--enable`s the same formats, imported beforehand into a private "
          "`--admindir`/`--importdir`%s;" % ub_note) if "update-binfmts" in m.boot else ""
    return ("%s, on a fresh instance. The anchors get the same registrations: systemd-binfmt reads one `binfmt.d` file "
            "per entry (generated from the table binfmtd registered; `/etc/binfmt.d` bind-mounted, the other binfmt.d "
            "directories hidden, in the sandbox's mount namespace only) and runs as at boot (flush, then every "
            "file);%s the floor (`bench/floor.c`) writes the register strings and nothing else." % (which, ub))


def boot_table(m):
    boot = m.boot
    sd = med(boot["systemd-binfmt"]["wall_us"]) if "systemd-binfmt" in boot else NAN
    fl = med(boot["floor"]["wall_us"]) if "floor" in boot else NAN
    rows = []
    for name, v in boot.items():
        x = med(v["wall_us"])
        rows.append([name, ms(x), spread(v["wall_us"]), "%.2f" % ratio(x, sd),
                     paired(v, boot["systemd-binfmt"]) if "systemd-binfmt" in boot else "", "%.2f" % ratio(x, fl),
                     paired(v, boot["floor"]) if "floor" in boot else "", "%d" % med(v["maxrss_kb"]),
                     or_unknown(strace_total(m.text("strace-boot-%s.txt" % name))), len(v["wall_us"]),
                     "`%s`" % m.tidy(v["cmd"])])
    return md_table(["tool", "median ms", "spread ms", "/ systemd-binfmt", "paired / systemd-binfmt", "/ floor",
                     "paired / floor", "peak RSS kB", "syscalls", "runs", "command"], rows)


def boot_rerun(m):
    rerun = m.json("boot-rerun.json", {})
    if not rerun:
        return None
    sd = med(rerun["systemd-binfmt"]["wall_us"]) if "systemd-binfmt" in rerun else NAN
    rows = [[name, ms(med(v["wall_us"])), spread(v["wall_us"]), "%.2f" % ratio(med(v["wall_us"]), sd), len(v["wall_us"])]
            for name, v in rerun.items()]
    return blocks("The same tools again on a table that already holds every entry (registered by binfmtd before each run):",
                  md_table(["tool", "median ms", "spread ms", "/ systemd-binfmt", "runs"], rows))


def boot_startup(m):
    st = m.json("startup.json", {})
    if not st:
        return None
    rows = [["`%s`" % m.tidy(v["cmd"]), ms(med(v["wall_us"])), spread(v["wall_us"]), "%d" % med(v["maxrss_kb"])]
            for v in st.values()]
    return blocks("Process start alone (dynamic loading, constructors, `--version`), the part of each run no tool can avoid:",
                  md_table(["command", "median ms", "spread ms", "peak RSS kB"], rows))


def boot_perf(m):
    perf = [(name, perf_csv(m.text("perf-boot-%s.txt" % name))) for name in [*m.boot, "binfmtd-version", "true"]]
    perf = [(n, p) for n, p in perf if p]
    if not perf:
        return None
    labels = {"binfmtd-version": "`binfmtd --version`", "true": "`/bin/true`"}
    rows = [[labels.get(n, n), "%.2f" % p.get("task-clock", NAN), "%.0f" % p.get("page-faults", NAN)] for n, p in perf]
    return blocks("CPU time and page faults per process (`perf stat -x, -e task-clock,page-faults -r N`, mean of N; "
                  "fresh instance before each run except for `--version` and `true`):",
                  md_table(["command", "task-clock ms", "page faults"], rows))


def boot_syscalls(m):
    items = ["- %s: %s total; %s" % (name, strace_total(t), strace_top(t))
             for name, t in ((n, m.text("strace-boot-%s.txt" % n)) for n in m.boot) if t]
    return blocks("Syscalls of one fresh run (`strace -f -c`), the most frequent first:", "\n".join(items))


def boot_profile(m):
    cg = m.text("callgrind-once.txt")
    if not cg:
        return None
    return blocks("Where a fresh `binfmtd --once` spends its instructions (valgrind callgrind, inclusive, the top functions):",
                  code_block(cg_lines(cg)[:30]))


def section_boot(m):
    if not m.boot:
        return blocks("## 1. Boot registration", not_measured("`boot.json`"))
    return blocks("## 1. Boot registration", boot_intro(m), boot_table(m),
                  "\"/ X\" is the ratio of the medians; \"paired / X\" the median (and interquartile range) of the ratios "
                  "within each round, where the two ran back to back: the better estimate on a busy machine.",
                  boot_rerun(m), boot_startup(m), boot_perf(m), boot_syscalls(m), boot_profile(m))


def ready_table(m):
    cmd = "bench-tool ready --runs N %s-- $BUILD/daemon/binfmtd --root $T/root --binfmt-dir " + BM + "%s"
    n = m.daemon_entries
    fresh = "empty table (%d to register)" % n if n is not None else "empty table"
    rows = []
    for key, label in (("ready-fresh-nobus", fresh + ", --no-bus"), ("ready-fresh-bus", fresh + ", with bus"),
                       ("ready-warm-nobus", "restart, nothing to change, --no-bus"),
                       ("ready-warm-bus", "restart, nothing to change, with bus")):
        d = m.json(key + ".json")
        if d:
            c = cmd % ("--prepare FRESH " if "fresh" in key else "", " --no-bus" if "nobus" in key else "")
            rows.append([label, ms(med(d["ready_us"])), spread(d["ready_us"]), len(d["ready_us"]), "`%s`" % c])
    return md_table(["scenario", "median ms", "spread ms", "runs", "command"], rows) if rows else None


def ready_restart_strace(m):
    tr = m.text("strace-daemon-rerun.txt")
    if not tr:
        return None
    opens, writes, control = binfmt_opens(tr)
    return blocks("Restart with nothing to change under `strace -f -e trace=open,openat,openat2,creat,write` (until "
                  "READY=1): **%d opens for writing** under `%s`, %d accesses to `register`/`status`; "
                  "its read-only opens of the table:" % (len(writes), BM, len(control)),
                  code_block(re.sub(r"^\d+\s+", "", l) for l in opens))


def ready_once_strace(m):
    to = m.text("strace-once-rerun.txt")
    if not to:
        return None
    opens, writes, control = binfmt_opens(to)
    holds = "its %d entries" % m.boot_entries if m.boot_entries is not None else "its entries"
    return blocks("`binfmtd --once` re-run on a table that already holds %s, under the same strace: **%d opens "
                  "for writing** under `%s`, %d accesses to `register`/`status`, %d read-only opens "
                  "(the directory, then each entry's file)." % (holds, len(writes), BM, len(control),
                                                                 len(opens) - len(writes)),
                  "Command: `strace -f -e trace=open,openat,openat2,creat,write $BUILD/daemon/binfmtd --once --root $T/root "
                  "--binfmt-dir %s` (section `boot`); the daemon's restart: `bench-tool ready --runs 1 "
                  "-- strace -f -e trace=open,openat,openat2,creat,write binfmtd --root $T/root --binfmt-dir "
                  "%s` (section `daemon`)." % (BM, BM))


def section_ready(m):
    table = ready_table(m)
    title = "## 2. Daemon start to READY=1"
    if not table:
        return blocks(title, not_measured("`ready-*.json`"), ready_restart_strace(m), ready_once_strace(m))
    return blocks(title,
                  "`bench-tool ready` listens on its own `NOTIFY_SOCKET`, starts `binfmtd --root $T/root --binfmt-dir "
                  "%s [--no-bus]` with %s and times spawn to the `READY=1` datagram; "
                  "\"with bus\" connects to a private dbus-daemon (Debian's system.conf with its own socket, plus "
                  "`systemd-units/org.binfmtd1.conf`) and owns `org.binfmtd1` before READY=1." % (BM, presets_phrase(m)),
                  table,
                  "FRESH unmounts and mounts binfmt_misc again (a new, empty instance) and removes `$T/root/run/binfmtd`.",
                  ready_restart_strace(m), ready_once_strace(m))


def reaction_table(m, debounce):
    rows = reaction_rows(m, debounce)
    if not rows:
        return None
    target = reaction_target_ms(debounce)
    out = []
    for _, label, v in rows:
        met = pct(v, 0.5) < target * 1000
        out.append([label, ms(pct(v, 0.5)), ms(pct(v, 0.9)), ms(max(v)), ms(min(v)), len(v), "yes" if met else "**no**"])
    return blocks("`--debounce-ms %d` (target: under %d ms):" % (debounce, target),
                  md_table(["event", "median ms", "p90 ms", "max ms", "min ms", "runs", "target met"], out))


def section_reaction(m):
    title = "## 3. Reaction latency: event to restored kernel state"
    tables = [reaction_table(m, d) for d in m.debounces()]
    if not any(tables):
        return blocks(title, not_measured("`react-*.json`"))
    n = m.daemon_entries
    holds = "the %d qemu entries" % n if n is not None else "the qemu entries"
    expect = "%d" % (n + 1) if n is not None else "N"
    return blocks(title,
                  "A running `binfmtd --debounce-ms D` (with bus) holds %s plus an F entry `bench-f` "
                  "(extension `bnchf`) whose interpreter lives in `$T/interp`. `bench-tool react` makes the event itself "
                  "and waits, inotify-driven (re-checking at least every millisecond), until the kernel table is right "
                  "again; it waits for a quiet table (D + 150 ms) before each run." % holds,
                  *tables,
                  "Commands: `bench-tool react --dir %s --expect %s --settle-ms D+150 --out FILE EVENT` "
                  "with EVENT one of `flush`, `remove qemu-aarch64`, `addconf $T/root/etc/binfmtd.d/zz-added.toml "
                  "bench-added TOML`, `rename $T/interp/bench-interp bench-f`, `mount` (section `daemon`)." % (BM, expect))
