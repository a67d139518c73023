"""The headline findings and the targets, met or missed, each part of the report contributes."""
from dataclasses import dataclass, field

from .numbers import med, missing, ms, or_unknown, paired_ratios, pct, rate, ratio
from .parsers import binfmt_opens, kb_field, perf_csv
from .measurements import EVENTS, list_instructions, scale_points, slopes
from .phrases import presets_phrase


@dataclass
class Target:
    key: str
    label: str
    measured: str
    met: bool


@dataclass
class Findings:
    headline: list = field(default_factory=list)
    targets: list = field(default_factory=list)

    def extend(self, other):
        self.headline += other.headline
        self.targets += other.targets
        return self


def boot_findings(m):
    f = Findings()
    boot = m.boot
    if not ("binfmtd" in boot and "systemd-binfmt" in boot and "floor" in boot):
        return f
    b = {k: med(v["wall_us"]) for k, v in boot.items()}
    bd, sd, fl = b["binfmtd"], b["systemd-binfmt"], b["floor"]
    p_sd = pct(paired_ratios(boot["binfmtd"], boot["systemd-binfmt"]), 0.5)
    p_fl = pct(paired_ratios(boot["binfmtd"], boot["floor"]), 0.5)
    ub = ", update-binfmts %s ms (%.2fx)" % (ms(b["update-binfmts"]), ratio(b["update-binfmts"], sd)) \
        if "update-binfmts" in b else ""
    f.headline.append("Boot registration of %s qemu entries: binfmtd --once **%s ms**, systemd-binfmt %s ms "
                      "(binfmtd/systemd-binfmt = **%.2fx**, paired per round %.2fx)%s, floor %s ms (binfmtd/floor = "
                      "**%.2fx**, paired %.2fx)." % (or_unknown(m.boot_entries), ms(bd), ms(sd), ratio(bd, sd), p_sd,
                                                    ub, ms(fl), ratio(bd, fl), p_fl))
    cpu = {n: perf_csv(m.text("perf-boot-%s.txt" % n)).get("task-clock") for n in ("binfmtd", "systemd-binfmt", "floor")}
    if all(cpu.values()):
        f.headline.append("CPU time of the same fresh runs (perf task-clock, not disturbed by waiting for a CPU): "
                          "binfmtd %.2f ms, systemd-binfmt %.2f ms (**%.2fx**), floor %.2f ms (**%.1fx**)." % (
                              cpu["binfmtd"], cpu["systemd-binfmt"], ratio(cpu["binfmtd"], cpu["systemd-binfmt"]),
                              cpu["floor"], ratio(cpu["binfmtd"], cpu["floor"])))
    f.targets.append(Target("boot-systemd", "binfmtd --once <= systemd-binfmt (ratio of medians; paired per round)",
                            "%.2fx; %.2fx" % (ratio(bd, sd), p_sd), bd <= sd and p_sd <= 1.0))
    f.targets.append(Target("boot-floor", "binfmtd --once within 2x of the floor",
                            "%.2fx; %.2fx" % (ratio(bd, fl), p_fl), bd <= 2 * fl and p_fl <= 2.0))
    return f


def ready_findings(m):
    f = Findings()
    rf, rw = m.json("ready-fresh-bus.json"), m.json("ready-warm-bus.json")
    if rf and rw:
        f.headline.append("Daemon start to READY=1 with %s, on the bus: %s ms registering %s entries, %s ms "
                          "restarting with nothing to change (medians)." % (
                              presets_phrase(m), ms(med(rf["ready_us"])), or_unknown(m.daemon_entries),
                              ms(med(rw["ready_us"]))))
    tr = m.text("strace-daemon-rerun.txt")
    if tr:
        opens, writes, control = binfmt_opens(tr)
        f.targets.append(Target("restart-writes", "restart with nothing to change: zero writes to binfmt_misc (strace)",
                                "%d write-opens" % len(writes), not writes and not control))
        f.headline.append("Restart with nothing to change: **%d** opens for writing under binfmt_misc (strace), "
                          "%d read-only opens." % (len(writes), len(opens) - len(writes)))
    to = m.text("strace-once-rerun.txt")
    if to:
        _, writes, control = binfmt_opens(to)
        f.targets.append(Target("once-writes", "`--once` re-run with nothing to change: zero writes to binfmt_misc (strace)",
                                "%d write-opens" % len(writes), not writes and not control))
    return f


def reaction_rows(m, debounce):
    """[(event, label, latencies in us)] measured with --debounce-ms debounce."""
    rows = [(ev, label, m.json("react-%d-%s.json" % (debounce, ev))) for ev, label in EVENTS]
    return [(ev, label, d["latency_us"]) for ev, label, d in rows if d and d.get("latency_us")]


def reaction_target_ms(debounce):
    return 50 + debounce


def reaction_findings(m):
    f = Findings()
    debounces = m.debounces()
    for deb in debounces:
        rows = reaction_rows(m, deb)
        if not rows:
            continue
        target = reaction_target_ms(deb)
        meds = [pct(v, 0.5) for _, _, v in rows]
        if deb == debounces[-1]:
            f.headline.append("Reaction, event to restored kernel state (`--debounce-ms %d`, medians): " % deb + ", ".join(
                "%s %s ms" % (ev, ms(pct(v, 0.5))) for ev, _, v in rows) + ".")
        f.targets.append(Target("reaction-%d" % deb, "reaction under 50 ms + debounce (%d ms), median of every event" % deb,
                                "%s-%s ms" % (ms(min(meds)), ms(max(meds))), all(x < target * 1000 for x in meds)))
    return f


