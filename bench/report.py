#!/usr/bin/env python3
"""Writes the benchmark report (bench/REPORT.md) on stdout from the raw results of one run.

  report.py OUT

OUT is the directory bench/sandbox.sh filled (bench/run.sh keeps a copy in build-bench/bench-out).
Every number, and every statement about the machine, the presets or the binaries, comes from the
files in OUT; a section whose files are missing says it was not measured. Nothing else is read.

The code is the package report/ next to this file; this file only puts it on the path and runs it.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from report import SECTIONS, Measurements, main, render  # noqa: E402 (needs HERE on the path)

__all__ = ["Measurements", "SECTIONS", "main", "render"]

if __name__ == "__main__":
    sys.exit(main())
