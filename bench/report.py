#!/usr/bin/env python3
"""Writes the benchmark report (bench/REPORT.md) on stdout from the raw results of one run.

  report.py OUT

OUT is the directory bench/sandbox.sh filled (bench/run.sh keeps a copy in build-bench/bench-out).
Every number, and every statement about the machine, the presets or the binaries, comes from the
files in OUT; a section whose files are missing says it was not measured. Nothing else is read.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys
from dataclasses import dataclass, field
from functools import cached_property

BM = "/proc/sys/fs/binfmt_misc"
NAN = float("nan")
SCALE_FRESH = re.compile(r"^scale-(\d+)-fresh\.json$")
REACT_FILE = re.compile(r"^react-(\d+)-(\w+)\.json$")
CALLGRIND_LIST = re.compile(r"^callgrind-list-(\d+)\.txt$")
# The events bench-tool react makes (sandbox.sh, section daemon), in the order the report lists them.
EVENTS = (("flush", "flush by another process (`echo -1 > status`)"),
          ("remove", "one entry removed (`echo -1 > qemu-aarch64`)"),
          ("addconf", "config file added (`zz-added.toml`, one extension entry)"),
          ("rename", "F interpreter replaced by rename(2) (re-registered, re-pinned)"),
          ("mount", "binfmt_misc unmounted, then a new instance mounted"))
# binfmt_misc flags a binfmt-support format file can express (gen.py binfmts writes these three).
BINFMTS_FLAGS = "CFP"
FLAG_NAMES = {"O": "open-binary", "C": "credentials", "F": "fix-binary", "P": "preserve-argv0"}


def not_measured(what):
    return "Not measured in this run (no %s in the results)." % what


# ---------------------------------------------------------------- numbers and formatting

def pct(values, q):
    """The q-quantile of values (linear interpolation), NaN for none."""
    s = sorted(values)
    if not s:
        return NAN
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def med(values):
    return statistics.median(values) if values else NAN


def ratio(a, b):
    return a / b if b else NAN


def missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def num(spec, x):
    """x formatted with spec, or "?" when it was not measured."""
    return "?" if missing(x) else spec % x


def ms(us):
    """Microseconds as milliseconds: two decimals under 100 ms, one above; "?" when not measured."""
    if missing(us):
        return "?"
    return "%.2f" % (us / 1000.0) if us < 100_000 else "%.1f" % (us / 1000.0)


def spread(values):
    """min-max and the interquartile range, in ms."""
    s = sorted(values)
    return "%s-%s (IQR %s-%s)" % (ms(s[0]), ms(s[-1]), ms(pct(s, 0.25)), ms(pct(s, 0.75)))


def paired_ratios(a, b):
    """Per-round ratios of two interleaved series (bench-tool run keeps them in round order)."""
    return sorted(x / y for x, y in zip(a["wall_us"], b["wall_us"]) if y)


def paired(a, b):
    r = paired_ratios(a, b)
    return "%.2f (%.2f-%.2f)" % (pct(r, 0.5), pct(r, 0.25), pct(r, 0.75)) if r else "?"


def rate(v):
    """Calls per second of a bench-dbus result."""
    return v["calls"] / v["total_us"] * 1e6 if v.get("total_us") else NAN


def or_unknown(value):
    return "?" if value is None else value


def md_row(cells):
    return "|" + "|".join(" %s " % c if c != "" else " " for c in cells) + "|"


def md_table(header, rows):
    lines = [md_row(header), "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join([*lines, *(md_row(r) for r in rows)])


def code_block(lines):
    return "```\n%s\n```" % "\n".join(lines)


def blocks(*parts):
    """Paragraphs, tables and code blocks separated by blank lines (None and "" left out)."""
    return "\n\n".join(p for p in parts if p)


def words(items):
    """a, b and c."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------- parsers of the tools' text output

def kb_field(txt, name):
    """A `Name: N kB` field of /proc/PID/status or smaps_rollup."""
    m = re.search(r"^%s:\s*(\d+)" % re.escape(name), txt, re.M)
    return int(m.group(1)) if m else None


