"""Markdown output: table rows and tables, code blocks, paragraphs, lists in words."""


def not_measured(what):
    return "Not measured in this run (no %s in the results)." % what


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