def dbus_findings(m):
    f = Findings()
    for v in m.json("dbus-34-regunreg.json", {}).values():
        rr = m.json("regunreg-reconciles.json")
        per_cycle = rr["reconciles"] / rr["cycles"] if rr and rr.get("cycles") else None
        note = "" if per_cycle is None else " (each call reconciles: %.2f reconciles per cycle)" % per_cycle \
            if per_cycle >= 2 else " (%.2f reconciles per cycle)" % per_cycle
        f.headline.append("Register+Unregister: **%.0f cycles/s**%s." % (rate(v), note))
    d34 = m.json("dbus-34.json", {})
    if all(t in d34 for t in ("list", "describe", "ping")):
        d1k = m.json("dbus-1034.json", {})
        more = "; with %s: List p50 %.2f ms (p99 %.2f), Describe %.2f ms, Ping %.3f ms" % (
            or_unknown(m.list_entries("dbus-1034.json")), pct(d1k["list"]["us"], 0.5) / 1000,
            pct(d1k["list"]["us"], 0.99) / 1000, pct(d1k["describe"]["us"], 0.5) / 1000,
            pct(d1k["ping"]["us"], 0.5) / 1000) if all(t in d1k for t in ("list", "describe", "ping")) else ""
        f.headline.append("D-Bus with %s entries: List p50 **%.3f ms** (p99 %.3f), Describe %.3f ms, Ping floor %.3f ms%s." % (
            or_unknown(m.list_entries("dbus-34.json")), pct(d34["list"]["us"], 0.5) / 1000,
            pct(d34["list"]["us"], 0.99) / 1000, pct(d34["describe"]["us"], 0.5) / 1000,
            pct(d34["ping"]["us"], 0.5) / 1000, more))
    return f


def footprint_findings(m):
    f = Findings()
    fp, idle = m.json("footprint.json", {}), m.json("idle.json", {})
    if fp:
        rss = fp["rss_ready_kb"]
        f.targets.append(Target("idle-rss", "idle RSS <= 4 MiB (VmRSS, with bus, %s entries)" % or_unknown(
            m.list_entries("dbus-34.json")), "%.1f MiB" % (rss / 1024), rss <= 4096))
        f.headline.append("Idle RSS **%.1f MiB** (VmRSS; %s kB of it anonymous, Pss %s kB), %s wakeups in %s s idle." % (
            rss / 1024, kb_field(m.text("status-ready.txt"), "RssAnon"), kb_field(m.text("smaps-rollup-ready.txt"), "Pss"),
            idle.get("ctxt_switches", "?"), idle.get("seconds", "?")))
    if idle:
        f.targets.append(Target("idle-wakeups", "idle wakeups over %s s = 0" % idle["seconds"], str(idle["ctxt_switches"]),
                                idle["ctxt_switches"] == 0))
    return f


def scale_findings(m):
    f = Findings()
    pts = scale_points(m)
    if len(pts) < 2:
        return f
    lo, hi = slopes(pts[0], pts[1]), slopes(pts[-2], pts[-1])
    top = pts[-1]
    if any(missing(x) for k in ("fresh", "noop", "list") for x in (lo[k], hi[k])):
        f.headline.append("Scale: --once registers %d entries in %s ms (%.1f us/entry; floor %.1f us/entry)." % (
            top.n, ms(top.fresh), top.fresh / top.n, top.floor / top.n))
        return f
    lin_reconcile = all(hi[k] < 2.0 * max(lo[k], 1e-9) for k in ("fresh", "noop"))
    ir = list_instructions(m)
    if len(ir) >= 2:
        first, last = ir[min(ir)], ir[max(ir)]
        lin_list = last.per_entry < 2.0 * first.per_entry
        list_measure = "List %.0f -> %.0f instructions/entry (p50 wall %.1f -> %.1f us/entry)" % (
            first.per_entry, last.per_entry, lo["list"], hi["list"])
    else:
        lin_list = hi["list"] < 2.0 * max(lo["list"], 1e-9)
        list_measure = "List %.1f -> %.1f us/entry" % (lo["list"], hi["list"])
    lin = lin_reconcile and lin_list
    f.targets.append(Target("scale-linear", "scale: reconcile and List linear from %d to %d (cost per entry grows < 2x)" % (
        pts[0].n, pts[-1].n), "fresh %.1f -> %.1f, no-op %.1f -> %.1f us/entry; %s" % (
        lo["fresh"], hi["fresh"], lo["noop"], hi["noop"], list_measure), lin))
    f.headline.append("Scale: --once registers %d entries in %s ms (%.1f us/entry; floor %.1f us/entry), List of "
                      "%d in %.1f ms; marginal cost per entry %s." % (
                          top.n, ms(top.fresh), top.fresh / top.n, top.floor / top.n, top.n, top.list_p50 / 1000,
                          "constant (linear)" if lin else "growing (not linear)"))
    return f


def findings(m):
    f = Findings()
    for part in (boot_findings, ready_findings, reaction_findings, dbus_findings, footprint_findings, scale_findings):
        f.extend(part(m))
    return f