def strace_total(txt):
    """The total call count of `strace -c`."""
    m = re.search(r"^\s*100\.00\s+\S+\s+\d+\s+(\d+)\s+(\d+)?\s*total", txt, re.M)
    return int(m.group(1)) if m else None


def strace_counts(txt):
    """{syscall: calls} of `strace -c`."""
    out = {}
    for line in txt.splitlines():
        parts = line.split()
        if len(parts) >= 5 and re.match(r"^\d+\.\d+$", parts[0]) and parts[-1] != "total":
            out[parts[-1]] = int(parts[3])
    return out


def strace_top(txt, n=6):
    rows = sorted(((calls, name) for name, calls in strace_counts(txt).items()), reverse=True)
    return ", ".join("%s %d" % (name, calls) for calls, name in rows[:n])


def binfmt_opens(txt):
    """(every open under binfmt_misc, those for writing, accesses to register/status) of `strace -e`."""
    lines = txt.splitlines()
    opens = [l for l in lines if re.search(r'open(at2?)?\(.*"%s' % re.escape(BM), l)]
    writes = [l for l in opens if re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", l)]
    control = [l for l in lines if BM + "/register" in l or BM + "/status" in l]
    return opens, writes, control


CG_LINE = re.compile(r"^\s*[\d,]+ \(\s*([\d.]+)%\)\s+(.*)$")


def cg_lines(txt):
    """The function lines of a callgrind_annotate listing, library paths shortened."""
    out = []
    for line in txt.splitlines():
        if CG_LINE.match(line):
            line = re.sub(r"\[/[^\]]*/", "[", line)
            line = line.replace("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
                                "std::string")
            out.append(line[:170])
    return out


def cg_share(txt, pattern):
    """Inclusive share (%) of the first function matching pattern in a callgrind listing, else None."""
    for line in txt.splitlines():
        m = CG_LINE.match(line)
        if m and re.search(pattern, m.group(2)):
            return float(m.group(1))
    return None


def cg_share_text(txt, pattern):
    """The share as "12%", or, for a function the listing (its top lines only) does not show, a bound."""
    share = cg_share(txt, pattern)
    if share is not None:
        return "%.0f%%" % share
    shares = [float(m.group(1)) for m in map(CG_LINE.match, txt.splitlines()) if m]
    return "under %.1f%%" % min(shares) if shares else "not in the listing"


def cg_total(txt):
    m = re.search(r"^([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", txt, re.M)
    return int(m.group(1).replace(",", "")) if m else None


def perf_csv(txt):
    """{event: value} from `perf stat -x,` output (task-clock in ms, page-faults a count)."""
    out = {}
    for line in txt.splitlines():
        parts = line.split(",")
        if len(parts) >= 3 and not line.startswith("#"):
            try:
                out[parts[2].split(":")[0]] = float(parts[0])
            except ValueError:
                pass
    return out


def time_v_maxrss(txt):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- the results of one run

@dataclass
class PresetFacts:
    total: int
    native: int
    host_families: list
    registrable: int


@dataclass
class Libraries:
    """What the dynamic loader maps for one binary (gen.py libs: ldd and readelf -d)."""
    direct: list
    loaded: dict

    @property
    def count(self):
        return len(self.loaded)

    def closure(self, soname, seen=None):
        seen = set() if seen is None else seen
        for dep in self.loaded.get(soname, {}).get("needed") or []:
            if dep in self.loaded and dep not in seen:
                seen.add(dep)
                self.closure(dep, seen)
        return seen

    def brought_by(self):
        """{direct library: the loaded libraries only it brings}, each one given to the direct library
        with the smallest dependency closure that holds it."""
        closures = {d: self.closure(d) for d in self.direct if d in self.loaded}
        out = {d: [] for d in closures}
        for lib in sorted(self.loaded):
            if lib in self.direct:
                continue
            holders = [d for d, c in closures.items() if lib in c]
            if holders:
                out[min(holders, key=lambda d: (len(closures[d]), d))].append(lib)
        return out

    def bind_now(self):
        return sorted(s for s, v in self.loaded.items() if v.get("bind_now"))


class Measurements:
    """The files one run left in OUT, each read once, on first use."""

    def __init__(self, out):
        self.out = out
        self._cache = {}

    def has(self, name):
        return os.path.exists(os.path.join(self.out, name))

    def names(self, pattern):
        """[(match, file name)] of the files in OUT matching pattern."""
        try:
            listing = sorted(os.listdir(self.out))
        except OSError:
            return []
        return [(m, n) for m, n in ((pattern.match(n), n) for n in listing) if m]

    def text(self, name):
        if ("text", name) not in self._cache:
            try:
                with open(os.path.join(self.out, name)) as f:
                    self._cache["text", name] = f.read()
            except FileNotFoundError:
                self._cache["text", name] = ""
        return self._cache["text", name]

    def json(self, name, default=None):
        if ("json", name) not in self._cache:
            txt = self.text(name)
            try:
                self._cache["json", name] = json.loads(txt) if txt.strip() else None
            except ValueError as e:
                sys.stderr.write("report.py: %s: not JSON (%s), left out\n" % (name, e))
                self._cache["json", name] = None
        value = self._cache["json", name]
        return default if value is None else value

    @cached_property
    def machine(self):
        return self.json("machine.json", {})

    @cached_property
    def run(self):
        return self.json("run.json", {})

    @cached_property
    def boot(self):
        return self.json("boot.json", {})

    @cached_property
    def presets(self):
        presets = self.json("presets.json")
        if not isinstance(presets, list):
            return None
        native = [p for p in presets if p.get("native")]
        return PresetFacts(total=len(presets), native=len(native),
                           host_families=sorted({p.get("family", "?") for p in native}),
                           registrable=sum(1 for p in presets if not p.get("native") and p.get("interpreter")))

    def libraries(self, binary):
        rec = self.json("libs.json", {}).get(binary)
        return Libraries(direct=rec.get("needed") or [], loaded=rec.get("libs") or {}) if rec else None

    @cached_property
    def boot_entries(self):
        """How many entries the boot section registered (one register string each)."""
        return len(self.text("boot-lines.txt").splitlines()) if self.has("boot-lines.txt") else None

    @cached_property
    def boot_flags(self):
        """The flags field most of the boot section's register strings carry."""
        flags = [l.rsplit(":", 1)[-1] for l in self.text("boot-lines.txt").splitlines() if l.startswith(":")]
        return max(set(flags), key=flags.count) if flags else None

    @cached_property
    def daemon_entries(self):
        """How many entries the daemon section's binfmtd registered from the presets."""
        return self.json("daemon-entries.json", {}).get("entries")

    def list_entries(self, name):
        """How many entries a List call over D-Bus returned (bench-dbus counts them)."""
        v = self.json(name, {}).get("list")
        return v.get("entries") if v else None

    @cached_property
    def build_dir(self):
        if self.machine.get("build_dir"):
            return self.machine["build_dir"]
        # Older runs did not record it: the commands name the binaries inside it.
        for name in ("boot.json", "startup.json", "cli-34.json"):
            for v in self.json(name, {}).values():
                m = re.match(r"^(/\S+?)/(daemon/binfmtd|client/binfmtctl)\b", v.get("cmd", ""))
                if m:
                    return m.group(1)
        return None

    @cached_property
    def source_dir(self):
        return self.machine.get("source_dir")

    def tidy(self, cmd):
        """A command line with the run's temporary paths replaced by names the reader can map."""
        cmd = re.sub(r"/tmp/binfmtd-bench\.[A-Za-z0-9]+", "$T", cmd)
        if self.build_dir:
            cmd = cmd.replace(self.build_dir, "$BUILD")
        if self.source_dir:
            cmd = cmd.replace(self.source_dir, ".")
        return cmd

    def debounces(self):
        """The --debounce-ms values the reaction measurements used, in increasing order."""
        return sorted({int(m.group(1)) for m, _ in self.names(REACT_FILE)})

    def scale_sizes(self):
        return sorted(int(m.group(1)) for m, _ in self.names(SCALE_FRESH))


# ---------------------------------------------------------------- headline findings and targets

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


# ---------------------------------------------------------------- shared facts in words

def presets_phrase(m):
    p = m.presets
    return "the %d presets" % p.total if p else "the qemu presets"


def library_summary(libs):
    """The libraries a binary loads, in words: those it links, what the largest of them bring, BIND_NOW."""
    parts = ["%d linked directly: %s" % (len(libs.direct), ", ".join(libs.direct))]
    brought = sorted(((len(v), d, v) for d, v in libs.brought_by().items() if v), reverse=True)
    if brought:
        _, lib, extra = brought[0]
        parts.append("%s brings %d more: %s" % (lib, len(extra), ", ".join(extra)))
    now = libs.bind_now()
    parts.append("linked with BIND_NOW: %s" % (", ".join(now) if now else "none"))
    return "; ".join(parts)


# ---------------------------------------------------------------- the sections

def section_title(m):
    quick = "**QUICK RUN (`bench/run.sh --quick`): a few repetitions only; not for quoting.**" \
        if m.machine.get("quick") else None
    return blocks("# binfmtd benchmarks",
                  "Generated by `scripts/dev bench` (`bench/run.sh`); do not edit by hand. Every number below comes "
                  "from the run described here, on this machine; re-run `scripts/dev bench` to regenerate the whole file.",
                  quick)


def section_machine(m):
    mc, run = m.machine, m.run
    if not mc:
        return blocks("The machine was not described in this run (no `machine.json` in the results).", how_measured(m))
    mem = "%.1f GiB" % (mc["mem_kb"] / 1048576.0) if mc.get("mem_kb") else "?"
    table = md_table(["machine", ""], [
        ["date", mc.get("date", "?")],
        ["CPU", "%s, %s online CPUs" % (mc.get("cpu", "?"), mc.get("nproc", "?"))],
        ["memory", mem],
        ["kernel", mc.get("kernel", "?")],
        ["OS", mc.get("os", "?")],
        ["compiler", "%s, `CMAKE_BUILD_TYPE=Release`" % mc.get("compiler", "?")],
        ["binfmtd", mc.get("commit", "?")],
        ["anchors", "systemd-binfmt %s, binfmt-support (update-binfmts) %s, dbus-daemon %s" % (
            mc.get("systemd", "?"), mc.get("binfmt_support") or "not available", mc.get("dbus", "?"))],
        ["load average (1/5/15 min)", "%s before, %s after" % (mc.get("load_before", "?"), run.get("load_after", "?"))],
        ["whole run", "%s s" % run.get("seconds", "?")],
    ])
    return blocks(table, load_note(mc), how_measured(m))


def load_note(mc):
    try:
        load1 = float(mc.get("load_before", "0").split()[0])
    except (ValueError, IndexError):
        return None
    if load1 < 1.0:  # less than one CPU's worth of other work
        return None
    return ("> Note: the load average was %.2f when this run started: other work shared the %s CPUs, so the spreads "
            "are wider than on an idle machine. Medians of interleaved runs keep the comparisons fair; absolute "
            "numbers are pessimistic." % (load1, mc.get("nproc", "?")))


def how_measured(m):
    build = ""
    if m.build_dir:
        shown = m.build_dir
        if m.source_dir and (m.build_dir + "/").startswith(m.source_dir.rstrip("/") + "/"):
            shown = os.path.relpath(m.build_dir, m.source_dir) + "/"
        build = " (`%s`)" % shown
    return ("How it is measured: each section runs in its own `unshare --user --map-root-user --mount` sandbox "
            "(`bench/sandbox.sh SECTION`) with its own binfmt_misc instance mounted at `%s` inside "
            "that namespace (Linux >= 6.7 gives every user namespace its own table; the host's table is never mounted or "
            "written). Every sandbox runs at `nice -n -10`, anchors included, so that other work on a shared machine "
            "preempts the measured processes less. Process timings come from `bench-tool run` (bench/tool.c): interleaved "
            "rounds, every tool once per round with the first tool rotating, wall time from spawn to reap, peak RSS from "
            "`wait4`; the table is re-created (unmount + mount = a fresh, empty instance) before each run and checked after "
            "it. `$T` is the section's temporary directory and `$BUILD` the Release build%s." % (BM, build))


def section_headline(m):
    f = findings(m)
    if not f.headline and not f.targets:
        return blocks("## Headline", "Nothing was measured in this run.")
    bullets = "\n".join("- " + h for h in f.headline)
    table = md_table(["target", "measured", "met"],
                     [[t.label, t.measured, "yes" if t.met else "**no**"] for t in f.targets])
    return blocks("## Headline", bullets, table)


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


@dataclass
class ScalePoint:
    n: int
    fresh: float
    floor: float
    noop: float
    list_p50: float
    describe_p50: float
    ready: object
    rss: object


def scale_points(m):
    pts = []
    for n in m.scale_sizes():
        fresh = m.json("scale-%d-fresh.json" % n, {})
        if "binfmtd" not in fresh or "floor" not in fresh:
            continue
        noop = m.json("scale-%d-noop.json" % n, {})
        calls = {}
        for t in ("list", "describe"):
            calls.update(m.json("scale-%d-%s.json" % (n, t), {}))
        ready = m.json("scale-%d-ready.json" % n, {}).get("ready_us")
        pts.append(ScalePoint(n=n, fresh=med(fresh["binfmtd"]["wall_us"]), floor=med(fresh["floor"]["wall_us"]),
                              noop=med(noop["binfmtd"]["wall_us"]) if "binfmtd" in noop else NAN,
                              list_p50=pct(calls["list"]["us"], 0.5) if "list" in calls else NAN,
                              describe_p50=pct(calls["describe"]["us"], 0.5) if "describe" in calls else NAN,
                              ready=ready[0] if ready else None,
                              rss=m.json("scale-%d-footprint.json" % n, {}).get("rss_kb")))
    return pts


def slopes(a, b):
    """Marginal cost per entry (us) between two scale points."""
    d = b.n - a.n
    return {"fresh": (b.fresh - a.fresh) / d, "floor": (b.floor - a.floor) / d, "noop": (b.noop - a.noop) / d,
            "list": (b.list_p50 - a.list_p50) / d, "describe": (b.describe_p50 - a.describe_p50) / d}


def scale_cpu(m):
    """[(N, call, binfmtd us/call, dbus-daemon us/call)] from the schedstat deltas."""
    out = []
    for n in m.scale_sizes():
        for t in ("list", "describe"):
            cpu = m.json("scale-%d-%s-cpu.json" % (n, t))
            if cpu and cpu.get("calls"):
                out.append((n, t, cpu["daemon_cpu_ns"] / cpu["calls"] / 1000.0, cpu["bus_cpu_ns"] / cpu["calls"] / 1000.0))
    return out


@dataclass
class ListProfile:
    per_entry: float
    for_dbus: object
    manager_list: object


def list_instructions(m):
    """{N: instructions inside BusService::List per call and entry, and two functions' shares}."""
    out = {}
    for match, name in m.names(CALLGRIND_LIST):
        n, txt = int(match.group(1)), m.text(name)
        total, calls = cg_total(txt), re.search(r"^calls: (\d+)", txt, re.M)
        if total and calls and int(calls.group(1)):
            out[n] = ListProfile(total / int(calls.group(1)) / n, cg_share(txt, r"for_dbus"),
                                 cg_share(txt, r"Manager::list\(\)"))
    return out


def share(value):
    return "%.0f%%" % value if value is not None else "not listed"


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


# ---------------------------------------------------------------- analysis of what missed

def analysis_floor(m, missed):
    boot = m.boot
    if "boot-floor" not in missed:
        return None
    pb, pv, pt, pf = (perf_csv(m.text("perf-boot-%s.txt" % n)) for n in ("binfmtd", "binfmtd-version", "true", "floor"))
    parts = []
    libs = m.libraries("binfmtd")
    if pb and pv and pt and pf:
        parts.append("in CPU time (perf task-clock, which waiting for a CPU does not inflate) a fresh `--once` "
                     "takes %.2f ms and the floor %.2f ms, but `binfmtd --version`, which only starts and exits, "
                     "already takes %.2f ms against %.2f ms for `/bin/true`: the start alone is %.1fx the floor's "
                     "whole run, before any work" % (pb["task-clock"], pf["task-clock"], pv["task-clock"],
                                                     pt["task-clock"], ratio(pv["task-clock"], pf["task-clock"])))
        count = libs.count if libs else m.machine.get("binfmtd_libs")
        what = " (%s)" % library_summary(libs) if libs else ""
        parts.append("that start is loading %s shared libraries%s: perf counts %.0f page faults for `--version`, "
                     "%.0f for a fresh `--once`, %.0f for the floor and %.0f for `/bin/true`" % (
                         or_unknown(count), what, pv["page-faults"], pb["page-faults"], pf["page-faults"],
                         pt["page-faults"]))
    else:
        st = m.json("startup.json", {})
        if "binfmtd-version" in st and "true" in st:
            parts.append("`binfmtd --version`, which only starts and exits, takes %s ms against %s ms for `/bin/true`" % (
                ms(med(st["binfmtd-version"]["wall_us"])), ms(med(st["true"]["wall_us"]))))
    cg = m.text("callgrind-once.txt")
    if cg:
        parts.append("callgrind puts %s of a fresh run's instructions in the dynamic loader (`_dl_start`, "
                     "symbol relocation) and %s in `Reconciler::reconcile` (configuration %s, interpreter "
                     "checks %s, the state file %s)" % (
                         cg_share_text(cg, r"_dl_start"), cg_share_text(cg, r"Reconciler::reconcile"),
                         cg_share_text(cg, r"load_config_dirs"), cg_share_text(cg, r"check_interpreter"),
                         cg_share_text(cg, r"OwnershipStore::(save|load)")))
    sb, sf = m.text("strace-boot-binfmtd.txt"), m.text("strace-boot-floor.txt")
    if sb and sf:
        parts.append("it makes %s syscalls where the floor makes %s (%s)" % (
            strace_total(sb), strace_total(sf), strace_top(sb, 3)))
    floor_libs = m.libraries("floor")
    floor = "the floor is a C program linked against %s only" % words(floor_libs.direct) if floor_libs \
        else "the floor is a C program"
    writes = "the same %d writes" % m.boot_entries if m.boot_entries is not None else "the same writes"
    sd_libs = m.libraries("systemd-binfmt")
    reason = ": it loads %d shared libraries too (%s directly)" % (sd_libs.count, words(sd_libs.direct)) \
        if sd_libs else ""
    return ("**binfmtd --once vs the floor (paired %.1fx, target 2x): missed, and out of reach for a "
            "process built like this one.** The kernel's work is %s in both; %s that writes prepared strings, so its "
            "run is mostly exec itself. For binfmtd: %s. systemd-binfmt, the reference, is %.1fx the floor (paired) "
            "for the same reason%s." % (
                pct(paired_ratios(boot["binfmtd"], boot["floor"]), 0.5), writes, floor, "; ".join(parts),
                pct(paired_ratios(boot["systemd-binfmt"], boot["floor"]), 0.5), reason))


def analysis_left_to_cut(m, missed):
    if "boot-floor" not in missed:
        return None
    pb, pv, pt, pf = (perf_csv(m.text("perf-boot-%s.txt" % n)).get("task-clock")
                      for n in ("binfmtd", "binfmtd-version", "true", "floor"))
    gap = ""
    if all(x is not None for x in (pb, pv, pt, pf)) and pb > pf:
        gap = ", which (`binfmtd --version` less `/bin/true`, %.2f ms) is %.0f%% of the gap to the floor (%.2f ms " \
              "of CPU time)" % (pv - pt, 100.0 * (pv - pt) / (pb - pf), pb - pf)
    libs = m.libraries("binfmtd")
    bus = [d for d in libs.direct if re.search(r"dbus|systemd", d)] if libs else []
    without = " (a separate `--once` executable without %s, or static linking with `-Wl,--gc-sections`)" % words(bus) \
        if bus else " (static linking with `-Wl,--gc-sections`, or a separate `--once` executable)"
    met = " (the systemd-binfmt target is already met)" if "boot-systemd" not in missed else ""
    return "What is left to cut%s: loading fewer shared libraries%s would shorten the start%s." % (met, without, gap)


def analysis_reaction(m, missed):
    slow = []
    for deb in m.debounces():
        if "reaction-%d" % deb not in missed:
            continue
        target = reaction_target_ms(deb)
        slow += ["%s with `--debounce-ms %d` (median %s ms, %s ms over the debounce)" % (
            ev, deb, ms(pct(v, 0.5)), ms(pct(v, 0.5) - deb * 1000)) for ev, _, v in reaction_rows(m, deb)
            if pct(v, 0.5) >= target * 1000]
    if not slow:
        return None
    return "**Reaction latency** missed its target (50 ms after the debounce) for: %s." % "; ".join(slow)


def analysis_idle_rss(m, missed):
    if "idle-rss" not in missed:
        return None
    fp, ready, roll = m.json("footprint.json", {}), m.text("status-ready.txt"), m.text("smaps-rollup-ready.txt")
    top = smaps_rows(m, 6)
    files = [(kb, name) for kb, name in smaps_rows(m) if name.startswith("/")]
    libs = m.libraries("binfmtd")
    fewer = "Getting VmRSS itself under 4 MiB means mapping fewer libraries"
    if libs:
        brought = sorted(((len(v), d, v) for d, v in libs.brought_by().items() if v), reverse=True)
        if brought:
            fewer += ": %s alone brings %s" % (brought[0][1], words(brought[0][2]))
    if files:
        fewer += "%s %s is the largest single mapping" % (", and" if libs else ";", os.path.basename(files[0][1]))
    return ("**Idle RSS (target 4 MiB): missed on VmRSS; the daemon's proportional share (Pss) is %s it.** Of "
            "the %s kB VmRSS only %s kB are anonymous (the daemon's own heap, stack and relocated data); "
            "the rest is file-backed pages (%s), counted in full by VmRSS although shared libraries "
            "sit in the page cache once for every process that maps them (the kernel also maps "
            "neighbouring cached pages on each fault, which VmRSS counts). Pss, which divides shared "
            "pages among their users, is %s kB. %s." % (
                "under" if (kb_field(roll, "Pss") or 1e9) <= 4096 else "over",
                fp.get("rss_ready_kb"), kb_field(ready, "RssAnon"),
                ", ".join("%s %s kB" % (os.path.basename(n), k) for k, n in top), kb_field(roll, "Pss"), fewer))


def analysis_scale(m):
    cg, pts = m.text("callgrind-scale-1000-noop.txt"), scale_points(m)
    if not cg or not pts:
        return None
    p, st = pts[-1], m.text("strace-scale-1000-noop.txt")
    total = strace_total(st) if st else None
    return ("**Per-entry cost at scale** (%.0f us/entry for a fresh --once vs %.1f us/entry for the floor "
            "at N=%d: %s, %.0fx the kernel's cost). Profile of a no-op reconcile of 1000 entries "
            "(callgrind, inclusive): TOML parsing %s (`parse_config_text`), interpreter checks "
            "%s (`check_interpreter`; %s syscalls per entry), reading the state file %s "
            "(`OwnershipStore::load`), planning %s (`make_plan`). Keeping the parsed configuration per file "
            "(re-parsing only files whose inode, mtime or size changed) and the state in memory would leave mostly "
            "the kernel's own reads of each entry file." % (
                p.fresh / p.n, p.floor / p.n, p.n,
                {True: "linear", False: "not linear", None: "linearity not judged"}[scale_linear(m)],
                ratio(p.fresh, p.floor),
                cg_share_text(cg, r"parse_config_text"), cg_share_text(cg, r"check_interpreter"),
                "%.1f" % (total / 1000.0) if total is not None else "?",
                cg_share_text(cg, r"OwnershipStore::load"), cg_share_text(cg, r"make_plan")))


def scale_linear(m):
    """True or False as the linearity target was met, None when it could not be judged."""
    targets = scale_findings(m).targets
    return targets[0].met if targets else None


def analysis_list(m):
    ir = list_instructions(m)
    cpu = {n: d for n, t, d, _ in scale_cpu(m) if t == "list"}
    if len(ir) < 2:
        return None
    n1, n2 = min(ir), max(ir)
    if n1 not in cpu or n2 not in cpu:
        return None
    growth = 100.0 * (ir[n2].per_entry / ir[n1].per_entry - 1)
    flat = abs(growth) < 25
    why = ": with the work per entry flat, most likely cache misses, the working set being %.0f times larger" % (
        n2 / n1) if flat and cpu[n2] / n2 > cpu[n1] / n1 else ""
    return ("**List at scale.** Its instruction count per entry %s (%.0f at %d entries, %.0f at %d: %+.0f%%), while "
            "binfmtd's CPU time per entry goes from %.2f to %.2f us%s. `for_dbus` takes %s of the instructions at %d "
            "entries and `Manager::list` %s." % (
                "is flat" if flat else "grows", ir[n1].per_entry, n1, ir[n2].per_entry, n2, growth,
                cpu[n1] / n1, cpu[n2] / n2, why, share(ir[n2].for_dbus), n2, share(ir[n2].manager_list)))


def analysis_regunreg(m):
    rr = m.json("regunreg-reconciles.json")
    if not rr or not rr.get("cycles"):
        return None
    ru = m.json("dbus-34-regunreg.json", {})
    reasons = m.text("regunreg-reasons.txt").strip()
    per_cycle = rr["reconciles"] / rr["cycles"]
    entries = m.list_entries("dbus-34.json")
    speed = " (%.0f cycles/s)" % rate(next(iter(ru.values()))) if ru else ""
    return ("**Register + Unregister**%s: %.2f reconciles per cycle, %.2f of them started "
            "by a watcher%s. So a cycle costs %.2f full reconciles of the %s-entry configuration." % (
                speed, per_cycle, rr.get("triggered", 0) / rr["cycles"],
                " (%s)" % "; ".join(" ".join(l.split()) for l in reasons.splitlines()) if reasons else "",
                per_cycle, or_unknown(entries)))


def section_analysis(m):
    missed = {t.key for t in findings(m).targets if not t.met}
    parts = [analysis_floor(m, missed), analysis_left_to_cut(m, missed), analysis_reaction(m, missed),
             analysis_idle_rss(m, missed), analysis_scale(m), analysis_list(m), analysis_regunreg(m)]
    parts = [p for p in parts if p]
    return blocks("## Analysis: what missed and where the time goes", *parts) if parts else None


def section_reproducing(m):
    return blocks("## Reproducing",
                  "`scripts/dev bench` (as root, Debian 12, Linux >= 6.7) installs hyperfine, strace, GNU time and valgrind, "
                  "unpacks binfmt-support into the build directory (never installed: its postinst would start "
                  "`update-binfmts --enable` on the host's table), builds `build-bench/` in Release, runs "
                  "`unshare --user --map-root-user --mount bench/sandbox.sh SECTION` for the sections `idle` (in the "
                  "background), `boot`, `daemon`, `dbus1000`, `scale 100`, `scale 1000`, `scale 10000`, and writes this file "
                  "with `bench/report.py` from the raw results it leaves in `build-bench/bench-out/` (`python3 bench/report.py "
                  "build-bench/bench-out` re-renders it). `bench/run.sh --quick` does a few repetitions only, to try the "
                  "scripts.")


SECTIONS = (section_title, section_machine, section_headline, section_boot, section_ready, section_reaction,
            section_dbus, section_footprint, section_scale, section_analysis, section_reproducing)


def render(m):
    return blocks(*(s(m) for s in SECTIONS)) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="report.py", description="Write the benchmark report (Markdown) on stdout "
                                 "from the raw results bench/sandbox.sh left in OUT.")
    ap.add_argument("out", metavar="OUT", help="the results directory (e.g. build-bench/bench-out)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.out):
        ap.error("%s is not a directory" % args.out)
    sys.stdout.write(render(Measurements(args.out)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
