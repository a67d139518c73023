"""The report's sections in order, the whole document, and the command line."""
import argparse
import os
import sys

from .markdown import blocks
from .measurements import Measurements
from .sections_machine import section_headline, section_machine, section_reproducing, section_title
from .sections_boot import section_boot, section_reaction, section_ready
from .sections_dbus import section_dbus, section_footprint, section_scale
from .sections_analysis import section_analysis


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
