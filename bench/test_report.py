#!/usr/bin/env python3
"""Checks bench/report.py against synthetic results shaped like those bench/sandbox.sh writes.

  python3 bench/test_report.py        (ctest: the test "bench: report", label bench)

bench/testdata/out holds one small run: 7 presets (2 of the host's family, x86), 5 entries
registered, 1000 runtime entries in 10 files, scale points 100/1000/10000. The counts the report
prints must be those, and must follow the files when a copy of them is changed.
"""
import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "report.py")
FIXTURE = os.path.join(HERE, "testdata", "out")
SECTIONS = ("## Headline", "## 1. Boot registration", "## 2. Daemon start to READY=1",
            "## 3. Reaction latency", "## 4. D-Bus", "## 5. Footprint", "## 6. Scale", "## Reproducing")


def run_report(*args, cwd=None):
    return subprocess.run([sys.executable, REPORT, *args], capture_output=True, text=True, cwd=cwd, timeout=30)


def load_module():
    spec = importlib.util.spec_from_file_location("bench_report", REPORT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Copy:
    """A scratch copy of the fixture, to change."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="report-test.")
        shutil.copytree(FIXTURE, self.dir, dirs_exist_ok=True)
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def read_json(self, name):
        with open(self.path(name)) as f:
            return json.load(f)

    def write_json(self, name, value):
        with open(self.path(name), "w") as f:
            json.dump(value, f)


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = run_report(FIXTURE)
        if r.returncode != 0:
            raise AssertionError("report.py failed on the fixture (%d):\n%s" % (r.returncode, r.stderr))
        cls.report = r.stdout
        cls.stderr = r.stderr

    def assertIn(self, member, container, msg=None):
        super().assertIn(member, container, msg or "%r not in the report" % member)

    def test_renders_every_section_in_order(self):
        self.assertEqual(self.stderr, "")
        positions = [self.report.find(s) for s in SECTIONS]
        self.assertNotIn(-1, positions, "missing sections: %s" % [s for s, p in zip(SECTIONS, positions) if p < 0])
        self.assertEqual(positions, sorted(positions))
        self.assertIn("## Analysis: what missed and where the time goes", self.report)
        self.assertNotIn("Not measured", self.report)
        self.assertNotIn("nan", self.report)

    def test_counts_come_from_the_fixture(self):
        for text in ("All 5 qemu presets that are not the host's own family (7 presets, 2 of them x86)",
                     "Boot registration of 5 qemu entries",
                     "with the 7 presets and times spawn",
                     "empty table (5 to register), with bus",
                     "holds the 5 qemu entries plus an F entry",
                     "--expect 6 --settle-ms",
                     "| List | 7 |", "| List | 1007 |",
                     "D-Bus with 7 entries", "with 1007: List p50",
                     "the 1000 extra entries are runtime definitions in `$T/root/run/binfmtd.d`, 10 files of 100",
                     "N extension entries (`x00000`..., 100 per file",
                     "VmRSS with 1007 entries",
                     "(the first, with its 5 writes, included)",
                     "The kernel's work is the same 5 writes in both",
                     "loading 9 shared libraries (5 linked directly",
                     "libsystemd.so.0 brings 3 more: libcap.so.2, libgcrypt.so.20, libgpg-error.so.0",
                     "the floor is a C program linked against libc.so.6 only",
                     "its entries get `PF` instead of `POF`",
                     "`$BUILD/daemon/binfmtd --once --root $T/root"):
            self.assertIn(text, self.report)
        # What the previous report hard-coded for another machine must not appear.
        for stale in ("34 presets", "3 of them x86", "31 to register", "31 qemu entries", "--expect 32", "1034"):
            self.assertNotIn(stale, self.report)

    def test_counts_follow_the_data(self):
        with Copy() as c:
            presets = c.read_json("presets.json")
            presets.append({"name": "qemu-x32", "arch": "x32", "family": "x86", "interpreter": "", "native": True})
            presets.append({"name": "qemu-mips", "arch": "mips", "family": "mips", "interpreter": "", "native": False})
            c.write_json("presets.json", presets)
            c.write_json("daemon-entries.json", {"entries": 4})
            d = c.read_json("dbus-34.json")
            d["list"]["entries"] = 9
            c.write_json("dbus-34.json", d)
            shape = c.read_json("dbus1000-config.json")
            c.write_json("dbus1000-config.json", {"files": 4, "entries": shape["entries"]})
            r = run_report(c.dir, cwd=c.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        for text in ("5 of the 6 qemu presets that are not the host's own family (the others have no interpreter "
                     "installed) (9 presets, 3 of them x86)",
                     "with the 9 presets", "empty table (4 to register)", "holds the 4 qemu entries", "--expect 5 ",
                     "| List | 9 |", "D-Bus with 9 entries", "4 files of 250"):
            self.assertIn(text, out, "%r not in the report of the changed copy" % text)
        for old in ("7 presets", "5 to register", "| List | 7 |", "10 files of 100"):
            self.assertNotIn(old, out)

    def test_empty_results_say_not_measured(self):
        with tempfile.TemporaryDirectory() as empty:
            r = run_report(empty)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("Not measured in this run"), 6, r.stdout)
        self.assertIn("Nothing was measured in this run.", r.stdout)
        for s in SECTIONS:
            self.assertIn(s, r.stdout)
        self.assertNotIn("nan", r.stdout)

    def test_any_single_file_missing_or_alone(self):
        report = load_module()
        names = sorted(os.listdir(FIXTURE))
        with Copy() as c:
            for name in names:
                os.rename(c.path(name), c.path(name + ".away"))
                try:
                    out = report.render(report.Measurements(c.dir))
                except Exception as e:
                    raise AssertionError("report fails without %s: %r" % (name, e)) from e
                finally:
                    os.rename(c.path(name + ".away"), c.path(name))
                self.assertNotIn("nan", out, "without %s" % name)
        for name in names:
            with tempfile.TemporaryDirectory() as one:
                shutil.copy(os.path.join(FIXTURE, name), one)
                try:
                    out = report.render(report.Measurements(one))
                except Exception as e:
                    raise AssertionError("report fails with only %s: %r" % (name, e)) from e
                self.assertNotIn("nan", out, "with only %s" % name)

    def test_import_does_no_work(self):
        saved = sys.argv
        sys.argv = ["report.py"]  # no OUT: importing must not look at the command line
        try:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
                module = load_module()
        finally:
            sys.argv = saved
        self.assertEqual(buf.getvalue(), "")
        self.assertTrue(callable(module.main))

    def test_command_line(self):
        self.assertEqual(run_report().returncode, 2)
        self.assertEqual(run_report(os.path.join(FIXTURE, "no-such-dir")).returncode, 2)
        self.assertEqual(run_report(FIXTURE, "extra").returncode, 2)
        report = load_module()
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            self.assertEqual(report.main([FIXTURE]), 0)
        self.assertEqual(buf.getvalue(), self.report)


if __name__ == "__main__":
    unittest.main()
