"""The benchmark report (bench/REPORT.md), written from the raw results of one run.

bench/report.py is the command (report.py OUT); this package holds the code, one file a part:
numbers and markdown (formatting), parsers (the tools' text output), measurements (the files in
OUT and the facts drawn from them), phrases and findings (shared by the sections), the sections_*
files (the report's sections, by topic) and cli (the sections in order, render() and main()).
"""
from .cli import SECTIONS, main, render
from .measurements import Measurements

__all__ = ["Measurements", "SECTIONS", "main", "render"]
