"""Numbers and their formatting: quantiles, medians, ratios, milliseconds, spreads, shares."""
import math
import statistics


NAN = float("nan")


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


def share(value):
    return "%.0f%%" % value if value is not None else "not listed"
