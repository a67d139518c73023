#!/usr/bin/env python3
"""Generates the benchmark inputs (bench/run.sh) and records the facts the report states.

  gen.py presets-toml BINFMTCTL OUT.toml [PRESETS.json]
                                                every qemu preset (`binfmtctl --json presets`;
                                                that list is kept in PRESETS.json); prints how
                                                many of them binfmtd registers here (not the
                                                host's family, interpreter installed)
  gen.py ext-toml N DIR INTERP [PER_FILE]       N extension entries, PER_FILE (100) per file
  gen.py lines BINFMT_DIR OUT                   the kernel table as register strings, one a line
  gen.py binfmt-d BINFMT_DIR OUTDIR             the same as systemd binfmt.d files, one per entry
  gen.py binfmts BINFMT_DIR OUTDIR              the same as binfmt-support format files
  gen.py libs OUT.json NAME=BINARY...           the shared libraries each BINARY loads (ldd) and,
                                                for each, its NEEDED entries and whether it is
                                                linked with BIND_NOW (readelf -d)
"""
import json
import os
import re
import subprocess
import sys


def read_table(d):
    """Kernel entries of a binfmt_misc directory, in name order."""
    out = []
    for name in sorted(os.listdir(d)):
        if name in ("register", "status"):
            continue
        fields = {"name": name}
        with open(os.path.join(d, name)) as f:
            lines = f.read().splitlines()
        fields["enabled"] = lines[0] == "enabled"
        for line in lines[1:]:
            key, _, value = line.partition(" ")
            fields[key.rstrip(":")] = value
        out.append(fields)
    return out


def esc(hexstr):
    return "".join("\\x" + hexstr[i:i + 2] for i in range(0, len(hexstr), 2))


def register_line(e):
    flags = e.get("flags", "")
    if "extension" in e:
        return ":%s:E::%s::%s:%s" % (e["name"], e["extension"].lstrip("."), e["interpreter"], flags)
    return ":%s:M:%s:%s:%s:%s:%s" % (e["name"], e.get("offset", "0"), esc(e["magic"]), esc(e.get("mask", "")),
                                     e["interpreter"], flags)


def dynamic_section(path):
    """(NEEDED sonames, linked with BIND_NOW) of an ELF file, from `readelf -d`; None if unknown."""
    try:
        txt = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, None
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", txt)
    flags = " ".join(re.findall(r"\((?:FLAGS|FLAGS_1)\)\s+(?:Flags: )?(.*)", txt))
    return needed, bool(re.search(r"\bBIND_NOW\b|\bNOW\b", flags)) or "(BIND_NOW)" in txt


def loaded_libraries(path):
    """{soname: resolved path} of every library the dynamic loader maps for path (ldd)."""
    txt = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s*(\S+) => (/\S+)", txt, re.M)}


def libs_record(binary):
    needed, bind_now = dynamic_section(binary)
    libs = {}
    for soname, path in loaded_libraries(binary).items():
        lib_needed, lib_now = dynamic_section(path)
        libs[soname] = {"path": path, "needed": lib_needed, "bind_now": lib_now}
    return {"path": binary, "needed": needed, "bind_now": bind_now, "libs": libs}


def presets_toml(binfmtctl, toml_path, json_path=None):
    raw = subprocess.run([binfmtctl, "--json", "presets"], check=True, capture_output=True, text=True).stdout
    presets = json.loads(raw)
    with open(toml_path, "w") as f:
        for p in presets:
            f.write('[%s]\npreset = "%s"\n\n' % (p["name"], p["name"]))
    if json_path:
        with open(json_path, "w") as f:
            f.write(raw)
    return sum(1 for p in presets if not p.get("native") and p.get("interpreter"))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "presets-toml":
        print(presets_toml(argv[2], argv[3], argv[4] if len(argv) > 4 else None))
    elif cmd == "ext-toml":
        n, d, interp = int(argv[2]), argv[3], argv[4]
        per = int(argv[5]) if len(argv) > 5 else 100
        os.makedirs(d, exist_ok=True)
        for start in range(0, n, per):
            with open(os.path.join(d, "ext-%05d.toml" % start), "w") as f:
                for i in range(start, min(n, start + per)):
                    f.write('[x%05d]\nextension = "x%05d"\ninterpreter = "%s"\n\n' % (i, i, interp))
    elif cmd == "lines":
        with open(argv[3], "w") as f:
            for e in read_table(argv[2]):
                f.write(register_line(e) + "\n")
    elif cmd == "binfmt-d":
        os.makedirs(argv[3], exist_ok=True)
        for e in read_table(argv[2]):
            with open(os.path.join(argv[3], e["name"] + ".conf"), "w") as f:
                f.write(register_line(e) + "\n")
    elif cmd == "binfmts":
        os.makedirs(argv[3], exist_ok=True)
        for e in read_table(argv[2]):
            flags = e.get("flags", "")
            with open(os.path.join(argv[3], e["name"]), "w") as f:
                f.write("package bench\ninterpreter %s\n" % e["interpreter"])
                if "extension" in e:
                    f.write("extension %s\n" % e["extension"].lstrip("."))
                else:
                    f.write("magic %s\noffset %s\nmask %s\n" % (esc(e["magic"]), e.get("offset", "0"),
                                                               esc(e.get("mask", ""))))
                f.write("credentials %s\nfix_binary %s\npreserve %s\n" % (
                    "yes" if "C" in flags else "no", "yes" if "F" in flags else "no",
                    "yes" if "P" in flags else "no"))
    elif cmd == "libs":
        record = {}
        for spec in argv[3:]:
            name, _, binary = spec.partition("=")
            if os.path.exists(binary):
                record[name] = libs_record(binary)
        with open(argv[2], "w") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
