"""Sections 4 to 6: D-Bus, footprint, scale."""
import math

from .numbers import med, ms, num, or_unknown, pct, rate, ratio, share, spread
from .markdown import blocks, code_block, md_table, not_measured
from .parsers import cg_lines, kb_field, strace_top, strace_total, time_v_maxrss
from .measurements import list_instructions, scale_cpu, scale_points, slopes


def dbus_rows(m):
    names = {"ping": "Peer.Ping (floor)", "list": "List", "describe": "Describe", "getentry": "GetEntry"}
    rows = []
    for fname in ("dbus-34.json", "dbus-1034.json"):
        d = m.json(fname, {})
        n = or_unknown(m.list_entries(fname))
        ping = pct(d["ping"]["us"], 0.5) if "ping" in d else None
        for test, v in d.items():
            us, p50 = v["us"], pct(v["us"], 0.5)
            rows.append([names.get(test.split(":")[0], test), n, "%.3f" % (p50 / 1000), "%.3f" % (pct(us, 0.9) / 1000),
                         "%.3f" % (pct(us, 0.99) / 1000), "%.3f" % (max(us) / 1000), "%.0f" % rate(v),
                         num("%.1f", ratio(p50, ping) if ping else None), v["calls"]])
    for v in m.json("dbus-34-regunreg.json", {}).values():
        us = v["us"]
        rows.append(["Register + Unregister (one cycle)", or_unknown(m.list_entries("dbus-34.json")),
                     "%.3f" % (pct(us, 0.5) / 1000), "%.3f" % (pct(us, 0.9) / 1000), "%.3f" % (pct(us, 0.99) / 1000),
                     "%.3f" % (max(us) / 1000), "%.1f cycles/s" % rate(v), "", v["calls"]])
    return rows


def dbus_commands(m):
    shape = m.json("dbus1000-config.json")
    extra = "the extra entries are runtime definitions in `$T/root/run/binfmtd.d`"
    if shape and shape.get("files"):
        extra = "the %d extra entries are runtime definitions in `$T/root/run/binfmtd.d`, %d files of %d" % (
            shape["entries"], shape["files"], math.ceil(shape["entries"] / shape["files"]))
    return ("Commands: `bench-dbus --calls N --out FILE ping list describe getentry:NAME` and "
            "`bench-dbus --calls N regunreg:bench-reg:bnchreg:$T/interp/bench-interp` (sections `daemon`, `dbus1000`; "
            "%s)." % extra)


def dbus_cli(m):
    cli = m.json("cli-34.json", {})
    if not cli:
        return None
    rows = [["`%s`" % m.tidy(v["cmd"]), ms(med(v["wall_us"])), spread(v["wall_us"]), "%d" % med(v["maxrss_kb"]),
             len(v["wall_us"])] for v in cli.values()]
    hf = m.json("hyperfine-cli-34.json")
    cross = "Cross-check with hyperfine (`hyperfine -N`, not interleaved): " + "; ".join(
        "`%s` %.2f ms +- %.2f" % (m.tidy(r["command"]), r["median"] * 1000, r["stddev"] * 1000)
        for r in hf["results"]) if hf else None
    return blocks("Whole processes, interleaved (%s entries):" % or_unknown(m.list_entries("dbus-34.json")),
                  md_table(["command", "median ms", "spread ms", "peak RSS kB", "runs"], rows), cross)


def section_dbus(m):
    title = "## 4. D-Bus"
    rows = dbus_rows(m)
    if not rows and not m.has("cli-34.json"):
        return blocks(title, not_measured("`dbus-34.json`, `dbus-1034.json` or `cli-34.json`"))
    table = md_table(["call", "entries", "p50 ms", "p90 ms", "p99 ms", "max ms", "calls/s", "p50 / Ping", "calls"], rows) \
        if rows else None
    return blocks(title,
                  "`bench-dbus` (bench/dbus.c, sd-bus, one connection, synchronous calls one after the other) against the "
                  "private dbus-daemon. The floor is `org.freedesktop.DBus.Peer.Ping` to `org.binfmtd1`: the same bus, the "
                  "same daemon, no work.",
                  table, dbus_commands(m) if rows else None, dbus_cli(m))


def footprint_table(m):
    fp, idle = m.json("footprint.json", {}), m.json("idle.json", {})
    ready, after, roll = m.text("status-ready.txt"), m.text("status-after-load.txt"), m.text("smaps-rollup-ready.txt")
    rows = [["VmRSS 1 s after READY=1 (with bus, %s entries)" % or_unknown(m.list_entries("dbus-34.json")),
             "%d kB (RssAnon %s kB, RssFile %s kB: shared libraries)" % (
                 fp["rss_ready_kb"], kb_field(ready, "RssAnon"), kb_field(ready, "RssFile"))],
            ["VmRSS after the D-Bus load of section 4",
             "%s kB (VmHWM %s kB)" % (kb_field(after, "VmRSS"), kb_field(after, "VmHWM"))],
            ["VmRSS, --no-bus", "%d kB" % fp["rss_nobus_kb"]]]
    f1034 = m.json("footprint-1034.json")
    if f1034:
        rows.append(["VmRSS with %s entries" % or_unknown(m.list_entries("dbus-1034.json")), "%d kB" % f1034["rss_kb"]])
    if roll:
        rows.append(["Pss (proportional: shared library pages divided among their users)",
                     "%s kB (Pss_Anon %s kB, Pss_File %s kB)" % (
                         kb_field(roll, "Pss"), kb_field(roll, "Pss_Anon"), kb_field(roll, "Pss_File"))])
    rows.append(["threads", kb_field(ready, "Threads")])
    if idle:
        rows.append(["context switches (all threads) while idle for %s s" % idle["seconds"],
                     "**%s**" % idle["ctxt_switches"]])
        if "reconciles" in idle:
            writes = "its %d writes" % idle["entries"] if "entries" in idle else "its writes"
            rows.append(["reconciles from start to the end of the idle period (the first, with %s, included)" % writes,
                         idle["reconciles"]])
    for name in ("binfmtd", "systemd-binfmt", "update-binfmts", "floor"):
        rss = time_v_maxrss(m.text("time-boot-%s.txt" % name))
        if rss is not None:
            rows.append(["peak RSS of one fresh boot registration, %s (`/usr/bin/time -v`)" % name, "%d kB" % rss])
    return md_table(["measure", "value"], rows)


