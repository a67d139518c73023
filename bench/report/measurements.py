"""The results of one run: the files in OUT, read once, and the facts drawn from them."""
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import cached_property

from .numbers import NAN, med, pct
from .parsers import cg_share, cg_total


SCALE_FRESH = re.compile(r"^scale-(\d+)-fresh\.json$")
REACT_FILE = re.compile(r"^react-(\d+)-(\w+)\.json$")
CALLGRIND_LIST = re.compile(r"^callgrind-list-(\d+)\.txt$")
# The events bench-tool react makes (sandbox.sh, section daemon), in the order the report lists them.
EVENTS = (("flush", "flush by another process (`echo -1 > status`)"),
          ("remove", "one entry removed (`echo -1 > qemu-aarch64`)"),
          ("addconf", "config file added (`zz-added.toml`, one extension entry)"),
          ("rename", "F interpreter replaced by rename(2) (re-registered, re-pinned)"),
          ("mount", "binfmt_misc unmounted, then a new instance mounted"))


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


# The scale points (scale-N-*.json) and the List profile (callgrind-list-N.txt).

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
