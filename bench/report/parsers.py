"""Parsers of the tools' text output: strace -c, callgrind_annotate, perf stat -x, GNU time -v, /proc."""
import re


BM = "/proc/sys/fs/binfmt_misc"


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