def smaps_rows(m, n=12):
    """[(kB, mapping)] of the idle daemon's largest resident mappings."""
    out = []
    for line in m.text("smaps-ready.txt").splitlines()[:n]:
        kb, _, name = line.partition(" ")
        out.append((kb, name))
    return out


def section_footprint(m):
    title = "## 5. Footprint"
    smaps = smaps_rows(m)
    if not m.json("footprint.json") and not smaps:
        return blocks(title, not_measured("`footprint.json`"))
    table = footprint_table(m) if m.json("footprint.json") else not_measured("`footprint.json`")
    mapping = blocks("What the idle VmRSS is made of (resident kB per mapping, from `/proc/PID/smaps`):",
                     md_table(["kB", "mapping"], [[kb, m.tidy(name)] for kb, name in smaps])) if smaps else None
    return blocks(title, table, mapping)


def scale_intro(m):
    shapes = [m.json("scale-%d-config.json" % n) for n in m.scale_sizes()]
    per_file = sorted({math.ceil(s["entries"] / s["files"]) for s in shapes if s and s.get("files")})
    layout = "%s per file in `$T/root/etc/binfmtd.d`" % "/".join(map(str, per_file)) if per_file \
        else "in files in `$T/root/etc/binfmtd.d`"
    return ("N extension entries (`x00000`..., %s, one trusted interpreter), no "
            "presets. \"fresh\" registers all N on an empty instance; \"no-op\" finds them all registered; the floor writes "
            "the same N register strings. List and Describe are p50 over D-Bus from a daemon holding the N entries." % layout)


def scale_table(pts):
    rows = [[p.n, ms(p.fresh), "%.1f" % (p.fresh / p.n), ms(p.floor), "%.1f" % (p.floor / p.n),
             "%.1f" % ratio(p.fresh, p.floor), ms(p.noop), num("%.1f", p.noop / p.n), ms(p.ready),
             num("%.2f", p.list_p50 / 1000), num("%.2f", p.describe_p50 / 1000), or_unknown(p.rss)] for p in pts]
    return md_table(["N", "--once fresh ms", "us/entry", "floor ms", "us/entry", "fresh / floor", "--once no-op ms",
                     "us/entry", "READY ms", "List p50 ms", "Describe p50 ms", "daemon RSS kB"], rows)


def scale_marginal(pts):
    if len(pts) < 2:
        return None
    lo, hi = slopes(pts[0], pts[1]), slopes(pts[-2], pts[-1])
    rows = [[label, num("%.1f us", lo[k]), num("%.1f us", hi[k])] for k, label in (
        ("fresh", "--once fresh"), ("floor", "floor"), ("noop", "--once no-op"), ("list", "List"), ("describe", "Describe"))]
    return blocks("Marginal cost per entry (difference between consecutive N; constant = linear):",
                  md_table(["", "%d -> %d" % (pts[0].n, pts[1].n), "%d -> %d" % (pts[-2].n, pts[-1].n)], rows))


def scale_cpu_table(m):
    cpu = scale_cpu(m)
    if not cpu:
        return None
    rows = [[n, t, "%.0f" % d, "%.2f" % (d / n), "%.0f" % b, "%.2f" % (b / n)] for n, t, d, b in cpu]
    return blocks("CPU time per call, split between binfmtd and dbus-daemon (from `/proc/PID/task/*/schedstat`), per entry:",
                  md_table(["N", "call", "binfmtd us/call", "us/entry", "dbus-daemon us/call", "us/entry"], rows))


def scale_list_profile(m):
    ir = list_instructions(m)
    if not ir:
        return None
    return ("Instructions inside `BusService::List` per call and per entry (valgrind callgrind on the running daemon, "
            "5 calls): " + "; ".join("N=%d: %.0f (of which `for_dbus` %s, `Manager::list` %s)" % (
                n, v.per_entry, share(v.for_dbus), share(v.manager_list)) for n, v in sorted(ir.items()))
            + ". Unlike wall and CPU time, this count does not move with caches or with other work on the machine.")


def scale_noop_profile(m):
    cg, st = m.text("callgrind-scale-1000-noop.txt"), m.text("strace-scale-1000-noop.txt")
    if not cg and not st:
        return None
    total = strace_total(st) if st else None
    calls = "syscalls per entry: %.1f (%s)" % (total / 1000.0, strace_top(st)) if total is not None else ""
    return blocks("Profile of a no-op `--once` with 1000 entries: %s" % calls,
                  code_block(cg_lines(cg)[:28]) if cg else None)


def section_scale(m):
    title = "## 6. Scale"
    pts = scale_points(m)
    if not pts:
        return blocks(title, not_measured("`scale-N-fresh.json`"))
    return blocks(title, scale_intro(m), scale_table(pts), scale_marginal(pts),
                  scale_cpu_table(m) if len(pts) >= 2 else None, scale_list_profile(m) if len(pts) >= 2 else None,
                  scale_noop_profile(m),
                  "Commands: as in section 1 with `--root $T/root` holding the N entries; `bench-dbus list describe` "
                  "(section `scale N`).")
