"""The analysis: for each target missed, what it costs and where the time goes."""
import os
import re

from .numbers import med, ms, or_unknown, paired_ratios, pct, rate, ratio, share
from .markdown import blocks, words
from .parsers import cg_share_text, kb_field, perf_csv, strace_top, strace_total
from .measurements import list_instructions, scale_cpu, scale_points
from .phrases import library_summary
from .findings import findings, reaction_rows, reaction_target_ms, scale_findings
from .sections_dbus import smaps_rows


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
