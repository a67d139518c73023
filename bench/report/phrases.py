"""Facts shared by several sections, in words."""


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
